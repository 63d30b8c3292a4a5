"""Matching engine at district scale: build, both query directions, updates, persistence, memory, baselines.

    .venv/bin/python bench/matching.py [--talents 400000] [--jobs 50000] [--queries 200] [--workers 2] [--smoke]

Generates talents and open jobs (``engines.matching.synthetic``, fixed seed), builds a ``MatchIndex`` and times:

- the build of the whole index (tokenizing included; target < 5 min);
- top-20 talents for a job (target p95 < 50 ms) and top-20 jobs for a talent (target p95 < 30 ms), by id, over
  random queries, constraints applied and every explanation turned into JSON;
- the same with a document instead of an id (its text tokenized in the query), upserts and the query after them,
  compaction, save, and a cold load in a fresh process (import + load + first query);
- peak memory (ru_maxrss; target < 4 GiB; worker processes reported apart).

Baselines in the same run, on the same texts and tokens: rank-bm25 (BM25Okapi) over a 20,000-profile subset, and a
SQL LIKE search (stdlib sqlite3, in-memory) over all profiles with a job's five strongest keywords OR-ed. Ratios are
printed against the engine's p95. The machine's load average is printed too: other processes slow every figure.
``--smoke``: 1,000 talents, 200 jobs, 20 queries, one tokenizing process (proof the bench works).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _fmt(values_ms: list[float]) -> str:
    return (
        f"p50 {_pct(values_ms, 0.5):.1f} ms, p95 {_pct(values_ms, 0.95):.1f} ms, max {max(values_ms):.1f} ms"
    )


def _timed(fn, items) -> tuple[list[float], list]:
    lat, out = [], []
    for item in items:
        t0 = time.perf_counter()
        res = fn(item)
        lat.append((time.perf_counter() - t0) * 1000)
        out.append(res)
    return lat, out


def _rss_mib() -> tuple[float, float]:
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="tokenizing processes for the build")
    parser.add_argument("--subset", type=int, default=20_000, help="profiles for the rank-bm25 baseline")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--smoke", action="store_true", help="1,000 talents, 200 jobs, 20 queries")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.jobs, args.queries, args.workers, args.subset = 1000, 200, 20, 1, 500

    from talentpool.engines.matching import (
        MatchIndex,
        clean_text,
        generate_jobs,
        generate_talents,
        get_tokenizer,
        load_taxonomies,
    )

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    tax = load_taxonomies()
    t0 = time.perf_counter()
    tokenizer = get_tokenizer()
    print(
        f"tokenizer (jieba + {tokenizer.vocabulary_size:,} domain words) built in {time.perf_counter() - t0:.2f} s"
    )
    t0 = time.perf_counter()
    talents = generate_talents(args.talents, args.seed, tax)
    jobs = generate_jobs(args.jobs, args.seed, tax, open_share=1.0)
    chars = sum(len(t.text) for t in talents) + sum(len(j.text) + len(j.title) for j in jobs)
    print(
        f"generated {len(talents):,} talents and {len(jobs):,} open jobs ({chars / 1e6:.1f} M characters) "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    cpu0, kids0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    index = MatchIndex.build(talents, jobs, workers=args.workers)
    build_s = time.perf_counter() - t0
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = time.process_time() - cpu0 + (kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime)
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in index.build_timings.items())
    print(
        f"build: {build_s:.1f} s with {args.workers} tokenizing processes (target < 300 s); "
        f"{chars / build_s / 1e3:.0f} k chars/s; {cpu_s:.0f} CPU-seconds in all "
        f"(≈ {cpu_s / max(args.workers, 1):.0f} s on {args.workers} idle cores)"
    )
    print(f"  phases: {phases}")
    print(f"  memory after build: {_rss_mib()[0]:,.0f} MiB")

    rng = random.Random(args.seed)
    job_ids = [rng.randint(1, args.jobs) for _ in range(args.queries)]
    talent_ids = [rng.randint(1, args.talents) for _ in range(args.queries)]

    def t4j(job_id):
        return json.dumps([m.to_dict() for m in index.talents_for_job(job_id, k=20)], ensure_ascii=False)

    def j4t(talent_id):
        return json.dumps([m.to_dict() for m in index.jobs_for_talent(talent_id, k=20)], ensure_ascii=False)

    t4j(job_ids[0])
    j4t(talent_ids[0])
    lat_t4j, res = _timed(t4j, job_ids)
    found = statistics.mean(len(json.loads(r)) for r in res)
    print(
        f"talents for a job (top 20 of {args.talents:,}, by id, constraints + explanations as JSON): "
        f"{_fmt(lat_t4j)} (target p95 < 50 ms); {found:.1f} results on average"
    )
    lat_j4t, res = _timed(j4t, talent_ids)
    found = statistics.mean(len(json.loads(r)) for r in res)
    print(
        f"jobs for a talent (top 20 of {args.jobs:,}): {_fmt(lat_j4t)} (target p95 < 30 ms); "
        f"{found:.1f} results on average"
    )
    lat_near, _ = _timed(lambda j: index.talents_for_job(j, k=20, near_misses=10), job_ids[:50])
    print(f"talents for a job with 10 near misses: {_fmt(lat_near)}")
    lat_bm25, _ = _timed(lambda j: index.talents_for_job(j, k=20, ranking="bm25"), job_ids)
    print(f"plain BM25 ranking in the engine (no constraints, no codes): {_fmt(lat_bm25)}")

    by_id_jobs = {j.id: j for j in jobs}
    by_id_talents = {t.id: t for t in talents}
    lat_doc_t4j, _ = _timed(lambda j: index.talents_for_job(by_id_jobs[j], k=20), job_ids[:100])
    lat_doc_j4t, _ = _timed(lambda t: index.jobs_for_talent(by_id_talents[t], k=20), talent_ids[:100])
    print(
        f"with a document instead of an id (tokenized in the query): talents for a job {_fmt(lat_doc_t4j)}; "
        f"jobs for a talent {_fmt(lat_doc_j4t)}"
    )

    # --- updates --------------------------------------------------------------------------------------------------
    new_jobs = generate_jobs(200, args.seed + 1, tax, first_id=args.jobs + 1, open_share=1.0)
    lat_up, _ = _timed(index.upsert_job, new_jobs)
    changed = [by_id_talents[i] for i in talent_ids[:200]]
    lat_up_t, _ = _timed(index.upsert_talent, changed)
    lat_after, _ = _timed(lambda j: index.talents_for_job(j, k=20), job_ids[:50])
    print(
        f"upsert: job {_fmt(lat_up)}; talent {_fmt(lat_up_t)}; talents for a job with "
        f"{index.pending_count} pending: {_fmt(lat_after)}"
    )
    t0 = time.perf_counter()
    index.compact()
    print(
        f"compact (rebuild both main segments from arrays, no re-tokenizing): {time.perf_counter() - t0:.1f} s"
    )

    # --- persistence ------------------------------------------------------------------------------------------------
    with tempfile.TemporaryDirectory(prefix="tp-bench-matching-") as tmp:
        path = Path(tmp) / "index"
        t0 = time.perf_counter()
        index.save(path)
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        print(f"save: {time.perf_counter() - t0:.1f} s, {size / 2**20:,.0f} MiB on disk")
        code = (
            "import time, sys; t0 = time.perf_counter(); "
            "from talentpool.engines.matching import MatchIndex, generate_jobs, load_taxonomies; "
            "i = MatchIndex.load(sys.argv[1], mmap=sys.argv[2] == '1'); t1 = time.perf_counter(); "
            "i.talents_for_job(int(sys.argv[3]), k=20); t2 = time.perf_counter(); "
            "i.jobs_for_talent(int(sys.argv[4]), k=20); t3 = time.perf_counter(); "
            "doc = generate_jobs(1, 5, load_taxonomies())[0]; t4 = time.perf_counter(); "
            "i.talents_for_job(doc, k=20); t5 = time.perf_counter(); "
            "print(f'{t1 - t0:.2f} {t2 - t1:.3f} {t3 - t2:.3f} {t5 - t4:.3f}')"
        )
        for mmap in ("0", "1"):
            out = subprocess.run(
                [sys.executable, "-c", code, str(path), mmap, str(job_ids[1]), str(talent_ids[1])],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            print(
                f"cold start in a new process (import + load{' with mmap' if mmap == '1' else ''}): "
                f"{float(out[0]):.2f} s; first talents-for-job {float(out[1]) * 1000:.0f} ms, "
                f"first jobs-for-talent {float(out[2]) * 1000:.0f} ms, first query with a document "
                f"(builds the tokenizer) {float(out[3]) * 1000:.0f} ms"
            )
        reloaded = MatchIndex.load(path)
        same = all(
            [m.id for m in reloaded.talents_for_job(j, k=20)]
            == [m.id for m in index.talents_for_job(j, k=20)]
            for j in job_ids[:20]
        )
        print(f"reloaded index gives the same top 20 for 20 jobs: {same}")
        del reloaded

    # --- baselines --------------------------------------------------------------------------------------------------
    from rank_bm25 import BM25Okapi

    subset = talents[: args.subset]
    t0 = time.perf_counter()
    corpus = [tokenizer.tokens(clean_text(t.text)) for t in subset]
    okapi = BM25Okapi(corpus)
    print(
        f"rank-bm25 baseline: {len(subset):,} profiles tokenized and indexed in {time.perf_counter() - t0:.1f} s"
    )
    queries = {
        j: tokenizer.tokens(clean_text(by_id_jobs[j].title + "\n" + by_id_jobs[j].text)) for j in job_ids
    }

    def okapi_top(job_id):
        scores = okapi.get_scores(queries[job_id])
        return np.argsort(-scores)[:20]

    lat_okapi, _ = _timed(okapi_top, job_ids)
    p95_engine = _pct(lat_t4j, 0.95)
    p95_okapi = _pct(lat_okapi, 0.95)
    per_doc = (p95_okapi / len(subset)) / (p95_engine / args.talents)
    print(f"  rank-bm25 top 20 of {len(subset):,} (no constraints): {_fmt(lat_okapi)}")
    print(
        f"  ratio: the engine over {args.talents:,} profiles (constraints, codes, reciprocal, explanations) is "
        f"{p95_okapi / p95_engine:.1f}× faster at p95 than rank-bm25 over {len(subset):,}; "
        f"{per_doc:.0f}× per profile searched"
    )

    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE talents (id INTEGER PRIMARY KEY, text TEXT)")
    con.executemany("INSERT INTO talents VALUES (?, ?)", ((t.id, clean_text(t.text)) for t in talents))
    idf = okapi.idf

    def keywords(job_id):
        toks = dict.fromkeys(queries[job_id])
        return sorted(toks, key=lambda t: -idf.get(t, 0.0))[:5]

    def like_top(job_id):
        kws = keywords(job_id)
        hits = " + ".join("(text LIKE ?)" for _ in kws)
        where = " OR ".join("text LIKE ?" for _ in kws)
        params = [f"%{k}%" for k in kws]
        return con.execute(
            f"SELECT id, {hits} AS h FROM talents WHERE {where} ORDER BY h DESC LIMIT 20", params + params
        ).fetchall()

    lat_like, _ = _timed(like_top, job_ids[:50])
    print(
        f"  SQL LIKE over {args.talents:,} profiles (sqlite3 in memory, 5 keywords OR-ed, ranked by keywords "
        f"matched): {_fmt(lat_like)}"
    )
    print(f"  ratio: the engine is {_pct(lat_like, 0.95) / p95_engine:.0f}× faster at p95 than SQL LIKE")
    con.close()

    self_mib, children_mib = _rss_mib()
    print(
        f"peak memory: {self_mib:,.0f} MiB in the benchmark process (target < 4096 MiB; includes the generated "
        f"documents and both baselines); largest worker {children_mib:,.0f} MiB"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
