"""Reading an uploaded file into a header and data rows, or refusing it with a ``FileProblem``.

XLSX is read with python-calamine, which returns cached values only; formulas are found separately by scanning
the sheet's XML for ``<f>`` elements. CSV may be UTF-8 (with or without BOM) or GB18030 (what Excel in China
saves); the encoding is detected by trying strict UTF-8 first.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from .columns import KINDS, SHEET_KINDS, KindSpec, best_other_kind, map_headers, missing_required
from .messages import FileProblem
from .messages import gettext_noop as _
from .normalise import cell_text

HELP_SHEETS = frozenset({"说明", "help", "填写说明"})
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Table:
    """A sheet as read: headers as written, data rows with the row number the spreadsheet shows."""

    format: str                      # "xlsx" or "csv"
    sheet: str                       # sheet name, or "" for CSV
    encoding: str                    # CSV encoding, or "" for XLSX
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


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def read_table(path: str | os.PathLike[str], *, spec: KindSpec, max_bytes: int) -> Table:
    size = os.path.getsize(path)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > max_bytes:
        raise FileProblem(_("The file is %(size)s, over the limit of %(limit)s; split it into smaller files."),
                          size=_size_text(size), limit=_size_text(max_bytes))
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_XLSX_MAGIC):
        return _read_xlsx(path, spec)
    if head.startswith(_OLE_MAGIC):
        raise FileProblem(_("This is an old-style .xls (or a password-protected) workbook; save it as .xlsx without a password."))
    return _read_csv(path, spec)


def _finish(*, fmt: str, sheet: str, encoding: str, rows: list[list[Any]], spec: KindSpec,
            formula_cells: frozenset[tuple[int, int]] = frozenset()) -> Table:
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(cell_text(v).strip() for v in r)]
    if not numbered:
        raise FileProblem(_("The file is empty."))
    header_row, header_cells = numbered[0]
    headers = [cell_text(v).strip() for v in header_cells]
    mapping = map_headers(spec, headers)
    missing = missing_required(spec, mapping)
    other = best_other_kind(spec, headers)
    if missing or other is not None:
        if other is not None:
            if fmt == "xlsx":
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


# --- XLSX -------------------------------------------------------------------------------------------------------

def _read_xlsx(path: str | os.PathLike[str], spec: KindSpec) -> Table:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise FileProblem(_("The file is neither an XLSX workbook nor a CSV file.")) from None
    if "xl/workbook.xml" not in names:
        raise FileProblem(_("The file is neither an XLSX workbook nor a CSV file."))
    try:
        wb = CalamineWorkbook.from_path(os.fspath(path))
    except CalamineError as exc:
        raise FileProblem(_("The workbook cannot be read: %(error)s"), error=str(exc)[:200]) from None
    try:
        visible = [m.name for m in wb.sheets_metadata
                   if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith("Visible")]
        visible = visible or list(wb.sheet_names)
        if spec.sheet in wb.sheet_names:
            sheet = spec.sheet
        else:
            candidates = [n for n in visible if n.strip().lower() not in HELP_SHEETS]
            if not candidates:
                raise FileProblem(_("The workbook has no sheet with data."))
            sheet = candidates[0]
            other = SHEET_KINDS.get(sheet.strip())
            if other is not None and other != spec.kind:
                raise FileProblem(
                    _("The sheet %(found)s holds %(found_kind)s, but this is an import of %(kind)s: use the sheet "
                      "%(expected)s or choose the right kind."),
                    found=sheet, found_kind=other, kind=spec.kind, expected=spec.sheet)
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        wb.close()
    return _finish(fmt="xlsx", sheet=sheet, encoding="", rows=rows, spec=spec,
                   formula_cells=formula_cells(path, sheet))


def _sheet_xml_path(zf: zipfile.ZipFile, sheet: str) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rid = None
    for el in workbook.iter(f"{{{ns['m']}}}sheet"):
        if el.get("name") == sheet:
            rid = el.get(f"{{{ns['r']}}}id")
    if rid is None or "xl/_rels/workbook.xml.rels" not in zf.namelist():
        return None
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for el in rels.iter(f"{{{ns['p']}}}Relationship"):
        if el.get("Id") == rid:
            target = el.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def formula_cells(path: str | os.PathLike[str], sheet: str) -> frozenset[tuple[int, int]]:
    """(row number, column index) of every cell of ``sheet`` that holds a formula. A quick byte scan first;
    the XML is parsed only when a formula element appears at all."""
    with zipfile.ZipFile(path) as zf:
        member = _sheet_xml_path(zf, sheet)
        if member is None or member not in zf.namelist():
            return frozenset()
        found = False
        with zf.open(member) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                if _FORMULA.search(tail + chunk):
                    found = True
                    break
                tail = chunk[-16:]
        if not found:
            return frozenset()
        cells: set[tuple[int, int]] = set()
        with zf.open(member) as fh:
            for _event, el in ElementTree.iterparse(fh, events=("end",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    if any(child.tag.rsplit("}", 1)[-1] == "f" for child in el):
                        m = _CELL_REF.match(el.get("r", ""))
                        if m:
                            cells.add((int(m.group(2)), _column_index(m.group(1))))
                    el.clear()
                elif tag == "row":
                    el.clear()
        return frozenset(cells)


# --- CSV --------------------------------------------------------------------------------------------------------

def _read_csv(path: str | os.PathLike[str], spec: KindSpec) -> Table:
    with open(path, "rb") as fh:
        raw = fh.read()
    if b"\x00" in raw[:65536]:
        raise FileProblem(_("The file is neither an XLSX workbook nor a CSV file."))
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
    if text is None or encoding is None or _CONTROL.search(text[:65536]):
        raise FileProblem(_("The file is neither an XLSX workbook nor a CSV file (or its text encoding is not "
                            "UTF-8 or GB18030)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _finish(fmt="csv", sheet="", encoding=encoding, rows=rows, spec=spec)


def spec_for(kind: str) -> KindSpec:
    return KINDS[kind]
