"""The pre-aggregated snapshot tables give the same figures as the per-row definitions (docs/insights.md), on a
synthetic snapshot of a few thousand talents (bench/maps.py's generator), for districts and the city, at dates
that cross year and month boundaries. The definitions are written out here over the raw tables, as they were
before the aggregates: a difference in any month, district or reason fails."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from talentpool.insights import figures
from talentpool.insights.figures import add_months, add_years, month_start
from talentpool.insights.snapshot import _profiles

BENCH = Path(__file__).resolve().parents[3] / "bench" / "maps.py"
DATES = [dt.date(2026, 12, 7), dt.date(2026, 1, 31), dt.date(2025, 3, 1), dt.date(2024, 2, 29)]
SCOPES = ["330106", "3301", ""]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("bench_maps", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    folder = tmp_path_factory.mktemp("snap")
    bench.generate(folder, 6000)
    _profiles(folder, DATES[0])
    c = figures.connect(folder)
    yield c
    c.close()


def _q(con, sql, **p):
    return con.execute(sql, {k: v for k, v in p.items() if f"${k}" in sql}).fetchall()


LAST = """WITH last AS (SELECT talent_id AS id, max(least(to_month, $l)) AS last_month FROM district_insurance
          WHERE starts_with(district, $s) AND from_month <= $l GROUP BY 1) """


def _stops_by_month(con, s, first, last):
    return dict(_q(con, LAST + "SELECT (last_month + INTERVAL 1 MONTH)::DATE, count(*) FROM last "
                               "WHERE last_month < $l AND last_month + INTERVAL 1 MONTH >= $f GROUP BY 1",
                   s=s, l=last, f=first))


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("scope", SCOPES)
def test_totals_tiers_graduates_and_subsidies(con, as_of, scope):
    total = _q(con, "SELECT count(*) FROM talents WHERE starts_with(district, $s) AND (arrival_date IS NULL "
                    "OR arrival_date <= $d)", s=scope, d=as_of)[0][0]
    assert figures.talent_total(con, as_of=as_of, scope=scope) == total > 0
    tiers = _q(con, "SELECT tier, count(*) FROM talents WHERE starts_with(district, $s) AND tier <> '' AND "
                    "(tier_date IS NULL OR tier_date <= $d) AND (arrival_date IS NULL OR arrival_date <= $d) "
                    "GROUP BY 1 ORDER BY 1", s=scope, d=as_of)
    assert [(r["tier"], r["people"]) for r in figures.talents_by_tier(con, as_of=as_of, scope=scope)] == tiers
    grads = _q(con, """SELECT count(*) FROM talents t WHERE t.arrival_date BETWEEN $y AND $d AND t.birth_date > $b
        AND EXISTS (SELECT 1 FROM educations e WHERE e.talent_id = t.id AND e.graduation_date <= $d)
        AND starts_with(t.district, $s)""", y=dt.date(as_of.year, 1, 1), d=as_of, b=add_years(as_of, -35), s=scope)
    assert figures.new_graduates(con, as_of=as_of, scope=scope)["people"] == grads[0][0]
    paid = _q(con, "SELECT policy, count(DISTINCT talent_id), count(*), sum(amount) FROM paid WHERE "
                   "starts_with(district, $s) AND paid_on BETWEEN $f AND $d GROUP BY 1 ORDER BY 1",
              s=scope, f=dt.date(as_of.year, 1, 1), d=as_of)
    assert [(r["policy"], r["people"], r["lines"], r["amount"])
            for r in figures.subsidies_paid(con, as_of=as_of, scope=scope)] == paid
    people = _q(con, "SELECT count(DISTINCT talent_id) FROM paid WHERE starts_with(district, $s) "
                     "AND paid_on BETWEEN $f AND $d", s=scope, f=dt.date(as_of.year, 1, 1), d=as_of)[0][0]
    assert figures.kpis(con, as_of=as_of, scope=scope)["subsidies_total"]["people"] == people


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("scope", SCOPES)
def test_stops_net_inflow_and_retention(con, as_of, scope):
    last = add_months(month_start(as_of), -1)
    first = add_months(month_start(as_of), -11)
    stops = _stops_by_month(con, scope, first, last)
    assert sum(stops.values()) > 0
    months = figures.monthly(con, as_of=as_of, scope=scope)
    assert {m["month"]: m["stops"] for m in months if m["stops"]} == stops
    arrivals = dict(_q(con, "SELECT date_trunc('month', arrival_date)::DATE, count(*) FROM talents WHERE "
                            "starts_with(district, $s) AND arrival_date BETWEEN $f AND $d GROUP BY 1",
                       s=scope, f=first, d=as_of))
    assert {m["month"]: m["arrivals"] for m in months if m["arrivals"]} == arrivals
    payees = dict(_q(con, "SELECT date_trunc('month', paid_on)::DATE, count(DISTINCT talent_id) FROM paid WHERE "
                          "starts_with(district, $s) AND paid_on >= $f AND paid_on < $e GROUP BY 1",
                     s=scope, f=first, e=add_months(month_start(as_of), 1)))
    assert {m["month"]: m["paid_people"] for m in months if m["paid_people"]} == payees
    year_stops = sum(_stops_by_month(con, scope, dt.date(as_of.year, 1, 1), last).values())
    assert figures.net_inflow(con, as_of=as_of, scope=scope)["stops"] == year_stops
    for years in (1, 3):
        cohort, kept = _q(con, """WITH c AS (SELECT id, date_trunc('month', arrival_date
                + to_years(CAST($n AS INTEGER)))::DATE AS month FROM talents WHERE starts_with(district, $s)
                AND arrival_date > $a AND arrival_date <= $b),
            k AS (SELECT DISTINCT c.id FROM c JOIN district_insurance i ON i.talent_id = c.id
                  AND c.month BETWEEN i.from_month AND i.to_month WHERE starts_with(i.district, $s))
            SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM k)""",
                          s=scope, a=add_years(as_of, -years - 1), b=add_years(as_of, -years), n=years)[0]
        got = figures.retention(con, as_of=as_of, scope=scope, years=years)
        assert (got["cohort"], got["retained"]) == (cohort, kept)


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("scope", SCOPES)
def test_early_warning(con, as_of, scope):
    last = add_months(month_start(as_of), -1)
    rows = _q(con, """
        WITH stopped AS (
            SELECT DISTINCT a.talent_id AS id FROM district_insurance a
            WHERE starts_with(a.district, $s) AND a.to_month = $p
              AND NOT EXISTS (SELECT 1 FROM district_insurance b WHERE b.talent_id = a.talent_id
                              AND b.to_month > $p AND b.from_month <= $l)),
        jobs AS (
            SELECT talent_id AS id,
                   bool_or(start_date <= $d AND (end_date IS NULL OR end_date > $d)) AS employed,
                   bool_or(start_date <= $d AND (end_date IS NULL OR end_date > $d) AND inside) AS employed_inside,
                   bool_or(end_date > $w AND end_date <= $d) AS ended,
                   bool_or(NOT inside AND start_date > $w AND start_date <= $d
                           AND (end_date IS NULL OR end_date > $d)) AS moved_out
            FROM talent_jobs WHERE starts_with(district, $s) GROUP BY 1),
        r AS (
            SELECT id, 'insurance_stopped' AS reason FROM stopped
            UNION ALL SELECT id, 'employment_ended' FROM jobs WHERE ended AND NOT employed
            UNION ALL SELECT id, 'employer_outside' FROM jobs WHERE moved_out AND NOT employed_inside)
        SELECT id, list(reason ORDER BY reason) FROM r GROUP BY id ORDER BY id""",
              s=scope, l=last, p=add_months(last, -1), d=as_of, w=as_of - dt.timedelta(days=31))
    assert len(rows) > (10 if len(scope) < 6 else 0)
    got = figures.early_warning(con, as_of=as_of, scope=scope)
    assert [(r["talent_id"], r["reasons"]) for r in got] == [(i, list(reasons)) for i, reasons in rows]
    assert figures.early_warning(con, as_of=as_of, scope=scope, count_only=True) == len(rows)


@pytest.mark.parametrize("as_of", [*DATES, dt.date(2025, 2, 28), dt.date(2025, 3, 1)])
def test_age_bands_from_birth_days_match_the_age_in_years(con, as_of):
    from talentpool.insights import maps

    rows = _q(con, """WITH a AS (SELECT degree, date_diff('year', birth_date, $d::DATE)
            - CASE WHEN strftime(birth_date, '%m%d') > strftime($d::DATE, '%m%d') THEN 1 ELSE 0 END AS age
            FROM profiles WHERE birth_date IS NOT NULL AND (arrival_date IS NULL OR arrival_date <= $d))
        SELECT CASE WHEN age < 25 THEN '<25' WHEN age < 30 THEN '25-29' WHEN age < 35 THEN '30-34'
                    WHEN age < 40 THEN '35-39' WHEN age < 50 THEN '40-49' ELSE '50+' END, degree, count(*)
        FROM a GROUP BY 1, 2""", d=as_of)
    got = maps.pyramid(con, as_of=as_of, scope="", f=maps.Filters())
    assert sorted((r["band"], r["degree"], r["people"]) for r in got) == sorted(rows)
    assert len({r[0] for r in rows}) >= 4



@pytest.mark.parametrize("scope", SCOPES)
def test_industry_clusters_and_gap(con, scope):
    from talentpool.insights import maps

    as_of = DATES[0]
    p = {"s": scope, "d": as_of, "y": dt.date(as_of.year, 1, 1)}
    want = _q(con, """
        WITH e AS (SELECT id, cluster FROM enterprises WHERE starts_with(division, $s)),
        j AS (SELECT e.cluster, count(*) AS jobs, sum(j.headcount) AS positions FROM jobs j JOIN e ON e.id = j.enterprise_id
              WHERE j.status = 'open' AND NOT j.hidden AND (j.deadline IS NULL OR j.deadline >= $d) GROUP BY 1),
        h AS (SELECT e.cluster, count(*) AS hires FROM hires h JOIN e ON e.id = h.enterprise_id
              WHERE h.hired_on BETWEEN $y AND $d GROUP BY 1),
        w AS (SELECT cluster, count(DISTINCT talent_id) AS employed FROM staff WHERE starts_with(division, $s) GROUP BY 1),
        n AS (SELECT cluster, count(*) AS enterprises FROM e GROUP BY 1)
        SELECT n.cluster, n.enterprises, coalesce(j.jobs, 0), coalesce(j.positions, 0), coalesce(h.hires, 0),
               coalesce(w.employed, 0)
        FROM n LEFT JOIN j USING (cluster) LEFT JOIN h USING (cluster) LEFT JOIN w USING (cluster) ORDER BY 1""", **p)
    got = sorted(tuple(r.values()) for r in maps.clusters(con, as_of=as_of, scope=scope))
    assert got == want and all(r[3] > 0 for r in want) and any(r[4] for r in want)
    demand = _q(con, """SELECT n.cluster, left(o.major, 4), sum(o.headcount) FROM (SELECT enterprise_id, headcount,
            unnest(majors) AS major FROM jobs WHERE status = 'open' AND NOT hidden
            AND (deadline IS NULL OR deadline >= $d)) o JOIN enterprises n ON n.id = o.enterprise_id
        WHERE starts_with(n.division, $s) AND length(o.major) >= 4 GROUP BY 1, 2""", **p)
    top = {}
    for cluster, cls, n in sorted(demand, key=lambda r: (r[0], -r[2], r[1])):
        top.setdefault(cluster, []).append((cls, n))
    gap = maps.supply_demand_gap(con, as_of=as_of, scope=scope)
    assert [(g["cluster"], g["class"], g["demand"]) for g in gap] == [
        (c, cls, n) for c in sorted(top) for cls, n in top[c][:maps.TOP]]
