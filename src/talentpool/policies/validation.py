"""Checking a policy document: it reads, its parameters are in range, it compiles, it fits with the published set,
its own test cases pass. The first part is quick and runs when a draft is saved; the rest runs in the draft's
background check (``checks``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError
from talentpool.engines.policy import (
    PolicyError,
    check_policy_set,
    compile_policy,
    parse_documents,
    run_cases,
)
from talentpool.engines.policy import PolicyVersion as EngineVersion

from .bounds import parameter_bound_report
from .models import PolicyVersion, VersionStatus
from .selectors import policy_version_document

# --- checking a document ------------------------------------------------------------------------------------------

@dataclass
class CheckReport:
    """The result of checking one policy document: validation problems (line, message) and its own test cases.

    ``ok`` means the document may be saved (it parses and validates); ``publishable`` additionally needs every
    test case to pass."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    version: EngineVersion | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c["passed"])

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if not c["passed"])

    @property
    def tests_passed(self) -> bool | None:
        if not self.ok:
            return None
        return self.failed == 0

    @property
    def publishable(self) -> bool:
        return self.ok and bool(self.tests_passed)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, "tests_passed": self.tests_passed,
                "passed": self.passed, "failed": self.failed, "cases": self.cases}


def _problems(error: PolicyError) -> list[dict[str, Any]]:
    return [{"line": line, "message": message} for line, message in error.problems]


def _published_others(*, code: str, exclude_pks: set[int]) -> list[EngineVersion]:
    qs = PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("policy").exclude(pk__in=exclude_pks)
    return [policy_version_document(v) for v in qs]


def policy_version_check(source_or_version: str | PolicyVersion, *, code: str | None = None,
                         number: int | None = None, replaces: PolicyVersion | None = None,
                         owner: str | None = None, today: dt.date | None = None, against_set: bool = True,
                         cases: bool = True) -> CheckReport:
    """Check a document (text, or a stored version): it parses into exactly one version (of ``code``, numbered
    ``number`` and owned by ``owner`` when given), compiles at its start date and today, fits with the other
    published versions (the version it ``replaces`` left out; skipped with ``against_set=False``) and runs its own
    test cases (skipped with ``cases=False``). Never raises for a bad document.

    The document part is quick (tens of milliseconds) and runs when a draft is saved; the set and the test cases
    take seconds and run in the draft's background check (``checks.policy_check_run``)."""
    report = CheckReport()
    exclude: set[int] = set()
    if isinstance(source_or_version, PolicyVersion):
        stored = source_or_version
        source = stored.source
        code = code or stored.policy.code
        number = number or stored.version
        owner = owner or stored.policy.owner_division
        exclude.add(stored.pk)
        if stored.based_on_id and stored.status == VersionStatus.DRAFT:
            exclude.add(stored.based_on_id)
    else:
        source = source_or_version
    if replaces is not None:
        exclude.add(replaces.pk)
    try:
        versions = parse_documents(source)
    except PolicyError as exc:
        report.problems = _problems(exc)
        return report
    if len(versions) != 1:
        report.problems = [{"line": 1, "message": _("a stored version holds exactly one policy document")}]
        return report
    version = versions[0]
    report.version = version
    report.problems += parameter_bound_report(version)  # amounts > 0, months >= 0, dates in range (bounds.py)
    if code and version.code != code:
        report.problems.append({"line": version.lines.get("code", 1),
                                "message": _("the code must stay %(code)s") % {"code": code}})
    if number and version.version != number:
        report.problems.append({"line": version.lines.get("version", 1),
                                "message": _("this version is number %(n)s") % {"n": number}})
    if owner and version.owner and version.owner != owner:
        report.problems.append({"line": version.lines.get("owner", 1),
                                "message": _("the owner must stay %(owner)s") % {"owner": owner}})
    today = today or timezone.localdate()
    days = {version.effective_from, min(max(today, version.effective_from), version.effective_to or today)}
    for day in sorted(days):
        try:
            compile_policy(version, day)
        except PolicyError as exc:
            for p in _problems(exc):
                if p not in report.problems:
                    report.problems.append(p)
    if against_set:
        try:
            check_policy_set(_published_others(code=version.code, exclude_pks=exclude) + [version])
        except PolicyError as exc:
            report.problems += _problems(exc)
    if report.problems:
        report.problems.sort(key=lambda p: (p["line"], p["message"]))
        return report
    if not cases:
        return report
    report.cases = [{"name": r.name, "en": r.name, "zh": r.zh, "line": r.line, "passed": r.passed,
                     "problems": list(r.problems)}
                    for r in run_cases(version)]
    return report


def _refuse(report: CheckReport) -> None:
    lines = "; ".join(f"line {p['line']}: {p['message']}" for p in report.problems)
    raise ApplicationError(_("The policy document is not valid: %(problems)s") % {"problems": lines},
                           code="policy_invalid", extra={"problems": report.problems})


def _store_report(version: PolicyVersion, report: CheckReport) -> None:
    version.tests_passed = report.tests_passed
    version.tests_report = report.cases
    version.validation_report = report.problems
