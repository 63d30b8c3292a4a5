"""Eligibility runs: evaluate published policies over the registry and bring the ledger up to date.

A run is idempotent. It computes, from the registry and the ledger as they are, the set of instalments that are
due and ready, and compares it with the live ledger lines:

- a key (subject, policy, instalment) with no live line gets a new *candidate* line;
- a live line with the same amount is *unchanged*;
- a live candidate with another amount is *superseded* by a new line (amounts are never edited);
- a live line that has moved on (approved, paid…) with another amount is *flagged* for the officer;
- a live candidate whose person is no longer eligible (verdict no or excluded) is *withdrawn*.

Writes go in chunks, each in its own transaction, and every write is guarded by the ledger's unique constraint
and by the state it expects (``status = candidate``). So a second run at the same time writes nothing twice, and
a run killed halfway leaves whole chunks behind: the next run finds them as unchanged and writes the rest, which
ends with the same ledger as one uninterrupted run.

The instalment numbers are absolute: a policy whose instalments restart with each subject year (the rent
subsidy's two halves, Yuhang's yearly payment) numbers them ``n × (instalments paid // n) + seq``, with ``n`` the
number of instalments in the document, which is also right for documents that list every instalment once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from talentpool.core.errors import ApplicationError
from talentpool.core.heartbeat import Heartbeat
from talentpool.engines.policy import CompiledPolicy, evaluate_registry
from talentpool.engines.policy.evaluate import instalment_schedule, primary_version
from talentpool.policies.facts import registry_facts
from talentpool.policies.models import PolicyVersion
from talentpool.policies.selectors import (
    policy_version_compiled,
    policy_versions_applicable,
    policy_versions_in_force,
)

from .household_lines import stale_household_lines
from .ledger import ledger_table
from .models import (
    LIVE,
    REASON_AMOUNT_CHANGED,
    REASON_HOUSEHOLD_MERGED,
    REASON_NOT_ELIGIBLE,
    Entitlement,
    EntitlementEvent,
    Kind,
    ReviewRoute,
    Run,
    RunStatus,
    Status,
)

log = logging.getLogger(__name__)

CHUNK = int(os.environ.get("TALENTPOOL_RUN_CHUNK", "2000"))
# Tests of crash safety: sleep after each committed chunk, so a SIGKILL lands between chunks.
SLEEP_AFTER_CHUNK = float(os.environ.get("TALENTPOOL_RUN_SLEEP_AFTER_CHUNK", "0"))
STALE_AFTER = dt.timedelta(minutes=10)
ELIGIBLE = ("yes", "review")


# --- what a run computes ------------------------------------------------------------------------------------------

@dataclass
class Due:
    """One instalment the registry says is owed now."""

    subject: str
    talent_id: int
    instalment: int
    instalment_id: str
    amount: Decimal
    due: dt.date
    verdict: str
    version: int = 0


@dataclass
class PolicyOutcome:
    """One policy's outcome; ``row``/``compiled`` are its primary version (in force on the as-of date),
    ``versions`` every version that judged someone (by number), each person by the version that applies."""

    row: PolicyVersion
    compiled: CompiledPolicy
    versions: dict[int, tuple[PolicyVersion, CompiledPolicy]] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    due: list[Due] = field(default_factory=list)
    verdict_of: dict[int, str] = field(default_factory=dict)
    undecided_criteria: Counter = field(default_factory=Counter)
    undecided_sample: list[int] = field(default_factory=list)
    facts_read: list[str] = field(default_factory=list)


def _dues(oc: PolicyOutcome, result: pa.Table, facts: pa.Table, ledger: pa.Table, as_of: dt.date) -> list[Due]:
    """The instalments owed now, each under the version that judged its person."""
    eligible = result.filter(pc.is_in(result.column("verdict").cast(pa.string()), value_set=pa.array(ELIGIBLE)))
    if not eligible.num_rows:
        return []
    doc = oc.compiled.version
    household = doc.entity == "household"
    hh = {}
    if household:
        sub = facts.filter(pc.is_in(facts.column("talent_id"), value_set=eligible.column("talent_id")))
        hh = dict(zip(sub.column("talent_id").to_pylist(), sub.column("household_id").to_pylist(), strict=True))

    def subject(tid: int) -> str:
        return f"h{hh.get(tid) or tid}" if household else f"t{tid}"

    paid = {}
    if ledger.num_rows:
        mine = ledger.filter(pc.equal(ledger.column("policy_code"), doc.code))
        paid = dict(zip(mine.column("talent_id").to_pylist(), mine.column("instalments_paid").to_pylist(), strict=True))
    out: list[Due] = []
    for number, (_row, compiled) in sorted(oc.versions.items()):
        part = eligible if len(oc.versions) == 1 else eligible.filter(pc.equal(eligible.column("version"), number))
        if part.num_rows and compiled.amount is not None:
            out += _version_dues(compiled, part, facts, ledger, paid, subject, as_of)
    if household:  # one line per household and instalment: the lowest talent id, deterministically
        seen: set[tuple[str, int]] = set()
        kept = []
        for d in sorted(out, key=lambda d: (d.subject, d.instalment, d.talent_id)):
            if (d.subject, d.instalment) not in seen:
                seen.add((d.subject, d.instalment))
                kept.append(d)
        out = kept
    return out


def _version_dues(compiled: CompiledPolicy, eligible: pa.Table, facts: pa.Table, ledger: pa.Table,
                  paid: dict[int, int], subject: Callable[[int], str], as_of: dt.date) -> list[Due]:
    number = compiled.version.version
    verdict = dict(zip(eligible.column("talent_id").to_pylist(),
                       eligible.column("verdict").cast(pa.string()).to_pylist(), strict=True))
    out: list[Due] = []
    if not compiled.instalments:
        for tid, amount in zip(eligible.column("talent_id").to_pylist(), eligible.column("amount").to_pylist(),
                               strict=True):
            if amount is not None:
                out.append(Due(subject(tid), tid, 1, "", amount, as_of, verdict[tid], number))
        return out
    n = len(compiled.instalments)
    schedule = instalment_schedule(compiled, facts, eligible.column("talent_id"), ledger)
    schedule = schedule.filter(pc.fill_null(schedule.column("ready"), False))
    for tid, seq, iid, due, amount in zip(*(schedule.column(c).to_pylist() for c in
                                            ("talent_id", "seq", "instalment", "due", "amount")), strict=True):
        if amount is None or due is None:
            continue
        done = paid.get(tid, 0) or 0
        out.append(Due(subject(tid), tid, n * (done // n) + seq, iid, amount, due, verdict[tid], number))
    return out


def _snapshots(facts: pa.Table, ledger: pa.Table, oc: PolicyOutcome, talent_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the policy read for each of these people: their facts and this policy's ledger values."""
    if not talent_ids:
        return {}
    sub = facts.filter(pc.is_in(facts.column("talent_id"), value_set=pa.array(talent_ids, pa.int64())))
    sub = _facts_with_ledger(sub, ledger, oc)
    cols = ["talent_id"] + [n for n in oc.facts_read if n in sub.column_names]
    sub = sub.select(cols)
    out = {}
    for row in sub.to_pylist():
        tid = row.pop("talent_id")
        out[tid] = {k: _plain(v) for k, v in row.items()}
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


