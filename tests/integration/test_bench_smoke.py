"""Every bench script runs in its ``--smoke`` size, so a bench cannot rot unnoticed (issue 12, item 5).

Each bench runs in a subprocess as a developer would run it (its own settings, a temporary home) and must exit 0
and print its figures and its baseline ratio. The migrated database they start from is built once per test run
(bench/_smoke.py; shared by the xdist workers through a lock) and copied by each bench. SQLite only: the benches
build their own databases, so running them again in the PostgreSQL pass would prove nothing new.

bench/web.py is not run here: its smoke builds a production demo (collectstatic, policies, demo, prepared pages)
and drives ~120 pages under gunicorn and wrk (over two minutes on 2 cores), more than CI's budget for this file.
Run it with ``TALENTPOOL_BENCH_WEB=1``.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

pytestmark = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
                                reason="the benches build their own SQLite databases: once, in the SQLite pass")

# bench -> what its output must show: its figures, then its baseline (ratio or before/after) line
EXPECTED = {
    "bookings": [r"month availability \(selector\)\s+[\d.]+ ms", r"baseline: .* \(ratio [\d.]+x\)"],
    "demo": [r"talentpool demo --talents 300 on SQLite: [\d.]+ s wall", r"ratio: demo is [\d.]+x"],
    "eligibility": [r"evaluate_registry: 12 policies .* in [\d.]+ s", r"explain .*: p50 [\d.]+ ms",
                    r"ratio: engine \d+× faster"],
    "fairs": [r"schedule time \(median\): [\d.]+ s", r"greedy baseline \(same run\): \d+ interviews",
              r"interviews vs greedy: \+?-?[\d.]+%"],
    "hostile_files": [r"\| xlsx, one value at XFD1048576 \(\d+ KB\) \| died .* \| \d+ MiB, [\d.]+ s, refused"],
    "import_talents": [r"full import .*: [\d,]+ rows/s", r"ratio import/baseline throughput: [\d.]+"],
    "maps": [r"slowest single query \(median\): [\d.]+ ms", r"row store\s+[\d.]+ ms\s+snapshot\s+[\d.]+ ms\s+x\s*[\d.]+"],
    "matching": [r"build: [\d.]+ s", r"ratio: the engine .* faster at p95 than rank-bm25",
                 r"ratio: the engine is [\d.]+× (faster|slower) at p95 than SQL LIKE"],
    "matching_quality": [r"\| full engine \(reciprocal\) \| [\d.]+ \|", r"full engine vs plain BM25 — NDCG@10 [\d.]+×"],
    "policy_drafts": [r"draft create\s+302\s+[\d.]+ s", r"publish ask\s+302\s+[\d.]+ s",
                      r"ratio checks / \(create \+ publish ask\) [\d.]+x"],
    "registry_search": [r"full name\s+p50\s+[\d.]+ ms\s+p95\s+[\d.]+ ms", r"baseline p95 / ours = [\d.]+x"],
    "runs": [r"full run, s \(median of 1\)\s+[\d.]+", r"ratio baseline / bulk\s+[\d.]+x"],
    "sla": [r"sweep five minutes later .*: [\d.]+ s over \d+ open tickets", r"ratio \d+x to the steady sweep",
            r"deadlines: .* 0 differ"],
}


def test_every_bench_script_is_smoke_tested():
    scripts = {p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_")}
    helpers = {"web_prepare", "web_desk_tickets"}  # web.py's helpers (its demo, tickets added to it), not benches
    assert scripts - helpers - {"web"} == set(EXPECTED), "a new bench needs --smoke and a line in EXPECTED"


def _env(tmp: Path, seed: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "TALENTPOOL_", "DATABASE_URL", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])
    env["TMPDIR"] = str(tmp)  # every temporary home a bench makes goes where pytest removes it
    if seed:
        env["TALENTPOOL_BENCH_SEED"] = str(seed)
    return env


@pytest.fixture(scope="session")
def seed(tmp_path_factory) -> Path:
    """bench/_smoke.py's prepared homes, built by the first xdist worker that needs them (the others wait)."""
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of this run
    root = shared / "bench-smoke-seed"
    with open(shared / "bench-smoke-seed.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            done = subprocess.run([sys.executable, str(BENCH / "_smoke.py"), str(root)], env=_env(shared, None),
                                  capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            (root / "done").touch()
    return root


def _run(name: str, tmp: Path, seed: Path | None) -> str:
    done = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--smoke"], env=_env(tmp, seed), cwd=tmp,
                          capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 0, f"bench/{name}.py --smoke exited {done.returncode}:\n{out[-4000:]}"
    return done.stdout


SEEDED = {"bookings", "demo", "eligibility", "import_talents", "policy_drafts", "registry_search", "runs", "sla"}  # use a database


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_bench_runs_in_its_smoke_size_and_prints_its_figures(name, request, tmp_path):
    out = _run(name, tmp_path, request.getfixturevalue("seed") if name in SEEDED else None)
    missing = [pattern for pattern in EXPECTED[name] if not re.search(pattern, out, re.M)]
    assert not missing, f"bench/{name}.py --smoke printed no line matching {missing}:\n{out[-4000:]}"


@pytest.mark.skipif(os.environ.get("TALENTPOOL_BENCH_WEB") != "1", reason="over CI's budget; TALENTPOOL_BENCH_WEB=1")
def test_the_web_bench_runs_in_its_smoke_size(seed, tmp_path):
    out = _run("web", tmp_path, seed)
    assert re.search(r"^healthz \(baseline\)\s+[\d.]+", out, re.M)
    assert re.search(r"\d+ of \d+ pages measured; slowest: .* of /healthz\)", out)
    assert re.search(r"^goals: p99 < 250 ms \d+ of \d+; >= 0.25 of /healthz \d+ of \d+; first hit < 1 s \d+ of \d+$", out, re.M)
