"""The ledger: what policies read from it, and the one way a line changes state.

``ledger_table`` gives the ledger facts the policy engine reads (instalments and amounts committed per talent and
policy, household counts); ``entitlements_move`` is the only state change of existing lines: it locks the lines in
the state it expects, moves them and writes one event per line, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from talentpool.engines.policy.evaluate import LEDGER_SCHEMA

from .models import COMMITTED, Entitlement, EntitlementEvent, Kind, Status

CHUNK = 2000


def chunked(ids: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def ledger_table(*, codes: Iterable[str] | None = None, talent_ids: list[int] | None = None,
                 households: pa.Table | None = None) -> pa.Table:
    """Ledger facts per (talent, policy code) from committed lines (approved, in a batch, paid, failed), every
    version of the code counted (once per person holds across versions): instalments and amount so far, the
    first payment (its bank date, else its due date) and the version it was made under, and how many members of the
    talent's household hold committed lines of the policy. ``households`` (talent_id, household_id) adds rows
    for household members who hold no line themselves."""
    qs = Entitlement.objects.filter(status__in=COMMITTED, kind=Kind.ENTITLEMENT)
    if codes is not None:
        qs = qs.filter(policy__code__in=list(codes))
    if talent_ids is not None:
        qs = qs.filter(talent_id__in=talent_ids)
    rows = list(qs.values_list("talent_id", "policy__code", "amount", "paid_on", "due", "policy_version__version"))
    if not rows:
        return LEDGER_SCHEMA.empty_table()
    lines = pa.table({
        "talent_id": pa.array([r[0] for r in rows], pa.int64()),
        "policy_code": pa.array([r[1] for r in rows], pa.string()),
        "amount": pa.array([r[2] for r in rows], pa.decimal128(14, 2)),
        "day": pa.array([r[3] or r[4] for r in rows], pa.date32()),
        "version": pa.array([r[5] for r in rows], pa.int64()),
    })
    con = duckdb.connect()
    try:
        con.register("lines", lines)
        per_talent = ("SELECT talent_id, policy_code, COUNT(*) AS instalments_paid, "
                      "CAST(SUM(amount) AS DECIMAL(14,2)) AS amount_paid, MIN(day) AS first_paid_on, "
                      "arg_min(version, day) AS first_version FROM lines GROUP BY 1, 2")
        if households is None:
            sql = f"SELECT *, CAST(1 AS BIGINT) AS household_paid FROM ({per_talent})"
        else:
            con.register("hh", households.select(["talent_id", "household_id"]))
            sql = f"""
                WITH t AS ({per_talent}),
                     paid AS (SELECT h.household_id, t.policy_code, COUNT(DISTINCT t.talent_id) AS n
                              FROM t JOIN hh h USING (talent_id) GROUP BY 1, 2)
                SELECT h.talent_id, p.policy_code, COALESCE(t.instalments_paid, 0) AS instalments_paid,
                       COALESCE(t.amount_paid, 0) AS amount_paid, t.first_paid_on, p.n AS household_paid,
                       t.first_version
                FROM paid p JOIN hh h ON h.household_id = p.household_id
                LEFT JOIN t ON t.talent_id = h.talent_id AND t.policy_code = p.policy_code
                UNION ALL
                SELECT t.talent_id, t.policy_code, t.instalments_paid, t.amount_paid, t.first_paid_on,
                       CAST(1 AS BIGINT), t.first_version FROM t ANTI JOIN hh USING (talent_id)"""
        return con.sql(sql).to_arrow_table().select(LEDGER_SCHEMA.names).cast(LEDGER_SCHEMA)
    finally:
        con.close()


def ledger_for_talent(talent_id: int, household_ids: list[int]) -> dict[str, dict[str, Any]]:
    """The ledger facts of one person, per policy code (the single-person explanation path)."""
    households = pa.table({"talent_id": pa.array(household_ids, pa.int64()),
                           "household_id": pa.array([min(household_ids)] * len(household_ids), pa.int64())})
    table = ledger_table(talent_ids=household_ids, households=households)
    out = {}
    for row in table.to_pylist():
        if row["talent_id"] == talent_id:
            out[row.pop("policy_code")] = {k: v for k, v in row.items() if k != "talent_id"}
    return out



def entitlements_move(ids: list[int], *, expect: Iterable[str], to: str, actor=None, reason: str = "", batch=None,
                      extra: dict | None = None) -> list[int]:
    """Move the lines among ``ids`` that are in one of the ``expect`` states to ``to``; returns those moved.
    Callers are services that have checked the actor's rights and record their audit event in the same
    transaction."""
    moved: list[int] = []
    now = timezone.now()
    expect = list(expect)
    with transaction.atomic():
        for chunk in chunked(ids):
            rows = list(Entitlement.objects.select_for_update().filter(pk__in=chunk, status__in=expect)
                        .values_list("pk", "status"))
            if not rows:
                continue
            found = [pk for pk, _s in rows]
            Entitlement.objects.filter(pk__in=found).update(status=to, updated_at=now, **(extra or {}))
            EntitlementEvent.objects.bulk_create([
                EntitlementEvent(entitlement_id=pk, from_status=status, to_status=to,
                                 actor=actor if getattr(actor, "is_authenticated", False) else None,
                                 batch=batch, reason=reason[:300]) for pk, status in rows])
            moved += found
    return moved


def entitlement_correction_add(line: Entitlement, *, amount, reason: str, flag: str) -> Entitlement:
    """A correction line for a paid line's difference (``amount``), a candidate that needs review like any other.
    The caller (payments' ``entitlement_correct``) has checked the actor and records the audit event in the same
    transaction."""
    return Entitlement.objects.create(
        subject=line.subject, talent_id=line.talent_id, policy_id=line.policy_id,
        policy_version_id=line.policy_version_id, instalment=line.instalment, instalment_id=line.instalment_id,
        kind=Kind.CORRECTION, corrects=line, amount=amount, due=timezone.localdate(), status=Status.CANDIDATE,
        reason=reason, explanation=line.explanation, degree=line.degree, district=line.district, tier=line.tier,
        review_required=True, assigned_to=None, flag=flag)
