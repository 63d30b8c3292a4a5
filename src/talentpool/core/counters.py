"""Counters kept by database triggers as delta rows (the payment queue's totals, the service desk's open load).

On PostgreSQL a trigger appends one row per key and statement, so writers never wait on a counter row; the rows
are folded from time to time. On SQLite the triggers keep one row per key already, so only empty keys go.
"""

from __future__ import annotations

from django.db import connection, connections, transaction


def counters_fold(table: str, key: str, values: tuple[str, ...]) -> None:
    """Fold ``table``'s delta rows into one row per ``key`` (its columns, comma-separated), summing ``values``,
    and drop keys whose values all add up to nothing. Safe beside writers and beside another fold (PostgreSQL,
    read committed): the DELETE takes only the rows it sees and locks, and a row another fold took first is
    skipped, so every delta is counted exactly once."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sums = ", ".join(f"sum({v})" for v in values)
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} RETURNING {key}, {', '.join(values)}) "
                f"INSERT INTO {table} ({key}, {', '.join(values)}) SELECT {key}, {sums} FROM gone "
                f"GROUP BY {key} HAVING {' OR '.join(f'sum({v}) <> 0' for v in values)}")
        else:
            cursor.execute(f"DELETE FROM {table} WHERE {' AND '.join(f'{v} = 0' for v in values)}")


def counters_rebuild(table: str, fill: str, *, sources: tuple[str, ...], using: str = "default") -> None:
    """Count ``table`` afresh: empty it and run ``fill`` (an INSERT ... SELECT over ``sources``), with the sources
    locked against writes meanwhile on PostgreSQL so no write slips between the two. The repair for a table out of
    step with what it counts, as ``flush`` leaves it (TRUNCATE fires no trigger)."""
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {', '.join(sources)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(fill)
