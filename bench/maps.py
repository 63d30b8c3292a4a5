"""Map and KPI query times on the columnar snapshot at district or city scale.

    .venv/bin/python bench/maps.py [--talents 400000] [--repeat 5] [--folder DIR] [--no-baseline] [--smoke]

Generates a synthetic snapshot of ``--talents`` people (Parquet files with the columns ``insights/snapshot.py``
writes: 13 Hangzhou districts, household registration over 31 provinces, 1.3 degrees, 0.8 jobs, 0.9 insurance
spans and 0.5 paid ledger lines a person, one enterprise per 20 people, two jobs per enterprise), builds the
profiles table exactly as a refresh does, then times every KPI and map query of the pages (DuckDB, best and
median of ``--repeat`` runs) for a district officer (330106) and the city (3301).

Baseline in the same run: three of the figures (talents by tier, origin by province for masters, paid by policy)
computed per request from a row store — the same rows in SQLite with indexes on the filtered columns, the way a
page that scans the registry would — and the ratio of its median to the snapshot's. ``--smoke``: 3,000 talents,
two repetitions (proof the bench works).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DISTRICTS = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114",
             "330122", "330127", "330182"]
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
CLUSTERS = ["intelligent_manufacturing", "life_health", "digital_economy", "other"]
DEGREES = ["junior_college", "bachelor", "master", "doctor"]
MAJORS = [f"{c:02d}{k:02d}{m:02d}" for c in (2, 3, 4, 5, 7, 8, 9, 10, 12) for k in (1, 2, 3) for m in (1, 2)]


def _list(values) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def generate(folder: Path, n: int) -> None:
    """Write the snapshot's Parquet files for ``n`` talents with DuckDB (deterministic: hashes of the row id)."""
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    con.execute("CREATE MACRO h(a, b) AS CAST(hash(a, b) % 2147483647 AS BIGINT)")
    e = max(n // 20, 10)
    fairs = max(n // 2000, 5)
    d, pr, cl, dg, mj = _list(DISTRICTS), _list(PROVINCES), _list(CLUSTERS), _list(DEGREES), _list(MAJORS)
    f = folder.as_posix()
    steps = {
        "talents": f"""SELECT i AS id, {d}[1 + h(i, 0) % 13] AS district, {d}[1 + h(i, 1) % 13] AS residence,
            {pr}[1 + h(i, 2) % 31] || lpad(CAST(1 + h(i, 3) % 9 AS VARCHAR), 2, '0') || '01' AS hukou,
            DATE '1965-01-01' + CAST(h(i, 4) % 13000 AS INTEGER) AS birth_date,
            CASE WHEN h(i, 5) % 2 = 0 THEN 'M' ELSE 'F' END AS gender,
            DATE '2010-01-01' + CAST(h(i, 6) % 6150 AS INTEGER) AS arrival_date,
            CASE WHEN h(i, 7) % 100 < 3 THEN ['A','B','C','D','E'][1 + h(i, 8) % 5] ELSE '' END AS tier,
            CAST(NULL AS DATE) AS tier_date FROM range(1, {n} + 1) t(i)""",
        "educations": f"""SELECT i AS talent_id, {dg}[1 + h(i, 9) % 3] AS degree,
            '41' || lpad(CAST(h(i, 10) % 300 AS VARCHAR), 8, '0') AS university,
            {mj}[1 + h(i, 11) % {len(MAJORS)}] AS major, DATE '2005-06-30' + CAST(h(i, 12) % 7000 AS INTEGER)
            AS graduation_date FROM range(1, {n} + 1) t(i)
            UNION ALL SELECT i, {dg}[3 + h(i, 13) % 2], '41' || lpad(CAST(h(i, 14) % 300 AS VARCHAR), 8, '0'),
            {mj}[1 + h(i, 15) % {len(MAJORS)}], DATE '2008-06-30' + CAST(h(i, 16) % 6000 AS INTEGER)
            FROM range(1, {n} + 1) t(i) WHERE h(i, 17) % 10 < 3""",
        "enterprises": f"""SELECT i AS id, {cl}[1 + h(i, 18) % 4] AS cluster, {d}[1 + h(i, 19) % 13] AS division,
            'S' || CAST(h(i, 20) % 40 AS VARCHAR) AS street, CAST(NULL AS DATE) AS founded_on
            FROM range(1, {e} + 1) t(i)""",
        "employments": f"""SELECT t.id AS talent_id, 1 + h(t.id, 21) % {e} AS enterprise_id,
            t.arrival_date AS start_date, CASE WHEN h(t.id, 22) % 100 < 15
            THEN t.arrival_date + CAST(200 + h(t.id, 23) % 2000 AS INTEGER) END AS end_date
            FROM read_parquet('{f}/talents.parquet') t WHERE h(t.id, 24) % 10 < 8""",
        "insurance": f"""SELECT t.id AS talent_id, date_trunc('month', t.arrival_date)::DATE AS from_month,
            least(DATE '2026-11-01', date_trunc('month', t.arrival_date + CAST(30 + h(t.id, 25) % 6000 AS INTEGER)))::DATE
            AS to_month, CASE WHEN h(t.id, 26) % 20 = 0 THEN '330000' ELSE t.district END AS division
            FROM read_parquet('{f}/talents.parquet') t WHERE h(t.id, 27) % 10 < 9""",
        "paid": f"""SELECT t.id AS talent_id, ['hz-graduate-living', 'hz-rent', 'hz-arrival', 'hz-housing',
            'hz-top'][1 + h(t.id, 28) % 5] AS policy, CAST((1000 + h(t.id, 29) % 20000) / 100.0 * 100
            AS DECIMAL(14, 2)) AS amount, DATE '2024-01-01' + CAST(h(t.id, 30) % 1050 AS INTEGER) AS paid_on,
            t.district, 'entitlement' AS kind FROM read_parquet('{f}/talents.parquet') t WHERE h(t.id, 31) % 2 = 0""",
        "jobs": f"""SELECT i AS id, 1 + h(i, 32) % {e} AS enterprise_id,
            CASE WHEN h(i, 33) % 10 < 6 THEN 'open' ELSE 'closed' END AS status, false AS hidden,
            CAST(1 + h(i, 34) % 5 AS BIGINT) AS headcount,
            [{mj}[1 + h(i, 35) % {len(MAJORS)}], {mj}[1 + h(i, 36) % {len(MAJORS)}]] AS majors,
            CAST(NULL AS DATE) AS deadline FROM range(1, 2 * {e} + 1) t(i)""",
        "hires": f"""SELECT i * 7 % {n} + 1 AS talent_id, 1 + i % (2 * {e}) AS job_id, 1 + h(i, 37) % {e}
            AS enterprise_id, DATE '2025-01-01' + CAST(h(i, 38) % 700 AS INTEGER)
            AS hired_on FROM range(0, {n} // 50) t(i)""",
        "seekers": f"SELECT i * 11 % {n} + 1 AS talent_id FROM range(0, {n} // 10) t(i)",
        "one_to_one": f"""SELECT id AS talent_id, 1 + h(id, 39) % 50 AS officer_id FROM read_parquet('{f}/talents.parquet')
            WHERE tier <> ''""",
        "fairs": f"""SELECT i AS id, {d}[1 + h(i, 40) % 13] AS division, 'station' AS kind,
            DATE '2024-01-01' + CAST(h(i, 41) % 1070 AS INTEGER) AS held_on FROM range(1, {fairs} + 1) t(i)""",
        "fair_registrations": f"""SELECT 1 + h(i, 42) % {fairs} AS fair_id, DATE '2024-01-01'
            + CAST(h(i, 43) % 1070 AS INTEGER) AS registered_on, CASE WHEN h(i, 44) % 3 > 0 THEN DATE '2024-01-01'
            + CAST(h(i, 45) % 1070 AS INTEGER) END AS checked_in_on FROM range(0, {n} // 4) t(i)""",
        "fair_slots": f"""SELECT 1 + h(i, 46) % {fairs} AS fair_id, DATE '2024-01-01' + CAST(h(i, 47) % 1070 AS INTEGER)
            AS starts_on, ['strong', 'maybe', 'no', NULL][1 + h(i, 48) % 4] AS intent,
            DATE '2024-01-01' + CAST(h(i, 49) % 1070 AS INTEGER) AS intent_on FROM range(0, {n} // 8) t(i)""",
        "tickets": f"""SELECT {d}[1 + h(i, 50) % 13] AS district, DATE '2025-01-01' + CAST(h(i, 51) % 700 AS INTEGER)
            AS raised_on, CASE WHEN h(i, 52) % 5 > 0 THEN DATE '2025-01-01' + CAST(h(i, 53) % 700 AS INTEGER) END
            AS resolved_on, 'resolved' AS status, ['met', 'met', 'met', 'missed', 'breached'][1 + h(i, 54) % 5]
            AS sla_state FROM range(0, {n} // 5) t(i)""",
        "universities": """SELECT '41' || lpad(CAST(i AS VARCHAR), 8, '0') AS code, '大学' || CAST(i AS VARCHAR) AS name,
            lpad(CAST(11 + i % 55 AS VARCHAR), 2, '0') || '0100' AS division FROM range(0, 300) t(i)""",
        "majors": f"SELECT unnest({mj}) AS code, '专业' || unnest({mj}) AS name",
        "divisions": f"SELECT unnest({pr}) || '0000' AS code, '省' || unnest({pr}) AS name, 'province' AS level",
    }
    for table, sql in steps.items():  # "one_to_one" reads talents: the order of the steps matters
        con.execute(f"COPY ({sql}) TO '{f}/{table}.parquet' (FORMAT parquet, COMPRESSION zstd)")
    con.close()


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return min(times), statistics.median(times)


def row_store(folder: Path) -> sqlite3.Connection:
    """The baseline's row store: talents, educations and paid lines in SQLite with the registry's indexes."""
    import pyarrow.parquet as pq

    db = sqlite3.connect(folder / "rowstore.sqlite3")
    db.execute("CREATE TABLE talents (id INTEGER PRIMARY KEY, district TEXT, hukou TEXT, tier TEXT, arrival_date TEXT)")
    db.execute("CREATE TABLE educations (talent_id INTEGER, degree TEXT, graduation_date TEXT)")
    db.execute("CREATE TABLE paid (talent_id INTEGER, policy TEXT, amount TEXT, paid_on TEXT, district TEXT)")
    for table, cols in (("talents", ["id", "district", "hukou", "tier", "arrival_date"]),
                        ("educations", ["talent_id", "degree", "graduation_date"]),
                        ("paid", ["talent_id", "policy", "amount", "paid_on", "district"])):
        for batch in pq.ParquetFile(folder / f"{table}.parquet").iter_batches(columns=cols, batch_size=100_000):
            rows = zip(*[[None if v is None else (v if isinstance(v, int) else str(v)) for v in c.to_pylist()]
                         for c in batch.columns], strict=True)
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})", rows)
    db.execute("CREATE INDEX t_district ON talents (district)")
    db.execute("CREATE INDEX t_tier ON talents (tier)")
    db.execute("CREATE INDEX e_talent ON educations (talent_id)")
    db.execute("CREATE INDEX p_district ON paid (district, paid_on)")
    db.commit()
    return db


