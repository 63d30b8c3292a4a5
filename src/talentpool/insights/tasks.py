"""Background work of the insights: rebuilding the columnar snapshot. Safe to run twice (each run writes a new
folder under a lock and swaps it in; see ``snapshot.py``). Scheduled by cron (``talentpool kpi --refresh``) and
enqueued by a page that finds its snapshot older than ``INSIGHTS_MAX_AGE``."""

from __future__ import annotations

from django_tasks import task

from .snapshot import snapshot_build


@task()
def snapshot_refresh_task() -> dict:
    snap = snapshot_build(only_if_stale=True)  # another web process may have refreshed it meanwhile
    return {"folder": snap.path.name, "rows": snap.rows}
