"""Files made to exhaust the reader: each is read in a subprocess under a 1 GiB address-space ceiling, both by the
checks alone (``confine=False``) and by the public path (a confined child), and must end with a clear error or a
correct read, never a crash. Before the checks, the far cells and the declared counts aborted the process
(SIGABRT: calamine asked for ~512 GiB, or reserved 4 billion strings), and the shared strings took 1 GiB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from factories.workbooks import (
    ods_bytes,
    ods_cell,
    ods_row,
    shared_strings,
    shared_strings_bomb,
    xls_bytes,
    xlsx_bytes,
)

from talentpool.engines.tabular import KINDS, FileProblem, ReadLimits, read_table

SRC = Path(__file__).resolve().parents[3] / "src"
CEILING = 1 << 30
HEAD = {"A1": "姓名", "B1": "证件号码", "A2": "张三", "B2": "x"}
XLS_HEAD = [(0, 0, "姓名"), (0, 1, "证件号码"), (1, 0, "张三"), (1, 1, "x")]
ODS_HEAD = [ods_row(["姓名", "证件号码"]), ods_row(["张三", "x"])]
GiB, MiB = 1 << 30, 1 << 20

READER = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))
    from talentpool.engines.tabular import KINDS, FileProblem, read_table
    out = []
    for confine in (False, True):
        try:
            table = read_table(sys.argv[1], spec=KINDS["talents"], max_bytes=60 << 20, confine=confine)
            out.append({{"rows": [r for r, _ in table.rows]}})
        except FileProblem as exc:
            out.append({{"problem": exc.reason()}})
    print(json.dumps(out))
""")

HOSTILE = {
    # what the file is: (file name, its bytes, what the reader must say: a phrase of the refusal, or the rows read)
    "far cell XFD1048576": ("far.xlsx", lambda: xlsx_bytes({**HEAD, "XFD1048576": "z"}), "cell XFD1048576"),
    "cell at Z300000, read sparsely": ("z.xlsx", lambda: xlsx_bytes({**HEAD, "Z300000": "z"}), [2, 300000]),
    "declared dimension A1:XFD1048576": ("dim.xlsx", lambda: xlsx_bytes(HEAD, dimension="A1:XFD1048576"), [2]),
    "shared strings unpacking to 1 GiB": (
        "sst.xlsx", lambda: xlsx_bytes(HEAD, shared=shared_strings_bomb(GiB)), "sharedStrings.xml"),
    "shared strings declaring 1 KB, unpacking to 300 MiB": (
        "sst-lie.xlsx", lambda: xlsx_bytes(HEAD, shared=shared_strings_bomb(300 * MiB, declare=1000)),
        "sharedStrings.xml"),
    "uniqueCount of 4,294,967,295": (
        "unique.xlsx", lambda: xlsx_bytes(HEAD, shared=shared_strings(["a"], unique_count=4294967295)),
        "4,294,967,295 different texts"),
    ".xls with a value at IV65536": (
        "far.xls", lambda: xls_bytes([*XLS_HEAD, (65535, 255, "z")]), "cell IV65536"),
    ".xls declaring 2,147,483,647 shared strings": (
        "sst.xls", lambda: xls_bytes(XLS_HEAD, sst_unique=0x7FFFFFFF), "2,147,483,647 different texts"),
    ".ods with 1M declared rows of 20 values": (
        "rows.ods", lambda: ods_bytes([*ODS_HEAD, ods_row([ods_cell("z", repeat=20)], repeat=1_000_000)]),
        "cell T1000002"),
    ".ods with 1M trailing empty rows": (
        "empty.ods", lambda: ods_bytes([*ODS_HEAD, ods_row([ods_cell(None, repeat=50)], repeat=1_048_000)]), [2]),
    ".ods with 1M empty rows before a value": (
        "gap.ods", lambda: ods_bytes([*ODS_HEAD, ods_row([ods_cell(None)], repeat=1_000_000), ods_row(["z"])]),
        [2, 1000003]),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_ends_with_a_clear_error_under_a_memory_ceiling(tmp_path, case):
    name, build, expected = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(build())
    assert path.stat().st_size < 4 * MiB
    done = subprocess.run([sys.executable, "-c", READER.format(ceiling=CEILING), str(path)],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert done.returncode == 0, done.stderr[-2000:]
    unconfined, confined = json.loads(done.stdout)
    for outcome in (unconfined, confined):
        if isinstance(expected, str):
            assert expected in outcome.get("problem", ""), outcome
        else:
            assert outcome == {"rows": expected}


def test_what_the_checks_miss_costs_the_child_not_the_caller(tmp_path):
    """With the cell limit lifted the far cell reaches calamine, which aborts: in the child, under its ceiling."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx_bytes({**HEAD, "XFD1048576": "z"}))
    lifted = ReadLimits(max_cells=1 << 62, max_rows=1 << 62, max_columns=1 << 62, memory_bytes=768 * MiB)
    with pytest.raises(FileProblem) as exc:
        read_table(path, spec=KINDS["talents"], max_bytes=1 << 20, limits=lifted)
    assert "needed more than 768.0 MB of memory" in exc.value.reason()


def test_a_read_that_takes_too_long_is_stopped(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes(HEAD))
    with pytest.raises(FileProblem) as exc:
        read_table(path, spec=KINDS["talents"], max_bytes=1 << 20, limits=ReadLimits(wall_seconds=0))
    assert "took longer than 0 seconds" in exc.value.reason()
