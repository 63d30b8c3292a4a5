"""Small workbooks written byte by byte, so a test can make them say what no office suite would: a value at
XFD1048576, a declared dimension of a million rows, shared strings that unpack to a gigabyte, a zip member that
unpacks to more than it declares, an .xls (OLE compound file + BIFF8) with a cell at IV65536, an .ods with a
million repeated rows. Each builder returns the file's bytes."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


# --- zip ------------------------------------------------------------------------------------------------------------

@dataclass
class Part:
    name: str
    data: bytes = b""              # stored or deflated here, unless ``raw`` is given
    raw: bytes | None = None       # an already deflated stream
    size: int | None = None        # the uncompressed size to declare (default: the real one)
    crc: int | None = None


def zip_bytes(parts: list[Part]) -> bytes:
    out, central = bytearray(), bytearray()
    for part in parts:
        name = part.name.encode()
        if part.raw is not None:
            body, method = part.raw, 8
        elif part.name == "mimetype":
            body, method = part.data, 0
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            body, method = c.compress(part.data) + c.flush(), 8
        size = len(part.data) if part.size is None else part.size
        crc = zlib.crc32(part.data) if part.crc is None else part.crc
        fields = struct.pack("<HHHHHIIIHH", 20, 0x800, method, 0, 0x21, crc, len(body), size, len(name), 0)
        central += struct.pack("<IH", 0x02014B50, 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(out)) + name
        out += struct.pack("<I", 0x04034B50) + fields + name + body
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(out), 0)
    return bytes(out + central + end)


def repeated_deflate(head: bytes, chunk: bytes, times: int, tail: bytes) -> bytes:
    """A raw deflate stream of head + chunk * times + tail, made without compressing the repeats one by one:
    after a full flush the compressor starts afresh, so every repeat of ``chunk`` deflates to the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    return first + block * times + c.compress(tail) + c.flush()


# --- xlsx -----------------------------------------------------------------------------------------------------------

def _cell(ref: str, value) -> str:
    if value is None:
        return f'<c r="{ref}" s="1"/>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, str) and value.startswith("="):
        return f'<c r="{ref}"><f>{escape(value[1:])}</f><v>0</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(cells: dict[str, object], dimension: str | None = None) -> bytes:
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        rows.setdefault(int(re.sub(r"^[A-Z]+", "", ref)), []).append(_cell(ref, value))
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>{body}</sheetData>'
            "</worksheet>").encode()


