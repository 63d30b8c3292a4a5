"""The shipped CSVs are consistent on their own: well-formed codes, every parent present, known examples right."""

from __future__ import annotations

import re

import pytest

from talentpool.reference.selectors import normalise_major_code, normalise_university_name
from talentpool.reference.tables import TABLES, reference_file_rows

TREES = ["divisions", "majors", "industries", "occupations"]


def rows_of(key: str) -> list[dict[str, str]]:
    return reference_file_rows(key)


def by_code(key: str) -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows_of(key)}


@pytest.mark.parametrize("key", list(TABLES))
def test_codes_are_unique_and_names_present(key):
    rows = rows_of(key)
    assert rows
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(r["name"].strip() == r["name"] and r["name"] for r in rows)


@pytest.mark.parametrize("key", list(TABLES))
def test_values_fit_the_model_columns(key):
    model = TABLES[key].model
    for field in ("code", "name"):
        limit = model._meta.get_field(field).max_length
        assert max(len(r[field]) for r in rows_of(key)) <= limit


@pytest.mark.parametrize("key", TREES)
def test_every_child_has_an_existing_parent_one_level_up(key):
    table = by_code(key)
    order = {
        "divisions": ["province", "city", "county"],
        "majors": ["category", "class", "item"],
        "industries": ["section", "category", "group", "item"],
        "occupations": ["section", "category", "group", "item"],
    }[key]
    for code, row in table.items():
        assert row["level"] in order, code
        if order.index(row["level"]) == 0:
            assert row["parent"] == "", code
            continue
        assert row["parent"] in table, f"{code}: parent {row['parent']!r} missing"
        assert order.index(table[row["parent"]]["level"]) < order.index(row["level"]), code


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("divisions", r"^\d{6}$"),
        ("universities", r"^\d{10}$"),
        ("majors", r"^\d{2}(\d{2}(\d{2})?)?$"),
        ("industries", r"^([A-T]|\d{2,4})$"),
        ("occupations", r"^\d-\d{2}-\d{2}-\d{2}$"),
    ],
)
def test_codes_are_well_formed(key, pattern):
    bad = [r["code"] for r in rows_of(key) if not re.match(pattern, r["code"])]
    assert bad == []


def test_division_codes_nest_by_prefix():
    for row in rows_of("divisions"):
        code, level, parent = row["code"], row["level"], row["parent"]
        if level == "province":
            assert code.endswith("0000")
        elif level == "city":
            assert code.endswith("00") and parent == code[:2] + "0000"
        else:
            assert parent == code[:4] + "00"
            assert code[4] != "7", "statistical functional zones are not GB/T 2260 divisions"


def test_divisions_know_the_current_hangzhou_districts():
    table = by_code("divisions")
    assert table["330113"]["name"] == "临平区" and table["330113"]["parent"] == "330100"
    assert table["330114"]["name"] == "钱塘区"
    assert table["330106"]["name"] == "西湖区"
    assert table["330110"]["name"] == "余杭区"
    assert "330103" not in table  # 下城区, merged in 2021
    assert table["330100"]["name"] == "杭州市" and table["330000"]["name"] == "浙江省"


@pytest.mark.parametrize("province", ["110000", "120000", "310000", "500000"])
def test_municipalities_have_a_city_level(province):
    table = by_code("divisions")
    cities = [c for c, r in table.items() if r["parent"] == province]
    assert province[:2] + "0100" in cities
    assert table[province[:2] + "0100"]["name"] == "市辖区"


def test_divisions_cover_every_province_level_unit():
    provinces = [r for r in rows_of("divisions") if r["level"] == "province"]
    assert len(provinces) == 34
    assert {"710000", "810000", "820000"} <= {r["code"] for r in provinces}


def test_known_majors():
    table = by_code("majors")
    assert table["08"]["name"] == "工学"
    assert table["0809"]["name"] == "计算机类" and table["0809"]["parent"] == "08"
    assert table["080901"]["name"] == "计算机科学与技术" and table["080901"]["parent"] == "0809"
    assert table["080910"]["name"] == "数据科学与大数据技术" and table["080910"]["mark"] == "T"
    assert table["080717"]["name"] == "人工智能"
    assert table["100201"]["name"] == "临床医学" and table["100201"]["mark"] == "K"
    assert all(r["mark"] in ("", "T", "K", "TK") for r in table.values())