# --- running ------------------------------------------------------------------------------------------------------

class Progress:
    """Writes the run's phase and counters at most every half second."""

    def __init__(self, run: Run):
        self.run = run
        self._last = 0.0

    def __call__(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5 and phase == self.run.phase:
            return
        self._last = now
        self.run.phase, self.run.progress_done, self.run.progress_total = phase, done, total
        Run.objects.filter(pk=self.run.pk).update(phase=phase, progress_done=done, progress_total=total,
                                                   heartbeat_at=timezone.now())


def run_create(*, as_of: dt.date, codes: list[str] | None = None, scope: str = "", trigger: str = "console",
               actor=None) -> Run:
    if codes:
        in_force = {doc.code for _row, doc in policy_versions_in_force(as_of)}
        unknown = sorted(set(codes) - in_force)
        if unknown:
            raise ApplicationError(f"no published version in force on {as_of.isoformat()} for: {', '.join(unknown)}",
                                   code="policy_not_in_force", field="policy")
    Run.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=timezone.now() - STALE_AFTER).update(
        status=RunStatus.FAILED, error="interrupted: no progress for 10 minutes", finished_at=timezone.now())
    return Run.objects.create(as_of=as_of, policy_codes=sorted(set(codes or [])), scope=scope, trigger=trigger,
                              started_by=actor if getattr(actor, "is_authenticated", False) else None)