def xlsx_parts(sheet: bytes, *, title: str = "人才", shared: Part | None = None) -> list[Part]:
    rels = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    workbook = (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="{escape(title)}" sheetId="1" '
                'r:id="rId1"/></sheets></workbook>')
    workbook_rels = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" '
                     'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                     f'Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    parts = [Part("[Content_Types].xml", types.encode()), Part("_rels/.rels", rels.encode()),
             Part("xl/workbook.xml", workbook.encode()), Part("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
             Part("xl/worksheets/sheet1.xml", sheet)]
    return parts + ([shared] if shared is not None else [])


def xlsx_bytes(cells: dict[str, object], *, dimension: str | None = None, title: str = "人才",
               shared: Part | None = None) -> bytes:
    return zip_bytes(xlsx_parts(sheet_xml(cells, dimension), title=title, shared=shared))


def shared_strings_bomb(unpacked: int, *, declare: int | None = None, unique_count: int = 1,
                        checksum: bool = False) -> Part:
    """xl/sharedStrings.xml of ``unpacked`` bytes (rounded to MiB) of 1,000-character strings, declaring
    ``declare`` bytes (default: the truth). Its checksum is computed only when asked (it takes a while)."""
    head = f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="{unique_count}">'.encode()
    item = b"<si><t>" + b"a" * 1000 + b"</t></si>"
    chunk = item * (1048576 // len(item))
    times = max(1, unpacked // len(chunk))
    size = len(head) + len(chunk) * times + len(b"</sst>")
    crc = 0
    if checksum:
        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(b"</sst>", crc)
    return Part("xl/sharedStrings.xml", raw=repeated_deflate(head, chunk, times, b"</sst>"),
                size=size if declare is None else declare, crc=crc)


def shared_strings(items: Iterable[str], unique_count: int | None = None) -> Part:
    items = list(items)
    count = len(items) if unique_count is None else unique_count
    xml = (f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
           + "".join(f"<si><t>{escape(s)}</t></si>" for s in items) + "</sst>")
    return Part("xl/sharedStrings.xml", xml.encode())


# --- xls: BIFF8 records in an OLE compound file -----------------------------------------------------------------

def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff8(cells: list[tuple[int, int, object]], *, title: str = "人才", sst_unique: int | None = None,
          extra: bytes = b"") -> bytes:
    """A Workbook stream: globals (code page, one sheet, shared strings) and one worksheet of ``cells`` (row and
    column from 0; text as shared strings, numbers as NUMBER records), ``extra`` records before its end."""
    strings: dict[str, int] = {}
    body = b""
    for row, col, value in cells:
        if isinstance(value, str):
            index = strings.setdefault(value, len(strings))
            body += _record(0x00FD, struct.pack("<HHHI", row, col, 15, index))
        else:
            body += _record(0x0203, struct.pack("<HHHd", row, col, 15, float(value)))
    sheet = (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
             + _record(0x0200, struct.pack("<IIHHH", 0, 1, 0, 1, 0)) + body + extra + _record(0x000A, b""))
    sst = b"".join(struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    unique = len(strings) if sst_unique is None else sst_unique
    name = title.encode("utf-16-le")

    def globals_(offset: int) -> bytes:
        return (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
                + _record(0x0042, struct.pack("<H", 1200))
                + _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(title), 1) + name)
                + _record(0x00FC, struct.pack("<II", len(strings), unique) + sst) + _record(0x000A, b""))

    stream = globals_(len(globals_(0))) + sheet
    return stream + b"\0" * max(0, 4096 - len(stream))       # 4096 bytes or more: a regular (not mini) stream


def ole_bytes(stream: bytes, name: str = "Workbook") -> bytes:
    """A version-3 compound file (512-byte sectors) holding one stream: FAT in sector 0, the stream from sector 1,
    the directory after it."""
    sector = 512
    n = -(-len(stream) // sector)
    if n + 2 > 128:
        raise ValueError("stream too long for a one-sector FAT")
    fat = [0xFFFFFFFD] + [i + 2 for i in range(n - 1)] + [0xFFFFFFFE, 0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(label: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = label.encode("utf-16-le") + b"\0\0" if label else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\0" * 36 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(name, 2, 0xFFFFFFFF, 1, len(stream))
                 + entry("", 0, 0xFFFFFFFF, 0, 0) * 2)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<9I", 0, 1, n + 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108)
    return header + struct.pack("<128I", *fat) + stream.ljust(n * sector, b"\0") + directory


def xls_bytes(cells: list[tuple[int, int, object]], **kw) -> bytes:
    return ole_bytes(biff8(cells, **kw))


# --- ods ------------------------------------------------------------------------------------------------------------

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_cell(value: object = None, repeat: int = 1, formula: str = "") -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    f = f' table:formula="of:{escape(formula)}"' if formula else ""
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{rep}{f}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"{rep}{f}><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_row(cells: list[str] | list[object], repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    inner = "".join(c if isinstance(c, str) and c.startswith("<table:") else ods_cell(c) for c in cells)
    return f"<table:table-row{rep}>{inner}</table:table-row>"


def ods_bytes(rows: list[str], *, title: str = "人才") -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{escape(title)}">{"".join(rows)}'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    return zip_bytes([Part("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                      Part("META-INF/manifest.xml", manifest.encode()), Part("content.xml", content.encode())])
