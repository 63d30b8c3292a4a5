"""Reading back what engines.pdf wrote: the text lines of each page, for tests that check a certificate or a
report says what it should (reportlab writes ASCII85 + Flate content streams, CID text as UTF-16BE literals)."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_SHOW = re.compile(rb"\(((?:[^()\\]|\\.)*)\) Tj", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> bytes:
    def one(match: re.Match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _SIMPLE.get(code, code)
    return _ESCAPE.sub(one, raw)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of every page content stream, each shown string on its own line."""
    pages = []
    for match in _STREAM.finditer(pdf):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = raw[:-2]
        try:
            content = zlib.decompress(base64.a85decode(raw))
        except (ValueError, zlib.error):
            continue
        shown = [_literal(m.group(1)) for m in _SHOW.finditer(content)]
        if shown:
            pages.append("\n".join(s.decode("utf-16-be", errors="replace") for s in shown))
    return pages