def run_execute(run_id: int, *, on_progress: Callable[[str, int, int], None] | None = None) -> Run:
    run = Run.objects.get(pk=run_id)
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return run
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(),
                                         heartbeat_at=timezone.now())
    run.status = RunStatus.RUNNING
    progress = Progress(run)

    def step(phase: str, done: int, total: int, force: bool = False) -> None:
        progress(phase, done, total, force=force)
        if on_progress:
            on_progress(phase, done, total)

    try:
        with Heartbeat(Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING)):
            _execute(run, step)
    except Exception as exc:
        if not isinstance(exc, ApplicationError):
            log.exception("eligibility run %s failed", run.pk)
        Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
                                             finished_at=timezone.now())
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


def _outcomes(run: Run, facts: pa.Table, ledger: pa.Table) -> list[PolicyOutcome]:
    in_force = policy_versions_in_force(run.as_of)
    wanted = set(run.policy_codes) or {doc.code for _row, doc in in_force}
    unknown = wanted - {doc.code for _row, doc in in_force}
    if unknown:
        raise ApplicationError(f"no published version in force on {run.as_of} for: {', '.join(sorted(unknown))}",
                               code="policy_not_in_force", field="policy")
    # policies that may exclude a wanted one are evaluated too, so exclusions apply as in the batch engine; earlier
    # versions that declare when an entitlement arises still judge the people whose entitlement arose under them
    needed = wanted | {doc.code for _row, doc in in_force if set(doc.excludes) & wanted}
    rows = [(row, doc) for row, doc in policy_versions_applicable(run.as_of) if doc.code in needed]
    compiled = [policy_version_compiled(row, run.as_of) for row, _doc in rows]
    results = evaluate_registry(compiled, facts, ledger)
    by_code: dict[str, dict[int, tuple[PolicyVersion, CompiledPolicy]]] = {}
    for (row, doc), comp in zip(rows, compiled, strict=True):
        by_code.setdefault(doc.code, {})[doc.version] = (row, comp)
    out = []
    for code in sorted(wanted):
        versions = by_code[code]
        primary = primary_version([comp for _row, comp in versions.values()])
        result = results[code]
        verdicts = result.column("verdict").cast(pa.string())
        counts = Counter(verdicts.to_pylist())
        read = set().union(*(comp.facts_read() for _row, comp in versions.values()))
        oc = PolicyOutcome(versions[primary.version.version][0], primary, versions, verdicts=dict(counts),
                           facts_read=sorted(read))
        oc.verdict_of = dict(zip(result.column("talent_id").to_pylist(), verdicts.to_pylist(), strict=True))
        unknown_rows = result.filter(pc.equal(verdicts, "unknown"))
        for number, (_row, comp) in versions.items():
            mine = unknown_rows.filter(pc.equal(unknown_rows.column("version"), number))
            for mask, n in Counter(mine.column("unknown_mask").to_pylist()).items():
                for i, (cid, _c) in enumerate(comp.criteria):
                    if mask and mask >> i & 1:
                        oc.undecided_criteria[cid] += n
        oc.undecided_sample = unknown_rows.column("talent_id").to_pylist()[:20]
        oc.due = _dues(oc, result, facts, ledger, run.as_of)
        out.append(oc)
    return out


