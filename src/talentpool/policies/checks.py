"""The heavy checks of a draft, in a background task, and the gate publishing goes through.

Saving a draft (``services.policy_draft_create`` / ``policy_draft_update``) checks only its document (it parses,
its parameters are in range, it compiles): tens of milliseconds. What takes seconds on a district — fitting it
with every published version, running its own test cases, the what-if budget over every talent — runs in a
``PolicyCheck`` started in the same transaction and run by ``policy_check_task`` once it commits, with its
progress (step, done of total) stored for the draft page to show. Publishing (``ensure_checks_passed``, called by
the request and by the approval) reads the stored result: refused while the checks wait or run, when they
failed, and when they are stale (the draft's text or the published set changed since they ran).
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from talentpool.core.errors import ApplicationError
from talentpool.engines.policy.testcases import run_case

from . import selectors
from .models import CheckStatus, PolicyCheck, PolicyVersion, VersionStatus
from .validation import policy_version_check

logger = logging.getLogger(__name__)

STALE = "stale"  # a state of a check beside CheckStatus: its text or the published set changed since it ran
BUDGET_WARN_SHARE = Decimal("0.10")  # a budget change above a tenth of the budget is worth a second look


def source_sha(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def published_key(draft: PolicyVersion) -> str:
    """The published set a draft is checked against (every published version but the one it replaces), as a
    fingerprint of their ids and last changes: one query."""
    rows = (PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED).exclude(pk=draft.based_on_id or 0)
            .exclude(pk=draft.pk).order_by("pk").values_list("pk", "updated_at"))
    return hashlib.sha256(";".join(f"{pk}:{at.isoformat()}" for pk, at in rows).encode()).hexdigest()


def latest_check(draft: PolicyVersion) -> PolicyCheck | None:
    return PolicyCheck.objects.filter(version=draft).order_by("-pk").first()


def check_state(draft: PolicyVersion, check: PolicyCheck | None) -> str | None:
    """None (never checked), pending, running, passed, failed, or ``STALE``."""
    if check is None:
        return None
    if check.source_sha != source_sha(draft.source):
        return STALE
    if check.status in (CheckStatus.PASSED, CheckStatus.FAILED) and check.published_key != published_key(draft):
        return STALE
    return check.status


def check_start(draft: PolicyVersion, *, background: bool = True) -> PolicyCheck:
    """A pending check of the draft's current text (inside the caller's transaction); the task is queued when the
    transaction commits (``background=False``: the caller runs ``policy_check_run`` itself, as the CLI does)."""
    check = PolicyCheck.objects.create(version=draft, source_sha=source_sha(draft.source))
    if background:
        check_id = check.pk
        transaction.on_commit(lambda: policy_check_task.enqueue(check_id=check_id))
    return check


@task()
def policy_check_task(check_id: int) -> dict:
    check = policy_check_run(check_id)
    return {"id": check_id, "status": check.status if check else "discarded"}


def _progress(check: PolicyCheck, step: str, done: int, total: int) -> None:
    check.step, check.done, check.total = step, done, total
    PolicyCheck.objects.filter(pk=check.pk).update(step=step, done=done, total=total)


def policy_check_run(check_id: int, *, progress=None) -> PolicyCheck | None:
    """Run a pending check (safe to call twice: a check already claimed is returned as it is). ``progress(check)``
    is called after each step (the CLI prints it)."""
    claimed = PolicyCheck.objects.filter(pk=check_id, status=CheckStatus.PENDING).update(
        status=CheckStatus.RUNNING, started_at=timezone.now())
    check = PolicyCheck.objects.select_related("version__policy", "version__based_on").filter(pk=check_id).first()
    if not claimed or check is None:  # already claimed, or its draft was discarded meanwhile
        return check
    draft = check.version
    try:
        result = _run(check, draft, progress or (lambda c: None))
    except Exception as exc:  # a check that stops must say so, not stay "running"
        logger.exception("policy check %s stopped", check_id)
        result = {"problems": [{"line": 0, "message": _("The checks stopped with an error: %(error)s") % {
            "error": exc.__class__.__name__}}], "cases": [], "passed": 0, "failed": 0, "warnings": []}
    ok = not result["problems"] and not result["failed"]
    check.result, check.status = result, CheckStatus.PASSED if ok else CheckStatus.FAILED
    check.finished_at = timezone.now()
    PolicyCheck.objects.filter(pk=check.pk).update(  # a draft discarded meanwhile took its checks with it
        result=check.result, status=check.status, finished_at=check.finished_at, published_key=check.published_key,
        step=check.step, done=check.done, total=check.total)
    stored = PolicyVersion.objects.filter(pk=draft.pk).values_list("source", flat=True).first()
    if stored is not None and source_sha(stored) == check.source_sha:
        PolicyVersion.objects.filter(pk=draft.pk).update(  # no updated_at change: the parsed document stays cached
            tests_passed=None if result["problems"] else not result["failed"], tests_report=result["cases"],
            validation_report=result["problems"])
    return check


def _run(check: PolicyCheck, draft: PolicyVersion, progress) -> dict[str, Any]:
    result: dict[str, Any] = {"problems": [], "cases": [], "passed": 0, "failed": 0, "warnings": [], "whatif": None}
    if source_sha(draft.source) != check.source_sha:
        result["problems"] = [{"line": 0, "message": _("The draft changed before its checks ran.")}]
        return result
    check.published_key = published_key(draft)
    _progress(check, "validate", 0, 2)
    report = policy_version_check(draft, cases=False)
    result["problems"] = report.problems
    if report.problems:
        return result
    tests = report.version.tests
    total = 2 + len(tests)
    for i, case in enumerate(tests, start=1):
        _progress(check, "cases", i, total)
        progress(check)
        r = run_case(report.version, case)
        result["cases"].append({"name": r.name, "en": r.name, "zh": r.zh, "line": r.line, "passed": r.passed,
                                "problems": list(r.problems)})
    result["passed"] = sum(1 for c in result["cases"] if c["passed"])
    result["failed"] = len(result["cases"]) - result["passed"]
    _progress(check, "whatif", total - 1, total)
    progress(check)
    if draft.based_on_id:
        result["whatif"], result["warnings"] = _budget(draft)
    _progress(check, "done", total, total)
    progress(check)
    return result


def _budget(draft: PolicyVersion) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The what-if over every talent today (the version the draft replaces against the draft), kept as text
    amounts, and the warnings it gives (people who lose eligibility, a large budget change)."""
    day = timezone.localdate()
    w = selectors.whatif(base=draft.based_on, draft_source=draft.source, as_of=day)
    summary = {"as_of": day.isoformat(), "talents": w["talents"], "gained": w["gained"], "lost": w["lost"],
               "eligible_before": w["eligible_before"], "eligible_after": w["eligible_after"],
               **{k: f"{w[k]:.2f}" for k in ("budget_before", "budget_after", "budget_change")}}
    warnings: list[dict[str, Any]] = []
    if w["lost"]:
        warnings.append({"code": "lost", "n": w["lost"]})
    before, change = w["budget_before"], w["budget_change"]
    if change and (not before or abs(change) > before * BUDGET_WARN_SHARE):
        warnings.append({"code": "budget", "change": f"{change:.2f}",
                         "pct": f"{100 * change / before:.0f}" if before else ""})
    return summary, warnings


