"""Policy evaluation at district scale: facts, 40 policies over every talent, explain, what-if, memory.

    .venv/bin/python bench/eligibility.py [--talents 400000] [--home DIR] [--as-of 2025-06-30] [--smoke]

Builds (or reuses, with --home pointing at a TALENTPOOL_HOME that already holds a demo registry) a demo
registry through ``talentpool demo``, loads the shipped policies, then times:

- the facts build (``policies.facts.registry_facts``) for every talent;
- ``evaluate_registry`` over 40 policies (the shipped ones in force plus variants with perturbed parameters and
  their own codes), median of 3: talent-policy checks per second (target ≥ 20M/s) and criterion checks per second;
- the baseline in the same run: the city living subsidy's criteria and amount written in plain Python, evaluated
  person by person over a sample and extrapolated; the ratio against the engine (target ≥ 50×);
- single-person explain p50/p95 (target < 50 ms), a what-if over all talents (target < 10 s), peak memory
  (ru_maxrss, target < 2 GiB).

``--smoke``: 300 talents, 12 policies, 20 explained people (proof the bench works; bench/_smoke.py).

OpenFisca is not compared: openfisca-core was not installed for this run (see the printed note).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _smoke import seeded_home


def _build(home: Path, talents: int) -> None:
    env = dict(os.environ, TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev")
    tp = [sys.executable, "-m", "talentpool"]
    for cmd in (["migrate", "-v", "0"], ["reference", "load"], ["demo", "--talents", str(talents), "-v", "0"]):
        subprocess.run(tp + cmd, check=True, env=env, stdout=subprocess.DEVNULL)


# --- the baseline: the living subsidy in plain Python, one person at a time ---------------------------------------

def _add_months(day: dt.date, n: int) -> dt.date:
    m = day.year * 12 + day.month - 1 + n
    y, mo = divmod(m, 12)
    last = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo]
    return dt.date(y, mo + 1, min(day.day, last))


def _and(*values):
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def living_python(f: dict, as_of: dt.date, p: dict):
    """hz-graduate-living (the version in force) by hand: (verdict, amount). None is "cannot decide", as in SQL."""
    def ge(a, b):
        return None if a is None or b is None else a >= b

    def le(a, b):
        return None if a is None or b is None else a <= b

    rank, overseas, grad = f["degree_rank"], f["overseas"], f["graduation_date"]
    c1 = ge(rank, 2)
    if overseas is None:
        c2 = None
    elif overseas:
        c2 = f["overseas_certified"]
    else:
        c2 = f["full_time"] or (p["part_time_postgrad_counts"] and (rank or 0) >= 3) if f["full_time"] is not None else None
    c3 = ge(grad, p["graduated_on_or_after"])
    emp = f["employed"]
    tax = f["employer_tax_division"]
    c4 = _and(emp, None if tax is None else tax.startswith("3301"))
    first = f["hz_first_insured_month"]
    if first is None or grad is None or overseas is None:
        c5 = None
    else:
        base = (f["diploma_date"] or grad).replace(day=1)
        limit = p["returnee_first_insured_within_months"] if overseas else p["first_insured_within_months"]
        c5 = first >= grad.replace(day=1) and first <= _add_months(base, limit)
    # the window is about the day the entitlement arose (the first insured month), and that day picks the version
    c6 = None if grad is None or overseas is None or first is None else first <= _add_months(
        grad, p["returnee_window_months"] if overseas else p["window_months"])
    c10 = None if first is None else first >= p["effective_from"] and (p["effective_to"] is None or first <= p["effective_to"])
    c7 = None if f["in_service_study"] is None else not f["in_service_study"]
    c8 = True  # nothing paid yet (ledger empty)
    if not p["age_limit_on"]:
        c9 = True
    else:
        b = f["birth_date"]
        c9 = None if b is None else (as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))) <= p["age_limit"]
    verdict = _and(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10)
    if verdict is not True:
        return ("unknown" if verdict is None else "no"), None
    degree = f["degree"]
    if degree == "doctor" and grad >= p["doctor_raise_graduated_from"]:
        amount = p["amount_doctor_raised"]
    elif degree == "doctor":
        amount = p["amount_doctor"]
    elif degree == "master":
        amount = p["amount_master"]
    else:
        amount = p["amount_bachelor"]
    return "yes", amount


# --- generated variants ---------------------------------------------------------------------------------------------

def _variants(sources: list[str], wanted: int, rng: random.Random) -> list[str]:
    import yaml

    out = []
    i = 0
    while len(out) < wanted:
        data = yaml.safe_load(sources[i % len(sources)])
        i += 1
        data["code"] = f"{data['code']}-x{i}"[:41]
        data["excludes"] = []
        for spec in (data.get("parameters") or {}).values():
            for v in spec.get("values") or []:
                if spec["type"] == "int" and isinstance(v["value"], int):
                    v["value"] = max(0, v["value"] + rng.choice([-6, -1, 1, 3, 12]))
                elif spec["type"] == "money":
                    v["value"] = f"{Decimal(str(v['value'])) * Decimal(rng.choice(['0.8', '1.1', '1.5'])):.2f}"
        out.append(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--home", help="existing TALENTPOOL_HOME with a demo registry (skips generation)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    parser.add_argument("--policies", type=int, default=40)
    parser.add_argument("--sample", type=int, default=20_000, help="people for the plain-Python baseline")
    parser.add_argument("--explain", type=int, default=200, help="people explained one by one")
    parser.add_argument("--smoke", action="store_true", help="300 talents, 12 policies, 20 explained")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.policies, args.sample, args.explain = 300, 12, 300, 20
        args.home = args.home or seeded_home("tp-bench-eligibility-", demo=True)
    home = Path(args.home or tempfile.mkdtemp(prefix="tp-bench-eligibility-"))
    if not args.home:
        t0 = time.perf_counter()
        _build(home, args.talents)
        print(f"built a {args.talents:,}-talent demo registry in {time.perf_counter() - t0:.0f} s at {home}")
    os.environ["TALENTPOOL_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.dev")
    subprocess.run([sys.executable, "-m", "talentpool", "migrate", "-v", "0"], check=True)
    import django

    django.setup()
    from talentpool.eligibility.selectors import eligibility_explain
    from talentpool.engines.policy import compile_policy, evaluate_registry, parse_documents
    from talentpool.policies.facts import registry_facts
    from talentpool.policies.models import PolicyVersion
    from talentpool.policies.selectors import policy_versions_published, whatif
    from talentpool.policies.services import policy_sync_shipped
    from talentpool.registry.models import Talent

    as_of = args.as_of
    policy_sync_shipped()
    t0 = time.perf_counter()
    facts = registry_facts(as_of=as_of)
    facts_s = time.perf_counter() - t0
    n = facts.num_rows
    print(f"facts: {n:,} talents × {facts.num_columns} facts built in {facts_s:.2f} s (target < 30 s)")

    shipped = policy_versions_published(as_of)
    rng = random.Random(2025)
    docs = list(shipped) + [parse_documents(s)[0] for s in _variants([v.source for v in shipped],
                                                                        args.policies - len(shipped), rng)]
    t0 = time.perf_counter()
    compiled = [compile_policy(d, as_of) for d in docs]
    compile_s = time.perf_counter() - t0
    criteria = sum(len(c.criteria) for c in compiled)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        evaluate_registry(compiled, facts)
        times.append(time.perf_counter() - t0)
    eval_s = statistics.median(times)
    rate = n * len(compiled) / eval_s
    print(f"evaluate_registry: {len(compiled)} policies ({len(shipped)} shipped in force + variants, "
          f"{criteria} criteria) × {n:,} talents in {eval_s:.2f} s (median of 3; compile {compile_s * 1000:.0f} ms)")
    print(f"  {rate / 1e6:.1f} M talent-policy checks/s (target ≥ 20 M/s), "
          f"{n * criteria / eval_s / 1e6:.1f} M criterion checks/s")

    living = next(c for c in compiled if c.version.code == "hz-graduate-living")
    single = []
    for _ in range(3):
        t0 = time.perf_counter()
        engine_living = evaluate_registry([living], facts)["hz-graduate-living"]
        single.append(time.perf_counter() - t0)
    living_rate = n / statistics.median(single)
    params = {name: p.value_on(as_of).value for name, p in living.version.parameters.items()}
    params.update(effective_from=living.version.effective_from, effective_to=living.version.effective_to)
    sample_idx = sorted(rng.sample(range(n), min(args.sample, n)))
    rows = facts.take(sample_idx).to_pylist()
    t0 = time.perf_counter()
    results = [living_python(r, as_of, params) for r in rows]
    py_s = time.perf_counter() - t0
    py_rate = len(rows) / py_s
    engine_rows = {r["talent_id"]: r for r in engine_living.select(["talent_id", "verdict", "amount"]).to_pylist()}
    agree = sum(1 for (v, a), r in zip(results, rows, strict=True)
                if v == engine_rows[r["talent_id"]]["verdict"] and (v != "yes" or a == engine_rows[r["talent_id"]]["amount"]))
    print(f"baseline (plain Python, person by person, living subsidy): {len(rows):,} people in {py_s:.2f} s = "
          f"{py_rate / 1e3:.0f} k checks/s; extrapolated to {n:,} × {len(compiled)} policies: "
          f"{n * len(compiled) / py_rate:.0f} s; agrees with the engine on {agree:,}/{len(rows):,}")
    print(f"  ratio: engine {rate / py_rate:.0f}× faster over {len(compiled)} policies (target ≥ 50×); on the living subsidy "
          f"alone {living_rate / py_rate:.0f}× ({living_rate / 1e6:.1f} M/s)")

    ids = list(Talent.objects.order_by("?").values_list("pk", flat=True)[:args.explain])
    talents = {t.pk: t for t in Talent.objects.filter(pk__in=ids)}
    eligibility_explain(talent=talents[ids[0]], code="hz-graduate-living", as_of=as_of)  # warm the caches
    lat = []
    for pk in ids:
        t0 = time.perf_counter()
        eligibility_explain(talent=talents[pk], code="hz-graduate-living", as_of=as_of)
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    print(f"explain (one person, facts from the database): p50 {lat[len(lat) // 2]:.1f} ms, "
          f"p95 {lat[int(len(lat) * 0.95)]:.1f} ms over {len(lat)} people (target < 50 ms)")

    base = (PolicyVersion.objects.filter(policy__code="hz-graduate-living", status="published")
            .order_by("-version").first())  # the latest of its published versions
    t0 = time.perf_counter()
    result = whatif(base=base, parameter_values={"window_months": [{"from": "2019-06-03", "value": 36}]}, as_of=as_of)
    print(f"what-if over all {result['talents']:,} talents (facts included): {time.perf_counter() - t0:.2f} s "
          f"(target < 10 s): +{result['gained']:,} people, budget {result['budget_change']:+,.2f} yuan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:,.0f} MiB (target < 2048 MiB)")
    print("OpenFisca baseline: skipped (openfisca-core is not installed in this environment)")


if __name__ == "__main__":
    main()
