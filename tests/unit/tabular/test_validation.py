"""Row validation without a database: every rejection the engine owns, and all problems of a row reported."""

from __future__ import annotations

import random
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from talentpool.engines.identity import parse_resident_id
from talentpool.engines.tabular import KINDS, Context, References, talent_district, validate_row
from talentpool.engines.tabular.validation import quick_resident_id, row_key

REFS = References(
    divisions=frozenset({"330000", "330100", "330106", "330110", "110101"}),
    universities=frozenset({"4133010335"}),
    university_names={"4133010335": "浙江大学"},
    majors=frozenset({"08", "0809", "080901", "080910"}),
    industries=frozenset({"I", "65", "651", "6511"}),
    occupations=frozenset({"2-02-10-03"}),
)
CTX = Context(references=REFS, as_of=date(2025, 1, 1))


def rid(birth: date = date(1998, 5, 17), seq: int = 11, place: str = "330106") -> str:
    body = f"{place}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit(n: int = 1) -> str:
    body = f"91330106MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def run(kind: str, ctx: Context = CTX, **values):
    spec = KINDS[kind]
    headers = {c.key: c.header for c in spec.columns}
    return validate_row(spec, row=7, values=values, headers=headers, context=ctx)


def reasons(result) -> dict[str, str]:
    return {p.column: p.reason() for p in result.problems}


def test_a_good_talent_row_is_clean_and_normalised():
    number = rid(seq=11)  # odd sequence: male
    result = run("talents", name=" 张 三 ", id_type="身份证", id_number=number.lower(), gender="男",
                 birth_date="1998年5月17日", phone="138 0013 8000", email="Zhang@Example.COM",
                 hukou_division="330106", residence_division="３３０１１０", tier="E类", arrival_date=45107)
    assert result.ok, result.problems
    c = result.clean
    assert c["name"] == "张三" and c["id_number"] == number.upper() and c["id_type"] == "resident_id"
    assert c["gender"] == "M" and c["birth_date"] == date(1998, 5, 17)
    assert c["phone"] == "13800138000" and c["email"] == "Zhang@example.com"
    assert c["residence_division"] == "330110" and c["tier"] == "E" and c["arrival_date"] == date(2023, 6, 30)
    assert c["district"] == "330110"  # no officer scope: the residence county


def test_lower_case_x_in_an_id_number():
    number = next(rid(seq=s) for s in range(1, 999) if rid(seq=s).endswith("X"))
    result = run("talents", name="李四", id_number=number.lower(), residence_division="330106")
    assert result.ok and result.clean["id_number"] == number


def test_full_width_id_number():
    number = rid()
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    result = run("talents", name="李四", id_number=wide, residence_division="330106")
    assert result.ok and result.clean["id_number"] == number


def test_bad_checksum():
    number = rid()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    result = run("talents", name="李四", id_number=bad, residence_division="330106")
    assert "check digit" in reasons(result)["证件号码"]


def test_impossible_birth_date_in_the_id():
    body = "33010619990230011"
    number = body + ric.calc_check_digit(body + "0")
    assert "does not exist" in reasons(run("talents", name="李四", id_number=number, residence_division="330106"))["证件号码"]


def test_id_number_typed_as_a_number():
    result = run("talents", name="李四", id_number=3.30106199805170e17, residence_division="330106")
    assert "format the column as text" in reasons(result)["证件号码"]


def test_birth_date_and_gender_must_agree_with_the_id():
    result = run("talents", name="李四", id_number=rid(seq=11), gender="女", birth_date="1998-05-18",
                 residence_division="330106")
    got = reasons(result)
    assert "which says 男" in got["性别"] and "which says 1998-05-17" in got["出生日期"]


def test_all_problems_of_a_row_are_reported():
    result = run("talents", name="", id_number="123", phone="12", email="nope", hukou_division="999999",
                 residence_division="330106", arrival_date="2023-02-30", tier="Z", honours="诺贝尔奖")
    assert set(reasons(result)) == {"姓名", "证件号码", "手机号", "邮箱", "户籍地", "来区日期", "人才层次", "荣誉"}
    assert all(p.row == 7 for p in result.problems)
    assert "A value is required" in reasons(result)["姓名"]
    assert "not a known GB/T 2260" in reasons(result)["户籍地"]


