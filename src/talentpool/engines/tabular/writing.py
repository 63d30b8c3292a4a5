"""Writing XLSX files: the per-kind template and the error report (openpyxl, write-only mode: constant memory)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font

from .columns import KindSpec
from .messages import gettext_noop as _


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
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = bold
        note = f"{column.key}" + (" *" if column.required else "") + f"\n{translate(column.meaning)}"
        cell.comment = Comment(note, "talentpool", width=260, height=90)
        header_cells.append(cell)
    for index, column in enumerate(spec.columns):
        ws.column_dimensions[_letter(index)].width = max(12, len(column.header) * 2 + 4)
    ws.append(header_cells)
    ws.append([column.example for column in spec.columns])
    help_ws = wb.create_sheet("说明")
    help_ws.column_dimensions["A"].width = 18
    help_ws.column_dimensions["B"].width = 22
    help_ws.column_dimensions["D"].width = 60
    help_ws.column_dimensions["E"].width = 60
    titles = [translate(_("Column")), translate(_("Field name (accepted as header)")), translate(_("Required")),
              translate(_("Meaning")), translate(_("Allowed values")), translate(_("Example"))]
    help_ws.append([_bold(help_ws, t, bold) for t in titles])
    for column in spec.columns:
        help_ws.append([column.header, ", ".join((column.key, *column.aliases)),
                        translate(_("yes")) if column.required else "", translate(column.meaning),
                        translate(column.allowed) if column.allowed else "", column.example])
    help_ws.append([])
    help_ws.append([translate(_("Delete the example row before importing. Row 1 holds the headers; the row numbers "
                                "in the error report are those Excel shows. Format ID-number columns as text."))])
    wb.save(out)


def _bold(ws, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


ErrorRow = tuple[int, str, str, str]  # row, column, value, reason


def write_errors_xlsx(rows: Iterable[ErrorRow], out: IO[bytes], headers: list[str]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("errors")
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 24
    ws.column_dimensions["D"].width = 80
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    wb.save(out)


def write_errors_csv(rows: Iterable[ErrorRow], out: IO[str], headers: list[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)


def errors_xlsx_bytes(rows: Iterable[ErrorRow], headers: list[str]) -> bytes:
    buf = io.BytesIO()
    write_errors_xlsx(rows, buf, headers)
    return buf.getvalue()
