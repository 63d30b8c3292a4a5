"""Two mechanisms nobody may go around, checked on the source:

- every CSV or XLSX cell is written by ``engines/tabular/writing.py`` (which neutralises formulas): no other module
  of ``src/`` or ``bench/`` uses ``csv.writer``, ``csv.DictWriter``, openpyxl's ``Workbook``/cells or a dataframe's
  CSV/Excel writer;
- every file download is made by ``core/downloads.py`` (attachment, ``Cache-Control: no-store``): no other module
  sets ``Content-Disposition``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "talentpool"
WRITER = PACKAGE / "engines" / "tabular" / "writing.py"
DOWNLOADS = PACKAGE / "core" / "downloads.py"
# reference/build_data.py writes the shipped reference tables (data/*.csv) that the loader reads back byte for
# byte: machine data kept in the repository, not a file the platform hands a person.
DATA_FILES = {PACKAGE / "reference" / "build_data.py"}

CSV_WRITERS = {"writer", "DictWriter"}
OPENPYXL_WRITING = {"Workbook", "WriteOnlyCell", "Cell"}
FRAME_WRITERS = {"to_csv", "to_excel", "write_csv", "write_excel"}


def _sources() -> list[Path]:
    return sorted([*PACKAGE.rglob("*.py"), *(ROOT / "bench").rglob("*.py")])


def _writes_tables(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == "csv" and names & CSV_WRITERS:
                found.append(f"line {node.lineno}: from csv import {sorted(names & CSV_WRITERS)}")
            if node.module.startswith("openpyxl") and (names & OPENPYXL_WRITING or "writer" in node.module):
                found.append(f"line {node.lineno}: from {node.module} import {sorted(names)}")
            if node.module.startswith("xlsxwriter"):
                found.append(f"line {node.lineno}: xlsxwriter")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith("xlsxwriter")]
        elif isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            if (owner, node.attr) in {("csv", n) for n in CSV_WRITERS} | {("openpyxl", n) for n in OPENPYXL_WRITING}:
                found.append(f"line {node.lineno}: {owner}.{node.attr}")
            elif node.attr in FRAME_WRITERS:
                found.append(f"line {node.lineno}: .{node.attr}(...)")
    return found


def test_only_the_shared_writer_writes_csv_or_xlsx():
    offenders = {}
    for path in _sources():
        if path == WRITER or path in DATA_FILES:
            continue
        found = _writes_tables(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}, "write CSV/XLSX through talentpool.engines.tabular.writing"


def test_the_scan_sees_a_direct_writer():
    """The check above would catch today's kinds of bypass (so an empty result means something)."""
    for source in ("import csv\nw = csv.writer(out)", "from openpyxl import Workbook",
                   "import openpyxl\nwb = openpyxl.Workbook()", "df.write_csv('x.csv')",
                   "from openpyxl.cell import WriteOnlyCell"):
        assert _writes_tables(ast.parse(source)), source
    assert _writes_tables(ast.parse("from openpyxl import load_workbook\nimport csv\ncsv.reader(f)")) == []
    assert _writes_tables(ast.parse(WRITER.read_text(encoding="utf-8")))


def test_only_the_download_helper_sets_content_disposition():
    offenders = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                 if p != DOWNLOADS and "content-disposition" in p.read_text(encoding="utf-8").lower()]
    assert offenders == [], "serve files with talentpool.core.downloads.file_response (no-store)"
    assert "no-store" in DOWNLOADS.read_text(encoding="utf-8")
