"""Writing CSV and XLSX files: the one module that writes cells a person will open in Excel or WPS.

Bank files, reports, import error files, templates and exports all go through here (a test checks that no other
module of ``src/`` or ``bench/`` writes CSV or XLSX itself). The rules, for every cell:

1. A real number (``int``, ``Decimal``, ``float``) or a date stays what it is: a number or date cell in XLSX, its
   plain text in CSV (a ``Decimal`` in fixed-point notation). Only values that are numbers are trusted as numbers.
2. Any other value is text. Text that starts with ``=``, ``+``, ``-``, ``@`` (or their full-width forms
   ``＝＋－＠``), a tab or a carriage return gets a leading ``'``, so no spreadsheet reads it as a formula
   (``=HYPERLINK(...)`` in a bank name, ``=2+3`` echoed by an error file). The same text is written to both formats,
   so a workbook saved again as CSV stays inert.
3. In XLSX every text cell is a string cell (``data_type`` ``s``): never a formula, never an error value
   (``#N/A``); characters an XLSX file cannot hold (C0 controls) are dropped rather than failing the file.

XLSX is written in openpyxl's write-only mode (constant memory: rows may be a generator of any length).
``xlsx_bytes`` and ``errors_xlsx_bytes`` keep the files they made per process, keyed by what the cells hold (see
``_kept``): openpyxl spends ~7 ms on an empty workbook and ~0.3 ms a row, and a bank file or an import's error file
is downloaded again and again unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font

from .columns import KindSpec
from .messages import gettext_noop as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""A text cell starting with one of these is prefixed with ``'`` (rule 2)."""

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

_NUMBERS = (int, float, Decimal)
_DATES = (dt.date, dt.datetime, dt.time)


def neutralise(text: str) -> str:
    """``text`` as it may be written to a cell: with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBERS) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return neutralise(str(value))


def csv_value(value: Any) -> str:
    """One cell of a CSV file (rules 1 and 2)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if _is_number(value):
        return str(value)
    if isinstance(value, _DATES):
        return value.isoformat()
    return _text(value)


def xlsx_cell(ws, value: Any, *, font: Font | None = None, number_format: str | None = None) -> WriteOnlyCell:
    """One cell of a write-only XLSX sheet (rules 1 to 3)."""
    if value is None or value == "":
        cell = WriteOnlyCell(ws, value=None)
    elif _is_number(value) or (isinstance(value, _DATES) and not isinstance(value, bool)):
        cell = WriteOnlyCell(ws, value=value)
        if number_format:
            cell.number_format = number_format
    else:
        cell = WriteOnlyCell(ws, value=None)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", _text(value))
        cell.data_type = "s"  # never a formula ("=...") nor an error value ("#N/A")
    if font is not None:
        cell.font = font
    return cell


# --- CSV ----------------------------------------------------------------------------------------------------------

