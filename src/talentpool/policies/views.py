"""Officer console and talent portal pages for policies. Thin: parse, check the role, call a selector or a
service, render. The same services sit under the API and the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.i18n import bilingual
from talentpool.core.permissions import require_role
from talentpool.engines.policy import PolicyError
from talentpool.registry import selectors as registry_selectors

from . import approvals, checks, selectors, services
from .bounds import parameter_hint, parameter_limits, parameter_unit
from .models import (
    ApprovalStatus,
    CheckStatus,
    Objection,
    ObjectionStatus,
    Policy,
    PolicyApproval,
    PolicyVersion,
    VersionStatus,
)
from .wording import type_name

OFFICE = (Role.OFFICER, Role.ADMIN)


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _engine(version: PolicyVersion):
    """The parsed document, from the per-process cache (keyed by the version's id and ``updated_at``); None when
    the stored text does not parse as one version (a draft being edited)."""
    try:
        return selectors.policy_version_document(version)
    except (PolicyError, ValueError):
        return None


@require_role(*OFFICE)
def policy_list(request):
    policies = Policy.objects.prefetch_related("versions").order_by("code")
    rows = []
    for p in policies:
        versions = list(p.versions.all())
        published = next((v for v in reversed(versions) if v.status == VersionStatus.PUBLISHED), None)
        rows.append({"policy": p, "published": published, "drafts": sum(v.status == VersionStatus.DRAFT for v in versions),
                     "engine": _engine(published) if published else None})
    open_objections = Objection.objects.filter(status=ObjectionStatus.OPEN).count()
    return render(request, "policies/policy_list.html", {
        "rows": rows, "open_objections": open_objections,
        "waiting": list(selectors.approvals_waiting_for(request.user)),
        "mine": list(selectors.approvals_visible_to(request.user).filter(
            status=ApprovalStatus.PENDING, requested_by=request.user)),
    })


@require_role(*OFFICE)
def policy_detail(request, code: str):
    policy = get_object_or_404(Policy, code=code)
    versions = list(policy.versions.order_by("-version"))
    current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    shown = current or (versions[0] if versions else None)
    pending = list(selectors.approvals_visible_to(request.user).filter(
        version__policy=policy, status=ApprovalStatus.PENDING))
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "versions": versions, "current": current, "shown": shown,
        "engine": _engine(shown) if shown else None, "may_change": selectors.policy_covered_by(request.user, policy),
        "pending": pending, "pending_versions": {a.version_id for a in pending},
    })


def _parameter_rows(engine) -> list[dict]:
    rows = []
    for name, param in engine.parameters.items():
        low, high = parameter_limits(param)
        rows.append({"name": name, "param": param, "hint": parameter_hint(param), "unit": parameter_unit(param),
                     "min": low, "max": high,
                     "values": [{"from": v.start.isoformat(), "value": _show(param.type, v.value), "note": v.note,
                                 "key": f"{name}-{i}"} for i, v in enumerate(param.values)],
                     "new_key": f"{name}-{len(param.values)}"})
    return rows


def _show(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_value(kind: str, text: str, label: str):
    text = text.strip()
    try:
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "int":
            return int(text)
        if kind == "bool":
            if text.lower() in ("true", "1", "是", "yes"):
                return True
            if text.lower() in ("false", "0", "否", "no"):
                return False
            raise ValueError
        if kind in ("money", "decimal"):
            amount = Decimal(text.replace(",", "").replace("¥", ""))
            return f"{amount:.2f}" if kind == "money" else str(amount)
        return text
    except (ValueError, InvalidOperation) as exc:
        raise ApplicationError(_("%(label)s: %(value)s is not a valid %(kind)s.") % {"label": label, "value": text, "kind": type_name(kind)},
                               field=label) from exc


@require_role(Role.OFFICER)
def draft_create(request, code: str):
    policy = get_object_or_404(Policy, code=code)
    if not selectors.policy_covered_by(request.user, policy):
        raise PermissionDenied
    base = policy.versions.filter(status=VersionStatus.PUBLISHED).order_by("-version").first()
    if base is None:
        raise Http404
    engine = _engine(base)
    rows = _parameter_rows(engine)
    error = ""
    if request.method == "POST":
        try:
            changes: dict[str, list[dict]] = {}
            for row in rows:
                name, kind, label = row["name"], row["param"].type, row["param"].label.zh
                if not any(key.startswith(f"p-{name}-") for key in request.POST):
                    continue  # not on the form: unchanged
                values = []
                for i in range(len(row["values"]) + 1):
                    start = request.POST.get(f"p-{name}-{i}-from", "").strip()
                    value = request.POST.get(f"p-{name}-{i}-value", "").strip()
                    if not start and (not value or kind == "bool"):
                        continue  # an empty row (a yes/no box always sends a value: no date, no row)
                    if not start or not value:
                        raise ApplicationError(_("%(label)s: give both the date and the value.") % {"label": label})
                    values.append({"from": _read_value("date", start, label), "value": _read_value(kind, value, label),
                                   **({"note": row["values"][i]["note"]} if i < len(row["values"]) and row["values"][i]["note"] else {})})
                if values != [{"from": dt.date.fromisoformat(v["from"]), "value": _read_value(kind, v["value"], label),
                               **({"note": v["note"]} if v["note"] else {})} for v in row["values"]]:
                    changes[name] = values
            if not changes:
                raise ApplicationError(_("Nothing was changed."))
            draft = services.policy_draft_create(actor=request.user, version=base, parameter_values=changes)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Draft version %(v)s created with the changed parameters (%(names)s). Its "
                                        "checks run now: the test cases and the what-if budget show below when "
                                        "done.") % {"v": draft.version, "names": ", ".join(
                                            bilingual(r["param"].label) for r in rows if r["name"] in changes)})
            return redirect("policies:draft-detail", pk=draft.pk)
    return render(request, "policies/draft_form.html", {"policy": policy, "base": base, "rows": rows, "error": error,
                                                        "posted": request.POST})


@require_role(*OFFICE)
def draft_detail(request, pk: int):
    # the version it is based on is read for its parameters, from the parsed-document cache: not its text or reports
    draft = get_object_or_404(PolicyVersion.objects.select_related("policy", "based_on").defer(
        "based_on__source", "based_on__tests_report", "based_on__validation_report"), pk=pk)
    engine = _engine(draft)
    whatif = None
    if "as_of" in request.GET and draft.based_on:
        whatif = selectors.whatif(base=draft.based_on, draft_source=draft.source, as_of=_as_of(request))
        for rows in whatif["splits"].values():  # bar lengths for the chart, relative to the largest budget
            top = max([max(r["budget_before"], r["budget_after"]) for r in rows] + [Decimal(1)])
            for r in rows:
                r["pct_before"] = int(100 * r["budget_before"] / top)
                r["pct_after"] = int(100 * r["budget_after"] / top)
    pending = selectors.approvals_visible_to(request.user).filter(version=draft, status=ApprovalStatus.PENDING).first()
    check = checks.check_view(draft) if draft.status == VersionStatus.DRAFT else None
    return render(request, "policies/draft_detail.html", {
        "draft": draft, "engine": engine, "changed": _changes(draft, engine), "whatif": whatif,
        "as_of": _as_of(request), "check": check,
        "running": bool(check and check["state"] in (CheckStatus.PENDING, CheckStatus.RUNNING)),
        "can_publish": draft.status == VersionStatus.DRAFT and bool(check and check["publishable"])
        and pending is None, "may_change": selectors.policy_covered_by(request.user, draft.policy), "pending": pending,
        "pending_list": [pending] if pending else [],
    })


def _changes(draft: PolicyVersion, engine) -> list[dict]:
    base_engine = _engine(draft.based_on) if draft.based_on else None
    changed = []
    if engine and base_engine:
        for name, param in engine.parameters.items():
            before = base_engine.parameters.get(name)
            if before is None or before.values != param.values:
                changed.append({"name": name, "label": param.label,
                                "before": [(v.start, _show(param.type, v.value)) for v in (before.values if before else ())],
                                "after": [(v.start, _show(param.type, v.value)) for v in param.values]})
    return changed


@require_role(Role.OFFICER)
@require_POST
def draft_check(request, pk: int):
    """Run the draft's checks again (the published set changed since, or a check stopped)."""
    # the version it is based on is read for its parameters, from the parsed-document cache: not its text or reports
    draft = get_object_or_404(PolicyVersion.objects.select_related("policy", "based_on").defer(
        "based_on__source", "based_on__tests_report", "based_on__validation_report"), pk=pk)
    _ask(request, _("The checks of version %(v)s run again; this page shows their progress.") % {"v": draft.version},
         lambda **kw: services.policy_check_request(actor=kw["actor"], draft=kw["draft"], request=kw["request"]),
         draft=draft)
    return redirect("policies:draft-detail", pk=pk)


def _ask(request, done: str, ask, **target) -> None:
    """Run a request service; a refusal of scope is a 403, any other refusal a message on the page."""
    try:
        ask(actor=request.user, reason=request.POST.get("reason", ""), request=request, **target)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@require_role(Role.OFFICER)
@require_POST
def draft_publish(request, pk: int):
    """Ask for the draft to be published; a second officer of the policy's scope approves."""
    draft = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    _ask(request, _("Publication of version %(v)s is asked for: a second officer approves it.") % {
        "v": draft.version}, approvals.policy_publish_request, draft=draft)
    return redirect("policies:draft-detail", pk=pk)


@require_role(Role.OFFICER)
@require_POST
def version_retire(request, pk: int):
    """Ask for the published version to be retired; a second officer of the policy's scope approves."""
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    _ask(request, _("Retiring version %(v)s is asked for: a second officer approves it.") % {
        "v": version.version}, approvals.policy_retire_request, version=version)
    return redirect("policies:policy-detail", code=version.policy.code)


def _approval(request, pk: int) -> PolicyApproval:
    found = selectors.approvals_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _decided(request, approval: PolicyApproval):
    nxt = request.POST.get("next", "")
    if nxt == "policy":
        return redirect("policies:policy-detail", code=approval.version.policy.code)
    return redirect("policies:policy-list")


@require_role(Role.OFFICER)
@require_POST
def approval_approve(request, pk: int):
    approval = _approval(request, pk)
    try:
        approvals.policy_approval_approve(actor=request.user, approval=approval, request=request)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = (_("Version %(v)s of %(code)s is published.") if approval.action == "publish"
                else _("Version %(v)s of %(code)s is retired."))
        messages.success(request, done % {"v": approval.version.version, "code": approval.version.policy.code})
    return _decided(request, approval)


@require_role(Role.OFFICER)
@require_POST
def approval_decline(request, pk: int):
    approval = _approval(request, pk)
    try:
        approvals.policy_approval_decline(actor=request.user, approval=approval,
                                          reason=request.POST.get("reason", ""), request=request)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request was declined."))
    return _decided(request, approval)


@require_role(Role.OFFICER)
def objection_list(request):
    status = request.GET.get("status", ObjectionStatus.OPEN)
    objections = Objection.objects.select_related("talent", "policy").filter(
        talent__in=registry_selectors.talent_visible_to(request.user))
    if status:
        objections = objections.filter(status=status)
    page = Paginator(objections.order_by("created_at"), 25).get_page(request.GET.get("page"))
    return render(request, "policies/objection_list.html", {"page": page, "status": status,
                                                            "statuses": ObjectionStatus.choices})


@require_role(Role.OFFICER)
@require_POST
def objection_answer(request, pk: int):
    objection = get_object_or_404(Objection.objects.filter(talent__in=registry_selectors.talent_visible_to(request.user)), pk=pk)
    try:
        services.objection_answer(actor=request.user, objection=objection, answer=request.POST.get("answer", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The answer was sent to %(name)s.") % {"name": objection.talent.name})
    return redirect("policies:objection-list")
