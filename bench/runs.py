"""Eligibility runs at district scale: full run, no-change rerun and bulk approval, on SQLite and PostgreSQL.

    .venv/bin/python bench/runs.py [--talents 400000] [--home DIR] [--fresh] [--no-postgres]
                                   [--as-of 2026-06-30] [--profile] [--smoke]

Targets: a full run of the shipped policies over 400,000 talents (load facts, evaluate, write the candidate
ledger lines) in under 60 s on SQLite, a no-change rerun in under 30 s, the same reported on PostgreSQL;
approving 14,000 candidates in one bulk action in under 10 s.

Each database is built the way users build it, with the ``talentpool`` console script: ``migrate``,
``reference load``, ``policies sync``, ``demo --talents N --seed 2023 --as-of AS_OF`` (the demo world is seen
from the run's as-of date). The SQLite database lives in ``--home`` (default: ``talentpool-bench-runs`` in the
system temp dir) and is reused when its marker file says it holds the demo registry of this size, seed and
date, built with the migration files as they are now (``--fresh`` rebuilds it). A home with a database this
bench did not build is never touched. PostgreSQL 15 runs in a throwaway cluster (initdb/pg_ctl as the postgres
user, server defaults) that the bench starts and removes itself; the registry is generated there every time.

Per database:

- full run: ``talentpool eligibility run --as-of AS_OF`` in a subprocess, wall clock (Django start-up
  included), median of 3. Before each repetition the whole ledger is deleted: every EntitlementEvent,
  Entitlement and Run row and every entitlement notice (Notice rows of kind ``entitlement_*``), so each
  repetition starts empty;
- no-change rerun: the same command again (same as-of, nothing changed), median of 3; it must report 0 new;
- phase split (facts / evaluate / write) of one rerun and of one more full run (ledger emptied first),
  executed in-process through ``run_create``/``run_execute`` and timed by its ``on_progress`` callback;
- bulk approval: ``services.entitlements_approve(actor=officer, queryset=<the first 14,000 bulk-approvable
  candidate lines of the officer's district, by id>)`` in-process (immediate task backend, locmem email),
  median of 3; between repetitions the approved lines are set back to candidate (their approval events and
  approval notices deleted, decided_by/decided_at cleared). Baseline in the same run: the same lines approved
  one by one (fetch, ``save()``, one event insert, one transaction per line) over a sample of 500,
  extrapolated to 14,000;
- peak memory: max RSS of the run subprocess (``os.wait4`` rusage of that child).

``--smoke``: SQLite only, 300 talents, one repetition, 100 lines approved and a baseline of 20, in a copy of
bench/_smoke.py's prepared demo when TALENTPOOL_BENCH_SEED gives one (proof the bench works).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _smoke import seeded_home

SEED = 2023
APPROVE = 14_000
BASELINE_SAMPLE = 500
REPEAT = 3
PG_BIN = Path("/usr/lib/postgresql/15/bin")
MARKER = ".bench-runs.json"
SUMMARY = re.compile(r"^(\d+) evaluated: (\d+) new, (\d+) unchanged, (\d+) withdrawn, (\d+) cannot decide$",
                     re.M)
TARGET_FULL, TARGET_RERUN, TARGET_APPROVE = 60.0, 30.0, 10.0


# --- subprocesses -------------------------------------------------------------------------------------------

def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "talentpool"
    return [str(script)] if script.exists() else [sys.executable, "-m", "talentpool"]


def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ, TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev",
               TALENTPOOL_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
               DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(cmd: list[str], env: dict[str, str]) -> str:
    """Run a command to completion; returns its stdout (stderr is shown when it fails)."""
    proc = subprocess.run(cmd, env=env, capture_output=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr.decode(errors="replace")[-4000:])
        raise SystemExit(f"{' '.join(cmd[-4:])} failed with exit code {proc.returncode}")
    return proc.stdout.decode()


def _measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command and wait for it with wait4: (wall seconds, peak RSS of that child in MiB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            sys.stderr.write(err.read().decode(errors="replace")[-4000:])
            raise SystemExit(f"{' '.join(cmd[-4:])} failed with exit code {proc.returncode}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode()


def _talentpool(args: list[str], env: dict[str, str]) -> str:
    return _run(_console_script() + args, env)


def _smoke_sizes() -> None:
    global REPEAT, APPROVE, BASELINE_SAMPLE
    REPEAT, APPROVE, BASELINE_SAMPLE = 1, 100, 20


def _worker(mode: str, env: dict[str, str], as_of: dt.date, *extra: str) -> dict:
    if REPEAT == 1:
        extra = (*extra, "--smoke")
    out = _run([sys.executable, __file__, "--worker", mode, "--as-of", as_of.isoformat(), *extra], env)
    lines = out.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    return json.loads(lines[-1])


def _build(env: dict[str, str], talents: int, as_of: dt.date) -> float:
    started = time.perf_counter()
    _talentpool(["migrate", "-v", "0"], env)
    _talentpool(["reference", "load"], env)
    _talentpool(["policies", "sync"], env)
    out = _talentpool(["demo", "--talents", str(talents), "--seed", str(SEED), "--as-of", as_of.isoformat(),
                       "-v", "0"], env)
    if "Demo skipped" in out:
        raise SystemExit("the registry is not empty: the demo was skipped (use --fresh or another --home)")
    return time.perf_counter() - started


def _schema() -> str:
    """A fingerprint of the migration files: a reused database must have been built with these migrations
    (an edited migration that is already applied would leave the database behind the models)."""
    import hashlib
    import importlib.util

    package = Path(importlib.util.find_spec("talentpool").origin).parent
    digest = hashlib.sha256()
    for path in sorted(package.glob("*/migrations/*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_home(home: Path, talents: int, as_of: dt.date, fresh: bool) -> dict[str, str]:
    env = _env(home, None)
    want = {"talents": talents, "seed": SEED, "demo_as_of": as_of.isoformat(), "migrations": _schema()}
    db = home / "talentpool.sqlite3"
    marker = home / MARKER
    have = json.loads(marker.read_text()) if marker.exists() else None
    if db.exists() and have is None and not fresh:
        raise SystemExit(f"{home} holds a database this bench did not build; pass --fresh to delete and "
                         "rebuild it, or point --home elsewhere")
    if have == want and db.exists() and not fresh:
        _talentpool(["migrate", "-v", "0"], env)
        _talentpool(["policies", "sync"], env)
        print(f"SQLite: reusing the {talents:,}-talent demo registry in {home} (--fresh rebuilds it)")
        return env
    home.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    seconds = _build(env, talents, as_of)
    marker.write_text(json.dumps(want))
    print(f"SQLite: built a {talents:,}-talent demo registry in {seconds:.0f} s at {home}")
    return env


# --- PostgreSQL throwaway cluster ---------------------------------------------------------------------------

def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tp-bench-runs-pg-"))
        self.data = self.root / "pg"
        self.started = False

    def start(self) -> str:
        if not (PG_BIN / "initdb").exists():
            raise SystemExit(f"{PG_BIN}/initdb not found: install postgresql-15 or pass --no-postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.data.mkdir()
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
        subprocess.run(_as_pg([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
        options = f"-p {port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data / "server.log")
        subprocess.run(_as_pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-t", "60",
                               "-o", options, "start"]), check=True, capture_output=True)
        self.started = True
        subprocess.run(_as_pg([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                               "talentpool"]), check=True, capture_output=True)
        return f"postgres://postgres@127.0.0.1:{port}/talentpool"

    def remove(self) -> None:
        if self.started:
            subprocess.run(_as_pg([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                           capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


# --- measuring one database ---------------------------------------------------------------------------------

def _run_cli(env: dict[str, str], as_of: dt.date) -> tuple[float, float, list[int]]:
    cmd = _console_script() + ["eligibility", "run", "--as-of", as_of.isoformat()]
    seconds, peak, out = _measured(cmd, env)
    m = SUMMARY.search(out)
    if not m:
        raise SystemExit(f"no summary line in the run's output:\n{out}")
    return seconds, peak, [int(g) for g in m.groups()]


def _phases(p: dict) -> str:
    return (f"facts {p['facts']:.1f} s, evaluate {p['evaluate']:.1f} s, write {p['write']:.1f} s "
            f"(in-process total {p['total']:.1f} s)")


def measure(label: str, env: dict[str, str], as_of: dt.date, profile: bool) -> dict:
    res: dict = {"label": label}
    full, peaks = [], []
    summary: list[int] = []
    for i in range(REPEAT):
        deleted = _worker("reset", env, as_of)
        seconds, peak, summary = _run_cli(env, as_of)
        full.append(seconds)
        peaks.append(peak)
        print(f"{label}: full run {i + 1}/{REPEAT}: {seconds:.1f} s, peak {peak:,.0f} MiB — "
              f"{summary[0]:,} evaluated: {summary[1]:,} new, {summary[4]:,} cannot decide "
              f"(ledger emptied first: {deleted['entitlements']:,} lines, {deleted['events']:,} events, "
              f"{deleted['runs']} runs, {deleted['notices']} notices deleted)")
    res.update(full=statistics.median(full), new=summary[1], evaluated=summary[0], undecided=summary[4],
               full_peak=max(peaks))
    reruns, peaks = [], []
    for i in range(REPEAT):
        seconds, peak, s = _run_cli(env, as_of)
        reruns.append(seconds)
        peaks.append(peak)
        print(f"{label}: no-change rerun {i + 1}/{REPEAT}: {seconds:.1f} s, peak {peak:,.0f} MiB — "
              f"{s[1]:,} new, {s[2]:,} unchanged, {s[3]:,} withdrawn")
        if s[1] or s[3] or s[2] != res["new"]:
            print(f"  WARNING: the rerun changed the ledger ({s[1]} new, {s[3]} withdrawn, "
                  f"{s[2]} unchanged)")
    res.update(rerun=statistics.median(reruns), rerun_peak=max(peaks))
    res["rerun_phases"] = _worker("run", env, as_of)
    print(f"{label}: rerun phases (in-process): {_phases(res['rerun_phases'])}")
    _worker("reset", env, as_of)
    res["full_phases"] = _worker("run", env, as_of, *(["--profile"] if profile else []))
    print(f"{label}: full run phases (in-process{', under cProfile' if profile else ''}): "
          f"{_phases(res['full_phases'])}")
    approve = _worker("approve", env, as_of)
    res.update(approve)
    times = ", ".join(f"{t:.2f} s" for t in approve["times"])
    print(f"{label}: bulk approve of {approve['approved']:,} lines: {times} "
          f"(median {approve['approve']:.2f} s; approved lines set back to candidate between repetitions)")
    print(f"{label}: baseline one line at a time: {approve['baseline_lines']} lines in "
          f"{approve['baseline_s']:.2f} s, extrapolated to {approve['approved']:,}: "
          f"{approve['baseline']:.1f} s")
    return res


# --- in-process workers (Django set up against the database of the environment) -----------------------------

def worker(mode: str, as_of: dt.date, profile: bool) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from talentpool.core.models import Notice
    from talentpool.eligibility.models import Entitlement, EntitlementEvent, Run

    if mode == "reset":
        notices = Notice.objects.filter(kind__startswith="entitlement_")
        counts = {"events": EntitlementEvent.objects.count(), "entitlements": Entitlement.objects.count(),
                  "runs": Run.objects.count(), "notices": notices.count()}
        tables = [m._meta.db_table for m in (EntitlementEvent, Entitlement, Run)]
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables))
            else:
                for t in tables:
                    cur.execute(f"DELETE FROM {connection.ops.quote_name(t)}")
            notices.delete()
        print(json.dumps(counts))
    elif mode == "run":
        print(json.dumps(_worker_run(as_of, profile)))
    elif mode == "approve":
        print(json.dumps(_worker_approve()))


def _worker_run(as_of: dt.date, profile: bool) -> dict:
    from talentpool.eligibility.runs import run_create, run_execute

    marks: dict[str, float] = {}

    def on_progress(phase: str, done: int, total: int) -> None:
        marks.setdefault(phase, time.perf_counter())

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    run = run_create(as_of=as_of, trigger="cli")
    run = run_execute(run.pk, on_progress=on_progress)
    ended = time.perf_counter()
    if profiler:
        import io
        import pstats

        profiler.disable()
        for key in ("tottime", "cumulative"):
            buf = io.StringIO()
            pstats.Stats(profiler, stream=buf).sort_stats(key).print_stats(25)
            print(f"--- cProfile, top 25 by {key} ---")
            print("\n".join(line for line in buf.getvalue().splitlines() if line.strip())[:12000])
    return {"facts": marks["evaluate"] - marks["facts"], "evaluate": marks["write"] - marks["evaluate"],
            "write": ended - marks["write"], "total": ended - started, "new": run.new,
            "unchanged": run.unchanged}


def _worker_approve() -> dict:
    from django.db import transaction
    from django.utils import timezone

    from talentpool.accounts.models import User
    from talentpool.core.models import Notice
    from talentpool.eligibility.models import Entitlement, EntitlementEvent, Kind, Status
    from talentpool.payments import services
    from talentpool.payments.selectors import entitlements_visible_to

    officer = User.objects.get(username="officer")
    candidates = (entitlements_visible_to(officer)
                  .filter(status=Status.CANDIDATE, review_required=False, kind=Kind.ENTITLEMENT)
                  .order_by("pk"))
    ids = list(candidates.values_list("pk", flat=True)[:APPROVE])
    if len(ids) < APPROVE:
        print(f"note: only {len(ids):,} bulk-approvable candidates in scope {officer.scope_prefix}; "
              "approving those")

    def back_to_candidate(pks: list[int]) -> None:
        with transaction.atomic():
            for start in range(0, len(pks), 2000):
                chunk = pks[start:start + 2000]
                EntitlementEvent.objects.filter(entitlement_id__in=chunk, to_status=Status.APPROVED).delete()
                Entitlement.objects.filter(pk__in=chunk).update(status=Status.CANDIDATE, decided_by=None,
                                                                decided_at=None)
            Notice.objects.filter(kind="entitlement_approved").delete()

    times = []
    done = 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        out = services.entitlements_approve(actor=officer, queryset=candidates[:APPROVE])
        times.append(time.perf_counter() - started)
        done = out.done
        if out.done != len(ids) or out.skipped:
            print(f"note: approved {out.done:,}, skipped {out.skipped:,} of {len(ids):,}")
        back_to_candidate(ids)

    sample = ids[:BASELINE_SAMPLE]
    started = time.perf_counter()
    for pk in sample:
        with transaction.atomic():
            line = Entitlement.objects.get(pk=pk)
            if line.status != Status.CANDIDATE:
                continue
            line.status = Status.APPROVED
            line.decided_by = officer
            line.decided_at = timezone.now()
            line.save()
            EntitlementEvent.objects.create(entitlement=line, from_status=Status.CANDIDATE,
                                            to_status=Status.APPROVED, actor=officer)
    baseline_s = time.perf_counter() - started
    back_to_candidate(sample)
    return {"approved": done, "times": times, "approve": statistics.median(times),
            "baseline_lines": len(sample), "baseline_s": baseline_s,
            "baseline": baseline_s * len(ids) / len(sample)}


# --- report -------------------------------------------------------------------------------------------------

def _mark(value: float, target: float) -> str:
    return "ok" if value < target else "MISSED"


def report(results: list[dict], talents: int, as_of: dt.date) -> None:
    print()
    print(f"eligibility runs: {talents:,} talents, shipped policies, as of {as_of.isoformat()}")
    width = 16
    head = f"{'':<34}" + "".join(f"{r['label']:>{width}}" for r in results) + "   target"
    print(head)
    print("-" * len(head))

    def row(name: str, cells: list[str], target: str = "") -> None:
        print(f"{name:<34}" + "".join(f"{c:>{width}}" for c in cells) + (f"   {target}" if target else ""))

    def phases(p: dict) -> str:
        return f"{p['facts']:.1f}/{p['evaluate']:.1f}/{p['write']:.1f}"

    row(f"full run, s (median of {REPEAT})",
        [f"{r['full']:.1f} {_mark(r['full'], TARGET_FULL)}" for r in results],
        f"< {TARGET_FULL:.0f} s (SQLite)")
    row("  facts / evaluate / write, s", [phases(r["full_phases"]) for r in results], "(one in-process run)")
    row(f"no-change rerun, s (median of {REPEAT})",
        [f"{r['rerun']:.1f} {_mark(r['rerun'], TARGET_RERUN)}" for r in results],
        f"< {TARGET_RERUN:.0f} s (SQLite)")
    row("  facts / evaluate / write, s", [phases(r["rerun_phases"]) for r in results], "(one in-process run)")
    row("new lines (full run)", [f"{r['new']:,}" for r in results])
    row("cannot decide (talent × policy)", [f"{r['undecided']:,}" for r in results])
    row(f"approve {APPROVE:,} in bulk, s (median)",
        [f"{r['approve']:.2f} {_mark(r['approve'], TARGET_APPROVE)}" for r in results],
        f"< {TARGET_APPROVE:.0f} s")
    row("  lines approved", [f"{r['approved']:,}" for r in results])
    row(f"baseline 1-by-1, s ({BASELINE_SAMPLE}, extrap.)", [f"{r['baseline']:.1f}" for r in results])
    row("  ratio baseline / bulk", [f"{r['baseline'] / r['approve']:.1f}x" for r in results])
    row("peak MiB, full run / rerun", [f"{r['full_peak']:,.0f}/{r['rerun_peak']:,.0f}" for r in results])
    print("Full-run repetitions start from an empty ledger (EntitlementEvent, Entitlement and Run rows and "
          "entitlement notices deleted);\napproved lines were set back to candidate between approval "
          "repetitions.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "talentpool-bench-runs",
                        help="TALENTPOOL_HOME of the SQLite database (reused when it holds this registry)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the SQLite demo registry in --home")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL 15 measurements")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--profile", action="store_true",
                        help="run the in-process full run under cProfile and print its top functions")
    parser.add_argument("--worker", choices=("reset", "run", "approve"), help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="SQLite, 300 talents, one repetition")
    args = parser.parse_args()
    if args.smoke:
        _smoke_sizes()
        args.talents, args.no_postgres = 300, True
    if args.worker:
        worker(args.worker, args.as_of, args.profile)
        return

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results = []
    seeded = seeded_home("tp-bench-runs-", demo=True) if args.smoke else None
    env = _env(seeded, None) if seeded else _sqlite_home(args.home.resolve(), args.talents, args.as_of, args.fresh)
    results.append(measure("SQLite", env, args.as_of, args.profile))
    if not args.no_postgres:
        cluster = Cluster()
        try:
            url = cluster.start()
            penv = _env(cluster.root / "home", url)
            seconds = _build(penv, args.talents, args.as_of)
            version = subprocess.run([str(PG_BIN / "postgres"), "-V"], capture_output=True, text=True).stdout
            version = re.search(r"\) (\S+)", version).group(1) if re.search(r"\) (\S+)", version) else "15"
            print(f"PostgreSQL {version}: throwaway cluster in {cluster.root} (server defaults), "
                  f"{args.talents:,}-talent demo registry built in {seconds:.0f} s")
            results.append(measure("PostgreSQL", penv, args.as_of, args.profile))
        finally:
            cluster.remove()
    report(results, args.talents, args.as_of)
    print(f"(bench total {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs; 1-minute load "
          f"average {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; a load above the "
          "CPU count means other work inflated the times)")


if __name__ == "__main__":
    main()