def warning_text(warning: dict[str, Any]) -> str:
    """A stored warning in the reader's language."""
    if warning.get("code") == "lost":
        return ngettext("%(n)s person eligible under the version in force would no longer be.",
                        "%(n)s people eligible under the version in force would no longer be.",
                        warning["n"]) % {"n": f"{warning['n']:,}"}
    if warning.get("code") == "budget" and warning.get("pct"):
        return _("The budget changes by %(change)s yuan (%(pct)s%%).") % {
            "change": f"{Decimal(warning['change']):+,.2f}", "pct": warning["pct"]}
    return _("The budget changes by %(change)s yuan.") % {"change": f"{Decimal(warning.get('change', 0)):+,.2f}"}


def ensure_checks_passed(draft: PolicyVersion) -> PolicyCheck:
    """Refuse to publish unless the draft's latest check passed on its current text and the current published
    set. ``checks_pending`` (waiting or running, with the progress), ``checks_stale``, ``checks_missing``,
    ``policy_invalid`` (validation problems) or ``tests_failed`` (failing cases)."""
    draft = PolicyVersion.objects.get(pk=draft.pk)  # as stored now, not as the caller loaded it
    if draft.status != VersionStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be published."), code="not_draft")
    check = latest_check(draft)
    state = check_state(draft, check)
    if state == CheckStatus.PASSED:
        return check
    raise ApplicationError(refusal_text(state, check), code=refusal_code(state, check),
                           extra={"problems": (check.result or {}).get("problems", []) if check else [],
                                  "cases": [c for c in ((check.result or {}).get("cases", []) if check else [])
                                            if not c["passed"]]})


