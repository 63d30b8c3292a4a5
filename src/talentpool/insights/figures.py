"""The office's figures as of a date, computed by DuckDB over a snapshot's Parquet files (``snapshot.py``).

Plain Python: a function takes an open connection (``connect``), an ``as_of`` date and a division-code prefix
(``scope``: '330106' a district, '3301' a city, '' everything) and returns plain data. Definitions (docs/insights.md):

- talent total: records of the scope whose arrival is on or before ``as_of`` (or unknown);
- by tier: those with a tier granted on or before ``as_of``;
- new under-35 graduates: arrived this calendar year up to ``as_of``, under 35 on ``as_of``, with a degree
  obtained by then; the district's rank among the districts of its city by the same count;
- subsidies paid: ledger lines paid (bank date) this calendar year up to ``as_of``, by policy: people, lines, amount;
- the last complete month ``L`` is the month before ``as_of``'s month (insurance is reported a month late);
  a talent *stopped* in month ``M`` when the last month insured in its district on or before ``L`` is ``M - 1``;
  net inflow: arrivals minus stops; retention after n years: of those who arrived in the year ending n years
  before ``as_of``, the share insured in their district in the month n years after their arrival.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

SUPPRESS_BELOW = 5
"""On shared views a count of fewer people than this (and any amount over them) is shown as suppressed."""

AGE_BANDS = ("<25", "25-29", "30-34", "35-39", "40-49", "50+")
DEGREE_ORDER = ("junior_college", "bachelor", "master", "doctor")


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per Parquet file of the snapshot ``folder``."""
    con = duckdb.connect(config={"threads": 2})
    for file in sorted(folder.glob("*.parquet")):
        con.execute(f"CREATE VIEW {file.stem} AS SELECT * FROM read_parquet('{file.as_posix()}')")
    con.execute("SET parquet_metadata_cache = true")  # a page runs ~20 queries over the same files
    return con


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def add_years(day: dt.date, n: int) -> dt.date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def _used(sql: str, params: dict | None) -> dict:
    """The parameters ``sql`` names (DuckDB refuses unused named parameters)."""
    return {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", sql)}


def _rows(con, sql: str, params: dict | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, _used(sql, params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _exec(con, sql: str, params: dict | None = None):
    return con.execute(sql, _used(sql, params))


def _one(con, sql: str, params: dict | None = None) -> Any:
    return con.execute(sql, _used(sql, params)).fetchone()[0]


# --- the KPI dashboard -----------------------------------------------------------------------------------------

def talent_total(con, *, as_of: dt.date, scope: str) -> int:
    return _one(con, "SELECT coalesce(sum(n), 0)::BIGINT FROM arrivals_by_day WHERE starts_with(district, $s) "
                     "AND (arrival_date IS NULL OR arrival_date <= $d)", {"s": scope, "d": as_of})


def talents_by_tier(con, *, as_of: dt.date, scope: str) -> list[dict[str, Any]]:
    return _rows(con, "SELECT tier, sum(n)::BIGINT AS people FROM tiers_by_day WHERE starts_with(district, $s) "
                      "AND (tier_date IS NULL OR tier_date <= $d) AND (arrival_date IS NULL OR arrival_date <= $d) "
                      "GROUP BY tier ORDER BY tier", {"s": scope, "d": as_of})


def new_graduates(con, *, as_of: dt.date, scope: str) -> dict[str, Any]:
    """Under-35 graduates who arrived this year, in the scope, and the rank of each district of the scope's city."""
    rows = _rows(con, """
        SELECT district, count(*) AS people FROM arrivals
        WHERE arrival_date BETWEEN $y AND $d AND birth_date > $b AND graduated_on <= $d AND starts_with(district, $c)
        GROUP BY district ORDER BY people DESC, district""",
                 {"y": dt.date(as_of.year, 1, 1), "d": as_of, "b": add_years(as_of, -35), "c": scope[:4]})
    people = sum(r["people"] for r in rows if r["district"].startswith(scope))
    rank = None
    if len(scope) == 6:
        counts = sorted({r["people"] for r in rows}, reverse=True)
        mine = next((r["people"] for r in rows if r["district"] == scope), 0)
        rank = (counts.index(mine) + 1) if mine else None
    return {"people": people, "rank": rank, "districts": len(rows)}


def _subsidies(con, *, as_of: dt.date, scope: str) -> tuple[list[dict[str, Any]], int]:
    """Paid from 1 January of ``as_of``'s year to ``as_of`` by policy (people, lines, amount), and how many
    distinct people in all (``paid_people`` holds the scopes of every level: district, city, province, all)."""
    p = {"s": scope, "f": dt.date(as_of.year, 1, 1), "d": as_of}
    if len(scope) not in (0, 2, 4, 6):
        raise ValueError(f"scope {scope!r} is not a division prefix of 0, 2, 4 or 6 digits")
    people = dict(_exec(con, "SELECT coalesce(policy, ''), sum(n)::BIGINT FROM paid_people WHERE scope = $s "
                             "AND first_on BETWEEN $f AND $d GROUP BY 1", p).fetchall())
    rows = _rows(con, """SELECT policy, sum(lines)::BIGINT AS lines, sum(amount) AS amount FROM paid_by_day
        WHERE starts_with(district, $s) AND paid_on BETWEEN $f AND $d GROUP BY policy ORDER BY policy""", p)
    out = [{"policy": r["policy"], "people": people.get(r["policy"], 0), "lines": r["lines"],
            "amount": Decimal(r["amount"]).quantize(Decimal("0.01"))} for r in rows]
    return out, people.get("", 0)


def subsidies_paid(con, *, as_of: dt.date, scope: str) -> list[dict[str, Any]]:
    """Paid from 1 January of ``as_of``'s year to ``as_of`` by policy: people, lines, amount (Decimal)."""
    return _subsidies(con, as_of=as_of, scope=scope)[0]


_STOPS = """SELECT (run_end + INTERVAL 1 MONTH)::DATE AS month, sum(n)::BIGINT FROM stops_by_month
    WHERE starts_with(district, $s) AND run_end < $l AND run_end + INTERVAL 1 MONTH >= $f
      AND (next_start IS NULL OR next_start > $l) GROUP BY 1"""
"""Stops by month from ``$f`` to the last complete month ``$l`` as known at ``$l`` (see ``snapshot.AGGREGATES_SQL``)."""


def monthly(con, *, as_of: dt.date, scope: str, months: int = 12) -> list[dict[str, Any]]:
    """Per month, the ``months`` months ending with ``as_of``'s: arrivals, stops, net inflow, talents at the
    month's end (or ``as_of``), amount paid and to how many people (up to ``as_of``: the month of ``as_of``
    counts the whole month's payees, which the snapshot holds only up to its day anyway)."""
    last = add_months(month_start(as_of), -1)
    first = add_months(month_start(as_of), -(months - 1))
    p = {"s": scope, "l": last, "f": first, "d": as_of}
    arrivals = dict(_exec(con, "SELECT date_trunc('month', arrival_date)::DATE, sum(n)::BIGINT FROM arrivals_by_day "
                                "WHERE starts_with(district, $s) AND arrival_date BETWEEN $f AND $d GROUP BY 1",
                                p).fetchall())
    stops = dict(_exec(con, _STOPS, p).fetchall())
    paid = dict(_exec(con, "SELECT date_trunc('month', paid_on)::DATE, sum(amount) FROM paid_by_day "
                            "WHERE starts_with(district, $s) AND paid_on BETWEEN $f AND $d GROUP BY 1", p).fetchall())
    before = _one(con, "SELECT coalesce(sum(n), 0)::BIGINT FROM arrivals_by_day WHERE starts_with(district, $s) "
                       "AND (arrival_date IS NULL OR arrival_date < $f)", p)
    payees = dict(_exec(con, "SELECT month, people FROM paid_people_by_month WHERE scope = $s "
                             "AND month BETWEEN $f AND $d", p).fetchall())
    out, total = [], before
    for i in range(months):
        m = add_months(first, i)
        a, s = arrivals.get(m, 0), stops.get(m, 0)
        total += a
        out.append({"month": m, "arrivals": a, "stops": s, "net": a - s, "talents": total,
                    "paid": Decimal(paid.get(m) or 0).quantize(Decimal("0.01")), "paid_people": payees.get(m, 0)})
    return out


def net_inflow(con, *, as_of: dt.date, scope: str) -> dict[str, int]:
    """This calendar year up to ``as_of``: arrivals, stops (up to the last complete month) and the difference."""
    year = dt.date(as_of.year, 1, 1)
    last = add_months(month_start(as_of), -1)
    p = {"s": scope, "l": last, "f": year, "d": as_of}
    arrivals = _one(con, "SELECT coalesce(sum(n), 0)::BIGINT FROM arrivals_by_day WHERE starts_with(district, $s) "
                         "AND arrival_date BETWEEN $f AND $d", p)
    stops = sum(n for _m, n in _exec(con, _STOPS, p).fetchall())
    return {"arrivals": arrivals, "stops": stops, "net": arrivals - stops}


RETENTION_YEARS = (1, 3)


def retention(con, *, as_of: dt.date, scope: str, years: int) -> dict[str, Any]:
    """Of the talents who arrived in the year ending ``years`` years before ``as_of``, how many were insured in
    their district in the month ``years`` years after they arrived (``years`` one of ``RETENTION_YEARS``)."""
    if years not in RETENTION_YEARS:
        raise ValueError(f"retention is kept for {RETENTION_YEARS} years, not {years}")
    p = {"s": scope, "a": add_years(as_of, -years - 1), "b": add_years(as_of, -years)}
    cohort, kept = _exec(con, f"""SELECT coalesce(sum(cohort), 0)::BIGINT, coalesce(sum(kept_{years}), 0)::BIGINT
        FROM retention_by_day WHERE starts_with(district, $s) AND arrival_date > $a AND arrival_date <= $b""",
                         p).fetchone()
    return {"years": years, "cohort": cohort, "retained": kept,
            "rate": round(100 * kept / cohort, 1) if cohort else None}


def tickets_within_sla(con, *, as_of: dt.date, scope: str) -> dict[str, Any]:
    """Service-desk tickets of the scope's talents this calendar year up to ``as_of``: how many were resolved,
    how many of those within both SLA clocks (first response and resolution), the share, and the breaches:
    tickets raised this year that broke their SLA (resolved late, or still open past due), as the snapshot
    found them."""
    p = {"s": scope, "y": dt.date(as_of.year, 1, 1), "d": as_of}
    resolved, within = _exec(con, "SELECT count(*), count(*) FILTER (WHERE sla_state = 'met') FROM tickets "
                                  "WHERE starts_with(district, $s) AND resolved_on BETWEEN $y AND $d", p).fetchone()
    breaches = _one(con, "SELECT count(*) FROM tickets WHERE starts_with(district, $s) AND raised_on BETWEEN $y AND $d "
                         "AND sla_state IN ('breached', 'missed')", p)
    return {"resolved": resolved, "within_sla": within,
            "share": round(100 * within / resolved, 1) if resolved else None, "breaches": breaches}


def fair_intents(con, *, as_of: dt.date, scope: str) -> dict[str, Any]:
    """Published fairs run by a district of the scope that were held this calendar year up to ``as_of``: how many,
    their registrants and check-ins, the interviews scheduled up to ``as_of``, the intents recorded after them
    and how many of those were strong."""
    p = {"s": scope, "y": dt.date(as_of.year, 1, 1), "d": as_of}
    fairs_held = ("(SELECT id FROM fairs WHERE starts_with(division, $s) AND held_on BETWEEN $y AND $d)")
    row = _exec(con, f"""
        SELECT (SELECT count(*) FROM {fairs_held}),
               count(*) FILTER (WHERE registered_on <= $d),
               count(*) FILTER (WHERE checked_in_on <= $d)
        FROM fair_registrations WHERE fair_id IN {fairs_held}""", p).fetchone()
    slots = _exec(con, f"""
        SELECT count(*) FILTER (WHERE starts_on <= $d), count(*) FILTER (WHERE intent_on <= $d),
               count(*) FILTER (WHERE intent_on <= $d AND intent = 'strong')
        FROM fair_slots WHERE fair_id IN {fairs_held}""", p).fetchone()
    return {"fairs": row[0], "registrants": row[1], "checked_in": row[2], "interviews": slots[0],
            "intents": slots[1], "strong": slots[2]}


def kpis(con, *, as_of: dt.date, scope: str) -> dict[str, Any]:
    """Every figure of the dashboard, as of ``as_of`` in ``scope``."""
    last_year = add_years(as_of, -1)
    months = monthly(con, as_of=as_of, scope=scope)
    that_month = monthly(con, as_of=last_year, scope=scope, months=1)[0]
    subsidies, people_paid = _subsidies(con, as_of=as_of, scope=scope)
    return {
        "as_of": as_of, "scope": scope,
        "talent_total": talent_total(con, as_of=as_of, scope=scope),
        "by_tier": talents_by_tier(con, as_of=as_of, scope=scope),
        "new_graduates_under_35": new_graduates(con, as_of=as_of, scope=scope),
        "subsidies_by_policy": subsidies,
        "subsidies_total": {"people": people_paid,
                            "amount": sum((r["amount"] for r in subsidies), Decimal("0.00"))},
        "net_inflow": net_inflow(con, as_of=as_of, scope=scope),
        "retention": [retention(con, as_of=as_of, scope=scope, years=n) for n in RETENTION_YEARS],
        "monthly": months,
        "same_month_last_year": {"this_year": months[-1], "last_year": that_month},
        "early_warning": early_warning(con, as_of=as_of, scope=scope, count_only=True),
        "tickets_within_sla": tickets_within_sla(con, as_of=as_of, scope=scope),
        "fairs": fair_intents(con, as_of=as_of, scope=scope),
    }


def kpis_from_json(data: dict[str, Any]) -> dict[str, Any]:
    """``kpis`` as read back from JSON (dates and Decimal amounts were written as strings)."""
    def month(r: dict) -> dict:
        return {**r, "month": dt.date.fromisoformat(r["month"]), "paid": Decimal(r["paid"])}

    out = dict(data)
    out["as_of"] = dt.date.fromisoformat(data["as_of"])
    out["subsidies_by_policy"] = [{**r, "amount": Decimal(r["amount"])} for r in data["subsidies_by_policy"]]
    out["subsidies_total"] = {**data["subsidies_total"], "amount": Decimal(data["subsidies_total"]["amount"])}
    out["monthly"] = [month(r) for r in data["monthly"]]
    out["same_month_last_year"] = {k: month(v) for k, v in data["same_month_last_year"].items()}
    return out


# --- retention early warning -------------------------------------------------------------------------------------

UNASSIGNED = "none"
"""The early-warning list's officer filter for talents who have no one-to-one officer."""


def early_warning(con, *, as_of: dt.date, scope: str, limit: int | None = None, count_only: bool = False,
                  officer: int | str | None = None) -> list[dict[str, Any]] | int:
    """Talents to follow up as of ``as_of``, each with its reasons and its one-to-one service officer (the desk
    officer's id, or None):

    - ``insurance_stopped``: insured in their district in the month before the last complete month, not in it;
    - ``employment_ended``: an employment ended in the 31 days up to ``as_of`` and they hold no other job;
    - ``employer_outside``: in those 31 days they started a job with an employer registered outside their
      district and hold no job inside it (a move, read from the employment history: a talent who has long
      worked outside the district is not a new warning).

    ``officer`` keeps the talents of one desk officer (``UNASSIGNED``: those without one). One row per talent,
    the first ``limit`` by talent id, or with ``count_only`` how many talents there are."""
    last = add_months(month_start(as_of), -1)
    p = {"s": scope, "p": add_months(last, -1), "d": as_of, "w": as_of - dt.timedelta(days=31)}
    sql = """
        WITH stopped AS (
            SELECT DISTINCT talent_id AS id FROM insured_runs WHERE run_end = $p AND starts_with(district, $s)),
        moved AS (
            SELECT DISTINCT talent_id AS id FROM job_events WHERE day > $w AND day <= $d AND starts_with(district, $s)),
        jobs AS (
            SELECT talent_id AS id,
                   bool_or(start_date <= $d AND (end_date IS NULL OR end_date > $d)) AS employed,
                   bool_or(start_date <= $d AND (end_date IS NULL OR end_date > $d) AND inside) AS employed_inside,
                   bool_or(end_date > $w AND end_date <= $d) AS ended,
                   bool_or(NOT inside AND start_date > $w AND start_date <= $d
                           AND (end_date IS NULL OR end_date > $d)) AS moved_out
            FROM talent_jobs WHERE talent_id IN (SELECT id FROM moved) GROUP BY 1)
        , r AS (
            SELECT id, 'insurance_stopped' AS reason FROM stopped
            UNION ALL SELECT id, 'employment_ended' FROM jobs WHERE ended AND NOT employed
            UNION ALL SELECT id, 'employer_outside' FROM jobs WHERE moved_out AND NOT employed_inside)
        , w AS (SELECT r.id, r.reason, o.officer_id FROM r LEFT JOIN one_to_one o ON o.talent_id = r.id)
    """
    if officer == UNASSIGNED:
        sql += " , v AS (SELECT * FROM w WHERE officer_id IS NULL) "
    elif officer is not None:
        sql += " , v AS (SELECT * FROM w WHERE officer_id = $o) "
        p["o"] = int(officer)
    else:
        sql += " , v AS (SELECT * FROM w) "
    if count_only:
        return _one(con, sql + "SELECT count(DISTINCT id) FROM v", p)
    return _rows(con, sql + "SELECT id AS talent_id, list(reason ORDER BY reason) AS reasons, "
                            "any_value(officer_id) AS officer_id FROM v GROUP BY id ORDER BY id"
                 + (f" LIMIT {int(limit)}" if limit else ""), p)


# --- small-cell suppression --------------------------------------------------------------------------------------

def suppress(rows: list[dict[str, Any]], *, count: str = "people", also: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows for a shared view: a row counting 1–4 people has that count (and the ``also`` columns) set to None.
    Zero stays zero (it singles nobody out)."""
    out = []
    for r in rows:
        n = r.get(count)
        if n is not None and 0 < n < SUPPRESS_BELOW:
            r = {**r, count: None, **dict.fromkeys(also)}
        out.append(r)
    return out
