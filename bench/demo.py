"""Demo generation at district scale: ``talentpool demo --talents 400000`` (target: under 3 minutes on SQLite).

    .venv/bin/python bench/demo.py [--talents 400000] [--sample 5000] [--keep] [--smoke]

In a temporary TALENTPOOL_HOME it migrates a fresh SQLite database, loads the reference data and times the demo
command (wall clock of the whole process, Django start-up included), then prints the rows per table, rows/s and
the command's peak memory (max RSS). Baseline in the same run: the same generator and seed inserted the naive way,
one ``Model.save()`` per row in autocommit, over a sample of ``--sample`` talents (and talents/20 enterprises) in
a second fresh database, extrapolated linearly to the full size; the ratio of the two is printed.

With DATABASE_URL set it also times the demo on that PostgreSQL database (after migrate and reference load).
The demo never overwrites a registry that holds data: on a non-empty database that run reports "skipped".
``--smoke``: 300 talents, a baseline of 30 (proof the bench works; bench/_smoke.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _smoke import seeded_home

TABLES = ("enterprises", "talents", "educations", "employments", "insurance")


def _talentpool(args: list[str], env: dict[str, str], *, capture: bool = False) -> tuple[float, int, str]:
    """Run ``talentpool ARGS``; returns (wall seconds, peak RSS in MiB, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "talentpool", *args], env=env,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    out = proc.stdout.read().decode() if capture and proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"talentpool {' '.join(args)} failed with exit code {proc.returncode}")
    return elapsed, usage.ru_maxrss // 1024, out


