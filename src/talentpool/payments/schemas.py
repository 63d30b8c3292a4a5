"""Shapes of the payments API. Amounts go out as strings with two decimals ("12500.00"), never floats; dates
as ISO strings. Full account numbers and full ID numbers never appear here (the bank file is a download)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from talentpool.core.schema_types import Id, Money
from talentpool.eligibility.models import Status


def money(value: Decimal | int | str | None) -> str:
    """An amount as the API writes it: two decimals, no thousands separator."""
    return f"{Decimal(value or 0):.2f}"


def _username(user) -> str | None:
    return user.username if user is not None else None


# --- runs -----------------------------------------------------------------------------------------------------------


class RunIn(Schema):
    as_of: date | None = Field(None, description="the day the policies are evaluated on (default: today)")
    policies: list[str] | None = Field(None, description="policy codes (default: every policy in force)")


class RunOut(Schema):
    id: int
    as_of: date
    policies: list[str]
    scope: str
    trigger: str
    status: str = Field(description="queued, running, done, failed, or interrupted: running but its worker stopped "
                                    "(no heartbeat for a minute); resume it with POST /runs/{id}/resume")
    heartbeat_at: datetime | None = Field(None, description="the last sign of life of the worker running it")
    phase: str
    progress_done: int
    progress_total: int
    evaluated: int
    new: int
    unchanged: int
    withdrawn: int
    undecided: int
    summary_line: str
    error: str
    started_by: str | None
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_policies(obj) -> list[str]:
        return list(obj.policy_codes or [])

    @staticmethod
    def resolve_started_by(obj) -> str | None:
        return _username(obj.started_by)

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.state


class RunDetailOut(RunOut):
    report: dict[str, Any]


# --- entitlements ---------------------------------------------------------------------------------------------------


class QueueQuery(Schema):
    """The officer queue's filters (``selectors.QueueFilter``)."""

    status: str = Field(Status.CANDIDATE.value, description="a line status; empty for every status")
    policy: str = ""
    degree: str = ""
    district: str = Field("", description="division-code prefix inside your scope")
    amount_min: Money | None = None
    amount_max: Money | None = None
    first_time: bool = False
    changed: bool = False
    review: str = Field("", description='"yes": manual review only; "no": bulk-approvable only')
    mine: bool = Field(False, description="routed to me for manual review")
    run: Id | None = Field(None, description="lines made by this run")
    q: str = Field("", description="name prefix")


class TalentRef(Schema):
    id: int
    name: str
    id_masked: str


class LineFlags(Schema):
    first_time: bool
    changed: bool
    review_required: bool
    assigned_to: str | None
    flag: str
    imported: bool = False


class EntitlementRow(Schema):
    id: int
    reference: str
    talent: TalentRef
    policy: str
    version: int
    instalment: int
    kind: str
    amount: str
    due: date
    status: str
    flags: LineFlags
    reason: str
    bank_reason: str
    batch: str | None
    paid_on: date | None

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.policy.code

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.policy_version.version

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)

    @staticmethod
    def resolve_flags(obj) -> dict[str, Any]:
        return {
            "first_time": obj.first_time,
            "changed": obj.changed,
            "review_required": obj.review_required,
            "assigned_to": _username(obj.assigned_to),
            "flag": obj.flag,
            "imported": obj.imported,
        }

    @staticmethod
    def resolve_batch(obj) -> str | None:
        return obj.batch.number if obj.batch_id else None


class EntitlementPage(Schema):
    count: int
    amount_total: str
    review: int = Field(description="lines among them marked for manual review")
    items: list[EntitlementRow]


class EventOut(Schema):
    from_: str = Field(serialization_alias="from")
    to: str
    actor: str | None
    at: datetime
    reason: str

    @staticmethod
    def resolve_from_(obj) -> str:
        return obj.from_status

    @staticmethod
    def resolve_to(obj) -> str:
        return obj.to_status

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return _username(obj.actor)


class EntitlementDetail(EntitlementRow):
    run: int | None
    corrects: int | None
    replaces: int | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime
    history: list[EventOut]
    explanation: dict[str, Any]

    @staticmethod
    def resolve_run(obj) -> int | None:
        return obj.run_id

    @staticmethod
    def resolve_corrects(obj) -> int | None:
        return obj.corrects_id

    @staticmethod
    def resolve_replaces(obj) -> int | None:
        return obj.replaces_id

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return _username(obj.decided_by)

    @staticmethod
    def resolve_history(obj) -> list:
        return obj.history  # set by the endpoint from selectors.entitlement_history

    @staticmethod
    def resolve_explanation(obj) -> dict[str, Any]:
        return obj.explained  # set by the endpoint from selectors.entitlement_explanation


