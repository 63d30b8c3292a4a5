"""The columnar snapshot the maps and the dashboard read: the aggregates' inputs as Parquet files, queried with DuckDB.

Pages never scan the registry per request. ``snapshot_build`` copies the columns the figures need (no names, no
ID numbers, no contact details: ids, division codes, dates, degrees, majors, amounts) from the database into a new
folder ``<TALENTPOOL_HOME>/insights/<stamp>/`` in chunks, then points ``current`` at it with an atomic rename, so a
reader sees either the old snapshot or the new one, never half of one. The two newest folders are kept (a request
that opened the old one finishes on it).

Refresh and invalidation: the snapshot is rebuilt by the ``snapshot_refresh`` task, which a scheduler runs
(``talentpool kpi --refresh`` from cron, nightly and after large imports) and which a page enqueues when the
snapshot it reads is older than ``INSIGHTS_MAX_AGE`` (default one hour): the page still answers from the older
snapshot and says how old it is; with no snapshot at all it says "being prepared". Figures are therefore at most
one refresh behind the registry; nothing is invalidated row by row.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from talentpool.eligibility.models import Entitlement, Status
from talentpool.fairs.models import Fair, FairStatus, Registration, Slot
from talentpool.insights import figures, maps
from talentpool.insights.pointer import snapshot_root
from talentpool.recruitment.models import Application, Job, JobProfile, Outcome
from talentpool.reference.models import Division, Major, University
from talentpool.registry.models import Education, Employment, Enterprise, InsuranceRecord, Talent
from talentpool.servicedesk.models import OneToOne, Ticket

CHUNK = 50_000
KEEP = 2

D = pa.date32()
S = pa.string()
INT = pa.int64()


def _day(value: dt.datetime | None) -> dt.date | None:
    """An instant as the day it was in the office's time zone (what 'held on', 'resolved on' mean)."""
    return None if value is None else timezone.localtime(value).date()


# table name -> (queryset factory, [(column in the snapshot, ORM field, arrow type[, conversion of the value])])
TABLES: dict[str, tuple] = {
    "talents": (lambda: Talent.objects.order_by("pk"), [
        ("id", "id", INT), ("district", "district", S), ("residence", "residence_division", S),
        ("hukou", "hukou_division", S), ("birth_date", "birth_date", D), ("gender", "gender", S),
        ("arrival_date", "arrival_date", D), ("tier", "tier", S), ("tier_date", "tier_date", D)]),
    "educations": (lambda: Education.objects.order_by("pk"), [
        ("talent_id", "talent_id", INT), ("degree", "degree", S), ("university", "university_code", S),
        ("major", "major_code", S), ("graduation_date", "graduation_date", D)]),
    "employments": (lambda: Employment.objects.order_by("pk"), [
        ("talent_id", "talent_id", INT), ("enterprise_id", "enterprise_id", INT), ("start_date", "start_date", D),
        ("end_date", "end_date", D)]),
    "insurance": (lambda: InsuranceRecord.objects.order_by("pk"), [
        ("talent_id", "talent_id", INT), ("from_month", "from_month", D), ("to_month", "to_month", D),
        ("division", "division", S)]),
    "enterprises": (lambda: Enterprise.objects.order_by("pk"), [
        ("id", "id", INT), ("cluster", "cluster", S), ("division", "division", S), ("street", "street", S),
        ("founded_on", "founded_on", D)]),
    "paid": (lambda: Entitlement.objects.filter(status=Status.PAID, paid_on__isnull=False).order_by("pk"), [
        ("talent_id", "talent_id", INT), ("policy", "policy__code", S), ("amount", "amount", pa.decimal128(14, 2)),
        ("paid_on", "paid_on", D), ("district", "district", S), ("kind", "kind", S)]),
    "jobs": (lambda: Job.objects.order_by("pk"), [
        ("id", "id", INT), ("enterprise_id", "enterprise_id", INT), ("status", "status", S), ("hidden", "hidden", pa.bool_()),
        ("headcount", "headcount", INT), ("majors", "accepted_majors", pa.list_(S)), ("deadline", "deadline", D)]),
    "hires": (lambda: Application.objects.filter(outcome=Outcome.HIRED).order_by("pk"), [
        ("talent_id", "talent_id", INT), ("job_id", "job_id", INT), ("enterprise_id", "job__enterprise_id", INT),
        ("hired_on", "outcome_at", D, _day)]),
    "seekers": (lambda: JobProfile.objects.filter(consent_search=True).order_by("pk"), [
        ("talent_id", "talent_id", INT)]),
    # fairs (published only), their registrations, and their interview slots with the intent recorded after each
    "fairs": (lambda: Fair.objects.filter(status=FairStatus.PUBLISHED).order_by("pk"), [
        ("id", "id", INT), ("division", "division", S), ("kind", "kind", S), ("held_on", "starts_at", D, _day)]),
    "fair_registrations": (lambda: Registration.objects.filter(fair__status=FairStatus.PUBLISHED).order_by("pk"), [
        ("fair_id", "fair_id", INT), ("registered_on", "created_at", D, _day),
        ("checked_in_on", "checked_in_at", D, _day)]),
    "fair_slots": (lambda: Slot.objects.filter(fair__status=FairStatus.PUBLISHED).order_by("pk"), [
        ("fair_id", "fair_id", INT), ("starts_on", "starts_at", D, _day), ("intent", "intent__level", S),
        ("intent_on", "intent__at", D, _day)]),
    # service-desk tickets by the talent's district (no talent, no text), and who is each talent's own officer
    "tickets": (lambda: Ticket.objects.order_by("pk"), [
        ("district", "talent__district", S), ("raised_on", "created_at", D, _day),
        ("resolved_on", "resolved_at", D, _day), ("status", "status", S), ("sla_state", "sla_state", S)]),
    "one_to_one": (lambda: OneToOne.objects.order_by("pk"), [
        ("talent_id", "talent_id", INT), ("officer_id", "officer_id", INT)]),
    "universities": (lambda: University.objects.order_by("code"), [
        ("code", "code", S), ("name", "name", S), ("division", "division", S)]),
    "majors": (lambda: Major.objects.order_by("code"), [("code", "code", S), ("name", "name", S)]),
    "divisions": (lambda: Division.objects.order_by("code"), [
        ("code", "code", S), ("name", "name", S), ("level", "level", S)]),
}