def _routes(scope: str) -> Callable[[int, str, bool], int | None]:
    """Routes set by the run's office, or by an office over it (a city's routes apply to its districts)."""
    routes: dict[tuple[int | None, str], int] = {}
    for r in sorted(ReviewRoute.objects.all(), key=lambda r: len(r.scope)):
        if scope.startswith(r.scope):
            routes[(r.policy_id, r.tier)] = r.officer_id  # the narrower office's route wins

    def route(policy_id: int, tier: str, review: bool) -> int | None:
        for key in ((policy_id, tier), (policy_id, ""), (None, tier)):
            if key in routes and (review or key[1]):
                return routes[key]
        return routes.get((None, "")) if review else None

    return route


class LiveLine(NamedTuple):
    """A line of the ledger that a run may supersede, withdraw or flag."""

    id: int
    talent_id: int
    amount: Decimal
    status: str


@dataclass
class Reconciled:
    """What a run does to one policy's ledger: new lines (each with the candidate it supersedes, if any),
    candidates to withdraw, committed lines whose amount changed (flagged for a person to look at)."""

    creates: list[tuple[Due, int | None]] = field(default_factory=list)
    withdraw: list[int] = field(default_factory=list)
    withdraw_household: list[int] = field(default_factory=list)
    withdraw_committed: list[int] = field(default_factory=list)  # approved duplicates of a merged household
    flags: list[tuple[int, str]] = field(default_factory=list)
    unchanged: int = 0


def _live_lines(policy_id: int) -> tuple[dict[tuple[str, int], LiveLine], set[int]]:
    """The policy's live lines by (subject, instalment), and every talent with any line of it."""
    existing: dict[tuple[str, int], LiveLine] = {}
    talents_with_lines: set[int] = set()
    for lid, subj, inst, tid, amount, status in (
            Entitlement.objects.filter(policy_id=policy_id, kind=Kind.ENTITLEMENT,
                                       status__in=[*LIVE, Status.WITHDRAWN, Status.SUPERSEDED])
            .values_list("id", "subject", "instalment", "talent_id", "amount", "status")):
        talents_with_lines.add(tid)
        if status in LIVE:
            existing[(subj, inst)] = LiveLine(lid, tid, amount, status)
    return existing, talents_with_lines


def _reconcile(run: Run, oc: PolicyOutcome, existing: dict[tuple[str, int], LiveLine],
               in_scope: set[int], household_of: dict[int, str] | None = None) -> Reconciled:
    out = Reconciled()
    held = stale_household_lines(run, existing, household_of, out) if household_of else set()
    for d in oc.due:
        if (d.subject, d.instalment) in held:
            out.unchanged += 1
            continue
        found = existing.get((d.subject, d.instalment))
        if found is None:
            out.creates.append((d, None))
        elif found.amount == d.amount:
            out.unchanged += 1
        elif found.status == Status.CANDIDATE:
            out.creates.append((d, found.id))
        else:
            out.unchanged += 1
            out.flags.append((found.id, f"run {run.pk}: {d.amount:.2f} computed, {found.amount:.2f} on the line"))
    due_keys = {(d.subject, d.instalment) for d in oc.due}
    out.withdraw = [line.id for key, line in existing.items()
                    if line.status == Status.CANDIDATE and line.talent_id in in_scope and key not in due_keys
                    and oc.verdict_of.get(line.talent_id) in ("no", "excluded")]
    return out


@dataclass
class RunInputs:
    """What every policy of a run reads: the facts, the ledger, the people in scope, routing."""

    facts: pa.Table
    ledger: pa.Table
    in_scope: set[int]
    info: dict[int, dict]
    route: Callable[[int, str, bool], int | None]


