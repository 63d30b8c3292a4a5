"""Bulk import of a talents XLSX, end to end, against a bare openpyxl read of the same file.

    .venv/bin/python bench/import_talents.py [--rows 100000] [--repeat 3] [--chunk 2000] [--smoke]

Generates a talents workbook (with the platform's own XLSX writer) with valid, distinct resident IDs consistent
with birth date and gender, then measures in the same run:

- baseline: iterating every cell of the file with openpyxl (read-only mode), nothing else;
- import: ``import_job_create`` + ``import_job_run`` (read with calamine, validate every row, encrypt and hash the
  ID numbers, upsert in chunks with history) on a fresh, migrated SQLite database with the reference data loaded.

Each import repetition runs in its own process on its own fresh database; its peak memory is that process's
``ru_maxrss``. Prints rows/s for both, the ratio, the median of the repetitions and the peak memory.
Target (issue 2): at least 5,000 rows/s end to end and under 1 GiB. ``--smoke``: 300 rows, one repetition
(proof the bench works; bench/_smoke.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _smoke import seeded_home

HEADERS = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号", "邮箱", "户籍地", "居住地", "来区日期", "人才层次"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def generate(path: Path, rows: int) -> None:
    from stdnum.cn import ric

    from talentpool.engines.tabular.writing import Sheet, write_xlsx

    def records():
        start = date(1965, 1, 1)
        for i in range(rows):
            birth = start + timedelta(days=i // 400)
            seq = 100 + i % 400 * 2 + (i // 400) % 2  # distinct within a birth date; parity gives the gender
            body = f"330106{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            gender = "男" if seq % 2 else "女"
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]
            yield [name, "居民身份证", number, gender, birth, f"13{i % 10}{i:08d}"[:11], f"u{i}@example.com",
                   "330106", "330106" if i % 3 else "330110", date(2023, 7, 1) + timedelta(days=i % 365),
                   "ABCDE"[i % 5] if i % 4 == 0 else ""]

    with path.open("wb") as out:
        write_xlsx(out, [Sheet("人才", HEADERS, records(), bold_headers=False)])


def baseline(path: Path) -> float:
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    wb = load_workbook(path, read_only=True)
    n = 0
    for row in wb["人才"].iter_rows(values_only=True):
        n += len(row)
    wb.close()
    return time.perf_counter() - t0


def worker(path: Path, home: Path, chunk: int) -> None:
    """One import on a fresh database (runs in a child process; a smoke run's home is prepared already)."""
    prepared = (home / "talentpool.sqlite3").exists()
    os.environ["TALENTPOOL_HOME"] = str(home)
    os.environ["TALENTPOOL_IMPORT_CHUNK_ROWS"] = str(chunk)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    if not prepared:
        call_command("migrate", verbosity=0)
        from talentpool.reference.services import reference_load

        reference_load()
    from talentpool.registry.importing import import_job_create_from_path, import_job_run

    t0 = time.perf_counter()
    job = import_job_create_from_path(actor=None, kind="talents", path=path)
    job = import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - t0
    peak = max(resource.getrusage(who).ru_maxrss  # Linux reports KiB; the file is read in a child process
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) * 1024
    print(json.dumps({"seconds": seconds, "summary": job.summary_line, "status": job.status, "peak": peak}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--worker", nargs=2, metavar=("FILE", "HOME"), help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="300 rows, one repetition")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 300, 1
    if args.worker:
        worker(Path(args.worker[0]), Path(args.worker[1]), args.chunk)
        return
    tmp = Path(tempfile.mkdtemp(prefix="tp-bench-import-"))
    path = tmp / f"talents-{args.rows}.xlsx"
    t0 = time.perf_counter()
    generate(path, args.rows)
    print(f"generated {args.rows:,} rows ({path.stat().st_size / 1048576:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    base_times, import_times, peaks = [], [], []
    for i in range(args.repeat):
        base_times.append(baseline(path))
        home = tmp / f"home{i}"
        if args.smoke:
            seeded_home(into=home)
        out = subprocess.run([sys.executable, __file__, "--chunk", str(args.chunk), "--worker", str(path), str(home)],
                             check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        import_times.append(result["seconds"])
        peaks.append(result["peak"])
        print(f"run {i + 1}: openpyxl read {base_times[-1]:.2f} s · import {result['seconds']:.2f} s "
              f"({result['summary']}) · peak {result['peak'] / 1048576:.0f} MiB")
    base, imp = statistics.median(base_times), statistics.median(import_times)
    print(f"baseline openpyxl read-only read: {args.rows / base:,.0f} rows/s (median of {len(base_times)})")
    print(f"full import (read, validate, upsert): {args.rows / imp:,.0f} rows/s (median of {len(import_times)})")
    print(f"ratio import/baseline throughput: {base / imp:.2f}")
    print(f"peak memory of the import process: {max(peaks) / 1048576:.0f} MiB (target < 1024 MiB)")
    ok = args.rows / imp >= 5000 and max(peaks) < 1 << 30
    print("target met" if ok else "TARGET MISSED")


if __name__ == "__main__":
    main()
