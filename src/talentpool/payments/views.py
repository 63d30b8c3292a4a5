"""Officer console and talent portal pages for payments. Thin: parse, check the role, call a selector or a
service, render. The same services sit under the API and the CLI."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role, User
from talentpool.core.audit import audit_record
from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.i18n import bilingual
from talentpool.core.models import AuditAction
from talentpool.core.permissions import require_role
from talentpool.core.searches import search_by_post, search_query
from talentpool.eligibility import selectors as eligibility_selectors
from talentpool.eligibility import services as eligibility_services
from talentpool.eligibility.models import Entitlement, EntitlementEvent, ReviewRoute, RunStatus, Status
from talentpool.eligibility.selectors import fact_labels
from talentpool.eligibility.verdicts import line_explanation_html
from talentpool.engines.tabular.writing import XLSX_TYPE
from talentpool.policies.explanation_html import explanation_html as explained
from talentpool.policies.models import Policy
from talentpool.policies.selectors import policy_versions_in_force
from talentpool.reference.selectors import division_name
from talentpool.registry.models import Degree, Tier
from talentpool.registry.selectors import talent_visible_to
from talentpool.registry.services import talent_record_viewed

from . import selectors, services
from .models import BankAccount, BatchStatus
from .rows import BATCH_COLUMNS, QUEUE_COLUMNS, batch_rows, queue_rows

PAGE = 50


def _fail(request, exc: ApplicationError) -> None:
    """A refusal becomes a message on the page it came from; "not found" (outside the scope) is a 404."""
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, str(exc.message))


# --- runs ---------------------------------------------------------------------------------------------------------

@require_role(Role.OFFICER)
def run_list(request):
    today = timezone.localdate()
    if request.method == "POST":
        try:
            as_of = dt.date.fromisoformat(request.POST.get("as_of") or today.isoformat())
        except ValueError:
            messages.error(request, _("The as-of date is not a date (YYYY-MM-DD)."))
            return redirect("payments:run-list")
        codes = request.POST.getlist("policy")
        try:
            run = eligibility_services.run_start(actor=request.user, as_of=as_of, codes=codes, trigger="console", request=request)
        except ApplicationError as exc:
            _fail(request, exc)
            return redirect("payments:run-list")
        return redirect("payments:run-detail", pk=run.pk)
    runs = Paginator(eligibility_selectors.runs_visible_to(request.user), 20).get_page(request.GET.get("page"))
    in_force = [doc for _row, doc in policy_versions_in_force(today) if doc.amount]
    return render(request, "payments/run_list.html", {"page": runs, "policies": in_force, "today": today})


@require_role(Role.OFFICER)
def run_detail(request, pk: int):
    run = eligibility_selectors.runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse({"status": run.state, "phase": run.phase, "done": run.progress_done,
                             "total": run.progress_total, "percent": run.percent, "summary": run.summary_line})
    return render(request, "payments/run_detail.html", {
        "run": run, "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and not run.interrupted})


@require_role(Role.OFFICER)
@require_POST
def run_resume(request, pk: int):
    try:
        eligibility_services.run_resume(actor=request.user, run_id=pk, request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("The run continues where it stopped."))
    return redirect("payments:run-detail", pk=pk)


# --- the review queue ---------------------------------------------------------------------------------------------

def _queue_filter(params) -> selectors.QueueFilter:
    def money(name):
        try:
            return Decimal(params.get(name)).quantize(Decimal("0.01")) if params.get(name) else None
        except InvalidOperation:
            return None

    run = params.get("run")
    return selectors.QueueFilter(
        status=params.get("status", Status.CANDIDATE), policy=params.get("policy", ""),
        degree=params.get("degree", ""), district=params.get("district", "").strip(),
        amount_min=money("amount_min"), amount_max=money("amount_max"), first_time=params.get("first_time") == "1",
        changed=params.get("changed") == "1", review=params.get("review", ""), mine=params.get("mine") == "1",
        run=int(run) if run and run.isdigit() else None, q=params.get("q", "").strip())


@require_role(Role.OFFICER)
@search_by_post("payments-queue")
def queue(request):
    """The filters are posted and kept behind a token (``core.searches``): a name or number typed into the search
    box never reaches a URL. ``query`` (the filters, for "all shown by the filter") travels in the decide form's
    body; ``back`` (this page's own token) is where the decision returns."""
    f = _queue_filter(request.search)
    qs = selectors.entitlement_queue(request.user, f)
    totals = selectors.queue_totals(request.user, f, qs)
    paginator = Paginator(qs, PAGE)
    paginator.count = totals["count"]  # the totals counted the same lines: no second scan for the pager
    paginator.object_list = qs.select_related(None).select_related("talent", "policy", "assigned_to").only(*QUEUE_COLUMNS)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = request.search.copy()
    query.pop("page", None)
    # names looked up once per page, and each row made in Python (``rows.queue_rows``), not through the template
    statuses, degrees = [(v, str(label)) for v, label in Status.choices], [(v, str(label)) for v, label in Degree.choices]
    districts = {line.district for line in page.object_list}
    rows = queue_rows(page.object_list, line_url=reverse("payments:line-detail", args=[0]).removesuffix("0/"),
                      degree_names=dict(degrees), status_names=dict(statuses),
                      district_names={code: division_name(code) or code for code in districts if code})
    return render(request, "payments/queue.html", {
        "page": page, "rows": rows, "f": f, "totals": totals, "query": query.urlencode(),
        "back": search_query(request),
        "policies": Policy.objects.order_by("code"), "degrees": degrees, "statuses": statuses,
    })


@require_role(Role.OFFICER)
@require_POST
def decide(request):
    """Approve or reject the ticked lines, or every line matching the queue's filters."""
    action = request.POST.get("action")
    back = reverse("payments:queue") + ("?" + request.POST["back"] if request.POST.get("back") else "")
    if request.POST.get("scope") == "all":
        from django.http import QueryDict

        f = _queue_filter(QueryDict(request.POST.get("query", "")))
        kwargs = {"queryset": selectors.entitlement_queue(request.user, f)}
    else:
        ids = [int(x) for x in request.POST.getlist("line") if x.isdigit()]
        if not ids:
            messages.error(request, _("Tick the lines first."))
            return redirect(back)
        kwargs = {"ids": ids}
    try:
        if action == "approve":
            out = services.entitlements_approve(actor=request.user, request=request, **kwargs)
            messages.success(request, _("%(n)s lines approved.") % {"n": out.done})
        elif action == "reject":
            out = services.entitlements_reject(actor=request.user, reason=request.POST.get("reason", ""),
                                               request=request, **kwargs)
            messages.success(request, _("%(n)s lines rejected.") % {"n": out.done})
        elif action == "batch":
            batch = services.batch_create(actor=request.user, request=request, **kwargs)
            messages.success(request, _("Batch %(number)s made with %(n)s lines.") % {
                "number": batch.number, "n": batch.line_count})
            return redirect("payments:batch-detail", pk=batch.pk)
        elif action == "reopen":
            out = services.entitlements_reopen(actor=request.user, ids=kwargs.get("ids") or list(
                kwargs["queryset"].values_list("pk", flat=True)), request=request)
            messages.success(request, _("%(n)s lines are candidates again.") % {"n": out.done})
        elif action == "retry":
            out = services.entitlements_retry(actor=request.user, ids=kwargs.get("ids") or list(
                kwargs["queryset"].values_list("pk", flat=True)), request=request)
            messages.success(request, _("%(n)s lines will be paid again.") % {"n": out.done})
        else:
            raise Http404
        if out.skipped:
            messages.warning(request, _("%(n)s lines were left as they were: %(why)s") % {
                "n": out.skipped, "why": out.note or _("not in a state for this action")})
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect(back)


@require_role(Role.OFFICER, Role.TALENT)
def line_detail(request, pk: int):
    officer = request.user.role == Role.OFFICER
    line = selectors.entitlement_page_get(request.user, pk, with_account=officer)  # the account: officers only
    if line is None:
        raise Http404
    account = None
    if officer:
        talent_record_viewed(actor=request.user, talent=line.talent, request=request, channel="web")
        try:
            account = line.talent.bank_account
        except BankAccount.DoesNotExist:
            pass
    return render(request, "payments/line_detail.html", {
        "line": line, "history": selectors.entitlement_history_shown(line),
        "explanation_html": None if line.imported else _explanation_html(line),
        "may_decide": request.user.role == Role.OFFICER and line.status == Status.CANDIDATE and (
            not line.review_required or line.assigned_to_id in (None, request.user.pk)),
        "account": account,
        "corrections": line.corrections.all() if request.user.role == Role.OFFICER else [],
    })


def _explanation_html(line: Entitlement) -> str:
    """The "why" card's content, rendered once per process for each snapshot, version, language and generation of
    the reference tables (``eligibility.verdicts.line_explanation_html`` says what makes a new one)."""
    return mark_safe(line_explanation_html(  # noqa: S308 (policies.explanation_html's escaped output)
        line=line, language=get_language() or "", render=lambda: explained(
            eligibility_selectors.entitlement_explanation(line), fact_labels=fact_labels(), show_detail=True)))


@require_role(Role.OFFICER)
@require_POST
def line_correct(request, pk: int):
    try:
        amount = Decimal(request.POST.get("amount", ""))
        fix = services.entitlement_correct(actor=request.user, line_id=pk, amount=amount,
                                           reason=request.POST.get("reason", ""), request=request)
        messages.success(request, _("Correction line made; it needs approval like any other line."))
        return redirect("payments:line-detail", pk=fix.pk)
    except InvalidOperation:
        messages.error(request, _("The amount is not a number."))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("payments:line-detail", pk=pk)


# --- batches ------------------------------------------------------------------------------------------------------

@require_role(Role.OFFICER)
def batch_list(request):
    batches = Paginator(selectors.batches_visible_to(request.user), 20).get_page(request.GET.get("page"))
    ready = eligibility_selectors.entitlements_visible_to(request.user).filter(status=Status.APPROVED, batch__isnull=True)
    return render(request, "payments/batch_list.html", {
        "page": batches, "ready": selectors.lines_totals(ready),
        "without_account": ready.filter(talent__bank_account__isnull=True).count(),
        "policies": Policy.objects.order_by("code"), "threshold": services.two_person_above(),
    })


@require_role(Role.OFFICER)
@require_POST
def batch_create(request):
    f = selectors.QueueFilter(status=Status.APPROVED, policy=request.POST.get("policy", ""))
    try:
        batch = services.batch_create(actor=request.user, queryset=selectors.entitlement_queue(request.user, f),
                                      request=request)
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect("payments:batch-list")
    messages.success(request, _("Batch %(number)s made with %(n)s lines.") % {"number": batch.number,
                                                                              "n": batch.line_count})
    return redirect("payments:batch-detail", pk=batch.pk)


@require_role(Role.OFFICER)
def batch_detail(request, pk: int):
    batch = selectors.batches_visible_to(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    lines = Paginator(selectors.batch_lines(batch).only(*BATCH_COLUMNS), 100).get_page(request.GET.get("page"))
    rows = batch_rows(lines, line_url=reverse("payments:line-detail", args=[0]).removesuffix("0/"))
    return render(request, "payments/batch_detail.html", {
        "batch": batch, "page": lines, "rows": rows, "returns": batch.returns.select_related("imported_by"),
        "failed": batch.lines.filter(status=Status.FAILED).count(),
        "may_approve": batch.status == BatchStatus.AWAITING_APPROVAL and batch.created_by_id != request.user.pk,
        "may_export": request.user.is_payment_officer and batch.status in (
            BatchStatus.READY, BatchStatus.SENT, BatchStatus.CLOSED),
    })


@require_role(Role.OFFICER)
@require_POST
def batch_action(request, pk: int, action: str):
    try:
        if action == "approve":
            services.batch_approve(actor=request.user, batch_id=pk, request=request)
            messages.success(request, _("Batch approved: it may go to the bank."))
        elif action == "sent":
            services.batch_mark_sent(actor=request.user, batch_id=pk, request=request)
            messages.success(request, _("Batch marked as sent to the bank: import the bank's return file when it "
                                        "comes."))
        elif action == "cancel":
            services.batch_cancel(actor=request.user, batch_id=pk, request=request)
            messages.success(request, _("Batch cancelled; its lines are approved and may join another batch."))
        elif action == "retry":
            ids = list(Entitlement.objects.filter(batch_id=pk, status=Status.FAILED).values_list("pk", flat=True))
            out = services.entitlements_retry(actor=request.user, ids=ids, request=request)
            messages.success(request, _("%(n)s lines will be paid again.") % {"n": out.done})
            if out.skipped:
                messages.warning(request, _("%(n)s lines were left as they were: %(why)s") % {
                    "n": out.skipped, "why": out.note})
        else:
            raise Http404
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("payments:batch-detail", pk=pk)


@require_role(Role.OFFICER)
def batch_file(request, pk: int, fmt: str):
    try:
        name, data, content_type = services.batch_file(actor=request.user, batch_id=pk, fmt=fmt, request=request)
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect("payments:batch-detail", pk=pk)
    return file_response(data, filename=name, content_type=content_type)


@require_role(Role.OFFICER)
@require_POST
def batch_return(request, pk: int):
    if not selectors.batches_visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the bank's return file."))
        return redirect("payments:batch-detail", pk=pk)
    suffix = os.path.splitext(upload.name)[1][:8]
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
    try:
        record = services.batch_return_import(actor=request.user, batch_id=pk, path=tmp.name, filename=upload.name,
                                              request=request)
        counts = {"paid": record.paid, "failed": record.failed, "unchanged": record.unchanged,
                  "rejected": record.rejected}
        summary = _("Return file read: %(paid)s paid, %(failed)s failed, %(unchanged)s already recorded, "
                    "%(rejected)s rejected.") % counts
        if record.rejected and not (record.paid or record.failed or record.unchanged):
            # nothing in the file could be used: a failure, whatever the parser thought of the file
            messages.error(request, _("The return file changed nothing: all %(rejected)s rows were rejected. Check "
                                      "that it is this batch's return file; the reasons are listed below.") % counts)
        elif record.rejected:
            messages.warning(request, summary)
        else:
            messages.success(request, summary)
    except ApplicationError as exc:
        _fail(request, exc)
    finally:
        os.unlink(tmp.name)
    return redirect("payments:batch-detail", pk=pk)


# --- reports ------------------------------------------------------------------------------------------------------

def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@require_role(Role.OFFICER)
def report(request):
    year = _year(request)
    data = selectors.paid_report(request.user, year=year)
    titles = {p.code: p for p in Policy.objects.all()}
    if request.GET.get("format") == "xlsx":

        degrees = dict(Degree.choices)
        labels = {
            "sheets": {"policy": _("By policy"), "degree": _("By degree"), "district": _("By district"),
                       "total": _("Total")},
            "key": {"policy": _("Policy"), "degree": _("Degree"), "district": _("District"), "total": ""},
            "headcount": _("People"), "lines": _("Payments"), "amount": _("Amount (yuan)"), "about": _("About"),
            "year": _("Year"),
            "names": {"policy": lambda c: f"{bilingual(titles[c], 'title')} ({c})" if c in titles else c,
                      "degree": lambda d: str(degrees.get(d, d)), "district": lambda c: f"{division_name(c) or c} {c}",
                      "total": lambda k: k},
        }
        data_xlsx = selectors.paid_report_xlsx(data, year=year, labels=labels)
        audit_record(actor=request.user, action=AuditAction.EXPORT, target=f"paid-report:{year}", request=request,
                     detail={"file": "paid report", "year": year})
        return file_response(data_xlsx, filename=f"paid-{year}.xlsx", content_type=XLSX_TYPE)
    return render(request, "payments/report.html", {"year": year, "data": data, "titles": titles,
                                                    "degrees": dict(Degree.choices)})


# --- review routes ------------------------------------------------------------------------------------------------

@require_role(Role.OFFICER)
def routes(request):
    if request.method == "POST":
        try:
            eligibility_services.review_route_set(actor=request.user, policy_code=request.POST.get("policy", ""),
                                      tier=request.POST.get("tier", ""),
                                      officer_username=request.POST.get("officer", ""), request=request)
            messages.success(request, _("Route saved. It applies to lines made by the next runs."))
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("payments:routes")
    officers = User.objects.filter(role=Role.OFFICER, is_active=True,
                                   scope_division__startswith=request.user.scope_prefix[:4]).order_by("username")
    return render(request, "payments/routes.html", {
        "routes": ReviewRoute.objects.filter(scope=request.user.scope_prefix).select_related("policy", "officer"),
        "policies": Policy.objects.order_by("code"),
        "tiers": Tier.choices, "officers": officers})


@require_role(Role.OFFICER)
@require_POST
def route_delete(request, pk: int):
    try:
        eligibility_services.review_route_delete(actor=request.user, route_id=pk, request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("payments:routes")


# --- talent portal ------------------------------------------------------------------------------------------------

@require_role(Role.TALENT)
def mine(request):
    talent = talent_visible_to(request.user).first()
    if talent is None:
        raise Http404
    account = BankAccount.objects.filter(talent=talent).first()
    if request.method == "POST":
        try:
            services.bank_account_set(actor=request.user, talent=talent, holder=request.POST.get("holder", ""),
                                      bank_name=request.POST.get("bank_name", ""),
                                      number=request.POST.get("number", ""), request=request)
            messages.success(request, _("Bank account saved."))
            return redirect("payments:mine")
        except ApplicationError as exc:
            return render(request, "payments/mine.html", {
                "talent": talent, "lines": _mine_lines(request.user), "account": account,
                "errors": field_errors(exc, "number"), "form": request.POST}, status=400)
    return render(request, "payments/mine.html", {"talent": talent, "lines": _mine_lines(request.user),
                                                  "account": account, "form": {}})


def _mine_lines(user) -> list[dict]:
    lines = list(selectors.talent_lines(user))
    events: dict[int, list] = {}
    for e in EntitlementEvent.objects.filter(entitlement__in=lines).order_by("at", "pk"):
        events.setdefault(e.entitlement_id, []).append(e)
    return [{"line": line, "events": events.get(line.pk, [])} for line in lines]