def _prepared_env(home: Path, database_url: str | None = None, *, smoke: bool = False) -> dict[str, str]:
    env = dict(os.environ, TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    elif smoke and seeded_home(into=home):
        return env
    _talentpool(["migrate", "-v", "0"], env)
    _talentpool(["reference", "load"], env)
    return env


def _counts(env: dict[str, str]) -> dict[str, int]:
    code = ("import json; from talentpool.registry.demo import demo_registry_counts; "
            "print(json.dumps(demo_registry_counts()))")
    out = subprocess.run([sys.executable, "-m", "talentpool", "shell", "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def baseline_worker(sample: int) -> None:
    """Runs inside a prepared TALENTPOOL_HOME: inserts ``sample`` talents one ``save()`` at a time."""
    import django

    django.setup()
    from django.utils import timezone

    from talentpool.engines.demo import DemoOptions, TalentGenerator, generate_enterprises
    from talentpool.registry.demo import _second_district, demo_reference
    from talentpool.registry.identity import talent_identity_columns
    from talentpool.registry.models import Education, Employment, Enterprise, InsuranceRecord, Talent

    reference = demo_reference()
    options = DemoOptions(seed=2023, as_of=timezone.localdate(), district="330106",
                          second_district=_second_district("330106"))
    firms = generate_enterprises(max(50, sample // 20), reference=reference, options=options)
    rows = 0
    started = time.perf_counter()
    enterprise_ids = []
    for f in firms:
        e = Enterprise(credit_code=f.credit_code, name=f.name, industry_code=f.industry_code, cluster=f.cluster,
                       division=f.division, street=f.street, tax_division=f.tax_division, founded_on=f.founded_on,
                       size=f.size)
        e.save()
        enterprise_ids.append(e.id)
        rows += 1
    generator = TalentGenerator(reference=reference, options=options, enterprises=firms)
    talent_ids: dict[int, int] = {}
    spouses: list[tuple[int, int]] = []
    for chunk in generator.generate(sample):
        for t in chunk.talents:
            obj = Talent(**talent_identity_columns(id_type=t.id_type, id_number=t.id_number), name=t.name,
                         gender=t.gender, birth_date=t.birth_date, phone=t.phone, email=t.email,
                         hukou_division=t.hukou_division, residence_division=t.residence_division,
                         district=t.district, arrival_date=t.arrival_date, tier=t.tier, tier_basis=t.tier_basis,
                         tier_date=t.tier_date, honours=t.honours, owns_property=t.owns_property,
                         property_division=t.property_division, property_purchase_date=t.property_purchase_date,
                         housing=t.housing)
            obj.save()
            talent_ids[t.index] = obj.id
            if t.spouse_index is not None:
                spouses.append((t.index, t.spouse_index))
            rows += 1
        for e in chunk.educations:
            Education(talent_id=talent_ids[e.talent_index], degree=e.degree, full_time=e.full_time,
                      overseas=e.overseas, overseas_certified=e.overseas_certified,
                      university_code=e.university_code, university_name=e.university_name,
                      major_code=e.major_code, graduation_date=e.graduation_date, diploma_date=e.diploma_date).save()
            rows += 1
        for j in chunk.employments:
            Employment(talent_id=talent_ids[j.talent_index], enterprise_id=enterprise_ids[j.enterprise_index],
                       start_date=j.start_date, end_date=j.end_date, position=j.position,
                       occupation_code=j.occupation_code).save()
            rows += 1
        for r in chunk.insurance:
            InsuranceRecord(talent_id=talent_ids[r.talent_index], from_month=r.from_month, to_month=r.to_month,
                            division=r.division, back_paid=r.back_paid).save()
            rows += 1
    for a, b in spouses:
        Talent.objects.filter(id=talent_ids[a]).update(spouse_id=talent_ids[b])
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows, "talents": sample}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--sample", type=int, default=5_000, help="talents in the naive baseline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary TALENTPOOL_HOME")
    parser.add_argument("--baseline-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="300 talents, a baseline of 30")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.sample = 300, 30
    if args.baseline_worker:
        baseline_worker(args.sample)
        return

    database_url = os.environ.get("DATABASE_URL")
    root = Path(tempfile.mkdtemp(prefix="tp-bench-demo-"))
    try:
        env = _prepared_env(root / "fast", smoke=args.smoke)
        seconds, peak_mib, out = _talentpool(["demo", "--talents", str(args.talents), "-v", "0"], env, capture=True)
        counts = _counts(env)
        rows = sum(counts[t] for t in TABLES)
        db_mib = (root / "fast" / "talentpool.sqlite3").stat().st_size / 2**20
        print(f"talentpool demo --talents {args.talents:,} on SQLite: {seconds:.1f} s wall "
              f"(target < 180 s) — {rows:,} rows, {rows / seconds:,.0f} rows/s, "
              f"{args.talents / seconds:,.0f} talents/s, peak memory {peak_mib} MiB, database {db_mib:,.0f} MiB")
        for table in TABLES:
            print(f"  {table:<12} {counts[table]:>10,}")
        print("  " + next((line for line in out.splitlines() if line.startswith("Demo district")), "").strip())

        benv = _prepared_env(root / "baseline", smoke=args.smoke)
        res = subprocess.run([sys.executable, __file__, "--baseline-worker", "--sample", str(args.sample)],
                             env=benv, check=True, capture_output=True, text=True)
        base = json.loads(res.stdout.strip().splitlines()[-1])
        base_rate = base["rows"] / base["seconds"]
        extrapolated = rows / base_rate
        print(f"baseline: one Model.save() per row, {base['talents']:,} talents ({base['rows']:,} rows) in "
              f"{base['seconds']:.1f} s = {base_rate:,.0f} rows/s; extrapolated to {rows:,} rows: "
              f"{extrapolated:,.0f} s ({extrapolated / 60:.1f} min)")
        print(f"ratio: demo is {extrapolated / seconds:.1f}x faster than the per-object save loop")

        if database_url:
            penv = _prepared_env(root / "pg", database_url)
            pseconds, ppeak, pout = _talentpool(["demo", "--talents", str(args.talents), "-v", "0"], penv,
                                                capture=True)
            if "Demo skipped" in pout:
                print("PostgreSQL: the registry there is not empty, demo skipped (use an empty database)")
            else:
                pcounts = _counts(penv)
                prows = sum(pcounts[t] for t in TABLES)
                print(f"PostgreSQL: {pseconds:.1f} s wall — {prows:,} rows, {prows / pseconds:,.0f} rows/s, "
                      f"peak memory {ppeak} MiB")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
