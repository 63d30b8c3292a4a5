"""Each partner's logged calls, counted by database triggers on every write to the call log
(``models.PartnerCalls``, migration ``0007``).

The administrators' list sums a few rows per partner (plus the deltas not yet folded) instead of counting the call
log, which grows by one row per call: the same cost at a hundred calls and at ten million, and exact at once after
any call (the triggers run inside the writing statement).
"""

from __future__ import annotations

from django.db.models import Count, Sum

from talentpool.core.counters import counters_fold, counters_rebuild

from .models import PartnerCalls

FOLD_ABOVE = 1000
"""Rows a read may sum before it folds the deltas (PostgreSQL: every logged call adds its own row)."""

_TABLE = PartnerCalls._meta.db_table
_FILL = (f"INSERT INTO {_TABLE} (partner_id, calls) SELECT partner_id, COUNT(*) FROM recruitment_partnerexchange "
         "GROUP BY partner_id")


def calls_by_partner() -> dict[int, int]:
    """Logged calls per partner id (partners that never called are left out)."""
    rows = list(PartnerCalls.objects.order_by().values("partner_id").annotate(n=Sum("calls"), parts=Count("pk")))
    if sum(r["parts"] for r in rows) > FOLD_ABOVE:
        partner_calls_compact()
    return {r["partner_id"]: int(r["n"]) for r in rows if r["n"]}


def partner_calls_compact() -> int:
    """Fold the delta rows into one row per partner and drop partners whose calls add up to nothing
    (``core.counters``); returns the rows left."""
    counters_fold(_TABLE, "partner_id", ("calls",))
    return PartnerCalls.objects.count()


def partner_calls_rebuild(*, using: str = "default") -> None:
    """Count afresh from the call log (locked against calls meanwhile): the repair for a table emptied out of step
    with the log, as ``flush`` does (TRUNCATE fires no trigger)."""
    counters_rebuild(_TABLE, _FILL, sources=("recruitment_partnerexchange",), using=using)


def partner_calls_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate`` (after ``migrate`` and after ``flush``): the counts counted afresh."""
    partner_calls_rebuild(using=using)