def test_passport_and_other():
    assert run("talents", name="John Smith", id_type="passport", id_number="e 1234567",
               residence_division="330106").clean["id_number"] == "E1234567"
    assert not run("talents", name="X", id_type="护照", id_number="!!", residence_division="330106").ok
    assert not run("talents", name="X", id_type="驾照", id_number="E1234567", residence_division="330106").ok


def test_formula_cells_are_refused():
    spec = KINDS["talents"]
    headers = {c.key: c.header for c in spec.columns}
    result = validate_row(spec, row=3, values={"name": "张三", "id_number": rid(), "tier": 2,
                                               "residence_division": "330106"},
                          headers=headers, context=CTX, formula_keys=frozenset({"tier"}))
    assert "formula" in reasons(result)["人才层次"]


@pytest.mark.parametrize("scope,residence,hukou,expected", [
    ("330106", "330110", "110101", "330106"),   # a district officer: their district
    ("330100", "330110", "330106", "330110"),   # a city officer: residence inside the city
    ("330100", "110101", "330106", "330106"),   # residence outside: hukou
    ("330100", "110101", "110101", ""),         # neither inside
    ("", "330100", "330106", "330106"),         # residence not a county: hukou
    ("", "", "", ""),
])
def test_registry_district_rule(scope, residence, hukou, expected):
    assert talent_district(scope_division=scope, residence_division=residence, hukou_division=hukou) == expected


def test_talent_without_a_district_is_refused():
    result = run("talents", name="李四", id_number=rid(), residence_division="330100")
    assert "county-level" in reasons(result)["居住地"]


def test_education_row():
    result = run("education", id_number=rid(), degree="硕士", university="浙江大学", major_code=80901,
                 graduation_date="2024/6/30", full_time="是")
    assert result.ok, result.problems
    assert result.clean["university_code"] == "4133010335" and result.clean["major_code"] == "080901"
    assert result.clean["degree"] == "master"
    bad = run("education", id_number=rid(), degree="学前", university="野鸡大学", major_code="999999",
              graduation_date="")
    assert set(reasons(bad)) == {"学历", "毕业院校", "专业代码", "毕业日期"}
    abroad = run("education", id_number=rid(), degree="博士", overseas="是", university="MIT",
                 graduation_date="2020-06-01")
    assert abroad.ok and abroad.clean["university_name"] == "MIT" and abroad.clean["university_code"] == ""


def test_employment_row():
    ok = run("employment", id_number=rid(), credit_code=credit(5).lower(), start_date="2024-07-15",
             occupation_code="2-02-10-03")
    assert ok.ok and ok.clean["credit_code"] == credit(5)
    bad = run("employment", id_number=rid(), credit_code=credit(5)[:-1] + "0" if not credit(5).endswith("0")
              else credit(5)[:-1] + "1", start_date="2024-07-15", end_date="2024-01-01", occupation_code="9-99")
    assert set(reasons(bad)) == {"统一社会信用代码", "离职日期", "职业代码"}


def test_insurance_row_months():
    one = run("insurance", id_number=rid(), from_month="2024年7月", division="330106")
    assert one.clean["from_month"] == one.clean["to_month"] == date(2024, 7, 1)
    bad = run("insurance", id_number=rid(), from_month="2024-07", to_month="2024-05", division="330106")
    assert "before the first month" in reasons(bad)["截止月份"]


def test_enterprise_row():
    ok = run("enterprises", credit_code=credit(9), name="杭州测试科技有限公司", industry_code="6511",
             cluster="数字经济", division="330106", size="小型", founded_on="2019.03.01")
    assert ok.ok and ok.clean["cluster"] == "digital_economy" and ok.clean["size"] == "small"
    bad = run("enterprises", credit_code="123", name="X", industry_code="ZZ", cluster="农业", division="330100")
    assert set(reasons(bad)) == {"统一社会信用代码", "行业代码", "产业集群", "所在地"}
    outside = run("enterprises", Context(REFS, date(2025, 1, 1), "330106"), credit_code=credit(9), name="X",
                  division="330110")
    assert "outside your scope" in reasons(outside)["所在地"]