BASELINE_SQL = {
    "by_tier": ("SELECT tier, count(*) FROM talents WHERE district LIKE ? AND tier <> '' "
                "AND (arrival_date IS NULL OR arrival_date <= ?) GROUP BY tier"),
    "origin_by_province(master)": (
        "SELECT substr(t.hukou, 1, 2), count(*) FROM talents t WHERE t.district LIKE ? AND t.arrival_date <= ? "
        "AND (SELECT e.degree FROM educations e WHERE e.talent_id = t.id ORDER BY CASE e.degree WHEN 'doctor' "
        "THEN 4 WHEN 'master' THEN 3 WHEN 'bachelor' THEN 2 ELSE 1 END DESC LIMIT 1) = 'master' GROUP BY 1"),
    "subsidies_paid": ("SELECT policy, count(DISTINCT talent_id), sum(CAST(amount AS REAL)) FROM paid "
                       "WHERE district LIKE ? AND paid_on BETWEEN '2026-01-01' AND ? GROUP BY policy"),
}


def _queries(figures, maps, con, *, as_of: dt.date, scope: str) -> dict:
    """Every query of the pages, by name, as a call without arguments."""
    kw = {"as_of": as_of, "scope": scope}
    master, digital = maps.Filters(degree="master"), maps.Filters(cluster="digital_economy", age_band="25-29")
    return {
        "kpi talent_total": lambda: figures.talent_total(con, **kw),
        "kpi by_tier": lambda: figures.talents_by_tier(con, **kw),
        "kpi new_graduates": lambda: figures.new_graduates(con, **kw),
        "kpi subsidies_paid": lambda: figures.subsidies_paid(con, **kw),
        "kpi net_inflow": lambda: figures.net_inflow(con, **kw),
        "kpi retention 1y": lambda: figures.retention(con, years=1, **kw),
        "kpi retention 3y": lambda: figures.retention(con, years=3, **kw),
        "kpi monthly (12)": lambda: figures.monthly(con, **kw),
        "kpi early_warning (count)": lambda: figures.early_warning(con, count_only=True, **kw),
        "early warning list (500)": lambda: figures.early_warning(con, limit=500, **kw),
        "map origin_by_province": lambda: maps.origin_by_province(con, f=maps.Filters(), **kw),
        "map origin_by_province(master)": lambda: maps.origin_by_province(con, f=master, **kw),
        "map origin_by_city(drill 42)": lambda: maps.origin_by_city(con, f=maps.Filters(province="42"), **kw),
        "map university_by_province": lambda: maps.university_by_province(con, f=digital, **kw),
        "map top_universities": lambda: maps.top_universities(con, f=digital, **kw),
        "map top_majors": lambda: maps.top_majors(con, f=maps.Filters(), **kw),
        "map inflow_by_year": lambda: maps.inflow_by_year(con, f=maps.Filters(), **kw),
        "map pyramid": lambda: maps.pyramid(con, f=maps.Filters(), **kw),
        "map density": lambda: maps.density_by_residence(con, f=maps.Filters(), **kw),
        "map recruit_sources": lambda: maps.recruit_sources(con, cluster="life_health", **kw),
        "industry clusters": lambda: maps.clusters(con, **kw),
        "industry by_district": lambda: maps.enterprises_by_district(con, scope=scope),
        "industry gap": lambda: maps.supply_demand_gap(con, **kw),
        "page: whole dashboard": lambda: figures.kpis(con, **kw),
        "kpi fairs and intents": lambda: figures.fair_intents(con, **kw),
        "kpi tickets within SLA": lambda: figures.tickets_within_sla(con, **kw),
        "page: whole talent map": lambda: maps.talent_map(con, f=master, **kw),
        "page: whole talent map (no filter)": lambda: maps.talent_map(con, f=maps.Filters(), **kw),
        "page: whole industry map": lambda: maps.industry_map(con, **kw),
        "page: early warning (500, by officer)": lambda: figures.early_warning(con, limit=500, officer=7, **kw),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", help="where to write the snapshot (default: a temporary folder)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="3,000 talents, two repetitions")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.repeat = 3000, 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.test")
    os.environ.setdefault("TALENTPOOL_HOME", tempfile.mkdtemp(prefix="tp-bench-maps-home-"))
    import django

    django.setup()
    from talentpool.insights import figures, maps
    from talentpool.insights.snapshot import Snapshot, _kpis_of_the_day, _profiles, kpis_of_the_day

    folder = Path(args.folder or tempfile.mkdtemp(prefix="tp-bench-maps-"))
    folder.mkdir(parents=True, exist_ok=True)
    as_of = dt.date(2026, 12, 7)  # figures are computed by the queries (only "of the day" reads the file)
    t0 = time.perf_counter()
    generate(folder, args.talents)
    t1 = time.perf_counter()
    _profiles(folder, as_of)
    print(f"{args.talents:,} talents: generated in {t1 - t0:.1f} s, profiles built in {time.perf_counter() - t1:.1f} s "
          f"({sum(p.stat().st_size for p in folder.glob('*.parquet')) / 1e6:.0f} MB of Parquet at {folder})")
    t2 = time.perf_counter()
    scopes = _kpis_of_the_day(folder, as_of)
    print(f"the day's dashboard of {scopes} scopes precomputed in {time.perf_counter() - t2:.1f} s (part of a refresh)")
    snap = Snapshot(folder, dt.datetime.now(dt.UTC), {})
    con = figures.connect(folder)
    results: dict[tuple[str, str], tuple[float, float]] = {}
    for scope in ("330106", "3301"):
        queries = _queries(figures, maps, con, as_of=as_of, scope=scope)
        queries["page: dashboard of the day (precomputed)"] = lambda scope=scope: kpis_of_the_day(snap, scope)
        for name, fn in queries.items():
            results[(scope, name)] = timed(fn, args.repeat)
    print(f"\n{'query':38} {'district 330106 best/median ms':>32} {'city 3301 best/median ms':>28}")
    for name in dict.fromkeys(n for _s, n in results):
        a, b = results[("330106", name)], results[("3301", name)]
        print(f"{name:38} {a[0]:>20.1f} / {a[1]:>8.1f} {b[0]:>18.1f} / {b[1]:>7.1f}")
    single = [v[1] for (s, n), v in results.items() if not n.startswith("page:")]
    print(f"\nslowest single query (median): {max(single):.1f} ms; target < 300 ms at 400,000, < 2,000 ms at 4,000,000")
    if args.no_baseline:
        return
    t0 = time.perf_counter()
    db = row_store(folder)
    print(f"\nbaseline row store (SQLite, indexed) loaded in {time.perf_counter() - t0:.0f} s")
    mapping = {"by_tier": "kpi by_tier", "origin_by_province(master)": "map origin_by_province(master)",
               "subsidies_paid": "kpi subsidies_paid"}
    for scope in ("330106", "3301"):
        for name, sql in BASELINE_SQL.items():
            best, median = timed(lambda sql=sql, scope=scope: db.execute(sql, (scope + "%", as_of.isoformat()))
                                 .fetchall(), max(1, args.repeat // 2))
            ours = results[(scope, mapping[name])][1]
            print(f"{scope:7} {name:30} row store {median:9.1f} ms   snapshot {ours:7.1f} ms   x{median / ours:6.1f}")


if __name__ == "__main__":
    main()
