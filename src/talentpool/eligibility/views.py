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

from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role
from talentpool.core.roles import Role
from talentpool.policies.models import Objection, Policy
from talentpool.registry import selectors as registry_selectors
from talentpool.registry import services as registry_services

from . import selectors, services


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


@require_role(Role.OFFICER)
def talent_explain(request, talent_pk: int, code: str):
    talent = registry_selectors.talent_detail_for(user=request.user, pk=talent_pk)
    if talent is None:
        raise Http404
    registry_services.talent_record_viewed(actor=request.user, talent=talent, request=request, channel="explain")
    as_of = _as_of(request)
    pairs = [p for p in request.GET.getlist("set")[:20] if p.strip()]
    override_error = ""
    try:
        overrides = selectors.parse_overrides(pairs)
        explanation = selectors.eligibility_explain(talent=talent, code=code, as_of=as_of, overrides=overrides)
    except ApplicationError as exc:
        if not exc.code.startswith("parameter_"):
            raise Http404(exc.message) from exc
        override_error = exc.message  # the what-if could not be read: say why, explain without it
        try:
            explanation = selectors.eligibility_explain(talent=talent, code=code, as_of=as_of)
        except ApplicationError as again:
            raise Http404(again.message) from again
    return render(request, "eligibility/explain.html", {"talent": talent, "x": explanation, "as_of": as_of,
                                                     "fact_labels": selectors.fact_labels(),
                                                     "policy": get_object_or_404(Policy, code=code),
                                                     "pairs": pairs, "override_error": override_error})


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
