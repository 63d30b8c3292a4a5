"""No overbooking under real concurrency: 8 processes send 200 requests at once (25 each, released together)
for the last 50 beds of a night, the last 50 places of an event and the last 50 free hours of the studio, on the
suite's database engine (a SQLite file in WAL mode, or a PostgreSQL database on the test server). Exactly 50 are
confirmed, the slots never pass their capacity, and nobody meets a database error. Then a cancelled event place
goes to the first on the waitlist exactly once, with eight processes cancelling and running the offer task at
the same moment; and one person's 200 simultaneous requests for single nights (two processes on each night) give
exactly the six nights a year, none overlapping. Run them alone with ``-k test_concurrent``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WORKER = Path(__file__).with_name("concurrent_worker.py")
PG_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
PROCESSES, EACH = 8, 25


class Db:
    """One scenario's database: a copy of the migrated template (file copy, or CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, home: Path, name: str):
        self.home, self.name = home, name

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(TALENTPOOL_HOME=str(self.home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev",
                   PYTHONPATH=str(ROOT / "src"))
        if PG_URL:
            env["DATABASE_URL"] = f"{PG_URL.rpartition('/')[0]}/{self.name}"
        return env

    def query(self, sql: str) -> list[tuple]:
        if PG_URL:
            import psycopg

            with psycopg.connect(f"{PG_URL.rpartition('/')[0]}/{self.name}") as con:
                return con.execute(sql).fetchall()
        con = sqlite3.connect(self.home / "talentpool.sqlite3")
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def run(self, *args: str) -> dict:
        done = subprocess.run([sys.executable, str(WORKER), *args], env=self.env(), cwd=ROOT, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def together(self, argv_list: list[list[str]]) -> list[dict]:
        """Start every process, wait until each is set up, then release them all at once."""
        procs = [subprocess.Popen([sys.executable, str(WORKER), *argv], env=self.env(), cwd=ROOT, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for argv in argv_list]
        for p in procs:
            line = p.stdout.readline().strip()
            assert line == "ready", p.stderr.read()[-3000:]
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=240)
            assert p.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.rpartition("/")[0] + "/postgres", autocommit=True) as con:
        con.execute(sql)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated database to copy for each scenario (migrating takes seconds; copying does not)."""
    home = tmp_path_factory.mktemp("template")
    name = f"bookings_tpl_{os.getpid()}"
    if PG_URL:
        _admin_sql(f'CREATE DATABASE "{name}"')
    db = Db(home, name)
    done = subprocess.run([sys.executable, "-m", "talentpool", "migrate", "-v0"], env=db.env(), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    yield db
    if PG_URL:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh(template, tmp_path, request):
    name = f"bookings_{request.node.name[-20:].lower()}_{os.getpid()}"
    if PG_URL:
        _admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"')
    else:
        shutil.copy(template.home / "talentpool.sqlite3", tmp_path / "talentpool.sqlite3")
    yield Db(tmp_path, name)
    if PG_URL:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _storm(db: Db, scenario: str) -> tuple[Counter, int]:
    resource = db.run("setup", scenario)["resource"]
    results = db.together([["book", scenario, str(i * EACH), str(EACH), str(resource)] for i in range(PROCESSES)])
    total: Counter = Counter()
    for r in results:
        total.update(r)
    return total, resource


def _assert_no_overbooking(db: Db, resource: int) -> None:
    over = db.query(f"SELECT count(*) FROM bookings_slot WHERE resource_id = {resource} AND taken > capacity")
    assert over == [(0,)]
    held = db.query(f"SELECT count(*) FROM bookings_booking WHERE resource_id = {resource} "
                    "AND status IN ('pending', 'confirmed', 'offered', 'attended')")
    slots = db.query(f"SELECT sum(taken) FROM bookings_slot WHERE resource_id = {resource}")
    return held[0][0], slots[0][0]


def test_concurrent_beds_200_requests_for_the_last_50_beds_confirm_exactly_50(fresh):
    total, station = _storm(fresh, "beds")
    assert total == Counter({"confirmed": 50, "full": 150})
    held, taken = _assert_no_overbooking(fresh, station)
    assert (held, taken) == (50, 60)  # 10 beds were gone before


def test_concurrent_event_places_200_requests_for_the_last_50_places_confirm_exactly_50(fresh):
    total, event = _storm(fresh, "places")
    assert total == Counter({"confirmed": 50, "waitlisted": 150})
    held, taken = _assert_no_overbooking(fresh, event)
    assert (held, taken) == (50, 60)
    order = fresh.query(f"SELECT count(*) FROM bookings_booking WHERE resource_id = {event} AND status = 'waitlisted'")
    assert order == [(150,)]


def test_concurrent_room_hours_200_requests_for_the_last_50_hours_confirm_exactly_50(fresh):
    total, space = _storm(fresh, "hours")
    assert total == Counter({"confirmed": 50, "full": 150})
    held, taken = _assert_no_overbooking(fresh, space)
    assert (held, taken) == (50, 60)
    doubles = fresh.query(f"SELECT day, hour, count(*) FROM bookings_slot WHERE resource_id = {space} "
                          "GROUP BY day, hour HAVING count(*) > 1")
    assert doubles == []


def test_concurrent_waitlist_a_cancelled_place_goes_to_the_next_exactly_once(fresh):
    event = fresh.run("setup", "waitlist")["resource"]
    booked = fresh.together([["book", "waitlist", "0", "25", str(event)]])[0]
    assert booked == {"confirmed": 5, "waitlisted": 20}
    first = fresh.query(f"SELECT min(id) FROM bookings_booking WHERE resource_id = {event} AND status = 'confirmed'")
    results = fresh.together([["cancel", str(first[0][0])] for _ in range(PROCESSES)])
    assert sum(r.get("cancelled", 0) for r in results) == 1
    assert sum(r.get("wrong_status", 0) for r in results) == PROCESSES - 1
    offered = fresh.query(f"SELECT talent_id FROM bookings_booking WHERE resource_id = {event} AND status = 'offered'")
    earliest = fresh.query(f"SELECT talent_id FROM bookings_booking WHERE resource_id = {event} "
                           "AND status IN ('offered', 'waitlisted') ORDER BY created_at, id LIMIT 1")
    assert offered == earliest and len(offered) == 1
    held, taken = _assert_no_overbooking(fresh, event)
    assert (held, taken) == (5, 5)


def test_concurrent_person_200_requests_of_one_person_give_six_nights_and_no_overlap(fresh):
    total, station = _storm(fresh, "person")
    assert total["confirmed"] == 6, total
    assert total["confirmed"] + total["year_limit"] + total["overlap"] == PROCESSES * EACH, total
    rows = fresh.query(f"SELECT first_day, end_day, units FROM bookings_booking WHERE resource_id = {station} "
                       "AND status IN ('pending', 'confirmed', 'offered', 'attended') ORDER BY first_day")
    assert sum(units for _f, _e, units in rows) == 6
    assert all(str(a[1]) <= str(b[0]) for a, b in zip(rows, rows[1:], strict=False))  # no two stays overlap
    held, taken = _assert_no_overbooking(fresh, station)
    assert (held, taken) == (6, 6)
