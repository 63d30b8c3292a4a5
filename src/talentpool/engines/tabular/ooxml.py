"""The zip container of an .xlsx or .ods workbook, checked from its bytes before calamine opens it.

``ZipCheck`` refuses an encrypted or oddly compressed member and any member that declares more than its limit, and
``unpack`` inflates a member itself, ignoring the sizes it declares, so a member that unpacks to more than it
says, or to more than its limit, is caught after at most the limit plus one chunk. For an .xlsx the shared
strings are measured (bytes, ``<si>`` elements, the ``uniqueCount`` calamine reserves room for) and the chosen
sheet is scanned for its farthest cell and its formula cells (``scan_sheet``): a vectorised pass over the cell
references when every cell is written ``<c r="A1"``, as Excel, WPS, LibreOffice and openpyxl write them, and a
tag-by-tag pass otherwise.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .limits import (
    Extent,
    ReadLimits,
    check_shared_strings,
    column_number,
    damaged,
    not_a_spreadsheet,
    password_protected,
    size_text,
)
from .messages import FileProblem
from .messages import gettext_noop as _

CHUNK = 1 << 22
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_UNIQUE_COUNT = re.compile(rb"""\buniqueCount\s*=\s*["'](\d+)["']""")
_SI = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


@dataclass
class ZipCheck:
    """A zip container whose directory was checked against the limits."""

    path: str
    limits: ReadLimits
    members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    @classmethod
    def open(cls, path: str | os.PathLike[str], limits: ReadLimits) -> ZipCheck:
        entries = _entry_count(path)
        if entries > limits.max_parts:
            raise damaged(f"{entries:,} parts")
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise not_a_spreadsheet() from None
        if len({i.filename for i in infos}) != len(infos):
            raise damaged("two parts with the same name")
        size = os.path.getsize(path)
        for info in infos:
            if info.flag_bits & 0x1:
                raise password_protected()
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise damaged(f"{info.filename}: compression method {info.compress_type}")
            if info.header_offset + info.compress_size > size:
                raise damaged(f"{info.filename} runs past the end of the file")
        return cls(os.fspath(path), limits, {i.filename: i for i in infos})

    def has(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str, limit: int | None = None) -> bytes:
        return b"".join(self.unpack(name, limit))

    def unpack(self, name: str, limit: int | None = None) -> Iterator[bytes]:
        """The member's bytes in chunks, inflated here whatever its header says; stops past ``limit``."""
        info = self.members[name]
        limit = self.limits.max_part_bytes if limit is None else limit
        if info.file_size > limit:
            raise part_too_large(name, limit)
        with open(self.path, "rb") as fh:
            fh.seek(info.header_offset)
            magic, name_len, extra_len = _LOCAL_HEADER.unpack(fh.read(_LOCAL_HEADER.size))
            if magic != b"PK\x03\x04":
                raise damaged(f"{name}: no local header")
            fh.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
            inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
            left, total, crc = info.compress_size, 0, 0
            while left > 0:
                data = fh.read(min(CHUNK, left))
                if not data:
                    raise damaged(f"{name} is cut short")
                left -= len(data)
                while data:
                    if inflater is None:
                        out, data = data, b""
                    else:
                        out = inflater.decompress(data, CHUNK)
                        data = inflater.unconsumed_tail
                    total += len(out)
                    if total > limit:
                        raise part_too_large(name, limit)
                    crc = zlib.crc32(out, crc)
                    yield out
                if inflater is not None and inflater.eof:
                    break
        if inflater is not None and not inflater.eof:
            raise damaged(f"{name} is cut short")
        if total != info.file_size or crc != info.CRC:
            raise damaged(f"{name} does not match its declared size or checksum")

    def check_parts(self, skip: tuple[str, ...] = ()) -> None:
        """Unpack every part that is not skipped (worksheets are scanned separately), within its limit."""
        for name in self.members:
            if name.endswith("/") or name.startswith(skip):
                continue
            for _chunk in self.unpack(name):
                pass


def part_too_large(name: str, limit: int) -> FileProblem:
    return FileProblem(_("The part %(part)s of the workbook unpacks to more than %(limit)s: the file is damaged, or "
                         "too large for one import; split it into smaller files."),
                       part=name, limit=size_text(limit))


# --- xlsx -------------------------------------------------------------------------------------------------------

SHARED_STRINGS = "xl/sharedStrings.xml"


def check_xlsx(zc: ZipCheck) -> None:
    """The parts calamine reads when it opens the workbook: all but the worksheets (one is scanned later) and
    embedded media; the shared strings within their own limits."""
    lim = zc.limits
    zc.check_parts(skip=("xl/worksheets/", "xl/media/", "xl/embeddings/", "xl/printerSettings/", SHARED_STRINGS))
    if not zc.has(SHARED_STRINGS):
        return
    count, declared = 0, 0
    for chunk in tag_chunks(zc.unpack(SHARED_STRINGS, lim.max_shared_strings_bytes)):
        if not count and not declared:
            found = _UNIQUE_COUNT.search(chunk[:4096])
            declared = int(found.group(1)) if found else -1
        if b":si" in chunk or b"<si\t" in chunk or b"<si\n" in chunk or b"<si\r" in chunk:
            count += len(_SI.findall(chunk))
        else:
            count += chunk.count(b"<si>") + chunk.count(b"<si ") + chunk.count(b"<si/")
    check_shared_strings(max(count, declared), lim)


def _entry_count(path: str | os.PathLike[str]) -> int:
    """Members a zip file declares, from its end record (zip64 included), before ``zipfile`` builds them all."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.seek(max(0, size - (1 << 16) - 22))
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            raise not_a_spreadsheet()
        count = struct.unpack_from("<H", tail, at + 10)[0]
        locator = at - 20
        if count == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
            fh.seek(struct.unpack_from("<Q", tail, locator + 8)[0])
            record = fh.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                count = struct.unpack_from("<Q", record, 32)[0]
    return count


@dataclass
class SheetScan:
    extent: Extent
    formula_cells: frozenset[tuple[int, int]]   # (row number, column index from 0)


def scan_sheet(zc: ZipCheck, member: str, sheet: str) -> SheetScan:
    """The farthest cell with a value and the cells holding formulas, from the sheet's XML."""
    scan = _FastScan(sheet)
    for chunk in tag_chunks(zc.unpack(member, zc.limits.max_sheet_bytes)):
        if not scan.feed(chunk):
            return _slow_scan(zc, member, sheet)
    return SheetScan(scan.extent, frozenset(scan.formulas))


def tag_chunks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Chunks cut just before a ``<``, so no tag is split, each followed by 16 bytes of padding."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut < 0:
            yield data + _PAD
            tail = b""
            continue
        if cut == 0:
            if len(data) > 4 * CHUNK:
                raise damaged("a tag longer than 16 MB")
            tail = data
            continue
        tail = data[cut:]
        yield data[:cut] + _PAD
    if tail:
        yield tail + _PAD


_PAD = b"\0" * 16
_IS_SEP = np.zeros(256, dtype=bool)
_IS_SEP[[32, 62, 47, 9, 10, 13]] = True          # what may follow a tag's name: space > / tab newline return
_REF = np.arange(11)


class _FastScan:
    """Cell references read with numpy, chunk by chunk. ``feed`` returns False when a cell is not written
    ``<c r="A1"...`` (a namespace prefix, no reference, another attribute first): the slow scan then takes over."""

    def __init__(self, sheet: str) -> None:
        self.extent = Extent(sheet)
        self.formulas: set[tuple[int, int]] = set()
        self.last_cell: tuple[int, int] | None = None

    def feed(self, chunk: bytes) -> bool:
        a = np.frombuffer(chunk, dtype=np.uint8)
        colons = np.flatnonzero(a[:-16] == 58)
        if np.any((a[colons + 1] == 99) & _IS_SEP[a[colons + 2]]):
            return False                          # <x:c ...>: a prefixed name
        lt = np.flatnonzero(a[:-16] == 60)
        sep = _IS_SEP[a[lt + 2]]
        name = a[lt + 1]
        at = np.flatnonzero((name == 99) & sep)  # indexes into lt of the cells
        cells = lt[at]
        formulas = lt[(name == 102) & sep]
        head = a[cells[:, None] + 2 + _REF[None, :4]]
        if not np.all((head[:, 0] == 32) & (head[:, 1] == 114) & (head[:, 2] == 61) & (head[:, 3] == 34)):
            return False                          # not ' r="' right after the name
        parsed = _parse_refs(a, cells + 6)
        if parsed is None:
            return False
        rows, cols = parsed
        following = lt[np.minimum(at + 1, lt.size - 1)] if lt.size else at
        empty = (at + 1 < lt.size) & (a[following - 1] == 62) & (a[following - 2] == 47)   # <c r="A1" s="2"/>
        valued = ~empty
        if valued.any():
            self.extent.rows = max(self.extent.rows, int(rows[valued].max()))
            self.extent.columns = max(self.extent.columns, int(cols[valued].max()))
            self.extent.cells += int(valued.sum())
        if formulas.size:
            owner = np.searchsorted(cells, formulas) - 1
            for i in owner.tolist():
                cell = (int(rows[i]), int(cols[i])) if i >= 0 else self.last_cell
                if cell is not None:
                    self.formulas.add((cell[0], cell[1] - 1))
        if cells.size:
            self.last_cell = (int(rows[-1]), int(cols[-1]))
        return True


def _parse_refs(a: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Row and column of each reference ``LETTERS DIGITS "`` (1-3 letters, 1-7 digits); None when one has
    another form."""
    n = starts.size
    w = a[starts[:, None] + _REF[None, :]]
    letter = (w[:, :4] - np.uint8(65)) < 26
    n_letters = (letter[:, 0].astype(np.int32) + (letter[:, 0] & letter[:, 1])
                 + (letter[:, 0] & letter[:, 1] & letter[:, 2]))
    if not np.all(letter[:, 0] & ~(letter[:, 1] & letter[:, 2] & letter[:, 3])):
        return None
    digits = w[np.arange(n)[:, None], n_letters[:, None] + _REF[None, :8]] - np.uint8(48)
    leading = np.cumprod(digits < 10, axis=1, dtype=np.int8)
    n_digits = leading[:, :7].sum(axis=1, dtype=np.int32)
    if not np.all((n_digits >= 1) & ~leading[:, 7].astype(bool)
                  & (w[np.arange(n), n_letters + n_digits] == 34)):
        return None
    power = _POW10[np.clip(n_digits[:, None] - 1 - _REF[None, :7], 0, 6)] * leading[:, :7]
    rows = (digits[:, :7].astype(np.int32) * power).sum(axis=1)
    l0, l1, l2 = (w[:, k].astype(np.int32) - 64 for k in range(3))
    cols = np.where(n_letters == 1, l0, np.where(n_letters == 2, l0 * 26 + l1, l0 * 676 + l1 * 26 + l2))
    return rows, cols


_POW10 = 10 ** np.arange(7, dtype=np.int32)


_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c|f)(?=[\s/>])([^>]*)>")
_REF_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)(\d*)["']""")


def _slow_scan(zc: ZipCheck, member: str, sheet: str) -> SheetScan:
    """Tag by tag, as calamine reads them: a cell without a reference follows the one before it; a row without
    one follows the row before it."""
    extent = Extent(sheet)
    formulas: set[tuple[int, int]] = set()
    row = col = 0
    in_cell = False
    for chunk in tag_chunks(zc.unpack(member, zc.limits.max_sheet_bytes)):
        for m in _TAG.finditer(chunk):
            end, tag, attrs = m.group(1), m.group(2), m.group(3)
            if end:
                in_cell = in_cell and tag != b"c"
                continue
            ref = _REF_ATTR.search(attrs)
            if tag == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
            elif tag == b"c":
                if ref and ref.group(1):
                    col = column_number(ref.group(1).upper())
                    row = int(ref.group(2)) if ref.group(2) else row
                else:
                    col += 1
                in_cell = not attrs.rstrip().endswith(b"/")
                if in_cell:
                    extent.rows, extent.columns = max(extent.rows, row), max(extent.columns, col)
                    extent.cells += 1
            elif in_cell:
                formulas.add((row, col - 1))
    return SheetScan(extent, frozenset(formulas))
