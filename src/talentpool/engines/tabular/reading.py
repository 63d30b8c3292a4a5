"""Reading an uploaded file into a header and data rows, or refusing it with a ``FileProblem``.

Workbooks (.xlsx, legacy .xls, .ods) are read with python-calamine, which returns cached values only; formulas are
found from the file itself. Before calamine sees a workbook its container is checked against ``ReadLimits``
(``ooxml``, ``xls``, ``ods``: sizes, shared strings, the farthest cell of the sheets it will lay out), so a small
file that claims a huge sheet is refused with the cell to delete instead of taking the process down. And the
whole read runs in a child process with a ceiling on its memory and time (``confined``): whatever the checks
miss costs that process, never the web process. CSV may be UTF-8 (with or without BOM) or GB18030 (what Excel in
China saves); the encoding is detected by trying strict UTF-8 first.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from . import confined
from .columns import KINDS, SHEET_KINDS, KindSpec, best_other_kind, map_headers, missing_required
from .limits import DEFAULT_LIMITS, Extent, ReadLimits, check_extents, damaged, not_a_spreadsheet, size_text
from .messages import FileProblem
from .messages import gettext_noop as _
from .normalise import cell_text
from .ods import is_ods, scan_content
from .ooxml import SheetScan, ZipCheck, check_xlsx, scan_sheet
from .xls import OLE_MAGIC, scan_biff, workbook_stream

HELP_SHEETS = frozenset({"说明", "help", "填写说明"})
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A sheet as read: headers as written, data rows with the row number the spreadsheet shows."""

    format: str                      # "xlsx", "xls", "ods" or "csv"
    sheet: str                       # sheet name, or "" for CSV
    encoding: str                    # CSV encoding, or "" for a workbook
    headers: list[str]
    header_row: int
    mapping: dict[str, int]          # field key -> column index
    rows: list[tuple[int, list[Any]]]
    formula_cells: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (row number, column index)

    def values(self, cells: list[Any]) -> dict[str, Any]:
        """Field key -> raw cell value for one data row."""
        n = len(cells)
        return {key: (cells[i] if i < n else "") for key, i in self.mapping.items()}

    def header_of(self, key: str) -> str:
        return self.headers[self.mapping[key]] if key in self.mapping else key


def read_table(path: str | os.PathLike[str], *, spec: KindSpec, max_bytes: int,
               limits: ReadLimits = DEFAULT_LIMITS, confine: bool = True) -> Table:
    """The file's header and data rows. ``confine`` (the default) reads in a child process under the memory and
    time ceilings of ``limits``; the checks are the same either way."""
    size = os.path.getsize(path)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > max_bytes:
        raise FileProblem(_("The file is %(size)s, over the limit of %(limit)s; split it into smaller files."),
                          size=size_text(size), limit=size_text(max_bytes))
    if confine:
        return confined.read(path, spec=spec, max_bytes=max_bytes, limits=limits)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_ZIP_MAGIC):
        zc = ZipCheck.open(path, limits)
        if zc.has("xl/workbook.xml"):
            return _read_xlsx(zc, spec)
        if is_ods(zc):
            return _read_ods(zc, spec)
        raise not_a_spreadsheet()
    if head.startswith(OLE_MAGIC):
        return _read_xls(path, spec, limits)
    return _read_csv(path, spec, limits)


