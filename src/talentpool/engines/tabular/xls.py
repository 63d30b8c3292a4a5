"""A legacy .xls workbook, checked from its bytes before calamine opens it.

An .xls is an OLE compound file (a small file system of 512- or 4096-byte sectors) holding a ``Workbook`` stream
of BIFF records. ``workbook_stream`` follows the compound file's own tables with every count checked against the
file's size and every chain against loops, and returns the stream; ``scan_biff`` walks its records for each
sheet's farthest cell with a value (calamine lays out every sheet when it opens the file), the formula cells, the
declared number of shared strings and a password (``FILEPASS``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .limits import Extent, ReadLimits, check_shared_strings, damaged, not_a_spreadsheet, password_protected

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_MAX_SECTOR = 0xFFFFFFFA


@dataclass
class _Compound:
    data: bytes
    shift: int
    fat: list[int] = field(default_factory=list)

    @property
    def sector_size(self) -> int:
        return 1 << self.shift

    @property
    def sectors(self) -> int:
        return max(0, (len(self.data) - self.sector_size) // self.sector_size)

    def sector(self, n: int) -> bytes:
        if n >= self.sectors:
            raise damaged(f"sector {n} is past the end of the file")
        start = (n + 1) << self.shift
        return self.data[start:start + self.sector_size]

    def chain(self, start: int, table: list[int] | None = None) -> list[int]:
        table = self.fat if table is None else table
        out: list[int] = []
        n = start
        while n != _END:
            if n > _MAX_SECTOR or n >= len(table) or len(out) > len(table):
                raise damaged("a broken sector chain")
            out.append(n)
            n = table[n]
        return out

    def read_chain(self, start: int) -> bytes:
        return b"".join(self.sector(n) for n in self.chain(start))


def workbook_stream(data: bytes) -> bytes:
    """The BIFF ``Workbook`` (or BIFF5 ``Book``) stream of an OLE compound file."""
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        raise not_a_spreadsheet()
    (shift, mini_shift) = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise damaged("unknown sector size")
    n_fat, first_dir, _sig, cutoff, first_mini, n_mini, first_difat, n_difat = struct.unpack_from(
        "<IIIIIIII", data, 44)
    cf = _Compound(data, shift)
    if n_fat > cf.sectors or n_difat > cf.sectors or n_mini > cf.sectors:
        raise damaged("sector counts larger than the file")
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n != _FREE][:n_fat]
    per_difat = cf.sector_size // 4 - 1
    n, seen = first_difat, 0
    while len(fat_sectors) < n_fat and n not in (_END, _FREE):
        seen += 1
        if seen > n_difat:
            raise damaged("a broken sector chain")
        ids = struct.unpack(f"<{per_difat + 1}I", cf.sector(n))
        fat_sectors += [i for i in ids[:per_difat] if i != _FREE]
        n = ids[per_difat]
    fat: list[int] = []
    for s in fat_sectors[:n_fat]:
        fat += struct.unpack(f"<{cf.sector_size // 4}I", cf.sector(s))
    cf.fat = fat
    directory = cf.read_chain(first_dir)
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise damaged("no directory")
    streams: dict[str, tuple[int, int]] = {}
    for entry in entries:
        name_len, kind = struct.unpack_from("<HB", entry, 64)
        start, size = struct.unpack_from("<IQ", entry, 116)
        if shift == 9:
            size &= 0xFFFFFFFF
        if kind in (2, 5):
            if size > len(data):
                raise damaged("a stream larger than the file")
            name = entry[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            streams.setdefault(name.lower(), (start, size))
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    if "encryptedpackage" in streams:
        raise password_protected()
    found = streams.get("workbook") or streams.get("book")
    if found is None:
        raise not_a_spreadsheet()
    start, size = found
    if size >= cutoff:
        stream = cf.read_chain(start)
    else:
        mini_fat: list[int] = []
        for s in cf.chain(first_mini) if n_mini else []:
            mini_fat += struct.unpack(f"<{cf.sector_size // 4}I", cf.sector(s))
        mini_stream = cf.read_chain(root_start)[:root_size & 0xFFFFFFFF]
        stream = b"".join(mini_stream[m << 6:(m + 1) << 6] for m in cf.chain(start, mini_fat))
    if len(stream) < size:
        raise damaged("the workbook stream is cut short")
    return stream[:size]


# --- BIFF records -----------------------------------------------------------------------------------------------

_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
_EOF, _BOUNDSHEET, _SST, _FILEPASS = 0x000A, 0x0085, 0x00FC, 0x002F
_FORMULAS = (0x0006, 0x0206, 0x0406)
# single cells with a value (BIFF8, and the BIFF2-5 forms: counted in case a reader takes them)
_CELLS = frozenset((0x00FD, 0x0203, 0x0204, 0x027E, 0x0205, 0x00D6, 0x0002, 0x0003, 0x0004, 0x0005,
                    *_FORMULAS))
_MULRK = 0x00BD                                          # several RK numbers in one row
_HEADER = struct.Struct("<HH")


@dataclass
class BiffScan:
    extents: list[Extent]
    formula_cells: dict[str, frozenset[tuple[int, int]]]   # sheet -> (row number, column index from 0)


def scan_biff(stream: bytes, limits: ReadLimits) -> BiffScan:
    names: dict[int, str] = {}
    substreams: dict[int, tuple[Extent, set[tuple[int, int]]]] = {}
    stack: list[tuple[Extent, set[tuple[int, int]]]] = []
    orphan = (Extent(""), set())             # cells outside any BOF..EOF: counted all the same
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, length = _HEADER.unpack_from(stream, pos)
        body = pos + 4
        if kind in _BOF:
            stack.append((Extent(""), set()))
            substreams[pos] = stack[-1]
        elif kind == _EOF:
            if stack:
                stack.pop()
        elif kind == _BOUNDSHEET and length >= 8:
            names[struct.unpack_from("<I", stream, body)[0]] = _sheet_name(stream[body + 6:body + length])
        elif kind == _SST and length >= 8:
            check_shared_strings(struct.unpack_from("<I", stream, body + 4)[0], limits)
        elif kind == _FILEPASS:
            raise password_protected()
        elif length >= 4 and (kind in _CELLS or kind == _MULRK):
            row, col = _HEADER.unpack_from(stream, body)
            if kind == _MULRK and length >= 6:
                col = struct.unpack_from("<H", stream, body + length - 2)[0]
            extent, formulas = stack[-1] if stack else orphan
            extent.rows, extent.columns = max(extent.rows, row + 1), max(extent.columns, col + 1)
            extent.cells += 1
            if kind in _FORMULAS:
                formulas.add((row + 1, col))
        pos = body + length
    if any(offset not in substreams for offset in names):
        raise damaged("a sheet that does not start where its record says")
    extents, formula_cells = [], {}
    for offset, (extent, cells) in [*substreams.items(), (-1, orphan)]:
        if extent.cells:
            extent.sheet = names.get(offset, f"#{len(extents) + 1}")
            extents.append(extent)
            formula_cells[extent.sheet] = frozenset(cells)
    return BiffScan(extents, formula_cells)


def _sheet_name(raw: bytes) -> str:
    """A BIFF8 ShortXLUnicodeString (BIFF5: a byte string)."""
    if not raw:
        return ""
    n = raw[0]
    if len(raw) >= 2 + n and raw[1] in (0, 1):
        return raw[2:2 + n * 2].decode("utf-16-le", "replace") if raw[1] else raw[2:2 + n].decode("latin-1")
    return raw[1:1 + n].decode("latin-1")
