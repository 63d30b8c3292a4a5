"""Writes on policies: loading the shipped set, drafts, checks, publishing and retiring, objections.

Every write checks the acting user (``ensure_may_change``: an officer whose scope covers the policy's owner) and
runs in one transaction with its audit row (``AuditAction.RECORD_CHANGE`` with ``detail.event`` naming what
happened). A policy document is checked when it is saved: a draft whose YAML cannot
be read or fails validation (unknown field, type mismatch, unknown fact, overlapping versions, exclusion cycle…)
is refused with every problem and its line; a draft whose own test cases fail is kept (so it can be fixed) but
cannot be published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from talentpool.core.audit import audit_record, audited
from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditAction, AuditEvent
from talentpool.core.notices import Message, notify
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.engines.policy import PolicyError, parse_documents
from talentpool.engines.policy import PolicyVersion as EngineVersion
from talentpool.engines.text import clean_text

from .checks import check_start, policy_check_run
from .documents import SHIPPED_DIR, _split_documents, _yaml_value, document_with_parameters
from .models import Objection, ObjectionStatus, Policy, PolicyCheck, PolicyVersion, VersionStatus
from .selectors import objection_list_for, policy_covered_by
from .validation import CheckReport, _refuse, _store_report, policy_version_check


def _audit(*, actor, version: PolicyVersion, event: str, **detail: Any) -> None:
    audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"policy:{version.policy.code}:v{version.version}",
                 detail={"event": event, "policy": version.policy.code, "version": version.version, **detail})


# --- editing a document -------------------------------------------------------------------------------------------

def parameter_values_set(source: str, edits: list[tuple[str, str, dt.date | None]]) -> dict[str, list[dict]]:
    """Turn ``name=value[@from]`` edits (as the CLI takes them) into whole value lists for
    ``document_with_parameters``: without a date the value holds from the parameter's first date on (replacing
    every value); with one, values from that date on are replaced and earlier ones kept."""
    data = yaml.safe_load(source) or {}
    params = data.get("parameters") or {}
    out: dict[str, list[dict]] = {}
    for name, value, start in edits:
        if name not in params:
            raise ApplicationError(_("Unknown parameter %(name)s.") % {"name": name}, code="parameter_unknown",
                                   field=name)
        current = out.get(name) or [dict(v) for v in params[name].get("values") or []]
        first = min((_yaml_value("date", v["from"]) for v in current), default=None)
        if start is None:
            start = first or dt.date(1970, 1, 1)
            current = []
        else:
            current = [v for v in current if _yaml_value("date", v["from"]) < start]
        current.append({"from": start, "value": value})
        out[name] = current
    return out


_VERSION_LINE = re.compile(r"^version:[ \t]*\S+[ \t]*$", re.MULTILINE)


def _with_version_number(source: str, number: int) -> str:
    """An officer's full document gets the draft's number (its top-level ``version:`` line), formatting kept."""
    return _VERSION_LINE.sub(f"version: {number}", source, count=1)


# --- shipped policies ---------------------------------------------------------------------------------------------

def shipped_documents(directory: Path | None = None) -> list[tuple[Path, str, EngineVersion]]:
    """Every version in the shipped files, with its own document text; raises PolicyError on a bad file."""
    out = []
    for path in sorted((directory or SHIPPED_DIR).glob("*.yaml")):
        for text in _split_documents(path.read_text(encoding="utf-8")):
            (version,) = parse_documents(text)
            out.append((path, text, version))
    return out


def policy_sync_shipped(*, actor=None, directory: Path | None = None) -> dict[str, list[str]]:
    """Load the shipped policy files as published versions where the version (code + number) is not stored yet.

    Idempotent. A stored version whose shipped text has since changed gets the new text (``_sync_changed``):
    ``updated`` in place when officers never touched it, else ``drafted`` as a new draft for officers to publish;
    ``changed`` when it is left alone (retired, or its draft is already waiting). A file that does not read is
    reported under ``invalid``. Returns ``{"created", "unchanged", "updated", "drafted", "changed", "invalid"}``
    (lists of "code vN", with what was done after a colon)."""
    result: dict[str, list[str]] = {k: [] for k in SYNC_OUTCOMES}
    for path in sorted((directory or SHIPPED_DIR).glob("*.yaml")):
        try:
            docs = [(text, parse_documents(text)[0]) for text in _split_documents(path.read_text(encoding="utf-8"))]
        except PolicyError as exc:
            result["invalid"].append(f"{path.name}: {exc}")
            continue
        for text, version in docs:
            label = f"{version.code} v{version.version}"
            stored = PolicyVersion.objects.filter(policy__code=version.code, version=version.version).first()
            if stored is not None and stored.source.strip() == text.strip():
                result["unchanged"].append(label)
                continue
            if stored is not None:
                outcome, said = _sync_changed(actor=actor, stored=stored, text=text, file=path.name)
                result[outcome].append(f"{label}: {said}" if said else label)
                continue
            with transaction.atomic():
                policy = Policy.objects.filter(code=version.code).first()
                if policy is None and not version.owner:
                    result["invalid"].append(f"{path.name}: {label}: " + _(
                        "a new policy names the division that owns it (owner: 330100)"))
                    continue
                if policy is None:
                    policy = Policy.objects.create(code=version.code, title_zh=version.title.zh,
                                                   title_en=version.title.en, owner_division=version.owner)
                report = policy_version_check(text, code=version.code, number=version.version,
                                              owner=policy.owner_division)
                if not report.ok:
                    result["invalid"].append(f"{path.name}: {label}: " + "; ".join(
                        f"line {p['line']}: {p['message']}" for p in report.problems))
                    continue
                now = timezone.now()
                stored = PolicyVersion(policy=policy, version=version.version, status=VersionStatus.PUBLISHED,
                                       source=text, effective_from=version.effective_from,
                                       effective_to=version.effective_to, created_by=_user(actor),
                                       published_by=_user(actor), published_at=now)
                _store_report(stored, report)
                stored.full_clean()
                stored.save()
                _audit(actor=actor, version=stored, event="policy_sync_shipped", file=path.name, sha256=_sha(text))
            result["created"].append(label)
    return result


SYNC_OUTCOMES = ("created", "unchanged", "updated", "drafted", "changed", "invalid")
_SYNC_EVENTS = ("policy_sync_shipped", "policy_sync_updated")


def _sha(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def _untouched(stored: PolicyVersion) -> bool:
    """Whether a stored version is exactly as the sync stored it and nothing refers to it: published, its text
    the one the last sync recorded (by hash, in the audit trail), no approval, draft or ledger line made under it
    (any record with a foreign key to it)."""
    if stored.status != VersionStatus.PUBLISHED:
        return False
    last = (AuditEvent.objects.filter(target=f"policy:{stored.policy.code}:v{stored.version}",
                                      detail__event__in=_SYNC_EVENTS).order_by("-pk").first())
    if last is None or (last.detail or {}).get("sha256") != _sha(stored.source):
        return False
    for rel in PolicyVersion._meta.related_objects:
        if rel.related_model._default_manager.filter(**{rel.field.name: stored}).exists():
            return False
    return True


def _sync_changed(*, actor, stored: PolicyVersion, text: str, file: str) -> tuple[str, str]:
    """A shipped document whose text differs from the stored version of the same number. Updated in place when
    ``_untouched`` (nobody was judged or paid under it, no officer acted on it); else stored as a new draft
    (number max + 1, based on it) that officers publish through the four-eyes approval; left alone when it is
    retired or a draft with this text already waits. Returns (outcome, what was done)."""
    policy = stored.policy
    if _untouched(stored):
        report = policy_version_check(text, code=policy.code, number=stored.version, replaces=stored,
                                      owner=policy.owner_division)
        if not report.ok:
            return "invalid", "; ".join(f"line {p['line']}: {p['message']}" for p in report.problems)
        with transaction.atomic():
            stored.source = text
            stored.effective_from, stored.effective_to = report.version.effective_from, report.version.effective_to
            _store_report(stored, report)
            stored.full_clean()
            stored.save()
            _audit(actor=actor, version=stored, event="policy_sync_updated", file=file, sha256=_sha(text))
        return "updated", _("text replaced in place (not used yet)")
    if stored.status == VersionStatus.RETIRED:
        return "changed", _("retired: left alone")
    with transaction.atomic():
        Policy.objects.select_for_update().get(pk=policy.pk)
        for draft in policy.versions.filter(status=VersionStatus.DRAFT, based_on=stored):
            if _sha(_with_version_number(draft.source, stored.version)) == _sha(text):
                return "changed", _("draft v%(number)s with this text is waiting") % {"number": draft.version}
        number = (policy.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        draft_text = _with_version_number(text, number)
        report = policy_version_check(draft_text, code=policy.code, number=number, replaces=stored,
                                      owner=policy.owner_division)
        if not report.ok:
            return "invalid", "; ".join(f"line {p['line']}: {p['message']}" for p in report.problems)
        draft = PolicyVersion(policy=policy, version=number, status=VersionStatus.DRAFT, source=draft_text,
                              effective_from=report.version.effective_from, effective_to=report.version.effective_to,
                              based_on=stored, created_by=_user(actor))
        _store_report(draft, report)
        draft.full_clean()
        draft.save()
        check = check_start(draft, background=False)
        _audit(actor=actor, version=draft, event="policy_sync_draft", file=file, based_on=stored.version,
               sha256=_sha(text))
    policy_check_run(check.pk)  # the sync is a command: its draft's check runs here, not in a thread it outlives
    return "drafted", _("stored as draft v%(number)s (in use: publish it to apply)") % {"number": number}


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- who may change a policy, drafts -------------------------------------------------------------------------------

def ensure_may_change(actor, policy: Policy) -> None:
    """Refuse (403) unless ``actor`` is an officer whose scope covers the division owning ``policy``."""
    ensure_role(actor, Role.OFFICER)
    if not policy_covered_by(actor, policy):
        raise PermissionDeniedError(
            _("%(code)s belongs to division %(owner)s: only officers whose scope covers it may change it.") % {
                "code": policy.code, "owner": policy.owner_division}, code="policy_scope")


def policy_draft_create(*, actor, version: PolicyVersion, parameter_values: dict[str, list[dict]] | None = None,
                        source: str | None = None, background: bool = True) -> PolicyVersion:
    """A new draft of ``version``'s policy, numbered max + 1 and based on ``version``: its document with the
    given parameter values (each parameter's whole list of ``{from, value}``), or the given ``source``.
    Refused (ApplicationError ``policy_invalid`` with ``extra.problems``) when the document does not read, a
    parameter is out of range or it does not compile, and (403 ``policy_scope``) unless the actor's scope covers
    the policy's owner. The heavy checks (the published set, the test cases, the what-if budget) start as a
    pending ``PolicyCheck`` run by a task once this commits (``background=False``: the caller runs it)."""
    ensure_may_change(actor, version.policy)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=version.policy_id)
        number = (policy.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        if source is None:
            text = document_with_parameters(version.source, parameter_values, version=number)
        elif parameter_values:
            text = document_with_parameters(source, parameter_values, version=number)
        else:
            text = _with_version_number(source, number)
        report = _document_check(text, code=policy.code, number=number, replaces=version,
                                 owner=policy.owner_division)
        engine = report.version
        draft = PolicyVersion(policy=policy, version=number, status=VersionStatus.DRAFT, source=text,
                              effective_from=engine.effective_from, effective_to=engine.effective_to,
                              based_on=version, created_by=_user(actor))
        _store_report(draft, report)
        draft.tests_passed = None  # the test cases run in the background check
        draft.full_clean()
        draft.save()
        check = check_start(draft, background=background)
        changed = sorted(parameter_values or {})
        _audit(actor=actor, version=draft, event="policy_draft_create", based_on=version.version,
               parameters=changed, check=check.pk)
    return draft


def _document_check(text: str, **kwargs) -> CheckReport:
    """The quick part of the check, when a draft is saved: the document reads, its parameters are in range and
    it compiles; refused with every problem otherwise. The rest runs in the draft's background check."""
    report = policy_version_check(text, against_set=False, cases=False, **kwargs)
    if not report.ok:
        _refuse(report)
    return report


def policy_check_request(*, actor, draft: PolicyVersion, background: bool = True, request=None) -> PolicyCheck:
    """Run a draft's checks again (after the published set changed, or after a check stopped): an officer whose
    scope covers the policy. The latest check is the one publishing looks at."""
    ensure_may_change(actor, draft.policy)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 target=f"policy:{draft.policy.code}:v{draft.version}",
                 detail={"event": "policy_check_request", "policy": draft.policy.code, "version": draft.version}):
        locked = PolicyVersion.objects.select_for_update(of=("self",)).select_related("policy", "based_on").get(pk=draft.pk)
        if locked.status != VersionStatus.DRAFT:
            raise ApplicationError(_("Only a draft is checked before publishing."), code="not_draft")
        return check_start(locked, background=background)