def write_csv(out: IO[str], headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    """A header row, then the rows (open ``out`` with ``newline=""``)."""
    writer = csv.writer(out)
    writer.writerow([csv_value(v) for v in headers])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """The CSV file as UTF-8 with a BOM (so Excel and WPS read the Chinese text right)."""
    buf = io.StringIO(newline="")
    write_csv(buf, headers, rows)
    return buf.getvalue().encode("utf-8-sig")


# --- XLSX ---------------------------------------------------------------------------------------------------------

@dataclass
class Sheet:
    """One sheet: a bold header row, then the rows. ``widths`` by column letter; ``number_formats`` by 0-based
    column index (applied to the numbers of that column)."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: dict[str, float] = field(default_factory=dict)
    number_formats: dict[int, str] = field(default_factory=dict)
    bold_headers: bool = True


def write_xlsx(out: IO[bytes], sheets: Iterable[Sheet]) -> None:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        for letter, width in sheet.widths.items():
            ws.column_dimensions[letter].width = width
        if sheet.headers:
            ws.append([xlsx_cell(ws, v, font=bold if sheet.bold_headers else None) for v in sheet.headers])
        for row in sheet.rows:
            ws.append([xlsx_cell(ws, v, number_format=sheet.number_formats.get(i)) for i, v in enumerate(row)])
    wb.save(out)


def xlsx_bytes(sheets: Iterable[Sheet], *, keep: bool = False) -> bytes:
    """The workbook as bytes. With ``keep`` the same cells give the same file, made once per process (``_kept``):
    only for files without personal data (aggregate reports). A file naming people (a bank file's accounts, an
    import's rejected rows) is written each time and never held in the process after its response."""
    sheets = [Sheet(s.title, list(s.headers), [list(r) for r in s.rows], dict(s.widths), dict(s.number_formats),
                    s.bold_headers) for s in sheets]
    if not keep:
        out = io.BytesIO()
        write_xlsx(out, sheets)
        return out.getvalue()
    return _kept(sheets, lambda out: write_xlsx(out, sheets))


# --- files kept per process ---------------------------------------------------------------------------------------

_KEPT_BYTES = 64 * 1024 * 1024      # all the files kept by one process
_KEPT_ONE = 8 * 1024 * 1024         # the largest file kept (a bigger one is written each time)
_kept_files: OrderedDict[bytes, bytes] = OrderedDict()
_kept_lock = threading.Lock()


def _cell_key(value: Any) -> Any:
    """What decides how a cell is written: a number or date by its type and exact value (``Decimal("1.0")`` and
    ``Decimal("1.00")`` differ, so does ``True`` and ``1``), anything else by its text (a lazy translation by the
    text it has in the active language, never by the object)."""
    if value is None or isinstance(value, (*_NUMBERS, *_DATES, bool)):
        return (type(value).__name__, repr(value))
    return str(value)


def _kept(sheets: list[Sheet], write: Callable[[IO[bytes]], None]) -> bytes:
    """The file ``write`` makes of ``sheets``, kept per process under a SHA-256 of everything written into it (each
    sheet's title, headers, every cell, widths, number formats, bold headers). Nothing needs invalidating: any
    change of what a file would hold (a line's amount, a bank account, a translation) is a different key, and a
    file no longer asked for ages out (least recently used first, at most ``_KEPT_BYTES`` in all). What a kept file
    does not follow is its own creation time (docProps: when it was first written in this process)."""
    digest = hashlib.sha256()
    for sheet in sheets:
        digest.update(repr((str(sheet.title), [_cell_key(v) for v in sheet.headers],
                            sorted(sheet.widths.items()), sorted(sheet.number_formats.items()),
                            sheet.bold_headers)).encode())
        for row in sheet.rows:
            digest.update(repr([_cell_key(v) for v in row]).encode())
            digest.update(b"\n")
        digest.update(b"\f")
    key = digest.digest()
    with _kept_lock:
        found = _kept_files.get(key)
        if found is not None:
            _kept_files.move_to_end(key)
            return found
    out = io.BytesIO()
    write(out)
    data = out.getvalue()
    if len(data) <= _KEPT_ONE:
        with _kept_lock:
            _kept_files[key] = data
            while sum(len(v) for v in _kept_files.values()) > _KEPT_BYTES:
                _kept_files.popitem(last=False)
    return data


def kept_files_clear() -> None:
    """Forget the kept files (tests)."""
    with _kept_lock:
        _kept_files.clear()


# --- import templates and error files -----------------------------------------------------------------------------

def _identity(message: str) -> str:
    return message


def write_template(spec: KindSpec, out: IO[bytes], translate: Callable[[str], str] = _identity) -> None:
    """One data sheet named after the kind (Chinese headers, the English field name in each header's comment,
    one example row) and a help sheet: each column's field name, whether required, meaning, allowed values."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.sheet)
    bold = Font(bold=True)
    header_cells = []
    for column in spec.columns:
        cell = xlsx_cell(ws, column.header, font=bold)
        note = f"{column.key}" + (" *" if column.required else "") + f"\n{translate(column.meaning)}"
        cell.comment = Comment(note, "talentpool", width=260, height=90)
        header_cells.append(cell)
    for index, column in enumerate(spec.columns):
        ws.column_dimensions[_letter(index)].width = max(12, len(column.header) * 2 + 4)
    ws.append(header_cells)
    ws.append([xlsx_cell(ws, column.example) for column in spec.columns])
    help_ws = wb.create_sheet("说明")
    for letter, width in (("A", 18), ("B", 22), ("D", 60), ("E", 60)):
        help_ws.column_dimensions[letter].width = width
    titles = [translate(_("Column")), translate(_("Field name (accepted as header)")), translate(_("Required")),
              translate(_("Meaning")), translate(_("Allowed values")), translate(_("Example"))]
    help_ws.append([xlsx_cell(help_ws, t, font=bold) for t in titles])
    for column in spec.columns:
        values = [column.header, ", ".join((column.key, *column.aliases)),
                  translate(_("yes")) if column.required else "", translate(column.meaning),
                  translate(column.allowed) if column.allowed else "", column.example]
        help_ws.append([xlsx_cell(help_ws, v) for v in values])
    help_ws.append([])
    note = translate(_("Delete the example row before importing. Row 1 holds the headers; the row numbers "
                       "in the error report are those Excel shows. Format ID-number columns as text."))
    help_ws.append([xlsx_cell(help_ws, note)])
    wb.save(out)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


ErrorRow = tuple[int, str, str, str]  # row, column, value, reason
_ERROR_WIDTHS = {"B": 18, "C": 24, "D": 80}


def write_errors_xlsx(rows: Iterable[ErrorRow], out: IO[bytes], headers: list[str]) -> None:
    """The row errors of an import: row, column, the value as the file had it, reason."""
    write_xlsx(out, [Sheet("errors", headers, rows, widths=_ERROR_WIDTHS, bold_headers=False)])


def write_errors_csv(rows: Iterable[ErrorRow], out: IO[str], headers: list[str]) -> None:
    write_csv(out, headers, rows)


def errors_xlsx_bytes(rows: Iterable[ErrorRow], headers: list[str]) -> bytes:
    """The error file as bytes. Never kept: it repeats the uploaded rows, which are not kept in clear."""
    return xlsx_bytes([Sheet("errors", headers, rows, widths=_ERROR_WIDTHS, bold_headers=False)])
