"""Keeping PostgreSQL's planner statistics in step with a large import (``registry.importing``)."""

from __future__ import annotations

from django.db import connection

ANALYZE_AFTER_ROWS = 10_000


class PlannerStatistics:
    """Keeps PostgreSQL's planner statistics in step with a large import. A registry that was nearly empty when
    autovacuum last analysed it is planned as tiny: the next chunk's 5,000-key look-up then runs as a nested loop
    over a table that has grown by tens of thousands of rows (minutes instead of milliseconds). So a table is
    analysed once the rows this job added reach both ``ANALYZE_AFTER_ROWS`` and the size it had when last analysed
    here (doubling steps: a handful of ANALYZEs per import, each sampling at most 30,000 rows). SQLite plans from
    its indexes and needs none of this."""

    def __init__(self) -> None:
        self.added: dict[type, int] = {}
        self.base: dict[type, int] = {}

    def grown(self, model: type, rows: int) -> None:
        if connection.vendor != "postgresql":
            return
        self.added[model] = self.added.get(model, 0) + rows
        if self.added[model] < max(ANALYZE_AFTER_ROWS, self.base.get(model, 0)):
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + connection.ops.quote_name(model._meta.db_table))
        self.base[model] = self.base.get(model, 0) + self.added[model]
        self.added[model] = 0
