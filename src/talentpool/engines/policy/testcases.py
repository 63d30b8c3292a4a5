"""Running a policy version's own test cases (OpenFisca-style: facts in, as-of date, expected outcome)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .document import PolicyVersion, TestCase, with_parameters
from .evaluate import explain


@dataclass(frozen=True)
class CaseResult:
    code: str
    version: int
    name: str
    line: int
    passed: bool
    problems: tuple[str, ...]
    zh: str = ""  # the case's name in Chinese, when the document gives one


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def run_case(version: PolicyVersion, case: TestCase) -> CaseResult:
    ledger = case.facts.get("ledger")
    facts = {k: v for k, v in case.facts.items() if k != "ledger"}
    problems: list[str] = []
    try:
        got = explain(with_parameters(version, case.params), facts, case.as_of, ledger)
    except Exception as exc:  # a broken case must be reported, not crash the run
        return CaseResult(version.code, version.version, case.name, case.line, False, (f"error: {exc}",), case.zh)
    want = case.expect
    if got.verdict != want.get("verdict"):
        failing = [f"{c.id}={c.status}" for c in got.criteria if c.status != "pass"]
        problems.append(f"verdict {got.verdict} (expected {want.get('verdict')}); not passing: {', '.join(failing) or 'none'}")
    if "amount" in want and (got.amount is None or _money(want["amount"]) != got.amount):
        problems.append(f"amount {got.amount} (expected {want['amount']})")
    for cid, status in (want.get("criteria") or {}).items():
        actual = next((c.status for c in got.criteria if c.id == cid), "absent")
        if actual != status:
            problems.append(f"criterion {cid} {actual} (expected {status})")
    if "missing" in want and sorted(want["missing"]) != got.missing:
        problems.append(f"missing {got.missing} (expected {sorted(want['missing'])})")
    if "instalments" in want:
        expected = want["instalments"] or []
        if len(expected) != len(got.instalments):
            problems.append(f"{len(got.instalments)} instalments (expected {len(expected)})")
        for exp_line, line in zip(expected, got.instalments, strict=False):
            if "amount" in exp_line and _money(exp_line["amount"]) != line.amount:
                problems.append(f"instalment {line.id} amount {line.amount} (expected {exp_line['amount']})")
            if "due" in exp_line:
                due = exp_line["due"] if isinstance(exp_line["due"], dt.date) else dt.date.fromisoformat(str(exp_line["due"]))
                if due != line.due:
                    problems.append(f"instalment {line.id} due {line.due} (expected {due})")
            if "ready" in exp_line and bool(exp_line["ready"]) != bool(line.ready):
                problems.append(f"instalment {line.id} ready {line.ready} (expected {exp_line['ready']})")
    return CaseResult(version.code, version.version, case.name, case.line, not problems, tuple(problems), case.zh)


def run_cases(version: PolicyVersion) -> list[CaseResult]:
    return [run_case(version, case) for case in version.tests]
