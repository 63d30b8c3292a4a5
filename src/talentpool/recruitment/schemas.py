"""Shapes of the recruitment API. Salaries are whole yuan per month; years are strings with one decimal ("3.0");
times ISO 8601 with their offset. No ID number appears anywhere here; the partner API's candidates carry no name
or contact either."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from talentpool.core.schema_types import Id, Instant
from talentpool.reference.selectors import division_name, reference_names


def _name(kind: str, code: str) -> str:
    return reference_names(kind).get(code, "") if code else ""


class EnterpriseRef(Schema):
    id: int
    name: str
    division: str
    cluster: str


# --- jobs -----------------------------------------------------------------------------------------------------------


class JobIn(Schema):
    title: str
    description: str = ""
    occupation_code: str = Field(..., description="2022 occupation classification code, e.g. 2-02-10-03")
    min_degree: str = Field("", description="junior_college, bachelor, master, doctor; empty for any")
    accepted_majors: list[str] = Field(default_factory=list, description="major codes at any level: 08, 0809, 080901")
    skills: list[str] = Field(default_factory=list)
    min_years: Decimal = Decimal("0")
    salary_min: int | None = Field(None, description="yuan per month")
    salary_max: int | None = Field(None, description="yuan per month")
    division: str = Field("", description="six-digit division code (default: the enterprise's)")
    headcount: int = 1
    deadline: date | None = None
    status: str = Field("draft", description="draft or open")


class JobPatch(Schema):
    """Only the fields given change."""

    title: str | None = None
    description: str | None = None
    occupation_code: str | None = None
    min_degree: str | None = None
    accepted_majors: list[str] | None = None
    skills: list[str] | None = None
    min_years: Decimal | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    division: str | None = None
    headcount: int | None = None
    deadline: date | None = None


class PartnerJobPatch(JobPatch):
    status: str | None = Field(None, description="open, paused, closed or filled")


class JobStatusIn(Schema):
    status: str = Field(..., description="draft, open, paused, closed or filled")


class ModerateIn(Schema):
    hidden: bool
    note: str = Field("", description="the reason, told to the enterprise (required to hide)")


class JobQuery(Schema):
    q: str = Field("", description="words in the title or description")
    occupation: str = Field("", description="occupation code or its prefix (2-02, 2-02-10)")
    division: str = Field("", description="division code: a city (330100) or district (330106)")
    min_degree: str = ""
    salary_at_least: int | None = Field(None, description="jobs whose salary range reaches this (yuan per month)")
    status: str = Field("", description="enterprises and officers: one status")
    enterprise: Id | None = None
    hidden: bool | None = Field(None, description="officers: only hidden (true) or visible (false) jobs")


class JobOut(Schema):
    id: int
    enterprise: EnterpriseRef
    title: str
    description: str
    occupation_code: str
    occupation_name: str
    min_degree: str
    accepted_majors: list[str]
    skills: list[str]
    min_years: str
    salary_min: int | None
    salary_max: int | None
    division: str
    division_name: str
    headcount: int
    deadline: date | None
    status: str
    hidden: bool
    moderation_note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_occupation_name(obj) -> str:
        return _name("occupations", obj.occupation_code)

    @staticmethod
    def resolve_division_name(obj) -> str:
        return division_name(obj.division)

    @staticmethod
    def resolve_min_years(obj) -> str:
        return f"{obj.min_years:.1f}"


class JobRow(JobOut):
    applications: int | None = Field(None, description="enterprises and officers: how many applied")

    @staticmethod
    def resolve_applications(obj, context) -> int | None:
        user = context["request"].user
        return getattr(obj, "application_count", None) if user.role != "talent" else None


class JobPage(Schema):
    count: int
    items: list[JobRow]


# --- profiles -----------------------------------------------------------------------------------------------------


class ProfileIn(Schema):
    resume: str = Field("", description="cleaned (HTML, emoji, control characters removed) and cut to 5,000 "
                                        "characters")
    skills: list[str] = Field(default_factory=list)
    desired_occupations: list[str] = Field(default_factory=list)
    desired_divisions: list[str] = Field(default_factory=list, description="province, city or district codes")
    salary_min: int | None = None
    salary_max: int | None = None
    available_from: date | None = None
    years_experience: Decimal | None = Field(None, description="empty: counted from the employment records")
    consent_search: bool = Field(False, description="enterprises and partners may find me before I apply")


class ProfileOut(Schema):
    exists: bool
    resume: str
    skills: list[str]
    desired_occupations: list[str]
    desired_divisions: list[str]
    salary_min: int | None
    salary_max: int | None
    available_from: date | None
    years_experience: str | None
    consent_search: bool
    updated_at: datetime | None
    notes: list[str] = Field(default_factory=list, description="what cleaning did to the résumé")


# --- matching -----------------------------------------------------------------------------------------------------


class JobMatchOut(Schema):
    job: JobOut
    score: float
    near_miss: bool
    applied: bool
    reasons: list[str]
    explanation: dict[str, Any]


class CandidateBrief(Schema):
    id: int
    name: str
    gender: str
    degree: str
    major_code: str
    major_name: str
    graduation_date: date | None


class CandidateMatchOut(Schema):
    talent: CandidateBrief
    skills: list[str]
    desired_occupations: list[str]
    years_experience: str | None
    consent_search: bool
    applied_to_job: bool
    applied_to_enterprise: bool
    application_id: int | None
    stage: str | None
    score: float
    near_miss: bool
    reasons: list[str]
    explanation: dict[str, Any]


class EducationBrief(Schema):
    degree: str
    university_name: str
    major_code: str
    major_name: str
    graduation_date: date

    @staticmethod
    def resolve_major_name(obj) -> str:
        return _name("majors", obj.major_code)


class EmploymentBrief(Schema):
    enterprise: str
    start_date: date
    end_date: date | None
    position: str
    occupation_code: str

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name


class CandidateDetail(Schema):
    id: int
    name: str
    gender: str
    resume: str
    skills: list[str]
    desired_occupations: list[str]
    desired_divisions: list[str]
    salary_min: int | None
    salary_max: int | None
    available_from: date | None
    consent_search: bool
    educations: list[EducationBrief]
    employments: list[EmploymentBrief]
    applications: list[dict[str, Any]]


class CandidateRow(Schema):
    id: int
    name: str
    gender: str
    skills: list[str]
    desired_occupations: list[str]
    consent_search: bool
    applied: bool


class CandidatePage(Schema):
    count: int
    count_estimated: bool = Field(False, description="the count is the database's estimate (over 10,000)")
    items: list[CandidateRow]


# --- applications -------------------------------------------------------------------------------------------------


class ApplyIn(Schema):
    message: str = ""


class JobRef(Schema):
    id: int
    title: str
    enterprise: str
    status: str

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name


class TalentRef(Schema):
    id: int
    name: str


class StageChangeOut(Schema):
    from_: str = Field(serialization_alias="from")
    to: str
    at: datetime
    note: str
    actor: str | None = None

    @staticmethod
    def resolve_from_(obj) -> str:
        return obj.from_stage

    @staticmethod
    def resolve_to(obj) -> str:
        return obj.to_stage

    @staticmethod
    def resolve_actor(obj, context) -> str | None:
        user = context["request"].user
        if user.role == "talent" or obj.actor is None:
            return None  # the talent sees what happened, not which HR user did it
        return obj.actor.display_name or obj.actor.username


class InterviewOut(Schema):
    id: int
    application_id: int
    round: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    video_link: str
    interviewers: list[str]
    status: str
    sequence: int
    confirmed_at: datetime | None
    ics_url: str

    @staticmethod
    def resolve_ics_url(obj) -> str:
        from django.urls import reverse

        return reverse("api:recruitment-interview-ics", args=[obj.pk])


class MyInterviewOut(InterviewOut):
    job: JobRef

    @staticmethod
    def resolve_job(obj):
        return obj.application.job


class OfferOut(Schema):
    salary: int | None
    start_date: date | None
    note: str
    sent_at: datetime
    accepted_at: datetime | None


class ApplicationOut(Schema):
    id: int
    job: JobRef
    talent: TalentRef
    stage: str
    outcome: str
    reason: str
    message: str
    created_at: datetime
    outcome_at: datetime | None
    offer: OfferOut | None
    employment_id: int | None

    @staticmethod
    def resolve_offer(obj) -> dict | None:
        if obj.offer_sent_at is None:
            return None
        return {"salary": obj.offer_salary, "start_date": obj.offer_start_date, "note": obj.offer_note,
                "sent_at": obj.offer_sent_at, "accepted_at": obj.offer_accepted_at}


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]


class NoteOut(Schema):
    id: int
    text: str
    at: datetime
    author: str | None

    @staticmethod
    def resolve_author(obj) -> str | None:
        return (obj.author.display_name or obj.author.username) if obj.author else None


class ApplicationDetail(ApplicationOut):
    history: list[StageChangeOut]
    interviews: list[InterviewOut]
    notes: list[NoteOut]

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.history.all())

    @staticmethod
    def resolve_interviews(obj) -> list:
        return list(obj.interviews.all())

    @staticmethod
    def resolve_notes(obj) -> list:
        return obj.visible_notes  # set by the endpoint (selectors.application_notes): the employer's only


class MoveIn(Schema):
    to: str = Field(..., description="a stage code of the pipeline, or rejected (with a reason) or hired")
    reason: str = ""
    note: str = ""


class WithdrawIn(Schema):
    reason: str


class NoteIn(Schema):
    text: str


class InterviewIn(Schema):
    starts_at: Instant = Field(..., description="with an offset, or local time in Asia/Shanghai")
    ends_at: Instant
    location: str = ""
    video_link: str = Field("", description="http(s) address for a remote interview")
    interviewers: list[str] = Field(default_factory=list)


class RescheduleIn(Schema):
    starts_at: Instant
    ends_at: Instant
    location: str | None = None
    video_link: str | None = None
    interviewers: list[str] | None = None


class CancelIn(Schema):
    reason: str = ""


class OfferIn(Schema):
    start_date: date
    salary: int | None = Field(None, description="yuan per month")
    note: str = ""


class HireIn(Schema):
    start_date: date | None = Field(None, description="default: the offer's start date")
    reason: str = ""


# --- pipeline -----------------------------------------------------------------------------------------------------


class StageIn(Schema):
    code: str
    zh: str
    en: str


class StagesIn(Schema):
    stages: list[StageIn]


class StagesOut(Schema):
    stages: list[StageIn]


class PipelineCard(Schema):
    id: int
    talent: TalentRef
    stage: str
    outcome: str
    reason: str
    created_at: datetime
    offer_sent: bool
    history: list[StageChangeOut]
    interviews: list[InterviewOut]

    @staticmethod
    def resolve_offer_sent(obj) -> bool:
        return obj.offer_sent_at is not None

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.history.all())

    @staticmethod
    def resolve_interviews(obj) -> list:
        return list(obj.interviews.all())


class PipelineColumnOut(Schema):
    code: str
    zh: str
    en: str
    applications: list[PipelineCard]


class PipelineOut(Schema):
    job: JobRef
    hires: int
    headcount: int
    columns: list[PipelineColumnOut]
    closed: list[PipelineCard]


# --- overview -------------------------------------------------------------------------------------------------------


class ClusterCount(Schema):
    cluster: str
    label: str
    jobs: int
    headcount: int


class OccupationCount(Schema):
    code: str
    name: str
    jobs: int
    headcount: int


class OverviewOut(Schema):
    as_of: date
    open_jobs: int
    open_headcount: int
    hidden_jobs: int
    jobs_by_cluster: list[ClusterCount]
    jobs_by_occupation: list[OccupationCount]
    applications: int
    applications_this_month: int
    applications_by_stage: dict[str, int]
    applications_by_outcome: dict[str, int]
    interviews_upcoming: int
    hires_this_month: int


# --- partners -----------------------------------------------------------------------------------------------------


class PartnerIn(Schema):
    name: str
    scopes: list[str]
    enterprise_id: Id | None = None


class PartnerOut(Schema):
    id: int
    name: str
    key_prefix: str
    scopes: list[str]
    enterprise_id: int | None
    active: bool
    created_at: datetime
    last_used_at: datetime | None
    calls: int = Field(0, description="calls logged since the partner was registered")

    @staticmethod
    def resolve_calls(obj) -> int:
        return getattr(obj, "exchange_count", 0)


class PartnerCreated(PartnerOut):
    key: str = Field(..., description="shown this once; only its hash is kept")


class ExchangeOut(Schema):
    id: int
    at: datetime
    method: str
    path: str
    direction: str
    object_type: str
    object_ids: list[int]
    count: int
    status: int


class PartnerJobOut(Schema):
    id: int
    title: str
    description: str
    enterprise: str
    occupation_code: str
    min_degree: str
    accepted_majors: list[str]
    skills: list[str]
    min_years: str
    salary_min: int | None
    salary_max: int | None
    division: str
    headcount: int
    deadline: date | None
    status: str
    updated_at: datetime

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_min_years(obj) -> str:
        return f"{obj.min_years:.1f}"

    @classmethod
    def from_row(cls, row: dict) -> PartnerJobOut:
        """A job read as ``selectors.PARTNER_JOB_VALUES``, built without validation: every value has the type
        validation would give it (the database's columns), and a page of 100 validated through django-ninja's
        attribute getter cost ~8 ms a request. tests/integration/recruitment/test_partner.py checks the JSON is
        the validated one's."""
        fields = {name: row[name] for name in cls.model_fields if name in row}
        fields["enterprise"] = row["enterprise__name"]
        fields["min_years"] = f"{row['min_years']:.1f}"
        return cls.model_construct(**fields)


class PartnerJobPage(Schema):
    count: int
    items: list[PartnerJobOut]


class PartnerCandidateOut(Schema):
    """What a partner learns of a consenting talent: no name, contact or ID number."""

    ref: int
    degree: str
    major_code: str
    years_experience: str | None
    skills: list[str]
    desired_occupations: list[str]
    desired_divisions: list[str]
    salary_min: int | None
    salary_max: int | None
    available_from: date | None
    updated_at: datetime


class PartnerCandidatePage(Schema):
    count: int
    count_estimated: bool = Field(False, description="the count is the database's estimate (over 10,000)")
    items: list[PartnerCandidateOut]
