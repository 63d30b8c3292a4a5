"""What the demo generator yields: talents and their education, employment and social-insurance records, in
chunks; and the month arithmetic the records are built with. Plain data: the adapter (``talentpool.registry.demo``)
turns them into rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .reference import NO_HOUSING


@dataclass(slots=True)
class DemoTalent:
    index: int
    id_type: str
    id_number: str
    name: str
    gender: str
    birth_date: date
    phone: str
    email: str
    hukou_division: str
    residence_division: str
    district: str
    arrival_date: date | None
    tier: str = ""
    tier_basis: str = ""
    tier_date: date | None = None
    honours: list[str] = field(default_factory=list)
    spouse_index: int | None = None
    owns_property: bool = False
    property_division: str = ""
    property_purchase_date: date | None = None
    housing: str = NO_HOUSING


@dataclass(slots=True)
class DemoEducation:
    talent_index: int
    degree: str
    full_time: bool
    overseas: bool
    overseas_certified: bool
    university_code: str
    university_name: str
    major_code: str
    graduation_date: date
    diploma_date: date | None


@dataclass(slots=True)
class DemoEmployment:
    talent_index: int
    enterprise_index: int
    start_date: date
    end_date: date | None
    position: str
    occupation_code: str


@dataclass(slots=True)
class DemoInsurance:
    talent_index: int
    from_month: date
    to_month: date
    division: str
    back_paid: bool = False


@dataclass(slots=True)
class TalentChunk:
    talents: list[DemoTalent] = field(default_factory=list)
    educations: list[DemoEducation] = field(default_factory=list)
    employments: list[DemoEmployment] = field(default_factory=list)
    insurance: list[DemoInsurance] = field(default_factory=list)

    def extend(self, other: TalentChunk) -> None:
        self.talents += other.talents
        self.educations += other.educations
        self.employments += other.employments
        self.insurance += other.insurance


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month