class IdsIn(Schema):
    ids: list[Id] = Field(..., min_length=1)


class RejectIn(IdsIn):
    reason: str = ""


class CorrectIn(Schema):
    amount: Money = Field(..., description="the amount that should have been paid (the whole amount)")
    reason: str = ""


class OutcomeOut(Schema):
    done: int
    skipped: int
    note: str


# --- batches --------------------------------------------------------------------------------------------------------


class BatchIn(Schema):
    ids: list[Id] | None = Field(None, description="approved lines to put in the batch")
    policy: str | None = Field(None, description="only approved lines of this policy")


class BatchRow(Schema):
    id: int
    number: str
    status: str
    scope: str
    line_count: int
    total: str
    paid_count: int
    failed_count: int
    created_by: str | None
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    sent_by: str | None
    sent_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_total(obj) -> str:
        return money(obj.total)

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return _username(obj.created_by)

    @staticmethod
    def resolve_approved_by(obj) -> str | None:
        return _username(obj.approved_by)

    @staticmethod
    def resolve_sent_by(obj) -> str | None:
        return _username(obj.sent_by)


class Problem(Schema):
    row: int
    column: str
    value: str
    reason: str


class ReturnImportOut(Schema):
    id: int
    filename: str
    sha256: str
    imported_by: str | None
    imported_at: datetime
    paid: int
    failed: int
    unchanged: int
    rejected: int
    problems: list[Problem]

    @staticmethod
    def resolve_imported_by(obj) -> str | None:
        return _username(obj.imported_by)


class BatchDetail(BatchRow):
    returns: list[ReturnImportOut]

    @staticmethod
    def resolve_returns(obj) -> list:
        return list(obj.returns.select_related("imported_by"))


# --- report and review routes --------------------------------------------------------------------------------------


class ReportRow(Schema):
    key: str
    headcount: int
    lines: int
    amount: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj["amount"])


class ReportOut(Schema):
    year: int
    policy: list[ReportRow]
    degree: list[ReportRow]
    district: list[ReportRow]
    total: list[ReportRow]


class RouteIn(Schema):
    policy: str = Field("", description="policy code; empty for every policy")
    tier: str = Field("", description="talent tier A–E; empty for every tier")
    officer: str = Field(..., description="user name of the officer who reviews")


class RouteOut(Schema):
    id: int
    policy: str | None
    tier: str
    officer: str
    created_at: datetime

    @staticmethod
    def resolve_policy(obj) -> str | None:
        return obj.policy.code if obj.policy_id else None

    @staticmethod
    def resolve_officer(obj) -> str:
        return obj.officer.username


# --- the talent's own ---------------------------------------------------------------------------------------------


class MyEventOut(Schema):
    """A step of my line's history (without the officer's user name)."""

    from_: str = Field(serialization_alias="from")
    to: str
    at: datetime
    reason: str

    @staticmethod
    def resolve_from_(obj) -> str:
        return obj.from_status

    @staticmethod
    def resolve_to(obj) -> str:
        return obj.to_status


class MyLineOut(Schema):
    id: int
    policy: str
    title: dict[str, str]
    instalment: int
    kind: str
    amount: str
    due: date
    status: str
    paid_on: date | None
    reason: str
    bank_reason: str
    history: list[MyEventOut]

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.policy.code

    @staticmethod
    def resolve_title(obj) -> dict[str, str]:
        return {"zh": obj.policy.title_zh, "en": obj.policy.title_en}

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.events.all())


class MyLinesOut(Schema):
    count: int
    items: list[MyLineOut]


class BankAccountIn(Schema):
    holder: str
    bank_name: str
    number: str


class BankAccountOut(Schema):
    holder: str
    bank_name: str
    number_masked: str
    updated_at: datetime


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NoticePage(Schema):
    count: int
    unread: int
    items: list[NoticeOut]


class NoticesReadIn(Schema):
    ids: list[Id] | None = Field(None, description="my notices to mark read (default: all)")


class NoticesReadOut(Schema):
    marked: int
    unread: int
