"""The ``talentpool`` console script on a database that was never migrated: one sentence naming the command to
run, exit status 1, no traceback; for any management command (the mechanism is in the entry point)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize("args", [["import", "talents", "missing.csv"], ["reference", "status"],
                                  ["demo", "--talents", "10"]])
def test_a_command_on_an_unmigrated_database_says_to_migrate(tmp_path, args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(SRC), TALENTPOOL_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="talentpool.settings.dev")
    (tmp_path / "missing.csv").write_text("姓名,证件号码\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "talentpool", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is not migrated" in done.stderr and "Run `talentpool migrate` first" in done.stderr