def _finish(*, fmt: str, sheet: str, encoding: str, rows: Iterator[tuple[int, list[Any]]], spec: KindSpec,
            formula_cells: frozenset[tuple[int, int]] = frozenset()) -> Table:
    numbered = list(rows)
    if not numbered:
        raise FileProblem(_("The file is empty."))
    header_row, header_cells = numbered[0]
    headers = [cell_text(v).strip() for v in header_cells]
    mapping = map_headers(spec, headers)
    missing = missing_required(spec, mapping)
    other = best_other_kind(spec, headers)
    if missing or other is not None:
        if other is not None:
            if fmt != "csv":
                raise FileProblem(
                    _("The sheet %(found)s holds %(found_kind)s, but this is an import of %(kind)s: use the sheet "
                      "%(expected)s or choose the right kind."),
                    found=sheet, found_kind=other, kind=spec.kind, expected=spec.sheet)
            raise FileProblem(_("The columns are those of %(found_kind)s, but this is an import of %(kind)s."),
                              found_kind=other, kind=spec.kind)
        raise FileProblem(_("Required columns are missing: %(columns)s (headers found in row %(row)s: %(headers)s)."),
                          columns=", ".join(f"{c.header} ({c.key})" for c in missing), row=header_row,
                          headers=", ".join(h for h in headers if h) or "-")
    data = numbered[1:]
    if not data:
        raise FileProblem(_("The file has a header row but no data rows."))
    return Table(format=fmt, sheet=sheet, encoding=encoding, headers=headers, header_row=header_row,
                 mapping=mapping, rows=data, formula_cells=formula_cells)


def _filled(rows: Iterable[list[Any]], first_row: int = 1, first_col: int = 0) -> Iterator[tuple[int, list[Any]]]:
    """Rows with something in them, numbered as the spreadsheet shows them, without trailing empty cells and with
    the columns before ``first_col`` put back (column indexes stay those of the sheet)."""
    pad = [""] * first_col
    for i, cells in enumerate(rows):
        if cells.count("") == len(cells) or not any(cell_text(v).strip() for v in cells):
            continue
        while cells and cells[-1] == "":
            cells.pop()
        yield first_row + i, (pad + cells if first_col else cells)


# --- workbooks --------------------------------------------------------------------------------------------------

@contextmanager
def _workbook(path: str | os.PathLike[str]) -> Iterator[CalamineWorkbook]:
    try:
        wb = CalamineWorkbook.from_path(os.fspath(path))
    except CalamineError as exc:
        raise FileProblem(_("The workbook cannot be read: %(error)s"), error=str(exc)[:200]) from None
    try:
        yield wb
    finally:
        wb.close()


def _choose_sheet(wb: CalamineWorkbook, spec: KindSpec) -> str:
    if spec.sheet in wb.sheet_names:
        return spec.sheet
    visible = [m.name for m in wb.sheets_metadata
               if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith("Visible")]
    candidates = [n for n in visible or list(wb.sheet_names) if n.strip().lower() not in HELP_SHEETS]
    if not candidates:
        raise FileProblem(_("The workbook has no sheet with data."))
    sheet = candidates[0]
    other = SHEET_KINDS.get(sheet.strip())
    if other is not None and other != spec.kind:
        raise FileProblem(
            _("The sheet %(found)s holds %(found_kind)s, but this is an import of %(kind)s: use the sheet "
              "%(expected)s or choose the right kind."),
            found=sheet, found_kind=other, kind=spec.kind, expected=spec.sheet)
    return sheet


