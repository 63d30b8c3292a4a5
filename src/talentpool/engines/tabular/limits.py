"""What a spreadsheet may ask of the reader, checked before python-calamine sees the file.

calamine lays a sheet out as one dense block from its first to its last cell (32 bytes a cell) and trusts what a
workbook declares: one value at XFD1048576 asks for ~512 GiB and the process aborts; a shared-strings part that
unpacks to 1 GiB is held in memory whole; a declared ``uniqueCount`` of 4,294,967,295 is reserved up front. The
container checks (``ooxml``, ``ods``, ``biff``) measure what the file really holds, from its bytes and within a
bounded amount of memory, and compare it with these limits; a file over any of them is refused with a
``FileProblem`` naming the sheet, the cell or the part and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import FileProblem
from .messages import gettext_noop as _

MiB = 1 << 20


@dataclass(frozen=True)
class ReadLimits:
    # cells calamine lays out: from A1 to the farthest cell with a value (all sheets for .xls and .ods, which
    # calamine reads whole when it opens them). 8M cells: 400,000 people with 20 columns; ~256 MiB inside calamine.
    max_cells: int = 8_000_000
    max_rows: int = 1_048_576          # Excel's own limit
    max_columns: int = 16_384          # Excel's own limit (XFD)
    max_shared_strings: int = 4_000_000
    max_shared_strings_bytes: int = 256 * MiB   # xl/sharedStrings.xml unpacked, held in memory by calamine
    max_part_bytes: int = 64 * MiB     # any other part calamine reads whole (styles, workbook, relationships)
    max_sheet_bytes: int = 2048 * MiB  # a worksheet's XML, streamed (costs time, not memory)
    max_parts: int = 10_000            # members of the zip container
    memory_bytes: int = 3072 * MiB     # address space of the process that reads the file (see ``confined``)
    cpu_seconds: int = 300             # processor time of that process
    wall_seconds: int = 600            # and its time on the clock


DEFAULT_LIMITS = ReadLimits()


def column_letters(index: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def column_number(letters: bytes | str) -> int:
    """A -> 1, XFD -> 16384 (upper-case letters; 0 for none)."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + (ch & 0xDF) - 64
    return n


def size_text(n: int) -> str:
    return f"{n / MiB:.1f} MB" if n >= MiB else f"{n / 1024:.0f} KB"


@dataclass
class Extent:
    """The farthest row and column (1-based) holding a value in one sheet, and how many cells hold one."""

    sheet: str
    rows: int = 0
    columns: int = 0
    cells: int = 0

    @property
    def area(self) -> int:
        return self.rows * self.columns

    @property
    def corner(self) -> str:
        return f"{column_letters(self.columns)}{self.rows}"


def check_extents(extents: list[Extent], limits: ReadLimits) -> None:
    """Refuse when a sheet, or the sheets together (``.xls`` and ``.ods`` are read whole), reach too far."""
    for e in extents:
        if e.rows > limits.max_rows or e.columns > limits.max_columns or e.area > limits.max_cells:
            raise FileProblem(
                _("The sheet %(sheet)s has a value in cell %(cell)s, so reading it means laying out %(cells)s "
                  "cells, over the limit of %(limit)s. Delete whatever lies beyond your data (often a stray value "
                  "far below or to the right of it) and save again, or split the file."),
                sheet=e.sheet, cell=e.corner, cells=f"{e.area:,}", limit=f"{limits.max_cells:,}")
    total = sum(e.area for e in extents)
    if total > limits.max_cells:
        widest = max(extents, key=lambda e: e.area)
        raise FileProblem(
            _("The workbook's sheets together lay out %(cells)s cells, over the limit of %(limit)s (the largest is "
              "%(sheet)s, up to cell %(cell)s). Keep only the sheet to import, or split the file."),
            cells=f"{total:,}", limit=f"{limits.max_cells:,}", sheet=widest.sheet, cell=widest.corner)


def check_shared_strings(count: int, limits: ReadLimits) -> None:
    """calamine holds every shared string, and reserves room for as many as the workbook declares."""
    if count > limits.max_shared_strings:
        raise FileProblem(_("The workbook holds %(count)s different texts (shared strings), over the limit of "
                            "%(limit)s; split it into smaller files."),
                          count=f"{count:,}", limit=f"{limits.max_shared_strings:,}")


def damaged(detail: str) -> FileProblem:
    return FileProblem(_("The workbook is damaged and cannot be read (%(detail)s); open it in Excel or WPS and "
                         "save it again."), detail=detail)


def password_protected() -> FileProblem:
    return FileProblem(_("The workbook is password-protected; save it without a password and upload it again."))


def not_a_spreadsheet() -> FileProblem:
    return FileProblem(_("The file is neither an XLSX, XLS or ODS workbook nor a CSV file."))
