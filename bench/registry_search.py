"""Registry search latency at district scale.

    .venv/bin/python bench/registry_search.py [--talents 400000] [--home DIR] [--queries 200] [--smoke]

Builds (or reuses, with --home pointing at an existing TALENTPOOL_HOME) a demo registry, then times the officer's
search page end to end (request -> view -> SQL -> rendered HTML) through Django's test client for names, full
names, masked ID numbers as shown on screen and last-four searches. Baseline in the same run: the same name
queries as a substring scan (``name LIKE '%q%'``), which is what a naive search box does. Prints p50/p95 per kind
and the ratio of the baselines's p95 to ours. ``--smoke``: 300 talents, 20 queries per kind (proof the bench works;
bench/_smoke.py).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _smoke import seeded_home


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--home", help="existing TALENTPOOL_HOME with a demo registry (skips generation)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="300 talents, 20 queries per kind")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.queries = 300, 20
        args.home = args.home or seeded_home("tp-bench-search-", demo=True)
    home = Path(args.home or tempfile.mkdtemp(prefix="tp-bench-search-"))
    os.environ["TALENTPOOL_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.dev")
    tp = [sys.executable, "-m", "talentpool"]
    if not args.home:
        t0 = time.perf_counter()
        for cmd in (["migrate", "-v0"], ["reference", "load"], ["demo", "--talents", str(args.talents)]):
            subprocess.run(tp + cmd, check=True, stdout=subprocess.DEVNULL)
        print(f"built a {args.talents:,}-talent registry in {time.perf_counter() - t0:.0f} s at {home}")

    import django

    django.setup()
    from django.db.models import Q
    from django.test import Client

    from talentpool.accounts.models import User
    from talentpool.registry.models import Talent

    officer = User.objects.filter(role="officer").order_by("id").first()
    visible = Talent.objects.filter(district__startswith=officer.scope_prefix)
    total = visible.count()
    rng = random.Random(7)
    ids = list(visible.values_list("id", flat=True))
    sample = list(Talent.objects.filter(id__in=rng.sample(ids, min(len(ids), args.queries))).values("name", "id_masked", "id_tail"))
    client = Client()
    client.force_login(officer)

    def timed(queries: list[str]) -> list[float]:
        out = []
        for q in queries:
            t = time.perf_counter()
            response = client.get("/registry/talents/", {"q": q}, follow=True)  # the query is kept server-side: a redirect
            out.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (q, response.status_code, response.get("Location"))
        return out

    kinds = {
        "full name": [s["name"] for s in sample],
        "surname": [s["name"][0] for s in sample],
        "masked ID": [s["id_masked"] for s in sample],
        "last four": [s["id_tail"] for s in sample],
    }
    timed(kinds["full name"][:10])  # warm caches
    print(f"officer {officer.username} sees {total:,} of {Talent.objects.count():,} talents; {len(sample)} queries per kind")
    results = {}
    for kind, queries in kinds.items():
        ms = timed(queries)
        results[kind] = ms
        print(f"  {kind:10s} p50 {statistics.median(ms):7.1f} ms   p95 {_p95(ms):7.1f} ms")

    baseline = []
    for s in sample[:50]:
        t = time.perf_counter()
        list(visible.filter(Q(name__contains=s["name"][1:])).order_by("name")[:25])
        baseline.append((time.perf_counter() - t) * 1000)
    print(f"  baseline substring scan (query only, no page) p50 {statistics.median(baseline):.1f} ms  p95 {_p95(baseline):.1f} ms")
    ours = max(_p95(results["full name"]), _p95(results["masked ID"]))
    print(f"worst p95 of name / masked-ID search: {ours:.1f} ms (target < 150 ms); baseline p95 / ours = {_p95(baseline) / ours:.1f}x")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


if __name__ == "__main__":
    main()