def _write_policy(run: Run, oc: PolicyOutcome, inputs: RunInputs, progress: Callable[[int], None]) -> Counter:
    """Write one policy's changes to the ledger in chunks; returns its counts."""
    existing, talents_with_lines = _live_lines(oc.row.policy_id)
    household_of = None
    if oc.compiled.version.entity == "household" and existing:
        household_of = {tid: f"h{hid}" for tid, hid in zip(inputs.facts.column("talent_id").to_pylist(),
                                                         inputs.facts.column("household_id").to_pylist(), strict=True)
                        if hid is not None}
    plan = _reconcile(run, oc, existing, inputs.in_scope, household_of)
    stats = Counter(unchanged=plan.unchanged)
    snapshots = _snapshots(inputs.facts, inputs.ledger, oc, sorted({d.talent_id for d, _ in plan.creates}))
    for start in range(0, len(plan.creates), CHUNK):
        chunk = plan.creates[start:start + CHUNK]
        stats += _write_chunk(run, oc, chunk, snapshots, inputs.info, inputs.route, talents_with_lines)
        progress(len(chunk))
        if SLEEP_AFTER_CHUNK:
            time.sleep(SLEEP_AFTER_CHUNK)
    for start in range(0, len(plan.withdraw), CHUNK):
        stats["withdrawn"] += _withdraw(run, plan.withdraw[start:start + CHUNK])
    for start in range(0, len(plan.withdraw_household), CHUNK):
        stats["withdrawn"] += _withdraw(run, plan.withdraw_household[start:start + CHUNK], REASON_HOUSEHOLD_MERGED)
    if plan.withdraw_committed:
        stats["withdrawn"] += _withdraw(run, plan.withdraw_committed, REASON_HOUSEHOLD_MERGED, status=Status.APPROVED)
    for lid, note in plan.flags:
        Entitlement.objects.filter(pk=lid).update(changed=True, flag=note[:300])
    stats["flagged"] = len(plan.flags)
    for name, n in _written_by(run, oc.row.policy_id, len(oc.due)).items():  # counted from the ledger: a resumed
        stats[name] = n                                                       # run reports what it wrote before too
    return stats


def _policy_report(run: Run, oc: PolicyOutcome, stats: Counter) -> dict[str, Any]:
    amount_new = Entitlement.objects.filter(run=run, policy_id=oc.row.policy_id).aggregate(
        s=Sum("amount"))["s"] or Decimal("0.00")
    labels = {c.id: {"zh": c.label.zh, "en": c.label.en}
              for _row, comp in oc.versions.values() for c in comp.labelled_criteria()}
    return {
        "code": oc.row.policy.code, "version": oc.row.version, "version_id": oc.row.pk,
        "title": {"zh": oc.compiled.version.title.zh, "en": oc.compiled.version.title.en},
        "verdicts": oc.verdicts, "evaluated": sum(oc.verdicts.values()), "due": len(oc.due), "new": stats["new"],
        "superseded": stats["superseded"], "unchanged": stats["unchanged"], "withdrawn": stats["withdrawn"],
        "flagged": stats["flagged"], "amount_new": f"{amount_new:.2f}",
        "undecided": oc.verdicts.get("unknown", 0),
        "undecided_by_criterion": [{"criterion": cid, "label": labels.get(cid, {}), "count": n}
                                   for cid, n in oc.undecided_criteria.most_common()],
        "undecided_sample": oc.undecided_sample,
    }


