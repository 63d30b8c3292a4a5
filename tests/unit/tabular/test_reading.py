"""Reading files: XLSX, XLS, ODS and CSV (UTF-8 with and without BOM, GB18030) and every file-level refusal."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from factories.workbooks import (
    Part,
    ods_bytes,
    ods_cell,
    ods_row,
    ole_bytes,
    xls_bytes,
    xlsx_bytes,
    zip_bytes,
)
from factories.workbooks import xlsx_parts as workbook_parts

from talentpool.engines.tabular import KINDS, FileProblem, ReadLimits, read_table
from talentpool.engines.tabular.writing import write_template

TALENTS = KINDS["talents"]
HEADER = ["姓名", "证件号码", "居住地"]


def xlsx(path, rows, title="人才"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def refused(path, spec=TALENTS, max_bytes=10_000_000) -> str:
    with pytest.raises(FileProblem) as exc:
        read_table(path, spec=spec, max_bytes=max_bytes)
    return exc.value.reason()


def test_xlsx_rows_keep_spreadsheet_numbers_and_skip_blank_rows(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [HEADER, ["张三", "x", "330106"], [None, None, None], ["李四", "y", date(2020, 1, 2)]])
    table = read_table(path, spec=TALENTS, max_bytes=10_000_000)
    assert [r for r, _ in table.rows] == [2, 4]
    assert table.mapping == {"name": 0, "id_number": 1, "residence_division": 2}
    assert table.rows[1][1][2] == date(2020, 1, 2)


def test_english_aliases_and_header_noise(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["Name", "ID Number", "residence_division", "tier *"], ["a", "b", "c", "d"]])
    table = read_table(path, spec=TALENTS, max_bytes=10_000_000)
    assert set(table.mapping) == {"name", "id_number", "residence_division", "tier"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes("姓名,证件号码,居住地\n张三,330106,西湖\n".encode(encoding))
    table = read_table(path, spec=TALENTS, max_bytes=10_000_000)
    assert table.headers == HEADER and table.rows == [(2, ["张三", "330106", "西湖"])]
    assert table.encoding == ("utf-8-sig" if encoding == "utf-8-sig" else encoding)


def test_formula_cells_are_found_in_the_sheet_xml(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [HEADER, ["张三", "=A1&\"x\"", "330106"]])
    table = read_table(path, spec=TALENTS, max_bytes=10_000_000)
    assert table.formula_cells == frozenset({(2, 1)})


def test_empty_file(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    assert "empty" in refused(tmp_path / "e.csv")
    assert "empty" in refused(xlsx(tmp_path / "e.xlsx", []))


def test_header_only(tmp_path):
    assert "no data rows" in refused(xlsx(tmp_path / "h.xlsx", [HEADER]))


def test_over_the_size_limit(tmp_path):
    path = xlsx(tmp_path / "big.xlsx", [HEADER, ["a", "b", "c"]])
    assert "over the limit" in refused(path, max_bytes=100)


def test_not_a_spreadsheet(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4\x00\x01\x02binary")
    assert "neither an XLSX" in refused(tmp_path / "x.pdf")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    (tmp_path / "x.docx").write_bytes(buf.getvalue())
    assert "neither an XLSX" in refused(tmp_path / "x.docx")
    (tmp_path / "cut.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "neither an XLSX, XLS or ODS" in refused(tmp_path / "cut.xls")


def test_missing_required_columns(tmp_path):
    reason = refused(xlsx(tmp_path / "m.xlsx", [["姓名", "手机号"], ["张三", "13800138000"]]))
    assert "证件号码 (id_number)" in reason and "Required columns are missing" in reason


def test_wrong_sheet_by_name(tmp_path):
    path = xlsx(tmp_path / "w.xlsx", [["统一社会信用代码", "企业名称", "所在地"], ["x", "y", "330106"]], title="企业")
    reason = refused(path)
    assert "企业" in reason and "人才" in reason


def test_wrong_sheet_by_columns(tmp_path):
    path = xlsx(tmp_path / "w.xlsx", [["姓名", "证件号码", "学历", "毕业日期", "毕业院校"], ["a", "b", "硕士", "2024-06-30", "x"]],
                title="Sheet1")
    reason = refused(path)
    assert "Sheet1" in reason and "education" in reason and "人才" in reason


def test_the_kind_sheet_is_chosen_over_the_first(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("人才")
    ws.append(HEADER)
    ws.append(["a", "b", "c"])
    wb.save(tmp_path / "k.xlsx")
    assert read_table(tmp_path / "k.xlsx", spec=TALENTS, max_bytes=10_000_000).sheet == "人才"


@pytest.mark.parametrize("kind", list(KINDS))
def test_templates_read_back_as_their_kind(tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"
    with path.open("wb") as fh:
        write_template(KINDS[kind], fh)
    table = read_table(path, spec=KINDS[kind], max_bytes=10_000_000)
    assert set(table.mapping) == {c.key for c in KINDS[kind].columns}
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [KINDS[kind].sheet, "说明"]
    first = wb[KINDS[kind].sheet]["A1"]
    assert first.comment is not None and KINDS[kind].columns[0].key in first.comment.text
    assert wb[KINDS[kind].sheet].max_row == 2  # headers and one example row, no English header row


# --- .xls, .ods, the real samples and the limits -----------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize("name", ["talents_sample.xlsx", "talents_sample.xls", "talents_sample.ods",
                                  "talents_sample.csv", "talents_sample_gbk.csv"])
def test_the_office_suite_samples_read_alike(name):
    table = read_table(SAMPLES / name, spec=TALENTS, max_bytes=10_000_000)
    assert table.format == name.rsplit(".", 1)[1]
    assert [r for r, _ in table.rows] == [2, 3, 4, 5, 6]
    first = table.values(table.rows[0][1])
    assert (first["name"], first["id_number"], first["birth_date"]) == ("陈思远", "330106199805170113", "1998-05-17")
    assert table.encoding == {"talents_sample.csv": "utf-8-sig", "talents_sample_gbk.csv": "gb18030"}.get(name, "")


def here(path, spec=TALENTS, **limits):
    """The checks and the reading, in this process (the confined path is covered by the tests above)."""
    return read_table(path, spec=spec, max_bytes=10_000_000, limits=ReadLimits(**limits), confine=False)


def refused_here(path, **limits) -> str:
    with pytest.raises(FileProblem) as exc:
        here(path, **limits)
    return exc.value.reason()


def test_xls_rows_numbers_and_formula_cells(tmp_path):
    formula = struct.pack("<HHHdHIH", 2, 1, 15, 7.0, 0, 0, 0)         # B3 = a formula whose cached value is 7
    path = tmp_path / "t.xls"
    path.write_bytes(xls_bytes([(0, 0, "姓名"), (0, 1, "证件号码"), (1, 0, "张三"), (1, 1, "x"), (2, 0, "李四")],
                               extra=struct.pack("<HH", 0x0006, len(formula)) + formula))
    table = here(path)
    assert (table.format, table.sheet) == ("xls", "人才")
    assert table.rows == [(2, ["张三", "x"]), (3, ["李四", 7.0])]
    assert table.formula_cells == frozenset({(3, 1)})


def test_ods_rows_repeats_and_formula_cells(tmp_path):
    path = tmp_path / "t.ods"
    path.write_bytes(ods_bytes([ods_row(["姓名", "证件号码"]), ods_row([ods_cell(None)], repeat=3),
                                ods_row(["张三", ods_cell(5, formula="[.A1]")], repeat=2)]))
    table = here(path)
    assert table.format == "ods" and table.rows == [(5, ["张三", 5.0]), (6, ["张三", 5.0])]
    assert table.formula_cells == frozenset({(5, 1), (6, 1)})


def test_data_away_from_a1_keeps_the_sheet_rows_and_columns(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes({"C3": "姓名", "D3": "证件号码", "C5": "张三", "D5": "=A1"}))
    table = here(path)
    assert table.header_row == 3 and table.mapping == {"name": 2, "id_number": 3}
    assert table.rows == [(5, ["", "", "张三", 0])]
    assert table.formula_cells == frozenset({(5, 3)})


def _sheet(rows: str) -> bytes:
    return (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
            f'<c r="B1" t="inlineStr"><is><t>证件号码</t></is></c></row>{rows}</sheetData></worksheet>').encode()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize("rows", [
    # a namespace prefix on the far cell
    f'<x:row xmlns:x="{MAIN}" r="2"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>z</x:t></x:is></x:c></x:row>',
    # cells without references follow the row's number
    '<row r="1048576">' + '<c t="inlineStr"><is><t>z</t></is></c>' * 9 + "</row>",
    # the reference is not the first attribute
    '<row r="2"><c t="inlineStr" r="XFD2"><is><t>z</t></is></c></row><row r="999999"><c s="0" r="A999999"><v>1</v></c></row>',
])
def test_cells_written_unusually_are_found_all_the_same(tmp_path, rows):
    path = tmp_path / "t.xlsx"
    path.write_bytes(zip_bytes(workbook_parts(_sheet(rows))))
    assert "over the limit of 8,000,000" in refused_here(path)


def test_empty_styled_cells_far_away_do_not_count(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes({"A1": "姓名", "B1": "证件号码", "A2": "张三", "XFD1048576": None}))
    assert here(path).rows == [(2, ["张三"])]


def test_slow_scan_finds_formulas_in_cells_without_references(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(zip_bytes(workbook_parts(_sheet('<row r="2"><c t="inlineStr"><is><t>a</t></is></c>'
                                                     "<c><f>1+1</f><v>2</v></c></row>"))))
    assert here(path).formula_cells == frozenset({(2, 1)})


def test_a_zip_with_two_parts_of_one_name_is_refused(tmp_path):
    parts = workbook_parts(_sheet(""))
    path = tmp_path / "t.xlsx"
    path.write_bytes(zip_bytes([*parts, Part("xl/worksheets/sheet1.xml", b"<worksheet/>")]))
    assert "damaged" in refused_here(path)


def test_password_protected_workbooks_are_refused(tmp_path):
    (tmp_path / "enc.xlsx").write_bytes(ole_bytes(b"\0" * 4096, name="EncryptedPackage"))
    assert "password-protected" in refused_here(tmp_path / "enc.xlsx")
    (tmp_path / "enc.xls").write_bytes(xls_bytes([(0, 0, "姓名")], extra=struct.pack("<HH", 0x002F, 6) + b"\0" * 6))
    assert "password-protected" in refused_here(tmp_path / "enc.xls")


def test_the_limits_apply_to_every_format(tmp_path):
    (tmp_path / "t.csv").write_text("姓名,证件号码\n张三,x\n李四,y\n", encoding="utf-8")
    assert "Row 3 of the CSV file" in refused_here(tmp_path / "t.csv", max_cells=5)
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes({"A1": "姓名", "B1": "证件号码", "A2": "张三", "B2": "x", "A3": "李四"}))
    assert "cell B3" in refused_here(path, max_cells=5)
    assert here(path, max_cells=6).rows[-1] == (3, ["李四"])
    (tmp_path / "t.ods").write_bytes(ods_bytes([ods_row(["姓名", "证件号码"]), ods_row(["张三", "x"], repeat=2)]))
    assert "cell B3" in refused_here(tmp_path / "t.ods", max_cells=5)
    (tmp_path / "t.xls").write_bytes(xls_bytes([(0, 0, "姓名"), (0, 1, "证件号码"), (2, 1, "x")]))
    assert "cell B3" in refused_here(tmp_path / "t.xls", max_cells=5)


def test_a_member_unpacking_past_what_it_declares_is_refused(tmp_path):
    parts = workbook_parts(_sheet(""))
    parts[2] = Part("xl/workbook.xml", parts[2].data, size=10)
    path = tmp_path / "t.xlsx"
    path.write_bytes(zip_bytes(parts))
    assert "does not match its declared size" in refused_here(path)
