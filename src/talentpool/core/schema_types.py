"""Bounded types for API parameters and bodies: a value the database cannot hold or a page before the first
is refused with 422 naming the field, never passed on to a query that would fail with a server error.

- ``Id``: a record's id (a 64-bit database key): 1 … 2^63−1.
- ``Offset``: rows to skip in a list: 0 … 2^31−1 (far past any table we keep).
- ``Limit``: rows in one page: 1 … 200; ``limit_at_most(n)`` for lists whose page may be longer.
- ``Money``: an amount in yuan as the ledger holds it: at most 12 digits before the point and 2 after.
- ``Instant``: a date and time; one with an offset is taken to UTC (PostgreSQL refuses offsets past ±15:59, which
  ISO 8601 allows); one without is left for the service to read in the district's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

ID_MAX = 2**63 - 1  # the largest key of a 64-bit signed integer column (SQLite INTEGER, PostgreSQL bigint)
OFFSET_MAX = 2**31 - 1
PAGE_MAX = 200

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX, description="rows to skip")]


def limit_at_most(most: int):
    """The type of a page size of 1 to ``most`` rows."""
    return Annotated[int, Field(ge=1, le=most, description=f"rows in the page (at most {most})")]


Limit = limit_at_most(PAGE_MAX)
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


def _in_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+01:00 is before the first representable instant
        raise ValueError("This date and time is out of range.") from exc


Instant = Annotated[datetime, AfterValidator(_in_utc)]
