"""Explanations and rules in words (``policies.wording``): a fact read is a sentence, a parameter value carries its
unit, a rule expression is read out with names instead of codes, and a shipped test case has its Chinese name."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from talentpool.engines.policy import parse_documents
from talentpool.policies import wording
from talentpool.policies.documents import SHIPPED_DIR


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(("name", "value", "sentence"), [
    ("owns_property", True, "本人名下有住房"),
    ("owns_property", False, "本人名下无住房"),
    ("full_time", False, "最高学历不是全日制"),
    ("degree", "master", "最高学历：硕士"),
    ("degree_rank", 3, "学历等级（大专1 本科2 硕士3 博士4）：3（硕士）"),
    ("hz_run_months", 37, "自首次参保起在杭州市连续缴纳社保月数：37 个月"),
    ("graduation_date", dt.date(2020, 6, 30), "毕业日期：2020-06-30"),
    ("graduation_date", None, "毕业日期：未知"),
    ("owns_property", None, "本人有房产：未知"),
    ("housing", "talent_rental", "公租房/人才租赁房：人才租赁房"),
    ("tier", "", "人才层次：无"),
    ("settling_allowance_received", Decimal("300000"), "已领安家补助：¥300,000.00"),
])
def test_a_fact_read_is_a_sentence_not_name_equals_value(zh, name, value, sentence):
    assert wording.fact_sentence(name, value) == sentence


def test_a_parameter_value_carries_its_unit(zh):
    assert wording.parameter_value_text("part_time_postgrad_counts", False) == "否"
    assert wording.parameter_value_text("outer_months", 36) == "36 个月"
    assert wording.parameter_value_text("amount_master", Decimal("30000.00")) == "¥30,000.00"
    assert wording.parameter_value_text("graduated_on_or_after", dt.date(2019, 6, 3)) == "2019-06-03"


def test_a_rule_is_read_out_with_names_and_parameter_labels(zh):
    version = parse_documents((SHIPPED_DIR / "hz-graduate-living-outer.yaml").read_text(encoding="utf-8"))[0]
    said = wording.rule_words(
        "(NOT overseas AND (full_time OR (param.part_time_postgrad_counts AND degree_rank >= 3))) "
        "OR (overseas AND overseas_certified)", version.parameters)
    assert said == ("（并非“海外学历”，且（全日制，或（「非全日制硕士、博士视同全日制（待确认，默认否）」，"
                    "且学历等级（大专1 本科2 硕士3 博士4） ≥ 3））），或（海外学历，且留服认证）")
    assert wording.rule_words("housing NOT IN ('public_rental', 'talent_rental')") == \
        "公租房/人才租赁房不是公租房、人才租赁房"
    assert wording.rule_words("NOT owns_property OR NOT in_area(property_division, 'hz')") == \
        "并非“本人有房产”，或并非“房产所在地在杭州市”"
    assert wording.rule_words("add_months(outer_first_insured_month, param.outer_months)", version.parameters) == \
        "毕业后首次在五县（市、区）缴纳社保月份后「在五县（市、区）连续缴纳社保满几个月后发放」个月"
    assert wording.rule_words("tier = 'A'") == "人才层次 = A类人才（顶尖人才）"


def test_every_shipped_rule_reads_without_codes_and_every_case_has_a_chinese_name(zh, db):
    raw = []
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        for version in parse_documents(path.read_text(encoding="utf-8")):
            texts = [c.when for c in version.criteria] + [a.value for a in version.amount] + \
                [a.when for a in version.amount if a.when] + [version.cap, version.minus, version.review_when]
            said = [(text, re.sub(r"「[^」]*」", "", wording.rule_words(text, version.parameters)))
                    for text in texts if text]  # parameter labels (in 「」) are the policy's own words
            raw += [(path.name, text, words) for text, words in said if "_" in words or "param." in words]
            assert all(case.zh for case in version.tests), path.name
    assert raw == [], "\n".join(f"{a}: {c}" for a, _b, c in raw)


def test_a_type_is_named_in_words_in_errors(zh):
    assert wording.type_name("money") == "金额（元）"
    assert wording.type_name("int") == "整数"
