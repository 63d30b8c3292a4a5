"""Printable documents as PDF: certificates, monthly reports, any page a person prints or files.

A document is a title and a list of blocks (headings, paragraphs, tables, spacers) rendered on A4 with reportlab.
Chinese text uses reportlab's built-in CID font STSong-Light (Adobe's GB1 character collection): nothing is
embedded and no font file ships, and every PDF reader carries the glyphs. All text is treated as plain text
(escaped), so a name such as ``<b>张三</b>`` prints as typed and cannot inject markup. The output is invariant
(no creation time, a fixed document ID) so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555"))
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=9, leading=12)
_HEADINGS = {
    0: ParagraphStyle("title", parent=_BODY, fontSize=20, leading=28, alignment=1, spaceAfter=6 * mm),
    1: ParagraphStyle("h1", parent=_BODY, fontSize=14, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm),
    2: ParagraphStyle("h2", parent=_BODY, fontSize=12, leading=17, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0: centred document title, 1: section, 2: subsection


@dataclass(frozen=True)
class Text:
    text: str
    small: bool = False
    centred: bool = False


@dataclass(frozen=True)
class Gap:
    height_mm: float = 6


@dataclass(frozen=True)
class Grid:
    """A table: the header row is repeated on every page the table spans. Numbers should come already formatted
    (money as "12,345.00"); ``right`` names the columns to right-align."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    right: frozenset[int] = field(default_factory=frozenset)
    widths_mm: Sequence[float] | None = None


Block = Heading | Text | Gap | Grid


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _flowable(block: Block):
    if isinstance(block, Heading):
        return _paragraph(block.text, _HEADINGS.get(block.level, _HEADINGS[2]))
    if isinstance(block, Text):
        style = _SMALL if block.small else _BODY
        if block.centred:
            style = ParagraphStyle(f"{style.name}-centred", parent=style, alignment=1)
        return _paragraph(block.text, style)
    if isinstance(block, Gap):
        return Spacer(1, block.height_mm * mm)
    if isinstance(block, Grid):
        right = ParagraphStyle("cell-right", parent=_CELL, alignment=2)
        data = [[_paragraph(h, _CELL) for h in block.header]]
        data += [[_paragraph("" if v is None else v, right if i in block.right else _CELL) for i, v in enumerate(r)]
                 for r in block.rows]
        widths = [w * mm for w in block.widths_mm] if block.widths_mm else None
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return table
    raise TypeError(f"not a document block: {block!r}")


def render_pdf(title: str, blocks: Iterable[Block], *, author: str = "", wide: bool = False,
               footer: str = "") -> bytes:
    """The document as PDF bytes. ``wide``: A4 landscape (for wide tables). ``footer``: printed on every page with
    the page number."""
    buffer = io.BytesIO()
    size = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(buffer, pagesize=size, title=title, author=author, invariant=True,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)

    def decorate(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(size[0] - 18 * mm, 10 * mm, f"{footer}  {document.page}".strip())
        canvas.restoreState()

    doc.build([_flowable(b) for b in blocks], onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
