"""An OpenDocument spreadsheet (.ods), checked from its bytes before calamine opens it.

calamine reads every table of ``content.xml`` when it opens the file, and expands what the XML only declares: a
row with ``table:number-rows-repeated="1048576"`` followed by a value becomes a million rows, a cell with
``table:number-columns-repeated`` as many cells. ``scan_content`` walks the tags (namespace prefixes as written,
whatever they are) and computes, for each table, the farthest row and column holding a value after expansion,
the way calamine counts them (trailing empty rows and cells are dropped), and the cells holding formulas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from .limits import Extent, ReadLimits
from .messages import FileProblem
from .messages import gettext_noop as _
from .ooxml import ZipCheck, tag_chunks

CONTENT = "content.xml"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_FORMULA_CELLS = 1_000_000

_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)["']""")
_COLUMNS = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)["']""")
_NAME = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*"([^"]*)"|(?:^|\s)(?:[\w.-]+:)?name\s*=\s*'([^']*)'""")


def is_ods(zc: ZipCheck) -> bool:
    return zc.has(CONTENT) and zc.has("mimetype") and zc.read("mimetype", 256).strip() == ODS_MIMETYPE


@dataclass
class _Table:
    extent: Extent
    row: int = 0                                   # rows before the current one
    formulas: list[tuple[int, int, int, int]] = field(default_factory=list)   # first row, rows, first col, cols


@dataclass
class OdsScan:
    tables: list[_Table]

    @property
    def extents(self) -> list[Extent]:
        return [t.extent for t in self.tables if t.extent.cells]

    def formula_cells(self, sheet: str, limits: ReadLimits) -> frozenset[tuple[int, int]]:
        """(row number, column index from 0) of the sheet's formula cells, once its extent was accepted."""
        table = next((t for t in self.tables if t.extent.sheet == sheet), None)
        return _expand(table, limits) if table is not None else frozenset()


def scan_content(zc: ZipCheck, limits: ReadLimits) -> OdsScan:
    zc.check_parts(skip=(CONTENT, "Pictures/", "Thumbnails/"))
    tables: list[_Table] = []
    table: _Table | None = None
    repeat = col = row_end = row_cells = 0         # the current row: its repeat, position and cells with a value
    row_formulas: list[tuple[int, int]] = []
    for chunk in tag_chunks(zc.unpack(CONTENT, limits.max_sheet_bytes)):
        for m in _TAG.finditer(chunk):
            closing, tag, attrs = m.group(1), m.group(2), m.group(3)
            if table is not None and tag in (b"table", b"table-row"):
                _end_row(table, repeat, row_end, row_cells, row_formulas)   # an open row ends here
                repeat = 0
            if tag == b"table":
                table = None if closing else _Table(Extent(_table_name(attrs, len(tables) + 1)))
                if table is not None:
                    tables.append(table)
            elif table is None:
                continue
            elif tag == b"table-row":
                if not closing:
                    found = _ROWS.search(attrs) if b"rows-repeated" in attrs else None
                    repeat, col, row_end, row_cells, row_formulas = int(found.group(1)) if found else 1, 0, 0, 0, []
                    if attrs.rstrip().endswith(b"/"):
                        table.row += repeat
                        repeat = 0
            elif not closing and repeat:
                found = _COLUMNS.search(attrs) if b"columns-repeated" in attrs else None
                span = int(found.group(1)) if found else 1
                if b"value-type" in attrs or not attrs.rstrip().endswith(b"/"):
                    row_end, row_cells = col + span, row_cells + span
                    if b"formula" in attrs:
                        row_formulas.append((col, span))
                col += span
    return OdsScan(tables)


def _end_row(table: _Table, repeat: int, row_end: int, row_cells: int,
             row_formulas: list[tuple[int, int]]) -> None:
    if not repeat:
        return
    if row_cells:
        e = table.extent
        e.rows, e.columns, e.cells = table.row + repeat, max(e.columns, row_end), e.cells + row_cells * repeat
        table.formulas += [(table.row + 1, repeat, first, span) for first, span in row_formulas]
    table.row += repeat


def _expand(table: _Table, limits: ReadLimits) -> frozenset[tuple[int, int]]:
    count = sum(rows * cols for _r, rows, _c, cols in table.formulas)
    if count > min(MAX_FORMULA_CELLS, limits.max_cells):
        raise FileProblem(_("The sheet %(sheet)s holds %(count)s formulas; copy the columns and paste them as values "
                            "before importing."), sheet=table.extent.sheet, count=f"{count:,}")
    return frozenset((r, c) for first_row, rows, first_col, cols in table.formulas
                     for r in range(first_row, first_row + rows) for c in range(first_col, first_col + cols))


def _table_name(attrs: bytes, n: int) -> str:
    found = _NAME.search(attrs)
    raw = (found.group(1) or found.group(2)) if found else None
    return unescape(raw.decode("utf-8", "replace")) if raw is not None else f"#{n}"
