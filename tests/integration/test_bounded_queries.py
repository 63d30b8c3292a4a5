"""No query binds an unbounded list: the import's per-chunk look-ups and the demo's recruitment step keep working
with 40,000 talents when SQLite allows 32,766 variables a statement (its default; Debian builds it with 250,000,
and ``talentpool demo --talents 400000`` failed there too)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from talentpool.core.lookups import values_in
from talentpool.engines.tabular import RowResult, Table
from talentpool.recruitment.demo import demo_recruitment_clear, talent_career_facts
from talentpool.recruitment.models import JobProfile
from talentpool.registry.identity import talent_id_lookup
from talentpool.registry.import_statistics import ANALYZE_AFTER_ROWS, PlannerStatistics
from talentpool.registry.importing import (
    _Outcome,
    _Plan,
    _Runner,
    insert_many,
)
from talentpool.registry.models import Education, Employment, Enterprise, ImportJob, Talent

N = 40_000
SQLITE_DEFAULT_LIMIT = 32_766


@pytest.fixture
def variable_limit(db):
    """SQLite's default cap on bound variables, whatever this build was compiled with."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_DEFAULT_LIMIT)
    yield
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


@pytest.fixture
def talents(variable_limit) -> list[int]:
    insert_many(Talent, [Talent(id_type="resident_id", id_number_encrypted="-", id_masked="-", id_tail="0000",
                                id_lookup=talent_id_lookup(id_type="resident_id", id_number=f"N{i}"),
                                name=f"t{i}", district="330106") for i in range(N)])
    if connection.vendor == "postgresql":  # statistics as after a real import, not those of an earlier near-empty table
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Talent._meta.db_table}")
    return list(Talent.objects.order_by("pk").values_list("pk", flat=True))


def _runner(kind: str) -> _Runner:
    job = ImportJob.objects.create(kind=kind, filename="t.csv", sha256="0" * 64)
    return _Runner(job, Table(format="csv", sheet="", encoding="utf-8", headers=[], header_row=1, mapping={},
                              rows=[]))


def test_an_import_chunk_of_40000_rows_finds_its_people_and_records(talents):
    if connection.vendor == "sqlite":
        with pytest.raises(OperationalError, match="too many SQL variables"):
            list(Talent.objects.filter(pk__in=talents))     # what the import did before
    assert Talent.objects.filter(values_in("pk", talents)).count() == N
    runner = _runner("talents")
    lookups = [talent_id_lookup(id_type="resident_id", id_number=f"N{i}") for i in range(N)]
    plans = [_Plan(i, (lookup,), {}) for i, lookup in enumerate(lookups)]
    assert len(runner.existing(plans)) == N and len(runner.created_pks(plans)) == N
    outcome = _Outcome()
    found = runner._talents_for([RowResult(i, {"id_type": "resident_id", "id_number": f"N{i}"}, [])
                                 for i in range(N)], outcome)
    assert len(found) == N and not outcome.problems

    Education.objects.create(talent_id=talents[-1], degree="bachelor", graduation_date=date(2020, 6, 30))
    runner = _runner("education")
    plans = [_Plan(i, (pk, "bachelor", date(2020, 6, 30)), {}) for i, pk in enumerate(talents)]
    assert list(runner.existing(plans)) == [(talents[-1], "bachelor", date(2020, 6, 30))]
    assert len(runner.created_pks(plans)) == 1

    enterprise = Enterprise.objects.create(credit_code="91330106MA00000010", name="e", division="330106")
    runner = _runner("enterprises")
    codes = [f"9133010600{i:08d}" for i in range(N)] + [enterprise.credit_code]
    assert len(runner.existing([_Plan(i, (code,), {}) for i, code in enumerate(codes)])) == 1
    found = runner._enterprises_for([RowResult(i, {"credit_code": code}, []) for i, code in enumerate(codes)],
                                    _Outcome())
    assert found == {N: enterprise.pk}


def test_the_demo_recruitment_reads_and_clears_40000_talents(talents):
    Education.objects.create(talent_id=talents[0], degree="master", major_code="080901",
                             graduation_date=date(2020, 6, 30))
    enterprise = Enterprise.objects.create(credit_code="91330106MA00000010", name="e", division="330106")
    Employment.objects.create(talent_id=talents[0], enterprise=enterprise, start_date=date(2020, 7, 1))
    insert_many(JobProfile, [JobProfile(talent_id=pk) for pk in talents])
    with CaptureQueriesContext(connection) as queries:
        degrees, majors, first_job = talent_career_facts(Talent.objects.all())
        demo_recruitment_clear()
    assert (degrees[talents[0]], majors, first_job) == (3, {talents[0]: "080901"}, {talents[0]: date(2020, 7, 1)})
    assert JobProfile.objects.count() == 0
    assert max(q["sql"].count(",") for q in queries.captured_queries) < 1000   # no list of ids in any statement


def test_an_import_that_grows_a_table_refreshes_its_planner_statistics(db):
    """After 12,000 new rows (over ANALYZE_AFTER_ROWS) the planner knows the table's size: without the ANALYZE it
    would still believe the table holds what it held before the import (nothing)."""
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    def planner_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Talent._meta.db_table])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:  # an earlier test's ANALYZE outlives its rolled-back rows: start from empty
        cursor.execute(f"ANALYZE {Talent._meta.db_table}")
    assert planner_rows() <= 0
    statistics = PlannerStatistics()
    rows = ANALYZE_AFTER_ROWS + 2_000
    for start in range(0, rows, 4_000):
        batch = range(start, min(rows, start + 4_000))
        insert_many(Talent, [Talent(id_type="resident_id", id_number_encrypted="-", id_masked="-", id_tail="0000",
                                    id_lookup=talent_id_lookup(id_type="resident_id", id_number=f"S{i}"),
                                    name=f"s{i}", district="330106") for i in batch])
        statistics.grown(Talent, len(batch))
        if start + 4_000 < ANALYZE_AFTER_ROWS:
            assert planner_rows() < ANALYZE_AFTER_ROWS  # not analysed before the threshold
    assert planner_rows() >= ANALYZE_AFTER_ROWS
