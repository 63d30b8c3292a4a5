from datetime import date, datetime

from ninja import Field, Schema


class TalentRow(Schema):
    id: int
    name: str
    id_type: str
    id_masked: str
    gender: str
    birth_date: date | None
    tier: str
    district: str
    residence_division: str


class EducationOut(Schema):
    degree: str
    full_time: bool
    overseas: bool
    overseas_certified: bool
    university_code: str
    university_name: str
    major_code: str
    graduation_date: date
    diploma_date: date | None


class EmploymentOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    start_date: date
    end_date: date | None
    position: str
    occupation_code: str
    certified_at: datetime | None

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name


class InsuranceOut(Schema):
    from_month: date
    to_month: date
    division: str
    back_paid: bool
    months: int


class TalentDetail(TalentRow):
    phone: str
    email: str
    hukou_division: str
    arrival_date: date | None
    tier_basis: str
    tier_date: date | None
    honours: list[str]
    housing: str
    owns_property: bool
    property_division: str
    educations: list[EducationOut]
    employments: list[EmploymentOut]
    insurance: list[InsuranceOut]

    @staticmethod
    def resolve_educations(obj):
        return list(obj.educations.all())

    @staticmethod
    def resolve_employments(obj):
        return list(obj.employments.all())

    @staticmethod
    def resolve_insurance(obj):
        return list(obj.insurance.all())


class TalentPage(Schema):
    count: int
    count_estimated: bool = Field(False, description="the count is the database's estimate (over 10,000)")
    items: list[TalentRow]


class TalentSearchIn(Schema):
    """The registry search as a request body, so that a full ID number never sits in a URL."""

    q: str = ""
    university: str = ""
    major: str = ""
    enterprise: str = ""
    tier: str = ""
    division: str = ""
    limit: int = 25
    offset: int = 0


class RevealIn(Schema):
    reason: str


class RevealOut(Schema):
    id_number: str


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    industry_code: str
    cluster: str
    division: str
    street: str
    tax_division: str
    founded_on: date | None
    size: str


class StaffOut(Schema):
    employment_id: int
    talent_name: str
    id_masked: str
    position: str
    start_date: date
    certified_at: datetime | None


class CorrectionIn(Schema):
    message: str = Field("", max_length=2000)
    field: str = Field("", max_length=30, description="one of the correctable fields (name, phone, birth_date, ...)")
    requested_value: str = Field("", max_length=200, description="the value you believe is right")


class CorrectionOut(Schema):
    id: int
    message: str
    field: str
    requested_value: str
    status: str
    created_at: datetime
