"""The ledger's maintained totals: lines and amount per (status, policy, district, degree, manual review), kept
by database triggers on every write to the ledger (see ``models.LedgerTotal`` and migration ``0006``).

Reading a total sums the few rows of its keys (a few hundred at most, plus the deltas not yet folded) instead of
aggregating the ledger: the payment queue's totals cost the same at 13,000 lines and at 4 million. The figures
count a line in the district recorded on it (the talent's district when the run made it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import Count, Q, Sum

from talentpool.core.counters import counters_fold, counters_rebuild

from .models import Entitlement, LedgerTotal

FOLD_ABOVE = 2000
"""Rows a read may sum before it folds the deltas (PostgreSQL): a run of 400,000 lines leaves some 20,000."""

_TABLE = LedgerTotal._meta.db_table
_KEY = "status, policy_id, district, degree, review_required"


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal
    review: int


def ledger_totals(*, district: str, status: str = "", policy_code: str = "", degree: str = "",
                  review: bool | None = None) -> Totals:
    """Lines, amount and lines for manual review among the lines whose recorded district starts with
    ``district`` (an officer's scope, or a narrower filter), optionally of one status, policy, degree, and with or
    without manual review."""
    qs = LedgerTotal.objects.filter(district__startswith=district)
    if status:
        qs = qs.filter(status=status)
    if policy_code:
        qs = qs.filter(policy__code=policy_code)
    if degree:
        qs = qs.filter(degree=degree)
    if review is not None:
        qs = qs.filter(review_required=review)
    agg = qs.aggregate(n_rows=Count("pk"), n_lines=Sum("lines"), n_cents=Sum("cents"),
                       n_review=Sum("lines", filter=Q(review_required=True)))
    if (agg["n_rows"] or 0) > FOLD_ABOVE:
        ledger_totals_compact()
    return Totals(count=int(agg["n_lines"] or 0), amount=Decimal(int(agg["n_cents"] or 0)).scaleb(-2),
                  review=int(agg["n_review"] or 0))


def ledger_totals_compact() -> int:
    """Fold the delta rows into one row per key and drop keys that add up to nothing (``core.counters``);
    returns the rows left."""
    counters_fold(_TABLE, _KEY, ("lines", "cents"))
    return LedgerTotal.objects.count()


def ledger_totals_rebuild(*, using: str = "default") -> None:
    """Count the totals afresh from the ledger (the ledger locked against writes meanwhile): the repair for a
    table emptied out of step with the ledger, as ``flush`` does (it empties tables in any order, and on SQLite
    the ledger's delete triggers then write into an emptied totals table)."""
    conn = connections[using]
    cents = ("sum(round(amount * 100))::bigint" if conn.vendor == "postgresql"
             else "CAST(SUM(ROUND(amount * 100)) AS INTEGER)")
    ledger = conn.ops.quote_name(Entitlement._meta.db_table)
    counters_rebuild(_TABLE, f"INSERT INTO {_TABLE} ({_KEY}, lines, cents) SELECT {_KEY}, count(*), {cents} "
                             f"FROM {ledger} GROUP BY {_KEY}", sources=(ledger,), using=using)


def ledger_totals_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate`` (after ``migrate`` and after ``flush``): the totals counted afresh."""
    ledger_totals_rebuild(using=using)