def test_natural_keys_fold_spelling():
    spec = KINDS["talents"]
    assert row_key(spec, {"id_number": rid().lower()}) == row_key(spec, {"id_type": "身份证", "id_number": rid()})
    edu = KINDS["education"]
    assert row_key(edu, {"id_number": rid(), "degree": "硕士", "graduation_date": "2024/6/30"}) == \
        row_key(edu, {"id_number": rid(), "degree": "master", "graduation_date": "2024-06-30"})


def test_quick_resident_id_agrees_with_python_stdnum():
    rng = random.Random(7)
    for _ in range(2000):
        birth = date(1950, 1, 1).fromordinal(date(1950, 1, 1).toordinal() + rng.randrange(25000))
        number = rid(birth=birth, seq=rng.randrange(1000))
        if rng.random() < 0.3:
            number = number[:-1] + rng.choice("0123456789X")
        try:
            expected = parse_resident_id(number)
        except ValueError:
            expected = None
        assert quick_resident_id(number, date(2030, 1, 1)) == expected


# --- household and housing facts ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("150,000.00", "150000.00"), ("¥150000", "150000.00"), ("150000元", "150000.00"), (150000.0, "150000.00"),
    (1234.5, "1234.50"), ("0", "0.00"), ("１５００", "1500.00"),
])
def test_household_amounts_are_exact_decimals(raw, expected):
    result = run("household", id_number=rid(), house_price=raw)
    assert result.ok and str(result.clean["house_price"]) == expected


def test_a_good_household_row_and_blank_cells_clear_the_fact():
    result = run("household", id_number=rid(), house_price="", settling_allowance="30000",
                 settling_allowance_on="2024/9/1", income_low="否", income_assessed_on="20241201")
    assert result.ok
    assert {k: v for k, v in result.clean.items() if k != "id_type"} == {
        "id_number": rid(), "house_price": None, "settling_allowance": 30000, "settling_allowance_on": date(2024, 9, 1),
        "income_low": False, "income_assessed_on": date(2024, 12, 1)}


def test_bad_household_cells_are_refused_each_by_its_column():
    result = run("household", id_number=rid(), house_price="-5", settling_allowance="", settling_allowance_on="2024-09-01",
                 income_low="", income_assessed_on="2024-12-01")
    got = reasons(result)
    assert set(got) == {"购房价格", "安家补助金额", "人均收入低于全市平均"}
    assert "not an amount in yuan" in got["购房价格"]
    assert "with its date 2024-09-01" in got["安家补助金额"]
    assert "(是 or 否) on the day assessed 2024-12-01" in got["人均收入低于全市平均"]
    future = reasons(run("household", id_number=rid(), income_low="是", income_assessed_on="2025-03-01"))
    assert "in the future" in future["收入认定日期"]  # after the as-of day 2025-01-01
    assert "more than 2 decimals" in reasons(run("household", id_number=rid(), house_price="1.005"))["购房价格"]
    assert "too large" in reasons(run("household", id_number=rid(), settling_allowance="1000000000000"))["安家补助金额"]
    # an unreadable amount next to its date is reported once, as unreadable
    once = run("household", id_number=rid(), settling_allowance="lots", settling_allowance_on="2024-09-01")
    assert [p.column for p in once.problems] == ["安家补助金额"] and "not an amount" in once.problems[0].reason()


def test_the_talents_file_carries_the_house_purchase_date():
    good = run("talents", name="张三", id_number=rid(), residence_division="330106", property_purchase_date="2024年5月10日")
    assert good.ok and good.clean["property_purchase_date"] == date(2024, 5, 10)
    later = run("talents", name="张三", id_number=rid(), residence_division="330106",
                property_purchase_date="2026-01-01")
    assert "in the future" in reasons(later)["购房日期"]
