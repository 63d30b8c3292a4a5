"""The open tickets' maintained counts per (talent's district, assignee, team, SLA state), kept by database
triggers on every write to the tickets and on a talent moving district (``models.DeskLoad``, migration ``0011``).

The dashboard sums the few rows of the officer's districts (plus the deltas not yet folded) instead of counting
every open ticket joined to the talents: the same cost at 100 and at 100,000 open tickets, and exact at once after
any write (the triggers run inside the writing statement).
"""

from __future__ import annotations

from django.db.models import Count, Sum

from talentpool.core.counters import counters_fold, counters_rebuild

from .models import DeskLoad

FOLD_ABOVE = 2000
"""Rows a read may sum before it folds the deltas (PostgreSQL: every ticket statement adds its own rows)."""

_TABLE = DeskLoad._meta.db_table
_KEY = "district, assignee_id, team_id, sla_state"
_FILL = (f"INSERT INTO {_TABLE} ({_KEY}, tickets) SELECT t.district, COALESCE(k.assignee_id, 0), k.team_id, "
         "k.sla_state, COUNT(*) FROM servicedesk_ticket k JOIN registry_talent t ON t.id = k.talent_id "
         "WHERE k.status IN ('new', 'open', 'waiting') GROUP BY 1, 2, 3, 4")


def open_load(prefix: str) -> list[dict]:
    """The open tickets of the talents whose district starts with ``prefix`` (an officer's scope), grouped by
    ``assignee_id`` (None: unassigned), ``team_id`` and ``sla_state``, each with ``n``; groups of none left out."""
    if not prefix:
        return []
    rows = list(DeskLoad.objects.filter(district__startswith=prefix).order_by()
                .values("assignee_id", "team_id", "sla_state").annotate(n=Sum("tickets"), parts=Count("pk")))
    if sum(r["parts"] for r in rows) > FOLD_ABOVE:
        desk_load_compact()
    return [{"assignee_id": r["assignee_id"] or None, "team_id": r["team_id"], "sla_state": r["sla_state"],
             "n": int(r["n"])} for r in rows if r["n"]]


def desk_load_compact() -> int:
    """Fold the delta rows into one row per key and drop keys that add up to nothing (``core.counters``);
    returns the rows left."""
    counters_fold(_TABLE, _KEY, ("tickets",))
    return DeskLoad.objects.count()


def desk_load_rebuild(*, using: str = "default") -> None:
    """Count afresh from the tickets (locked against writes meanwhile): the repair for a table emptied out of
    step with the tickets, as ``flush`` does (TRUNCATE fires no trigger)."""
    counters_rebuild(_TABLE, _FILL, sources=("servicedesk_ticket", "registry_talent"), using=using)


def desk_load_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate`` (after ``migrate`` and after ``flush``): the counts counted afresh."""
    desk_load_rebuild(using=using)
