"""Crash safety for real: the CLI import runs in a subprocess on its own database (a SQLite file, or a fresh
PostgreSQL database on the test server when the suite runs on PostgreSQL), is SIGKILLed after its first committed
chunk, and is resumed by running the same command again. The registry must then equal the one an uninterrupted
import builds. On the way, its heartbeat keeps coming while the worker lives (even while it only sleeps), and once
the worker is killed ``talentpool imports`` lists the job as interrupted (the subprocesses get a short heartbeat
period and stale limit, so the test waits seconds rather than a minute)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from factories.homes import clone_home
from import_helpers import TALENT_HEADER, rid, talent_row, write_xlsx

ROOT = Path(__file__).resolve().parents[3]
ROWS = 60
CHUNK = 10


PG_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""


def _pg_url(home: Path) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/crash_{home.name}_{os.getpid()}"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev",
               TALENTPOOL_IMPORT_CHUNK_ROWS=str(CHUNK), **extra)
    if PG_URL:
        env["DATABASE_URL"] = _pg_url(home)
    return env


def _query(home: Path, sql: str) -> list[tuple]:
    if PG_URL:
        import psycopg

        with psycopg.connect(_pg_url(home)) as con:
            return [tuple(str(v) if v is not None and not isinstance(v, (int, str)) else v for v in row)
                    for row in con.execute(sql).fetchall()]
    if not (home / "talentpool.sqlite3").exists():
        return []
    con = sqlite3.connect(home / "talentpool.sqlite3")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def databases_made(tmp_path):
    """On PostgreSQL, a fresh database per registry; dropped afterwards."""
    homes = [tmp_path / "straight", tmp_path / "crashed"]
    if PG_URL:
        import psycopg

        with psycopg.connect(PG_URL.rpartition("/")[0] + "/postgres", autocommit=True) as con:
            for home in homes:
                con.execute(f'CREATE DATABASE "{_pg_url(home).rpartition("/")[2]}"')
    yield homes
    if PG_URL:
        import psycopg

        with psycopg.connect(PG_URL.rpartition("/")[0] + "/postgres", autocommit=True) as con:
            for home in homes:
                con.execute(f'DROP DATABASE IF EXISTS "{_pg_url(home).rpartition("/")[2]}" WITH (FORCE)')


def _tp(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talentpool", *args], env=_env(home, **extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _prepare(home: Path) -> None:
    assert _tp(home, "migrate", "-v0").returncode == 0
    assert _tp(home, "reference", "load").returncode == 0


def _registry(home: Path) -> list[tuple]:
    return _query(home, "SELECT id_lookup, id_masked, name, gender, birth_date, phone, district, tier "
                        "FROM registry_talent ORDER BY id_lookup")


def _heartbeat(home: Path):
    return _query(home, "SELECT heartbeat_at FROM registry_importjob")[0][0]


def _listed_state(home: Path, stale_seconds: str) -> list[str]:
    """``talentpool imports``: the first job's line split into words, then the hint under it (if any)."""
    listing = _tp(home, "imports", TALENTPOOL_HEARTBEAT_STALE_SECONDS=stale_seconds)
    assert listing.returncode == 0, listing.stderr[-2000:]
    lines = listing.stdout.splitlines()
    return lines[0].split() + [" ".join(lines[1:])]


def _job(home: Path) -> list[tuple]:
    try:
        return _query(home, "SELECT status, rows_done, new, updated, unchanged, rejected FROM registry_importjob")
    except Exception:  # the table does not exist before the subprocess has migrated
        return []


def test_sigkill_mid_import_then_resume_equals_an_uninterrupted_import(tmp_path, databases_made):
    rows = [TALENT_HEADER] + [talent_row(f"人{i}", rid(seq=i + 1)) for i in range(ROWS)]
    rows.append(talent_row("坏", "123", gender="男"))  # one rejected row, so the error rows must survive the crash too
    path = write_xlsx(tmp_path / "t.xlsx", rows)

    straight, crashed = databases_made
    _prepare(straight)
    clone_home(straight, crashed, source_url=_pg_url(straight) if PG_URL else "",
               target_url=_pg_url(crashed) if PG_URL else "")
    done = _tp(straight, "import", "talents", str(path))
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip().splitlines()[-1] == f"{ROWS + 1} rows: {ROWS} new, 0 updated, 0 unchanged, 1 rejected"

    proc = subprocess.Popen([sys.executable, "-m", "talentpool", "import", "talents", str(path)],
                            env=_env(crashed, TALENTPOOL_IMPORT_SLEEP_AFTER_CHUNK="30",
                                     TALENTPOOL_HEARTBEAT_SECONDS="0.2"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        jobs = _job(crashed)
        if jobs and jobs[0][1] >= CHUNK:
            break
    # the worker now sleeps 30 s after its first chunk: only the heartbeat thread writes, and it keeps writing
    first, deadline = _heartbeat(crashed), time.monotonic() + 30
    while _heartbeat(crashed) == first and time.monotonic() < deadline:
        time.sleep(0.1)
    assert first is not None and _heartbeat(crashed) != first
    assert _listed_state(crashed, stale_seconds="20")[4] == "running"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    status, rows_done, new, *_ = _job(crashed)[0]
    assert status == "running" and rows_done == CHUNK and new == CHUNK  # the first chunk committed, nothing more
    assert len(_registry(crashed)) == CHUNK
    last = _heartbeat(crashed)
    listed = _listed_state(crashed, stale_seconds="1")  # the listing process alone takes longer than a second
    deadline = time.monotonic() + 60
    while listed[4] != "interrupted" and time.monotonic() < deadline:
        listed = _listed_state(crashed, stale_seconds="1")
    assert listed[4:6] == ["interrupted", f"{CHUNK}/{ROWS + 1}"]
    assert listed[-1].endswith(f"run the same command again: talentpool import talents {path.name}")
    assert _heartbeat(crashed) == last  # nobody beats for a dead worker

    resumed = _tp(crashed, "import", "talents", str(path))
    assert "Resuming" in resumed.stderr
    assert resumed.stdout.strip().splitlines()[-1] == done.stdout.strip().splitlines()[-1]
    assert _registry(crashed)[0][0] and [r[1:] for r in _registry(crashed)] == [r[1:] for r in _registry(straight)]
    assert [r[0] for r in _registry(crashed)] == [r[0] for r in _registry(straight)]
    assert _job(crashed) == _job(straight)
    assert _listed_state(crashed, stale_seconds="1")[4] == "done"
