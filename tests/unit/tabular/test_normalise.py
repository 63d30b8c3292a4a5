"""Normalisation of what people type: one case per rule (issue 2, item 6)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from talentpool.engines.tabular.normalise import (
    CellError,
    code_text,
    parse_bool,
    parse_date,
    parse_month,
    text,
)


@pytest.mark.parametrize("raw", [
    "2023-06-30", "2023/6/30", "2023年6月30日", "2023.06.30", "20230630", " 2023-06-30 ", "２０２３－０６－３０",
    45107, 45107.0, 20230630, date(2023, 6, 30), datetime(2023, 6, 30, 0, 0), "2023-06-30 00:00:00",
])
def test_dates_in_every_common_spelling(raw):
    assert parse_date(raw) == date(2023, 6, 30)


@pytest.mark.parametrize("raw", ["2023-02-30", "2023年13月1日", "20230631"])
def test_impossible_dates_are_refused(raw):
    with pytest.raises(CellError) as exc:
        parse_date(raw)
    assert "not a real date" in exc.value.message


@pytest.mark.parametrize("raw", ["yesterday", "30/06/2023", "-5"])
def test_unreadable_dates_are_refused(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["2024-07", "2024/7", "2024年7月", "2024.07", "202407", "2024-07-15", 45488])
def test_months(raw):
    assert parse_month(raw) == date(2024, 7, 1)


def test_full_width_and_stray_spaces():
    assert text("  张 三\u3000") == "张三"
    assert text("Ｊｏｈｎ   Ｓｍｉｔｈ") == "John Smith"
    assert code_text(" ３３０ １０６ ") == "330106"
    assert code_text(330106.0) == "330106"


@pytest.mark.parametrize("raw,expected", [("是", True), ("否", False), ("Y", True), ("no", False), ("1", True)])
def test_yes_no(raw, expected):
    assert parse_bool(raw) is expected
