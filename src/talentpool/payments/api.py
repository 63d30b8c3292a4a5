"""Payments endpoints (/api/v1/payments/). Officers run the policies, decide lines, make batches, export bank
files and import the bank's returns, within their district scope; talents read their own lines and notices and
keep their bank account. Same services and selectors as the officer console and the CLI; enterprise users and
administrators have no business here (403)."""

from __future__ import annotations

import os
import tempfile

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from talentpool.accounts.models import Role
from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import Notice
from talentpool.core.notices import unread_count
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Limit, Offset, limit_at_most
from talentpool.eligibility import selectors as eligibility_selectors
from talentpool.eligibility import services as eligibility_services
from talentpool.eligibility.models import EntitlementEvent, ReviewRoute, RunTrigger
from talentpool.eligibility.models import Status as LineStatus
from talentpool.registry.selectors import talent_visible_to
from talentpool.registry.services import talent_record_viewed

from . import selectors, services
from .models import BankAccount
from .schemas import (
    BankAccountIn,
    BankAccountOut,
    BatchDetail,
    BatchIn,
    BatchRow,
    CorrectIn,
    EntitlementDetail,
    EntitlementPage,
    EntitlementRow,
    IdsIn,
    MyLinesOut,
    NoticePage,
    NoticesReadIn,
    NoticesReadOut,
    OutcomeOut,
    QueueQuery,
    RejectIn,
    ReportOut,
    ReturnImportOut,
    RouteIn,
    RouteOut,
    RunDetailOut,
    RunIn,
    RunOut,
)

router = Router(tags=["payments"])


def _officer(request) -> None:
    ensure_role(request.user, Role.OFFICER)


def _talent(request) -> None:
    ensure_role(request.user, Role.TALENT)


def _page(limit: int, offset: int, most: int) -> tuple[int, int]:
    limit = max(1, min(limit, most))
    offset = max(0, offset)
    return offset, offset + limit


def _my_talent(user):
    talent = talent_visible_to(user).first()
    if talent is None:
        raise NotFoundError(gettext("Your account is not linked to a registry record."))
    return talent


# --- runs -----------------------------------------------------------------------------------------------------------


@router.get("/runs", response=list[RunOut], summary="Eligibility runs over my scope, newest first (officers)")
def run_list(request, limit: Limit = 50, offset: Offset = 0):
    _officer(request)
    start, end = _page(limit, offset, 200)
    return list(eligibility_selectors.runs_visible_to(request.user)[start:end])


@router.post("/runs", response={201: RunDetailOut}, summary="Run the policies over my scope (officers)")
def run_start(request, payload: RunIn):
    _officer(request)
    run = eligibility_services.run_start(
        actor=request.user,
        as_of=payload.as_of or timezone.localdate(),
        codes=payload.policies or None,
        trigger=RunTrigger.API,
        request=request,
    )
    # the task runner may have finished it already (in-process runner): read it again
    return Status(201, eligibility_selectors.runs_visible_to(request.user).get(pk=run.pk))


@router.get("/runs/{int:pk}", response=RunDetailOut, summary="A run with its report (officers)")
def run_detail(request, pk: int):
    _officer(request)
    run = eligibility_selectors.runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise NotFoundError()
    return run


@router.post("/runs/{int:pk}/resume", response=RunDetailOut,
             summary="Continue an interrupted run where it stopped (officers)")
def run_resume(request, pk: int):
    """Refused (400, code ``not_interrupted``) while the run's worker is alive, and (``finished``) once it ended."""
    _officer(request)
    run = eligibility_services.run_resume(actor=request.user, run_id=pk, request=request)
    return eligibility_selectors.runs_visible_to(request.user).get(pk=run.pk)


# --- entitlements ---------------------------------------------------------------------------------------------------


@router.get(
    "/entitlements", response=EntitlementPage, summary="The ledger lines of my scope, filtered (officers)"
)
def entitlement_list(request, filters: Query[QueueQuery], limit: limit_at_most(500) = 50, offset: Offset = 0):
    _officer(request)
    if filters.status and filters.status not in LineStatus.values:
        raise ApplicationError(gettext("No such status."), field="status", code="invalid")
    if filters.review not in ("", "yes", "no"):
        raise ApplicationError(gettext('Review is "yes", "no" or empty.'), field="review", code="invalid")
    f = selectors.QueueFilter(**filters.dict())
    qs = selectors.entitlement_queue(request.user, f)
    totals = selectors.queue_totals(request.user, f, qs)
    start, end = _page(limit, offset, 500)
    return {
        "count": totals["count"],
        "amount_total": f"{totals['amount']:.2f}",
        "review": totals["review"],
        # the version read apart: a fifth join made PostgreSQL plan for ~10 ms (the four-join list plans in ~1.5 ms)
        "items": list(qs.prefetch_related("policy_version")[start:end]),
    }