def _sheet_rows(wb: CalamineWorkbook, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        data = wb.get_sheet_by_name(sheet)
        start = data.start
        rows = data.to_python()
    except CalamineError as exc:
        raise FileProblem(_("The workbook cannot be read: %(error)s"), error=str(exc)[:200]) from None
    first_row, first_col = start if start is not None else (0, 0)
    return _filled(rows, first_row + 1, first_col)


def _read_xlsx(zc: ZipCheck, spec: KindSpec) -> Table:
    check_xlsx(zc)
    with _workbook(zc.path) as wb:
        sheet = _choose_sheet(wb, spec)
        scans = [scan_sheet(zc, member, sheet) for member in _sheet_members(zc, sheet)]
        if not scans:
            raise damaged(f"the part of the sheet {sheet} is missing")
        scan = SheetScan(Extent(sheet, max(s.extent.rows for s in scans), max(s.extent.columns for s in scans),
                                max(s.extent.cells for s in scans)),
                         frozenset().union(*(s.formula_cells for s in scans)))
        check_extents([scan.extent], zc.limits)
        rows = _sheet_rows(wb, sheet)
        return _finish(fmt="xlsx", sheet=sheet, encoding="", rows=rows, spec=spec, formula_cells=scan.formula_cells)


def _read_xls(path: str | os.PathLike[str], spec: KindSpec, limits: ReadLimits) -> Table:
    with open(path, "rb") as fh:
        scan = scan_biff(workbook_stream(fh.read()), limits)
    check_extents(scan.extents, limits)
    with _workbook(path) as wb:
        sheet = _choose_sheet(wb, spec)
        rows = _sheet_rows(wb, sheet)
        return _finish(fmt="xls", sheet=sheet, encoding="", rows=rows, spec=spec,
                       formula_cells=scan.formula_cells.get(sheet, frozenset()))


def _read_ods(zc: ZipCheck, spec: KindSpec) -> Table:
    scan = scan_content(zc, zc.limits)
    check_extents(scan.extents, zc.limits)
    with _workbook(zc.path) as wb:
        sheet = _choose_sheet(wb, spec)
        rows = _sheet_rows(wb, sheet)
        return _finish(fmt="ods", sheet=sheet, encoding="", rows=rows, spec=spec,
                       formula_cells=scan.formula_cells(sheet, zc.limits))


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _sheet_members(zc: ZipCheck, sheet: str) -> list[str]:
    """Every part the sheet's relationship may name, however a reader resolves it (all are scanned)."""
    workbook = ElementTree.fromstring(zc.read("xl/workbook.xml"))
    rids = {el.get(f"{{{_NS['r']}}}id") for el in workbook.iter(f"{{{_NS['m']}}}sheet") if el.get("name") == sheet}
    rels_part = "xl/_rels/workbook.xml.rels"
    if not zc.has(rels_part):
        return []
    targets = [el.get("Target", "") for el in ElementTree.fromstring(zc.read(rels_part)).iter(f"{{{_NS['p']}}}Relationship")
               if el.get("Id") in rids]
    names = set()
    for target in targets:
        names |= {target.lstrip("/"), f"xl/{target}", posixpath.normpath(posixpath.join("xl", target)),
                  posixpath.normpath(target.lstrip("/"))}
    return sorted(n for n in names if zc.has(n))


# --- CSV --------------------------------------------------------------------------------------------------------

def _read_csv(path: str | os.PathLike[str], spec: KindSpec, limits: ReadLimits) -> Table:
    with open(path, "rb") as fh:
        raw = fh.read()
    if b"\x00" in raw[:65536]:
        raise not_a_spreadsheet()
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    text = encoding = None
    for candidate in candidates:
        try:
            text, encoding = raw.decode(candidate), candidate
            break
        except UnicodeDecodeError:
            continue
    del raw
    if text is None or encoding is None or _CONTROL.search(text[:65536]):
        raise FileProblem(_("The file is neither an XLSX, XLS or ODS workbook nor a CSV file (or its text encoding "
                            "is not UTF-8 or GB18030)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    rows = _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits)
    return _finish(fmt="csv", sheet="", encoding=encoding, rows=_filled(rows), spec=spec)


def _csv_rows(reader: Any, limits: ReadLimits) -> Iterator[list[str]]:
    cells = 0
    try:
        for cells_of_row in reader:
            n = len(cells_of_row)
            cells += n
            if n > limits.max_columns or cells > limits.max_cells:
                raise FileProblem(
                    _("Row %(row)s of the CSV file brings it to %(cells)s cells in %(columns)s columns, over the "
                      "limit of %(limit)s cells or %(max_columns)s columns; split the file."),
                    row=reader.line_num, cells=f"{cells:,}", columns=f"{n:,}", limit=f"{limits.max_cells:,}",
                    max_columns=f"{limits.max_columns:,}")
            yield cells_of_row
    except csv.Error as exc:
        raise FileProblem(_("The CSV file cannot be read at line %(row)s: %(error)s"),
                          row=reader.line_num, error=str(exc)[:200]) from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spec_for(kind: str) -> KindSpec:
    return KINDS[kind]
