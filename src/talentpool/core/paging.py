"""Pagers over large tables that do not count every row per request (issue 12: counts that do not scan).

``EstimatingPaginator`` asks PostgreSQL's planner how many rows the list's query returns (``EXPLAIN``, no rows
read). Below ``EXACT_BELOW`` it counts exactly (cheap at that size); above, the planner's estimate is the count
and ``estimated`` is True, so the page says "about". Where an exact figure matters (money, a decision over "all
shown"), use a plain count instead. SQLite has no row estimates: there it always counts.
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_BELOW = 10_000


def planner_rows(queryset) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns, or None where the database gives none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # .none() or an empty IN list: nothing to estimate, and nothing to count
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):
    estimated = False

    @cached_property
    def count(self) -> int:
        guess = planner_rows(self.object_list)
        if guess is not None and guess >= EXACT_BELOW:
            self.estimated = True
            return guess
        return self.object_list.count()