def policy_draft_update(*, actor, draft: PolicyVersion, source: str, background: bool = True) -> PolicyVersion:
    """Replace a draft's document; refused when the draft is no longer a draft or the new text does not validate
    (nothing changes then), and unless the actor's scope covers the policy's owner. A new background check
    starts (the one before is stale: publishing waits for the new one)."""
    ensure_may_change(actor, draft.policy)
    if draft.status != VersionStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be edited."), code="not_draft")
    source = _with_version_number(source, draft.version)
    report = _document_check(source, code=draft.policy.code, number=draft.version, replaces=draft.based_on,
                             owner=draft.policy.owner_division)
    with transaction.atomic():
        draft = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=draft.pk)
        if draft.status != VersionStatus.DRAFT:
            raise ApplicationError(_("Only a draft can be edited."), code="not_draft")
        draft.source = source
        draft.effective_from = report.version.effective_from
        draft.effective_to = report.version.effective_to
        _store_report(draft, report)
        draft.tests_passed = None
        draft.full_clean()
        draft.save()
        check = check_start(draft, background=background)
        _audit(actor=actor, version=draft, event="policy_draft_update", check=check.pk)
    return draft


# --- objections ---------------------------------------------------------------------------------------------------

def objection_create(*, talent, policy_code: str, message: str, as_of: dt.date, explanation: dict) -> Objection:
    """A talent objects to a verdict ("I think I qualify"); ``explanation`` is the verdict they saw, kept with it
    (``eligibility.services.objection_raise`` computes it)."""
    message = clean_text(message, 2001, fold=False)  # plain text as typed; one past the limit: "too long"
    if not message:
        raise ApplicationError(_("Say why you think you qualify."), code="required", field="message")
    if len(message) > 2000:
        raise ApplicationError(_("Keep it under 2,000 characters."), code="too_long", field="message")
    policy = Policy.objects.filter(code=policy_code).first()
    if policy is None:
        raise NotFoundError(_("No such policy."))
    snapshot = explanation
    with audited(actor=talent.user, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk,
                 detail={"event": "objection_create", "policy": policy_code,
                         "verdict": snapshot.get("verdict")}) as entry:
        objection = Objection(talent=talent, policy=policy, as_of=as_of, message=message, explanation=snapshot)
        objection.full_clean()
        objection.save()
        entry.target = f"objection:{objection.pk}"
    return objection