def refusal_code(state: str | None, check: PolicyCheck | None) -> str:
    if state is None:
        return "checks_missing"
    if state in (CheckStatus.PENDING, CheckStatus.RUNNING):
        return "checks_pending"
    if state == STALE:
        return "checks_stale"
    return "policy_invalid" if (check.result or {}).get("problems") else "tests_failed"


def refusal_text(state: str | None, check: PolicyCheck | None) -> str:
    """Why a draft cannot be published yet, in the reader's language (the publish button says it)."""
    if state is None:
        return _("This draft has not been checked: run its checks first.")
    if state in (CheckStatus.PENDING, CheckStatus.RUNNING):
        return _("The checks of this draft are still running (%(done)s of %(total)s steps): it can be published "
                 "once they have passed.") % {"done": check.done, "total": check.total or "…"}
    if state == STALE:
        return _("The draft or the published policies changed since its checks ran: run the checks again.")
    result = check.result or {}
    if result.get("problems"):
        return _("The policy document is not valid: %(problems)s") % {"problems": "; ".join(
            (_("line %(n)s: ") % {"n": p["line"]} if p.get("line") else "") + p["message"]
            for p in result["problems"])}
    failing = [c.get("zh") or c["name"] for c in result.get("cases", []) if not c["passed"]]
    return _("%(n)s test case(s) fail: %(names)s") % {"n": len(failing), "names": "; ".join(failing)}


def check_view(draft: PolicyVersion, check: PolicyCheck | None = None) -> dict[str, Any]:
    """The latest check as the API and the page show it: state, progress, result and why publishing waits."""
    check = check if check is not None else latest_check(draft)
    if check is None:  # a draft saved before drafts were checked in the background
        return {"id": None, "state": None, "step": "", "done": 0, "total": 0, "percent": 0, "created_at": None,
                "finished_at": None, "problems": [], "cases": [], "passed": 0, "failed": 0, "whatif": None,
                "warnings": [], "publishable": False, "why_not": refusal_text(None, None)}
    state = check_state(draft, check)
    result = check.result or {}
    return {"id": check.pk, "state": state, "step": check.step, "done": check.done, "total": check.total,
            "percent": check.percent, "created_at": check.created_at, "finished_at": check.finished_at,
            "problems": result.get("problems", []), "cases": result.get("cases", []),
            "passed": result.get("passed", 0), "failed": result.get("failed", 0), "whatif": result.get("whatif"),
            "warnings": [warning_text(w) for w in result.get("warnings", [])],
            "publishable": state == CheckStatus.PASSED,
            "why_not": "" if state == CheckStatus.PASSED else refusal_text(state, check)}