@dataclass(frozen=True)
class Snapshot:
    path: Path
    built_at: dt.datetime
    rows: dict[str, int]

    def file(self, table: str) -> Path:
        return self.path / f"{table}.parquet"


def _chunks(table: str) -> Iterator[pa.RecordBatch]:
    factory, columns = TABLES[table]
    fields = [c[1] for c in columns]
    schema = pa.schema([(c[0], c[2]) for c in columns])
    convert = [c[3] if len(c) > 3 else None for c in columns]
    rows: list[tuple] = []
    for row in factory().values_list(*fields).iterator(chunk_size=CHUNK):
        rows.append(row)
        if len(rows) >= CHUNK:
            yield _batch(rows, schema, convert)
            rows = []
    if rows:
        yield _batch(rows, schema, convert)


def _batch(rows: list[tuple], schema: pa.Schema, convert: list) -> pa.RecordBatch:
    cols = [list(c) if fn is None else [fn(v) for v in c] for c, fn in zip(zip(*rows, strict=True), convert,
                                                                          strict=True)]
    return pa.RecordBatch.from_arrays([pa.array(c, type=f.type) for c, f in zip(cols, schema, strict=True)],
                                      schema=schema)


def snapshot_build(*, root: Path | None = None, now: dt.datetime | None = None,
                   only_if_stale: bool = False) -> Snapshot:
    """Write a new snapshot and make it current. Safe to run twice at once: the second waits for the first's lock
    and then builds its own (newer) snapshot — unless ``only_if_stale`` (the refresh a page asks for: every web
    process asks once when it finds the snapshot stale), when it returns the snapshot the first has just made."""
    root = root or snapshot_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = snapshot_current(root=root) if only_if_stale else None
        if current is not None and not snapshot_stale(current, now=now):
            return current
        now = now or timezone.now()
        folder = root / f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"  # unique: figures are cached by it
        tmp = root / (folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        counts: dict[str, int] = {}
        for table, (_, columns) in TABLES.items():
            schema = pa.schema([(c[0], c[2]) for c in columns])
            n = 0
            with pq.ParquetWriter(tmp / f"{table}.parquet", schema, compression="zstd") as writer:
                for batch in _chunks(table):
                    writer.write_batch(batch)
                    n += batch.num_rows
            counts[table] = n
        day = timezone.localtime(now).date()
        counts["profiles"] = _profiles(tmp, day)
        counts["kpis"] = _kpis_of_the_day(tmp, day)
        (tmp / "meta.json").write_text(json.dumps({"built_at": now.isoformat(), "rows": counts}))
        os.replace(tmp, folder)
        pointer = root / "current.tmp"
        pointer.write_text(folder.name)
        os.replace(pointer, root / "current")
        for old in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
    return Snapshot(folder, now, counts)


PROFILES_SQL = """
COPY (
  WITH top AS (
    SELECT talent_id, arg_max(struct_pack(degree := degree, major := major, university := university),
                              CASE degree WHEN 'doctor' THEN 4 WHEN 'master' THEN 3 WHEN 'bachelor' THEN 2
                                          WHEN 'junior_college' THEN 1 ELSE 0 END * 100000
                              + date_diff('day', DATE '1900-01-01', graduation_date) / 1000) AS e
    FROM read_parquet('{d}/educations.parquet') GROUP BY talent_id),
  job AS (
    SELECT e.talent_id, arg_max(n.cluster, e.start_date) AS cluster
    FROM read_parquet('{d}/employments.parquet') e JOIN read_parquet('{d}/enterprises.parquet') n
      ON n.id = e.enterprise_id
    WHERE e.start_date <= DATE '{day}' AND (e.end_date IS NULL OR e.end_date > DATE '{day}') GROUP BY e.talent_id)
  SELECT t.id, t.district, t.residence, t.hukou, t.birth_date, t.arrival_date, t.tier,
         coalesce(top.e.degree, '') AS degree, coalesce(top.e.major, '') AS major,
         coalesce(top.e.university, '') AS university, coalesce(u.division, '') AS university_division,
         coalesce(job.cluster, '') AS cluster,
         CASE WHEN length(t.hukou) = 6 THEN left(t.hukou, 2) || '0000' ELSE '' END AS hukou_province,
         CASE WHEN length(t.hukou) = 6 THEN left(t.hukou, 4) || '00' ELSE '' END AS hukou_city,
         CASE WHEN length(u.division) = 6 THEN left(u.division, 2) || '0000' ELSE '' END AS university_province,
         left(coalesce(top.e.major, ''), 2) AS discipline
  FROM read_parquet('{d}/talents.parquet') t LEFT JOIN top ON top.talent_id = t.id
  LEFT JOIN job ON job.talent_id = t.id
  LEFT JOIN read_parquet('{d}/universities.parquet') u ON u.code = top.e.university
  ORDER BY t.district, t.id
) TO '{d}/profiles.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (
  SELECT i.talent_id, t.district, i.from_month, i.to_month FROM read_parquet('{d}/insurance.parquet') i
  JOIN read_parquet('{d}/talents.parquet') t ON t.id = i.talent_id AND i.division = t.district
  ORDER BY t.district, i.talent_id
) TO '{d}/district_insurance.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (
  SELECT DISTINCT n.division, n.cluster, e.talent_id FROM read_parquet('{d}/employments.parquet') e
  JOIN read_parquet('{d}/enterprises.parquet') n ON n.id = e.enterprise_id
  WHERE e.start_date <= DATE '{day}' AND (e.end_date IS NULL OR e.end_date > DATE '{day}')
  ORDER BY 1, 2
) TO '{d}/staff.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (
  SELECT e.talent_id, t.district, e.start_date, e.end_date, starts_with(n.division, t.district) AS inside
  FROM read_parquet('{d}/employments.parquet') e JOIN read_parquet('{d}/talents.parquet') t ON t.id = e.talent_id
  JOIN read_parquet('{d}/enterprises.parquet') n ON n.id = e.enterprise_id
  ORDER BY t.district, e.talent_id
) TO '{d}/talent_jobs.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (
  SELECT p.district, left(p.major, 4) AS class, count(*) AS supply, count(k.talent_id) AS seekers
  FROM read_parquet('{d}/profiles.parquet') p
  LEFT JOIN (SELECT DISTINCT talent_id FROM read_parquet('{d}/seekers.parquet')) k ON k.talent_id = p.id
  WHERE length(p.major) >= 4 GROUP BY 1, 2 ORDER BY 1, 2
) TO '{d}/supply.parquet' (FORMAT parquet, COMPRESSION zstd)
"""


AGGREGATES_SQL = """
COPY (
  SELECT district, arrival_date, count(*) AS n FROM read_parquet('{d}/talents.parquet') GROUP BY ALL ORDER BY ALL
) TO '{d}/arrivals_by_day.parquet' (FORMAT parquet);
COPY (
  SELECT district, tier, tier_date, arrival_date, count(*) AS n FROM read_parquet('{d}/talents.parquet')
  WHERE tier <> '' GROUP BY ALL ORDER BY ALL
) TO '{d}/tiers_by_day.parquet' (FORMAT parquet);
COPY (
  SELECT t.district, t.arrival_date, t.birth_date, min(e.graduation_date) AS graduated_on
  FROM read_parquet('{d}/talents.parquet') t JOIN read_parquet('{d}/educations.parquet') e ON e.talent_id = t.id
  WHERE t.arrival_date IS NOT NULL AND e.graduation_date IS NOT NULL
  GROUP BY t.id, t.district, t.arrival_date, t.birth_date ORDER BY t.arrival_date
) TO '{d}/arrivals.parquet' (FORMAT parquet, ROW_GROUP_SIZE 65536);
COPY (
  WITH s AS (
    SELECT talent_id, district, from_month, to_month,
           max(to_month) OVER (PARTITION BY talent_id ORDER BY from_month, to_month
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_end
    FROM read_parquet('{d}/district_insurance.parquet')),
  g AS (
    SELECT *, sum(CASE WHEN before_end IS NULL OR from_month > before_end + INTERVAL 1 MONTH THEN 1 ELSE 0 END)
              OVER (PARTITION BY talent_id ORDER BY from_month, to_month ROWS UNBOUNDED PRECEDING) AS run
    FROM s),
  r AS (SELECT talent_id, any_value(district) AS district, run, min(from_month) AS run_start,
               max(to_month) AS run_end FROM g GROUP BY talent_id, run)
  SELECT district, talent_id, run_start, run_end,
         lead(run_start) OVER (PARTITION BY talent_id ORDER BY run) AS next_start
  FROM r ORDER BY run_end, district
) TO '{d}/insured_runs.parquet' (FORMAT parquet, ROW_GROUP_SIZE 65536);
COPY (
  SELECT district, run_end, next_start, count(*) AS n FROM read_parquet('{d}/insured_runs.parquet')
  GROUP BY ALL ORDER BY ALL
) TO '{d}/stops_by_month.parquet' (FORMAT parquet);
COPY (
  WITH c AS (
    SELECT id, district, arrival_date,
           date_trunc('month', arrival_date + INTERVAL 1 YEAR)::DATE AS m1,
           date_trunc('month', arrival_date + INTERVAL 3 YEAR)::DATE AS m3
    FROM read_parquet('{d}/talents.parquet') WHERE arrival_date IS NOT NULL),
  k AS (
    SELECT c.id, bool_or(c.m1 BETWEEN r.run_start AND r.run_end) AS kept_1,
           bool_or(c.m3 BETWEEN r.run_start AND r.run_end) AS kept_3
    FROM c JOIN read_parquet('{d}/insured_runs.parquet') r ON r.talent_id = c.id GROUP BY c.id)
  SELECT c.district, c.arrival_date, count(*) AS cohort, count(*) FILTER (WHERE k.kept_1) AS kept_1,
         count(*) FILTER (WHERE k.kept_3) AS kept_3
  FROM c LEFT JOIN k ON k.id = c.id GROUP BY ALL ORDER BY ALL
) TO '{d}/retention_by_day.parquet' (FORMAT parquet);
COPY (
  SELECT district, policy, paid_on, count(*) AS lines, sum(amount) AS amount FROM read_parquet('{d}/paid.parquet')
  GROUP BY ALL ORDER BY ALL
) TO '{d}/paid_by_day.parquet' (FORMAT parquet);
COPY (
  WITH l AS (SELECT unnest([district, left(district, 4), left(district, 2), '']) AS scope, policy, talent_id,
                    year(paid_on) AS y, paid_on FROM read_parquet('{d}/paid.parquet')),
  f AS (SELECT scope, policy, talent_id, y, min(paid_on) AS first_on FROM l
        GROUP BY GROUPING SETS ((scope, policy, talent_id, y), (scope, talent_id, y)))
  SELECT scope, policy, first_on, count(*) AS n FROM f GROUP BY ALL ORDER BY ALL
) TO '{d}/paid_people.parquet' (FORMAT parquet);
COPY (
  SELECT scope, month, count(DISTINCT talent_id) AS people
  FROM (SELECT unnest([district, left(district, 4), left(district, 2), '']) AS scope,
               date_trunc('month', paid_on)::DATE AS month, talent_id FROM read_parquet('{d}/paid.parquet'))
  GROUP BY ALL ORDER BY ALL
) TO '{d}/paid_people_by_month.parquet' (FORMAT parquet);
COPY (
  SELECT district, talent_id, end_date AS day FROM read_parquet('{d}/talent_jobs.parquet') WHERE end_date IS NOT NULL
  UNION ALL
  SELECT district, talent_id, start_date FROM read_parquet('{d}/talent_jobs.parquet') WHERE NOT inside
  ORDER BY day, district
) TO '{d}/job_events.parquet' (FORMAT parquet, ROW_GROUP_SIZE 65536);
COPY (
  SELECT n.division, n.cluster, j.deadline, count(*) AS jobs, sum(j.headcount) AS positions
  FROM read_parquet('{d}/jobs.parquet') j JOIN read_parquet('{d}/enterprises.parquet') n ON n.id = j.enterprise_id
  WHERE j.status = 'open' AND NOT j.hidden GROUP BY ALL ORDER BY ALL
) TO '{d}/open_jobs.parquet' (FORMAT parquet);
COPY (
  SELECT n.division, n.cluster, left(m.major, 4) AS class, m.deadline, sum(m.headcount) AS demand
  FROM (SELECT enterprise_id, headcount, deadline, unnest(majors) AS major FROM read_parquet('{d}/jobs.parquet')
        WHERE status = 'open' AND NOT hidden) m
  JOIN read_parquet('{d}/enterprises.parquet') n ON n.id = m.enterprise_id
  WHERE length(m.major) >= 4 GROUP BY ALL ORDER BY ALL
) TO '{d}/job_demand.parquet' (FORMAT parquet);
COPY (
  SELECT n.division, n.cluster, h.hired_on, count(*) AS hires
  FROM read_parquet('{d}/hires.parquet') h JOIN read_parquet('{d}/enterprises.parquet') n ON n.id = h.enterprise_id
  GROUP BY ALL ORDER BY ALL
) TO '{d}/hires_by_day.parquet' (FORMAT parquet);
COPY (
  SELECT division, cluster, count(*) AS enterprises FROM read_parquet('{d}/enterprises.parquet') GROUP BY ALL
  ORDER BY ALL
) TO '{d}/enterprises_by_cluster.parquet' (FORMAT parquet);
COPY (
  SELECT scope, cluster, count(DISTINCT talent_id) AS people
  FROM (SELECT unnest([division, left(division, 4), left(division, 2), '']) AS scope, cluster, talent_id
        FROM read_parquet('{d}/staff.parquet'))
  GROUP BY ALL ORDER BY ALL
) TO '{d}/staff_by_scope.parquet' (FORMAT parquet)
"""
"""Pre-aggregated tables, so that a figure as of any date reads a few thousand rows (by district and day) or
only the row groups of its dates, never every talent:

- ``arrivals_by_day``, ``tiers_by_day``: talents by district and arrival day (and tier and its day);
- ``arrivals``: one row per talent who arrived, sorted by arrival day, with birth day and first graduation day
  (new graduates this year read one year's row groups);
- ``insured_runs``: the spans insured in the talent's district merged into runs of consecutive months, each with
  the start of the next run, sorted by their last month; ``stops_by_month`` counts them: a talent *stopped* in
  month M as known at the last complete month L when a run ends in M − 1 < L and the next one (if any) starts
  after L — the same as "the last month insured up to L is M − 1";
- ``retention_by_day``: arrivals by district and day with how many were insured in the district 1 and 3 years on;
- ``paid_by_day`` (lines and amount by district, policy and day) and ``paid_people``: for every scope (district,
  city, province, everything), policy (NULL: any) and day, how many people had their first payment of that
  year on that day, so "people paid from 1 January to D" is a sum, and a person paid in two districts counts once
  in their city; ``paid_people_by_month``: distinct people paid per scope and month (a shared report hides the
  month's amount when they are fewer than 5);
- ``job_events``: ends of employments and starts of jobs outside the district, sorted by day (early warning reads
  a month of them, then the jobs of those talents only);
- ``staff_by_scope``: people employed per cluster for every district, city, province and the whole registry;
- ``open_jobs``, ``job_demand``, ``hires_by_day``, ``enterprises_by_cluster``: open jobs and positions (and the
  positions asking for each major class) by division, cluster and deadline; hires by division, cluster and day;
  enterprises by division and cluster: what the industry map reads."""


def _profiles(folder: Path, day: dt.date) -> int:
    """One row per talent with its highest degree (latest at equal rank), that degree's major and university,
    and its current employer's cluster on ``day``: what the talent map filters and groups by. And the insurance
    spans paid in the talent's own district, with that district: what stops, retention and warnings read; who
    works in which cluster and division on ``day`` (``staff``), each job with the talent's district and whether
    the employer is registered in it (``talent_jobs``) and the supply of each major class by district
    (``supply``): what the industry map reads."""
    con = duckdb.connect(config={"threads": 2})
    try:
        con.execute(PROFILES_SQL.format(d=folder.as_posix(), day=day.isoformat()))
        con.execute(AGGREGATES_SQL.format(d=folder.as_posix()))
        return con.execute(f"SELECT count(*) FROM read_parquet('{folder.as_posix()}/profiles.parquet')").fetchone()[0]
    finally:
        con.close()


def _kpis_of_the_day(folder: Path, day: dt.date) -> int:
    """The dashboard and the unfiltered talent map of every district, every city and the whole registry as of the
    snapshot's day, computed once here (``kpis.json``, ``talent_maps.json``) so the pages' default views read a
    file instead of running their queries."""
    con = figures.connect(folder)
    try:
        districts = [r[0] for r in con.execute("SELECT DISTINCT district FROM talents WHERE length(district) = 6 "
                                               "ORDER BY 1").fetchall()]
        scopes = ["", *sorted({d[:4] for d in districts}), *districts]
        data = {scope: figures.kpis(con, as_of=day, scope=scope) for scope in scopes}
        unfiltered = {scope: maps.talent_map(con, as_of=day, scope=scope, f=maps.Filters()) for scope in scopes}
    finally:
        con.close()
    (folder / "kpis.json").write_text(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    (folder / "talent_maps.json").write_text(json.dumps(unfiltered, ensure_ascii=False))
    return len(data)


def talent_map_of_the_day(snap: Snapshot, scope: str) -> dict | None:
    """The precomputed talent map of ``scope`` without filters as of the snapshot's day (the page's default view;
    plain numbers and strings, so it reads back exactly)."""
    try:
        return json.loads((snap.path / "talent_maps.json").read_text()).get(scope)
    except FileNotFoundError:
        return None


def kpis_of_the_day(snap: Snapshot, scope: str) -> dict | None:
    """The precomputed dashboard of ``scope`` as of the snapshot's day, with its dates and amounts restored."""
    try:
        data = json.loads(snap.file("kpis").with_suffix(".json").read_text()).get(scope)
    except FileNotFoundError:
        return None
    return figures.kpis_from_json(data) if data else None


def snapshot_current(*, root: Path | None = None) -> Snapshot | None:
    """The snapshot pages read, or None while the first one is being prepared."""
    root = root or snapshot_root()
    try:
        folder = root / (root / "current").read_text().strip()
        meta = json.loads((folder / "meta.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    return Snapshot(folder, dt.datetime.fromisoformat(meta["built_at"]), meta["rows"])


def snapshot_stale(snap: Snapshot | None, *, now: dt.datetime | None = None) -> bool:
    max_age = dt.timedelta(seconds=int(getattr(settings, "INSIGHTS_MAX_AGE", 3600)))
    return snap is None or (now or timezone.now()) - snap.built_at > max_age