@router.get(
    "/entitlements/{int:pk}",
    response=EntitlementDetail,
    by_alias=True,
    summary="A line with its history and explanation (officers, own scope; audited)",
)
def entitlement_detail(request, pk: int):
    _officer(request)
    line = selectors.entitlement_get(request.user, pk)
    if line is None:
        raise NotFoundError()
    line.history = selectors.entitlement_history(line)
    line.explained = eligibility_selectors.entitlement_explanation(line).as_dict()
    talent_record_viewed(actor=request.user, talent=line.talent, request=request, channel="api")
    return line


@router.post(
    "/entitlements/approve",
    response=OutcomeOut,
    summary="Approve candidates (lines for manual review only one at a time) (officers)",
)
def entitlement_approve(request, payload: IdsIn):
    _officer(request)
    return services.entitlements_approve(actor=request.user, ids=payload.ids, request=request)


@router.post(
    "/entitlements/reject", response=OutcomeOut, summary="Reject candidates, with a reason (officers)"
)
def entitlement_reject(request, payload: RejectIn):
    _officer(request)
    return services.entitlements_reject(
        actor=request.user, ids=payload.ids, reason=payload.reason, request=request
    )


@router.post(
    "/entitlements/retry",
    response=OutcomeOut,
    summary="Pay failed lines again once the talent updated the bank account (officers)",
)
def entitlement_retry(request, payload: IdsIn):
    _officer(request)
    return services.entitlements_retry(actor=request.user, ids=payload.ids, request=request)


@router.post(
    "/entitlements/{int:pk}/correct",
    response={201: EntitlementRow},
    summary="A correction line for a paid line whose amount was too low (officers)",
)
def entitlement_correct(request, pk: int, payload: CorrectIn):
    _officer(request)
    fix = services.entitlement_correct(
        actor=request.user, line_id=pk, amount=payload.amount, reason=payload.reason, request=request
    )
    return Status(201, selectors.entitlement_get(request.user, fix.pk))


# --- batches --------------------------------------------------------------------------------------------------------


def _batch(request, pk: int):
    batch = selectors.batches_visible_to(request.user).filter(pk=pk).first()
    if batch is None:
        raise NotFoundError()
    return batch


@router.get(
    "/batches", response=list[BatchRow], summary="Payment batches of my scope, newest first (officers)"
)
def batch_list(request, status: str = "", limit: Limit = 50, offset: Offset = 0):
    _officer(request)
    qs = selectors.batches_visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    start, end = _page(limit, offset, 200)
    return list(qs[start:end])


@router.post(
    "/batches",
    response={201: BatchDetail},
    summary="Put approved lines (chosen ones, a policy's, or all in my scope) in a new batch (officers)",
)
def batch_create(request, payload: BatchIn):
    _officer(request)
    queryset = None
    if payload.policy:
        queryset = eligibility_selectors.entitlements_visible_to(request.user).filter(policy__code=payload.policy)
    batch = services.batch_create(actor=request.user, ids=payload.ids, queryset=queryset, request=request)
    return Status(201, _batch(request, batch.pk))


@router.get("/batches/{int:pk}", response=BatchDetail, summary="A batch with its return imports (officers)")
def batch_detail(request, pk: int):
    _officer(request)
    return _batch(request, pk)


@router.post(
    "/batches/{int:pk}/approve",
    response=BatchDetail,
    summary="Second approval of a batch above the two-person amount (another officer)",
)
def batch_approve(request, pk: int):
    _officer(request)
    services.batch_approve(actor=request.user, batch_id=pk, request=request)
    return _batch(request, pk)


@router.post(
    "/batches/{int:pk}/cancel",
    response=BatchDetail,
    summary="Cancel a batch not yet sent; its lines go back to approved (officers)",
)
def batch_cancel(request, pk: int):
    _officer(request)
    services.batch_cancel(actor=request.user, batch_id=pk, request=request)
    return _batch(request, pk)


@router.get(
    "/batches/{int:pk}/file", summary="The bank payment file, XLSX or CSV (payment officers; audited)"
)
def batch_file(request, pk: int, format: str = "xlsx"):
    _officer(request)
    name, content, content_type = services.batch_file(
        actor=request.user, batch_id=pk, fmt=format, request=request
    )
    return file_response(content, filename=name, content_type=content_type)


