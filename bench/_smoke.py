"""What the benches share for ``--smoke``: a prepared home, so a smoke run does not migrate a database of its own.

    .venv/bin/python bench/_smoke.py DIR      builds DIR/base and DIR/demo (what tests/integration/test_bench_smoke.py
                                              does once, then gives to every bench through the environment)

- ``DIR/base``: a TALENTPOOL_HOME whose SQLite database is migrated and holds the reference data;
- ``DIR/demo``: the same plus the shipped policies and ``talentpool demo --talents 300`` (as of today).

A bench run with ``--smoke`` copies one of them into a new temporary home when ``TALENTPOOL_BENCH_SEED`` names
DIR (``seeded_home``) and skips its own migrate/load/demo steps; without it, the bench builds as it always does.
Migrating costs ~13 s of CPU here, a no-op migrate ~4 s: done once instead of once per bench.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SEED_ENV = "TALENTPOOL_BENCH_SEED"
SMOKE_TALENTS = 300


def seeded_home(prefix: str = "tp-bench-", *, demo: bool = False, into: Path | None = None) -> Path | None:
    """A new temporary home (or ``into``) copied from the prepared one (``demo``: with the 300-talent demo);
    None when no prepared home is given."""
    root = os.environ.get(SEED_ENV)
    if not root:
        return None
    source = Path(root) / ("demo" if demo else "base")
    if not (source / "talentpool.sqlite3").exists():
        raise SystemExit(f"{SEED_ENV}={root} has no {source.name}/talentpool.sqlite3: run bench/_smoke.py {root}")
    home = into or Path(tempfile.mkdtemp(prefix=prefix))
    shutil.copytree(source, home, dirs_exist_ok=True)
    return home


def _prepare(home: Path, demo: bool) -> None:
    """In a process of its own (the home is fixed at Django's set-up): migrate and load, or add the demo."""
    os.environ["TALENTPOOL_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "talentpool.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command

    if demo:
        call_command("policies", "sync", verbosity=0)
        call_command("demo", talents=SMOKE_TALENTS, verbosity=0)
    else:
        call_command("migrate", verbosity=0)
        call_command("reference", "load", verbosity=0)


def build_seeds(root: Path) -> None:
    """DIR/base (migrated, reference data), then DIR/demo (a copy of base plus the policies and the demo)."""
    base, demo = root / "base", root / "demo"
    base.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, "--base", str(base)], check=True)
    shutil.copytree(base, demo, dirs_exist_ok=True)
    subprocess.run([sys.executable, __file__, "--demo", str(demo)], check=True)


if __name__ == "__main__":
    if sys.argv[1] in ("--base", "--demo"):
        _prepare(Path(sys.argv[2]), demo=sys.argv[1] == "--demo")
    else:
        build_seeds(Path(sys.argv[1]))
