"""Bounds and units of policy parameters: what a value may be, read from its type and its name.

A parameter's document says its type (money, int, date, ...); its name says what it counts (``*_months``,
``age_limit``, ``min_degree_rank``). Together they give the unit shown beside the field and the range a value must
lie in, so an amount of -99999999999 or a window of -3 months is refused with the parameter, the value and the
range, before any what-if or publication. Plain Python: the caller words the problem in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .document import Parameter

MONEY_MAX = Decimal("100000000.00")  # a hundred million yuan: no subsidy of one person comes near it


@dataclass(frozen=True)
class Bound:
    unit: str  # yuan, months, years, age, days, rank, count, date, share
    minimum: Any
    maximum: Any
    minimum_included: bool = True


def _int_bound(name: str) -> Bound:
    if name.endswith("_months") or "_months_" in name:
        return Bound("months", 0, 600)
    if "age" in name.split("_"):
        return Bound("age", 16, 100)
    if name.endswith("_years") or "_years_" in name or name.startswith("years_"):
        return Bound("years", 0, 100)
    if name.endswith("_rank"):
        return Bound("rank", 0, 10)
    if name.endswith("_per_year") or name.endswith("_days") or name.startswith("days_"):
        return Bound("days", 0, 366)
    return Bound("count", 0, 1_000_000)


def parameter_bound(parameter: Parameter) -> Bound | None:
    """The unit and range of a parameter's values (None for text and yes/no parameters)."""
    if parameter.type == "money":  # an amount paid is more than 0; the value of an in-kind item may be 0
        return Bound("yuan", Decimal("0.00"), MONEY_MAX, minimum_included=parameter.name.startswith("value"))
    if parameter.type == "decimal":
        return Bound("share" if "share" in parameter.name or "rate" in parameter.name else "count",
                     Decimal("0"), Decimal("1") if ("share" in parameter.name or "rate" in parameter.name)
                     else Decimal("1000000"))
    if parameter.type == "int":
        return _int_bound(parameter.name)
    if parameter.type == "date":
        return Bound("date", dt.date(1949, 10, 1), dt.date(2100, 12, 31))
    return None


@dataclass(frozen=True)
class BoundProblem:
    parameter: str
    line: int
    value: Any
    bound: Bound


def parameter_bound_problems(parameters: dict[str, Parameter]) -> list[BoundProblem]:
    """Every value of every parameter outside its range (values of the wrong type are the parser's problem)."""
    problems = []
    for parameter in parameters.values():
        bound = parameter_bound(parameter)
        if bound is None:
            continue
        for item in parameter.values:
            value = item.value
            if value is None or isinstance(value, bool):
                continue
            low_ok = value >= bound.minimum if bound.minimum_included else value > bound.minimum
            if not (low_ok and value <= bound.maximum):
                problems.append(BoundProblem(parameter.name, parameter.line, value, bound))
    return problems