def test_major_catalogue_has_every_category_and_its_classes():
    rows = rows_of("majors")
    categories = {r["code"] for r in rows if r["level"] == "category"}
    assert categories == {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13"}
    assert len([r for r in rows if r["level"] == "class"]) >= 90
    assert len([r for r in rows if r["level"] == "item"]) >= 700
    for r in rows:
        if r["level"] != "category":
            assert r["code"].startswith(r["parent"])


def test_industries_have_all_sections_and_divisions():
    table = by_code("industries")
    sections = {c for c, r in table.items() if r["level"] == "section"}
    assert sections == set("ABCDEFGHIJKLMNOPQRST")
    divisions = {c for c, r in table.items() if r["level"] == "category"}
    assert divisions == {f"{n:02d}" for n in range(1, 98)}
    assert table["65"]["parent"] == "I" and table["65"]["name"] == "软件和信息技术服务业"
    assert table["651"]["parent"] == "65" and table["6511"]["parent"] == "651"
    assert table["6511"]["name"] == "基础软件开发"
    assert table["27"]["parent"] == "C" and table["39"]["parent"] == "C"


def test_occupations_2022():
    table = by_code("occupations")
    assert len([r for r in table.values() if r["level"] == "section"]) == 8
    assert table["2-02-10-03"]["name"] == "计算机软件工程技术人员" and table["2-02-10-03"]["mark"] == "S"
    assert table["2-02-10-03"]["parent"] == "2-02-10-00"
    assert table["2-02-10-00"]["parent"] == "2-02-00-00"
    assert table["2-02-00-00"]["parent"] == "2-00-00-00"
    assert table["1-01-00-01"]["parent"] == "1-01-00-00"
    assert not any(re.search(r"[A-Za-z]$", r["name"]) for r in table.values())
    assert all(r["mark"] in ("", "S", "L", "L/S") for r in table.values())


def test_universities_match_divisions_and_tags():
    divisions = by_code("divisions")
    unis = rows_of("universities")
    assert len(unis) > 2700
    assert all(u["division"] in divisions for u in unis)
    assert all(u["level"] in ("本科", "专科") for u in unis)
    names = {u["name"]: u for u in unis}
    assert names["清华大学"]["tags"].split(";") == ["C9", "985", "211", "双一流"]
    assert names["清华大学"]["division"] == "110100"
    assert names["浙江大学"]["division"] == "330100" and names["浙江大学"]["city"] == "杭州市"
    assert names["杭州电子科技大学"]["tags"] == ""
    assert names["河北工业大学"]["tags"] == "211;双一流" and names["河北工业大学"]["province"] == "天津市"
    assert names["南方科技大学"]["tags"] == "双一流"


def test_tier_lists_have_their_published_sizes():
    tags = rows_of("universities")
    count = {t: sum(1 for u in tags if t in u["tags"].split(";")) for t in ("C9", "985", "211", "双一流")}
    # Three military universities with tags are not on the Ministry's list (see SOURCES.md).
    assert count == {"C9": 9, "985": 38, "211": 112, "双一流": 144}


def test_tag_file_names_are_on_the_list_except_the_military_universities():
    names = {u["name"] for u in rows_of("universities")}
    tagged = {
        r["name"]: r
        for r in (
            __import__("csv").DictReader(
                (TABLES["universities"].path.parent / "university_tags.csv").open(encoding="utf-8")
            )
        )
    }
    missing = {n for n, r in tagged.items() if n not in names and r["former_name"] not in names}
    assert missing == {"国防科技大学", "海军军医大学", "空军军医大学"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("080910T", "080910"),
        ("080911TK", "080911"),
        ("０８０９０１", "080901"),
        ("0809", "0809"),
        ("08", "08"),
        (" 080901 ", "080901"),
        ("80901", ""),
        ("080901X", ""),
    ],
)
def test_normalise_major_code(raw, code):
    assert normalise_major_code(raw) == code


def test_normalise_university_name():
    assert normalise_university_name(" 中国石油大学(北京) ") == "中国石油大学（北京）"


def test_data_files_are_small():
    total = sum(t.path.stat().st_size for t in TABLES.values())
    assert total < 3 * 1024 * 1024
