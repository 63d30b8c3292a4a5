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


HEAVY = ("duckdb", "pyarrow", "sqlglot", "jieba", "bm25s", "scipy", "talentpool.api")
SHOW_LOADED = ("import sys, django; django.setup(); "
               f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")


def test_starting_django_loads_no_engine_library_nor_the_api(tmp_path):
    """What every command pays before it runs: the models take constants from the engines, whose packages load
    DuckDB, Arrow, jieba and the rest only when a name needing them is read; and no command runs the URL checks
    that would build every API schema. Each of these was most of a second of the CLI's start."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(SRC), TALENTPOOL_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="talentpool.settings.dev")
    done = subprocess.run([sys.executable, "-c", SHOW_LOADED], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_commands_leave_the_system_checks_to_the_check_command():
    from django.core.management import get_commands, load_command_class

    ours = {name: app for name, app in get_commands().items() if app.startswith("talentpool.")}
    assert len(ours) >= 10
    for name, app in ours.items():
        assert load_command_class(app, name).requires_system_checks == [], name


@pytest.mark.parametrize("package", ["talentpool.engines.policy", "talentpool.engines.matching"])
def test_every_name_an_engine_package_offers_is_there(package):
    import importlib

    module = importlib.import_module(package)
    assert sorted(dir(module)) == sorted(module.__all__)
    for name in module.__all__:
        value = getattr(module, name)
        assert getattr(importlib.import_module(module._WHERE[name], package), name) is value
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        module.nothing_here  # noqa: B018
