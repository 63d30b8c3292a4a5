"""Peak memory and time of reading hostile workbooks: calamine as the import used it before (the whole sheet laid
out, ``to_python(skip_empty_area=False)``) against ``read_table`` now (checks first, then a confined child).

    .venv/bin/python bench/hostile_files.py [--smoke]

Each file is written by ``tests/factories/workbooks.py`` and read in a fresh process; its peak is the largest
resident set of that process and its children (``ru_maxrss``). A process that aborts shows its signal. The
"before" column for .xls and .ods is what accepting them without the checks would cost (the import refused them). ``--smoke``: the first file only (its
"before" dies at once; proof the bench works).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from factories.workbooks import (  # noqa: E402
    ods_bytes,
    ods_cell,
    ods_row,
    shared_strings_bomb,
    xls_bytes,
    xlsx_bytes,
)

HEAD = {"A1": "姓名", "B1": "证件号码", "A2": "张三", "B2": "x"}
XLS_HEAD = [(0, 0, "姓名"), (0, 1, "证件号码"), (1, 0, "张三"), (1, 1, "x")]
ODS_HEAD = [ods_row(["姓名", "证件号码"]), ods_row(["张三", "x"])]
FILES = {
    "xlsx, one value at XFD1048576": ("far.xlsx", lambda: xlsx_bytes({**HEAD, "XFD1048576": "z"})),
    "xlsx, one value at Z300000": ("z.xlsx", lambda: xlsx_bytes({**HEAD, "Z300000": "z"})),
    "xlsx, shared strings unpacking to 1 GiB": (
        "sst.xlsx", lambda: xlsx_bytes(HEAD, shared=shared_strings_bomb(1 << 30, checksum=True))),
    "xls, one value at IV65536": ("far.xls", lambda: xls_bytes([*XLS_HEAD, (65535, 255, "z")])),
    "ods, 1M declared rows of 20 values": (
        "rows.ods", lambda: ods_bytes([*ODS_HEAD, ods_row([ods_cell("z", repeat=20)], repeat=1_000_000)])),
}

READ = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
t = time.perf_counter()
if sys.argv[2] == "before":
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(sys.argv[1])
    rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    outcome = f"read {len(rows):,} rows"
else:
    from talentpool.engines.tabular import KINDS, FileProblem, read_table
    try:
        outcome = f"read {len(read_table(sys.argv[1], spec=KINDS['talents'], max_bytes=60 << 20).rows):,} rows"
    except FileProblem as exc:
        outcome = "refused: " + exc.reason()[:70]
peak = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - t, "peak_mib": peak / 1024}))
"""


def measure(path: Path, mode: str) -> str:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", READ, str(path), mode], capture_output=True, text=True, env=env)
    if done.returncode:
        return f"died (status {done.returncode}{', SIGABRT' if done.returncode == -6 else ''})"
    r = json.loads(done.stdout)
    return f"{r['peak_mib']:,.0f} MiB, {r['seconds']:.1f} s, {r['outcome']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="the first file only")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tp-hostile-"))
    print("| file (size) | before | after |\n| --- | --- | --- |")
    for label, (name, build) in list(FILES.items())[:1 if args.smoke else None]:
        t0 = time.perf_counter()
        path = tmp / name
        path.write_bytes(build())
        size = path.stat().st_size
        line = f"| {label} ({size / 1024:,.0f} KB) | {measure(path, 'before')} | {measure(path, 'after')} |"
        print(line, f"<!-- {time.perf_counter() - t0:.0f} s -->", flush=True)


if __name__ == "__main__":
    main()