@router.post(
    "/batches/{int:pk}/sent",
    response=BatchDetail,
    summary="Mark a ready batch as sent to the bank, once the bank has its file (payment officers; audited)",
)
def batch_mark_sent(request, pk: int):
    _officer(request)
    services.batch_mark_sent(actor=request.user, batch_id=pk, request=request)
    return _batch(request, pk)


@router.post(
    "/batches/{int:pk}/return",
    response={201: ReturnImportOut},
    summary="Import the bank's return file (XLSX, XLS, ODS or CSV): lines paid or failed, bad rows rejected",
)
def batch_return(request, pk: int, file: File[UploadedFile]):
    _officer(request)
    suffix = os.path.splitext(file.name or "")[1][:10]
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
    try:
        record = services.batch_return_import(
            actor=request.user, batch_id=pk, path=tmp.name, filename=file.name or "return", request=request
        )
    finally:
        os.unlink(tmp.name)
    return Status(201, record)


# --- report and review routes ---------------------------------------------------------------------------------------


@router.get(
    "/report", response=ReportOut, summary="Paid in a year: people and amount by policy, degree, district"
)
def paid_report(request, year: int | None = None):
    _officer(request)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ApplicationError(gettext("Choose a year between 2000 and 2100."), field="year")
    return {"year": year, **selectors.paid_report(request.user, year=year)}


@router.get("/review-routes", response=list[RouteOut], summary="Who reviews which lines by hand (officers)")
def route_list(request):
    _officer(request)
    # the routes my office set (the ones I may change); as on the routes page, there is no selector for them
    return list(
        ReviewRoute.objects.filter(scope=request.user.scope_prefix).select_related("policy", "officer")
    )


@router.post(
    "/review-routes",
    response={201: RouteOut},
    summary="Route lines of a policy and/or tier to an officer for manual review (officers)",
)
def route_set(request, payload: RouteIn):
    _officer(request)
    route = eligibility_services.review_route_set(
        actor=request.user,
        policy_code=payload.policy,
        tier=payload.tier,
        officer_username=payload.officer,
        request=request,
    )
    return Status(201, route)


@router.delete("/review-routes/{int:pk}", response={204: None}, summary="Remove a review route (officers)")
def route_delete(request, pk: int):
    _officer(request)
    eligibility_services.review_route_delete(actor=request.user, route_id=pk, request=request)
    return Status(204, None)


# --- the talent's own -----------------------------------------------------------------------------------------------


@router.get(
    "/me",
    response=MyLinesOut,
    by_alias=True,
    summary="My subsidy payments: each line, its state and its history (talents)",
)
def my_lines(request):
    _talent(request)
    lines = list(
        selectors.talent_lines(request.user).prefetch_related(
            Prefetch("events", queryset=EntitlementEvent.objects.order_by("at", "id"))
        )
    )
    return {"count": len(lines), "items": lines}


@router.get("/me/bank-account", response=BankAccountOut, summary="My bank account, masked (talents)")
def my_bank_account(request):
    _talent(request)
    account = BankAccount.objects.filter(talent=_my_talent(request.user)).first()
    if account is None:
        raise NotFoundError(gettext("No bank account on file yet."))
    return account


@router.put(
    "/me/bank-account",
    response=BankAccountOut,
    summary="Record where my subsidies are paid; the answer shows the number masked (talents)",
)
def my_bank_account_set(request, payload: BankAccountIn):
    _talent(request)
    return services.bank_account_set(
        actor=request.user,
        talent=_my_talent(request.user),
        holder=payload.holder,
        bank_name=payload.bank_name,
        number=payload.number,
        request=request,
    )


@router.get(
    "/notices", response=NoticePage, summary="My notices, newest first, and how many are unread (talents)"
)
def notice_list(request, unread: bool = False, limit: Limit = 50, offset: Offset = 0):
    _talent(request)
    qs = Notice.objects.filter(user=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    start, end = _page(limit, offset, 200)
    return {"count": qs.count(), "unread": unread_count(request.user), "items": list(qs[start:end])}


@router.post("/notices/read", response=NoticesReadOut, summary="Mark my notices read, all or some (talents)")
def notice_read(request, payload: NoticesReadIn):
    _talent(request)
    qs = Notice.objects.filter(user=request.user, read_at__isnull=True)
    if payload.ids is not None:
        qs = qs.filter(pk__in=payload.ids)
    marked = qs.update(read_at=timezone.now())
    return {"marked": marked, "unread": unread_count(request.user, fresh=True)}
