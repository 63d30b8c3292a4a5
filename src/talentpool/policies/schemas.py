from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from talentpool.core.schema_types import Id


class ParameterValueIn(Schema):
    from_: date = Field(..., alias="from")
    value: Any
    note: str = ""


class DraftIn(Schema):
    based_on: Id | None = Field(None, description="version number to start from (default: the one in force)")
    parameter_values: dict[str, list[ParameterValueIn]] | None = Field(
        None, description="per parameter, its whole new list of {from, value}")
    source: str | None = Field(None, description="a whole YAML document instead")


class DraftUpdateIn(Schema):
    source: str


class WhatifIn(Schema):
    as_of: date | None = None
    draft_id: Id | None = Field(None, description="simulate a stored draft of this policy")
    draft_source: str | None = None
    parameter_values: dict[str, list[ParameterValueIn]] | None = None


class ObjectionIn(Schema):
    policy: str
    message: str
    as_of: date | None = None


class AnswerIn(Schema):
    answer: str


class VersionRow(Schema):
    id: int
    version: int
    status: str
    effective_from: date
    effective_to: date | None
    tests_passed: bool | None
    based_on_id: int | None
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class PolicyRowOut(Schema):
    code: str
    title_zh: str
    title_en: str
    owner_division: str = Field("", description="the division that owns the policy (city 330100 or a district)")
    current: VersionRow | None
    drafts: int


class VersionOut(Schema):
    id: int
    code: str
    version: int
    status: str
    title: dict
    issuer: dict
    owner: str = Field("", description="the owner division the document declares (the policy's, when absent)")
    delivery: str = Field("bank_transfer", description="bank_transfer (paid) or in_kind (issued, never a bank line)")
    summary: dict
    entity: str
    effective_from: date
    effective_to: date | None
    excludes: list[str]
    basis: list[dict]
    criteria: list[dict]
    parameters: list[dict]
    amount: list[dict]
    cap: str | None
    minus: str | None
    review_when: str | None
    instalments: list[dict]
    tests_passed: bool | None
    tests_report: list[dict]
    validation_report: list[dict]
    based_on: int | None
    source: str
    check: "CheckOut | None" = Field(None, description="a draft's latest background check (null for others)")


class CheckOut(Schema):
    """A draft's background checks: ``state`` pending, running, passed, failed or stale (its text or the
    published set changed since they ran); publishing is refused unless ``publishable``, ``why_not`` says why."""

    id: int | None = Field(description="null: the draft was never checked")
    state: str | None
    step: str
    done: int
    total: int
    percent: int
    created_at: datetime | None
    finished_at: datetime | None
    problems: list[dict]
    cases: list[dict]
    passed: int
    failed: int
    whatif: dict | None = Field(None, description="as_of, talents, gained, lost, budget_before/after/change (yuan)")
    warnings: list[str]
    publishable: bool
    why_not: str


VersionOut.model_rebuild()


class PolicyDetailOut(Schema):
    code: str
    title_zh: str
    title_en: str
    owner_division: str = ""
    current: VersionOut | None
    versions: list[VersionRow]


class ObjectionOut(Schema):
    id: int
    policy: str
    talent_id: int
    as_of: date
    message: str
    status: str
    answer: str
    created_at: datetime
    answered_at: datetime | None
    verdict: str | None = None

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.policy.code

    @staticmethod
    def resolve_verdict(obj) -> str | None:
        return (obj.explanation or {}).get("verdict")


class SplitRow(Schema):
    key: str | None
    talents: int
    eligible_before: int
    eligible_after: int
    gained: int
    lost: int
    budget_before: Decimal
    budget_after: Decimal
    budget_change: Decimal


class WhatifOut(Schema):
    code: str
    as_of: date
    base_version: int
    talents: int
    before: dict[str, int]
    after: dict[str, int]
    gained: int
    lost: int
    eligible_before: int
    eligible_after: int
    budget_before: Decimal
    budget_after: Decimal
    budget_change: Decimal
    splits: dict[str, list[SplitRow]]


class ApprovalDeclineIn(Schema):
    reason: str


class ApprovalOut(Schema):
    """A request to publish a draft or retire a version, waiting for (or decided by) a second officer."""

    id: int
    policy: str
    owner_division: str
    version_id: int
    version: int
    action: str = Field(..., description="publish or retire")
    status: str = Field(..., description="pending, approved or declined")
    requested_by: str | None
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.version.policy.code

    @staticmethod
    def resolve_owner_division(obj) -> str:
        return obj.version.policy.owner_division

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.version

    @staticmethod
    def resolve_requested_by(obj) -> str | None:
        return obj.requested_by.get_username() if obj.requested_by else None

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None