def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """An officer answers an objection of a person in their scope; the talent is told once it is saved."""
    ensure_role(actor, Role.OFFICER)
    answer = clean_text(answer, 2001, fold=False)
    if not answer:
        raise ApplicationError(_("Write an answer."), code="required", field="answer")
    if len(answer) > 2000:
        raise ApplicationError(_("Keep it under 2,000 characters."), code="too_long", field="answer")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"objection:{objection.pk}",
                 subject_talent_id=objection.talent_id,
                 detail={"event": "objection_answer", "policy_id": objection.policy_id}):
        objection = objection_list_for(actor).select_for_update(of=("self",)).filter(pk=objection.pk).first()
        if objection is None:
            raise NotFoundError()
        if objection.status != ObjectionStatus.OPEN:
            raise ApplicationError(_("This objection has already been answered."), code="already_answered")
        objection.answer, objection.status = answer, ObjectionStatus.ANSWERED
        objection.answered_by, objection.answered_at = _user(actor), timezone.now()
        objection.full_clean()
        objection.save()
        talent_user = objection.talent.user_id
        if talent_user:
            with translation.override(settings.LANGUAGE_CODE):
                title = _("The talent office answered your objection on %(policy)s") % {
                    "policy": objection.policy.title_zh}
            notify([Message(talent_user, "objection_answered", title, answer, reverse("eligibility:mine") + "#my-objections")])
    return objection