def _since_previous(previous: Run, policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per policy: how many were eligible and undecided in the previous run of the same scope, and now."""
    before = {p["code"]: p for p in previous.report.get("policies", [])}
    return [{"code": p["code"],
             "eligible_before": sum(before.get(p["code"], {}).get("verdicts", {}).get(v, 0) for v in ELIGIBLE),
             "eligible_now": sum(p["verdicts"].get(v, 0) for v in ELIGIBLE),
             "undecided_before": before.get(p["code"], {}).get("undecided", 0), "undecided_now": p["undecided"]}
            for p in policies]


def _execute(run: Run, step: Callable[..., None]) -> None:
    step("facts", 0, 0, True)
    facts = registry_facts(as_of=run.as_of)
    if run.scope:
        facts = facts.filter(pc.starts_with(pc.fill_null(facts.column("district"), ""), run.scope))
    ledger = ledger_table(households=facts.select(["talent_id", "household_id"]))
    step("evaluate", 0, facts.num_rows, True)
    outcomes = _outcomes(run, facts, ledger)
    inputs = RunInputs(
        facts=facts, ledger=ledger, in_scope=set(facts.column("talent_id").to_pylist()),
        info={r["talent_id"]: r for r in facts.select(["talent_id", "degree", "district", "tier"]).to_pylist()},
        route=_routes(run.scope))
    total_due = sum(len(o.due) for o in outcomes)
    step("write", 0, total_due, True)
    previous = (Run.objects.filter(status=RunStatus.DONE, scope=run.scope).exclude(pk=run.pk)
                .order_by("-finished_at", "-id").first())
    counts = Counter()
    written = 0

    def progress(n: int) -> None:
        nonlocal written
        written += n
        step("write", written, total_due)

    policies = []
    for oc in outcomes:
        stats = _write_policy(run, oc, inputs, progress)
        policies.append(_policy_report(run, oc, stats))
        counts.update(evaluated=sum(oc.verdicts.values()), undecided=oc.verdicts.get("unknown", 0),
                      new=stats["new"], unchanged=stats["unchanged"], withdrawn=stats["withdrawn"])
    report: dict[str, Any] = {"policies": policies, "previous_run": previous.pk if previous else None}
    if previous:
        report["since_previous"] = _since_previous(previous, policies)
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), report=report, phase="done", progress_done=total_due,
        progress_total=total_due, evaluated=counts["evaluated"], new=counts["new"], unchanged=counts["unchanged"],
        withdrawn=counts["withdrawn"], undecided=counts["undecided"], heartbeat_at=timezone.now())


def _written_by(run: Run, policy_id: int, due: int) -> dict[str, int]:
    """What this run has written for one policy, read from the ledger rather than counted as it goes, so a run
    resumed after its worker died reports the same counts as one that was never interrupted."""
    new = Entitlement.objects.filter(run=run, policy_id=policy_id, kind=Kind.ENTITLEMENT).count()
    moved = dict(EntitlementEvent.objects.filter(run=run, entitlement__policy_id=policy_id,
                                                 to_status__in=[Status.SUPERSEDED, Status.WITHDRAWN])
                 .order_by().values_list("to_status").annotate(n=Count("id")).values_list("to_status", "n"))
    return {"new": new, "unchanged": max(0, due - new), "superseded": moved.get(Status.SUPERSEDED, 0),
            "withdrawn": moved.get(Status.WITHDRAWN, 0)}


def _facts_with_ledger(facts: pa.Table, ledger: pa.Table, oc: PolicyOutcome) -> pa.Table:
    """The facts joined to this policy's ledger values, so a snapshot holds what the policy read."""
    ledger_facts = [n for n in oc.facts_read if n.startswith("ledger_")]
    if not ledger_facts:
        return facts
    mine = ledger.filter(pc.equal(ledger.column("policy_code"), oc.row.policy.code)) if ledger.num_rows else ledger
    con = duckdb.connect()
    try:
        con.register("f", facts)
        con.register("l", mine)
        return con.sql(
            "SELECT f.*, COALESCE(l.instalments_paid, 0) AS ledger_instalments_paid, "
            "COALESCE(l.amount_paid, 0) AS ledger_amount_paid, l.first_paid_on AS ledger_first_paid_on, "
            "COALESCE(l.household_paid, 0) AS ledger_household_paid, l.first_version AS ledger_first_version "
            "FROM f LEFT JOIN l ON l.talent_id = f.talent_id").to_arrow_table()
    finally:
        con.close()


def _write_chunk(run: Run, oc: PolicyOutcome, chunk: list[tuple[Due, int | None]], snapshots: dict[int, dict],
                 info: dict[int, dict], route: Callable, talents_with_lines: set[int]) -> Counter:
    stats = Counter()
    now = timezone.now()
    with transaction.atomic():
        replaced = [old for _d, old in chunk if old is not None]
        superseded: set[int] = set()
        if replaced:
            superseded = set(Entitlement.objects.select_for_update().filter(
                pk__in=replaced, status=Status.CANDIDATE).values_list("pk", flat=True))
            Entitlement.objects.filter(pk__in=superseded).update(status=Status.SUPERSEDED, updated_at=now)
            EntitlementEvent.objects.bulk_create([
                EntitlementEvent(entitlement_id=pk, from_status=Status.CANDIDATE, to_status=Status.SUPERSEDED,
                                 run=run, reason=REASON_AMOUNT_CHANGED) for pk in sorted(superseded)])
        rows = []
        now_db = connection.ops.adapt_datetimefield_value(now)
        for d, old in chunk:
            if old is not None and old not in superseded:
                continue  # someone else moved the old line on: leave it
            facts_of = info.get(d.talent_id, {})
            tier = facts_of.get("tier") or ""
            review = d.verdict == "review" or tier == "A"
            row, doc = oc.versions[d.version][0], oc.versions[d.version][1].version  # the version it is paid under
            explanation = json.dumps({"as_of": run.as_of.isoformat(), "code": doc.code, "version": doc.version,
                                      "verdict": d.verdict, "facts": snapshots.get(d.talent_id, {})},
                                     ensure_ascii=False)
            rows.append((
                d.subject, d.talent_id, oc.row.policy_id, row.pk, d.instalment, d.instalment_id,
                Kind.ENTITLEMENT.value, old, d.amount, connection.ops.adapt_datefield_value(d.due),
                Status.CANDIDATE.value, "", "", explanation, facts_of.get("degree") or "",
                facts_of.get("district") or "", tier, review, route(oc.row.policy_id, tier, review),
                d.talent_id not in talents_with_lines, old is not None, "", run.pk, now_db, now_db, doc.delivery))
        created = _insert_new_lines(rows)
    stats["new"] += created
    stats["superseded"] += len(superseded)
    stats["unchanged"] += len(chunk) - created
    return stats


# The columns a run writes for a new line; the others keep their defaults (NULL or empty).
_NEW_LINE_FIELDS = ("subject", "talent", "policy", "policy_version", "instalment", "instalment_id", "kind",
                    "replaces", "amount", "due", "status", "reason", "bank_reason", "explanation", "degree",
                    "district", "tier", "review_required", "assigned_to", "first_time", "changed", "flag", "run",
                    "created_at", "updated_at", "channel")


def _insert_new_lines(rows: list[tuple]) -> int:
    """Insert new ledger lines, skipping any whose key already holds a live line (the partial unique index
    decides, so a concurrent run's line wins quietly); returns how many were inserted. Plain rows rather than
    model instances: a run writes hundreds of thousands of lines (SQLite: one prepared INSERT OR IGNORE;
    PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING)."""
    if not rows:
        return 0
    meta = Entitlement._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in _NEW_LINE_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE tp_new_lines ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY tp_new_lines ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM tp_new_lines ON CONFLICT DO NOTHING")
            inserted = cursor.rowcount
            cursor.execute("DROP TABLE tp_new_lines")
            return inserted
        marks = ", ".join(["%s"] * len(_NEW_LINE_FIELDS))
        verb = "INSERT OR IGNORE" if connection.vendor == "sqlite" else "INSERT"
        cursor.executemany(f"{verb} INTO {table} ({columns}) VALUES ({marks})", rows)
        return cursor.rowcount


def _withdraw(run: Run, ids: list[int], reason: str = REASON_NOT_ELIGIBLE, status: str = Status.CANDIDATE) -> int:
    """Withdraw the lines among ``ids`` still in ``status`` (and in no batch)."""
    with transaction.atomic():
        found = list(Entitlement.objects.select_for_update().filter(pk__in=ids, status=status, batch__isnull=True)
                     .values_list("pk", flat=True))
        Entitlement.objects.filter(pk__in=found).update(status=Status.WITHDRAWN, updated_at=timezone.now())
        EntitlementEvent.objects.bulk_create([
            EntitlementEvent(entitlement_id=pk, from_status=status, to_status=Status.WITHDRAWN, run=run,
                             reason=reason) for pk in found])
    return len(found)
