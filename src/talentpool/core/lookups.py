"""``field IN (many values)`` that binds one parameter, however many values there are.

Django binds each value of ``filter(field__in=[...])`` as its own parameter, and SQLite refuses a statement with
more than 32,766 of them ("too many SQL variables"); on PostgreSQL a list of 400,000 values makes a statement of
megabytes that is parsed and planned every time. ``values_in`` passes the list as one value instead: a JSON array
unpacked by ``json_each`` on SQLite, an array unpacked by ``unnest`` on PostgreSQL. A short list stays a plain
``IN``. A list that comes from a query should stay a query: ``filter(talent__in=Talent.objects.filter(...))``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Expression, Q

PLAIN_UP_TO = 1000   # values bound one by one up to here (the planner sees them; short statements)


class ValueList(Expression):
    """A subquery yielding the given integers or strings, bound as one parameter."""

    def __init__(self, values: list[Any]) -> None:
        super().__init__()
        self.values = values

    def as_sql(self, compiler, connection):
        numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in self.values)
        if connection.vendor == "postgresql":
            return f"(SELECT unnest(%s::{'bigint' if numbers else 'text'}[]))", [self.values]
        if connection.vendor == "sqlite":
            return "(SELECT value FROM json_each(%s))", [json.dumps(self.values)]
        raise NotImplementedError(f"values_in on {connection.vendor}")


def values_in(field: str, values: Iterable[Any]) -> Q:
    """``Q(field__in=values)`` for integers or strings, safe for any number of values."""
    values = list(dict.fromkeys(values))
    if len(values) <= PLAIN_UP_TO:
        return Q(**{f"{field}__in": values})
    return Q(**{f"{field}__in": ValueList(values)})
