"""Crash safety for real: the CLI import runs in a subprocess on a file-based SQLite database, is SIGKILLed after
its first committed chunk, and is resumed by running the same command again. The registry must then equal the
one an uninterrupted import builds."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from import_helpers import TALENT_HEADER, rid, talent_row, write_xlsx

ROOT = Path(__file__).resolve().parents[3]
ROWS = 60
CHUNK = 10


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev",
               TALENTPOOL_IMPORT_CHUNK_ROWS=str(CHUNK), **extra)
    return env


def _tp(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talentpool", *args], env=_env(home, **extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _prepare(home: Path) -> None:
    assert _tp(home, "migrate", "-v0").returncode == 0
    assert _tp(home, "reference", "load").returncode == 0


def _registry(home: Path) -> list[tuple]:
    con = sqlite3.connect(home / "talentpool.sqlite3")
    try:
        return con.execute("SELECT id_lookup, id_masked, name, gender, birth_date, phone, district, tier "
                           "FROM registry_talent ORDER BY id_lookup").fetchall()
    finally:
        con.close()


def _job(home: Path) -> tuple:
    con = sqlite3.connect(home / "talentpool.sqlite3")
    try:
        return con.execute("SELECT status, rows_done, new, updated, unchanged, rejected FROM registry_importjob"
                           ).fetchall()
    finally:
        con.close()


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="file-based SQLite test")
def test_sigkill_mid_import_then_resume_equals_an_uninterrupted_import(tmp_path):
    rows = [TALENT_HEADER] + [talent_row(f"人{i}", rid(seq=i + 1)) for i in range(ROWS)]
    rows.append(talent_row("坏", "123", gender="男"))  # one rejected row, so the error rows must survive the crash too
    path = write_xlsx(tmp_path / "t.xlsx", rows)

    straight = tmp_path / "straight"
    _prepare(straight)
    done = _tp(straight, "import", "talents", str(path))
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip().splitlines()[-1] == f"{ROWS + 1} rows: {ROWS} new, 0 updated, 0 unchanged, 1 rejected"

    crashed = tmp_path / "crashed"
    _prepare(crashed)
    proc = subprocess.Popen([sys.executable, "-m", "talentpool", "import", "talents", str(path)],
                            env=_env(crashed, TALENTPOOL_IMPORT_SLEEP_AFTER_CHUNK="30"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        jobs = _job(crashed) if (crashed / "talentpool.sqlite3").exists() else []
        if jobs and jobs[0][1] >= CHUNK:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    status, rows_done, new, *_ = _job(crashed)[0]
    assert status == "running" and rows_done == CHUNK and new == CHUNK  # the first chunk committed, nothing more
    assert len(_registry(crashed)) == CHUNK

    resumed = _tp(crashed, "import", "talents", str(path))
    assert "Resuming" in resumed.stderr
    assert resumed.stdout.strip().splitlines()[-1] == done.stdout.strip().splitlines()[-1]
    assert _registry(crashed)[0][0] and [r[1:] for r in _registry(crashed)] == [r[1:] for r in _registry(straight)]
    assert [r[0] for r in _registry(crashed)] == [r[0] for r in _registry(straight)]
    assert _job(crashed) == _job(straight)
