"""Officer console and talent portal pages for policies. Thin: parse, check the role, call a selector or a
service, render. The same services sit under the API and the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role
from talentpool.engines.policy import PolicyError, parse_documents
from talentpool.registry import selectors as registry_selectors

from . import selectors, services
from .models import Objection, ObjectionStatus, Policy, PolicyVersion, VersionStatus

OFFICE = (Role.OFFICER, Role.ADMIN)


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _engine(version: PolicyVersion):
    try:
        return parse_documents(version.source)[0]
    except PolicyError:
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
    return render(request, "policies/policy_list.html", {"rows": rows, "open_objections": open_objections})


@require_role(*OFFICE)
def policy_detail(request, code: str):
    policy = get_object_or_404(Policy, code=code)
    versions = list(policy.versions.order_by("-version"))
    current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    shown = current or (versions[0] if versions else None)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "versions": versions, "current": current, "shown": shown,
        "engine": _engine(shown) if shown else None,
    })


def _parameter_rows(engine) -> list[dict]:
    rows = []
    for name, param in engine.parameters.items():
        rows.append({"name": name, "param": param,
                     "values": [{"from": v.start.isoformat(), "value": _show(param.type, v.value), "note": v.note}
                                for v in param.values]})
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
        raise ApplicationError(_("%(label)s: %(value)s is not a valid %(kind)s.") % {"label": label, "value": text, "kind": kind},
                               field=label) from exc


@require_role(Role.OFFICER)
def draft_create(request, code: str):
    policy = get_object_or_404(Policy, code=code)
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
                    if not start and not value:
                        continue
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
            messages.success(request, _("Draft version %(v)s created. Check its test cases and the what-if before publishing.") % {"v": draft.version})
            return redirect("policies:draft-detail", pk=draft.pk)
    return render(request, "policies/draft_form.html", {"policy": policy, "base": base, "rows": rows, "error": error,
                                                        "posted": request.POST})


@require_role(*OFFICE)
def draft_detail(request, pk: int):
    draft = get_object_or_404(PolicyVersion.objects.select_related("policy", "based_on"), pk=pk)
    engine = _engine(draft)
    base_engine = _engine(draft.based_on) if draft.based_on else None
    changed = []
    if engine and base_engine:
        for name, param in engine.parameters.items():
            before = base_engine.parameters.get(name)
            if before is None or before.values != param.values:
                changed.append({"name": name, "label": param.label,
                                "before": [(v.start, _show(param.type, v.value)) for v in (before.values if before else ())],
                                "after": [(v.start, _show(param.type, v.value)) for v in param.values]})
    whatif = None
    if "as_of" in request.GET and draft.based_on:
        whatif = selectors.whatif(base=draft.based_on, draft_source=draft.source, as_of=_as_of(request))
        for rows in whatif["splits"].values():  # bar lengths for the chart, relative to the largest budget
            top = max([max(r["budget_before"], r["budget_after"]) for r in rows] + [Decimal(1)])
            for r in rows:
                r["pct_before"] = int(100 * r["budget_before"] / top)
                r["pct_after"] = int(100 * r["budget_after"] / top)
    return render(request, "policies/draft_detail.html", {
        "draft": draft, "engine": engine, "changed": changed, "whatif": whatif, "as_of": _as_of(request),
        "can_publish": draft.status == VersionStatus.DRAFT and draft.tests_passed and not draft.validation_report,
    })


@require_role(Role.OFFICER)
@require_POST
def draft_publish(request, pk: int):
    draft = get_object_or_404(PolicyVersion, pk=pk)
    try:
        services.policy_publish(actor=request.user, draft=draft)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("policies:draft-detail", pk=pk)
    messages.success(request, _("Version %(v)s is published.") % {"v": draft.version})
    return redirect("policies:policy-detail", code=draft.policy.code)


@require_role(Role.OFFICER)
@require_POST
def version_retire(request, pk: int):
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    try:
        services.policy_retire(actor=request.user, version=version)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version %(v)s is retired.") % {"v": version.version})
    return redirect("policies:policy-detail", code=version.policy.code)


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
