"""Pages of eligibility: a talent's "what policy gives me" with the objection form, an officer's explanation of
one person's verdict (audited), and the officer's list of in-kind lines to mark issued. Thin: check the role,
call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role
from talentpool.core.roles import Role
from talentpool.policies.models import Objection, Policy
from talentpool.registry import selectors as registry_selectors
from talentpool.registry import services as registry_services

from . import selectors, services
from .past_payments import TEMPLATE, past_payments_import, past_payments_text


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


@require_role(Role.OFFICER)
def talent_explain(request, talent_pk: int, code: str):
    talent = registry_selectors.talent_get_for(user=request.user, pk=talent_pk)
    if talent is None:
        raise Http404
    registry_services.talent_record_viewed(actor=request.user, talent=talent, request=request, channel="explain")
    as_of = _as_of(request)
    pairs = [p for p in request.GET.getlist("set")[:20] if p.strip()]
    fields = {k[2:]: v[:200] for k, v in list(request.GET.items())[:80] if k.startswith("p_")}
    override_error = ""
    try:
        shown = selectors.eligibility_explain(talent=talent, code=code, as_of=as_of)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    inputs = selectors.policy_parameter_inputs(code, shown.version, as_of)
    current = {p["name"]: p["current"] for p in inputs}
    pairs = selectors.overrides_from_form(pairs, fields, current)
    overrides: dict[str, str] = {}
    try:
        overrides = selectors.parse_overrides(pairs)
        explanation = (selectors.eligibility_explain(talent=talent, code=code, as_of=as_of, overrides=overrides)
                       if overrides else shown)
    except ApplicationError as exc:
        if not exc.code.startswith("parameter_"):
            raise Http404(exc.message) from exc
        override_error = exc.message  # the what-if could not be read: say why, explain without it
        explanation = shown
    free = [p for p in pairs if p.partition("=")[0].strip() not in current]
    parameters = inputs if explanation.version == shown.version and not overrides and not fields else (
        selectors.policy_parameter_inputs(code, explanation.version, as_of,
                                          {k: v for k, v in overrides.items() if k in current}, fields))
    return render(request, "eligibility/explain.html", {"talent": talent, "x": explanation, "as_of": as_of,
                                                     "fact_labels": selectors.fact_labels(),
                                                     "policy": get_object_or_404(Policy, code=code),
                                                     "pairs": free, "parameters": parameters,
                                                     "override_error": override_error})


def _my_talent(request):
    return registry_selectors.talent_visible_to(request.user).first()


@require_role(Role.TALENT)
def my_policies(request):
    talent = _my_talent(request)
    as_of = timezone.localdate()
    explanations = selectors.eligibility_for_talent(talent=talent, as_of=as_of) if talent else []
    titles = {p.code: p for p in Policy.objects.all()}
    items = [{"x": x, "policy": titles.get(x.code)} for x in explanations]
    order = {"yes": 0, "review": 1, "unknown": 2, "excluded": 3, "no": 4}
    items.sort(key=lambda i: (order.get(i["x"].verdict, 9), i["x"].code))
    objections = Objection.objects.filter(talent=talent).select_related("policy") if talent else []
    return render(request, "eligibility/mine.html", {"talent": talent, "items": items, "as_of": as_of,
                                                  "fact_labels": selectors.fact_labels(),
                                                  "objections": objections})


@require_role(Role.TALENT)
@require_POST
def my_objection_create(request, code: str):
    talent = _my_talent(request)
    if talent is None:
        raise Http404
    try:
        services.objection_raise(talent=talent, policy_code=code, message=request.POST.get("message", ""),
                                  as_of=timezone.localdate())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your objection was sent. An officer will answer it here."))
    return redirect("eligibility:mine")


@require_role(Role.OFFICER)
def in_kind(request):
    """Approved in-kind lines (welcome packs, passes): handed over outside the bank, then marked issued here,
    ticked ones or every line of a policy."""
    if request.method == "POST":
        try:
            issued_on = dt.date.fromisoformat(request.POST.get("issued_on", ""))
        except ValueError:
            messages.error(request, _("Give the date the items were issued (YYYY-MM-DD)."))
            return redirect("eligibility:in-kind")
        ids = [int(i) for i in request.POST.getlist("line") if i.isdigit()]
        policy = request.POST.get("policy", "").strip()
        try:
            outcome = services.entitlements_issue(actor=request.user, issued_on=issued_on,
                                                  ids=None if policy else ids, policy_code=policy, request=request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)s line(s) marked issued on %(day)s.") % {
                "n": outcome.issued, "day": issued_on.isoformat()})
        return redirect("eligibility:in-kind")
    lines = selectors.entitlements_to_issue(request.user)
    code = request.GET.get("policy", "").strip()
    if code:
        lines = lines.filter(policy__code=code)
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(request, "eligibility/in_kind.html", {"page": page, "summary": selectors.in_kind_summary(request.user),
                                                     "policy": code, "today": timezone.localdate()})


@require_role(Role.OFFICER)
def past_payments(request):
    """Payments made before the platform: a CSV upload stored as paid, imported ledger lines (all rows or none;
    each refusal named by row and column), and the lines imported so far in the officer's scope."""
    problems, status = [], 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            outcome = past_payments_import(actor=request.user, text=past_payments_text(upload), request=request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            if not outcome.problems:
                messages.success(request, _("%(n)s past payment(s) stored in the ledger as imported.") % {
                    "n": outcome.created})
                return redirect("eligibility:past-payments")
            problems, status = outcome.problems, 400
    lines = selectors.entitlements_visible_to(request.user).filter(imported=True).select_related(
        "talent", "policy", "policy_version").order_by("-paid_on", "-pk")
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(request, "eligibility/past_payments.html", {"problems": problems, "page": page}, status=status)


@require_role(Role.OFFICER)
def past_payments_template(request):
    return file_response("\ufeff" + TEMPLATE, filename="past-payments.csv", content_type="text/csv; charset=utf-8",
                         kept=True)
