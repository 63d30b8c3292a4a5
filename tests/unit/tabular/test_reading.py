"""Reading files: XLSX and CSV (UTF-8 with and without BOM, GB18030) and every file-level refusal."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from talentpool.engines.tabular import KINDS, FileProblem, read_table
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
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".xls" in refused(tmp_path / "old.xls")


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
