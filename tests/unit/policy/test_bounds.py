"""Units and ranges of policy parameters, read from their type and name (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from talentpool.engines.policy.bounds import parameter_bound, parameter_bound_problems
from talentpool.engines.policy.document import Parameter, ParamValue, Text


def _param(name: str, kind: str, *values) -> Parameter:
    return Parameter(name, kind, Text(name, name), tuple(ParamValue(dt.date(2020, 1, 1), v) for v in values), 7)


@pytest.mark.parametrize(("name", "kind", "unit"), [
    ("amount_master", "money", "yuan"), ("window_months", "int", "months"), ("age_limit", "int", "age"),
    ("max_age", "int", "age"), ("standard_years", "int", "years"), ("min_degree_rank", "int", "rank"),
    ("nights_per_year", "int", "days"), ("graduated_on_or_after", "date", "date"), ("payments", "int", "count"),
])
def test_the_unit_comes_from_type_and_name(name, kind, unit):
    assert parameter_bound(_param(name, kind, 1)).unit == unit


def test_text_and_yes_no_parameters_have_no_range():
    assert parameter_bound(_param("rule", "str", "x")) is None and parameter_bound(_param("on", "bool", True)) is None


@pytest.mark.parametrize(("param", "bad"), [
    (_param("amount", "money", Decimal("10000.00"), Decimal("-1.00")), [Decimal("-1.00")]),
    (_param("amount", "money", Decimal("0.00")), [Decimal("0.00")]),  # an amount paid is more than 0
    (_param("value_per_issue", "money", Decimal("0.00")), []),  # an in-kind item's value may be 0
    (_param("amount", "money", Decimal("100000000.00"), Decimal("100000000.01")), [Decimal("100000000.01")]),
    (_param("window_months", "int", 0, 600, 601, -1), [601, -1]),
    (_param("age_limit", "int", 35, 15), [15]),
    (_param("since", "date", dt.date(1949, 10, 1), dt.date(1949, 9, 30), dt.date(2101, 1, 1)),
     [dt.date(1949, 9, 30), dt.date(2101, 1, 1)]),
])
def test_values_outside_the_range_are_each_reported(param, bad):
    problems = parameter_bound_problems({param.name: param})
    assert [p.value for p in problems] == bad and all(p.line == 7 for p in problems)
