"""Validating one row of the ``household`` import kind: a registered person's household and housing facts
(house price, settling allowance received and when, whether the household's per-capita income is below the city's
average and when assessed). Kept apart from ``validation`` so that module stays small; it receives the row
collector (``validation._Row``) and the identity check from there, so nothing here imports it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .messages import gettext_noop as _
from .normalise import parse_money


def validate_household(r: Any, person: Callable[[Any], None]) -> None:
    """Blank cells clear a fact (unknown), as on the officer's form. An income assessment gives the per-capita
    income (yuan a year), the yes/no answer, or both. A date without its amount or answer is refused
    on the amount's or answer's column: the policies could not read it."""
    person(r)
    r.set("house_price", r.parse("house_price", parse_money), None)
    allowance = r.parse("settling_allowance", parse_money)
    allowance_on = r.date("settling_allowance_on", past=True)
    if allowance_on is not None and allowance is None and not _refused(r, "settling_allowance"):
        r.problem("settling_allowance", _("Give the amount received with its date %(day)s"),
                  day=allowance_on.isoformat())
    r.set("settling_allowance", allowance, None)
    r.set("settling_allowance_on", allowance_on, None)
    low = r.bool("income_low")
    assessed = r.date("income_assessed_on", past=True)
    per_capita = r.parse("income_per_capita", parse_money)
    if assessed is not None and low is None and per_capita is None and not _refused(r, "income_low") \
            and not _refused(r, "income_per_capita"):
        if r.present("income_per_capita"):
            r.problem("income_per_capita", _("Give the per-capita income, or say whether it is below the average (是 "
                                             "or 否), on the day assessed %(day)s"), day=assessed.isoformat())
        else:
            r.problem("income_low", _("Say whether the income is below the average (是 or 否) on the day assessed "
                                      "%(day)s"), day=assessed.isoformat())
    r.set("income_low", low, None)
    r.set("income_per_capita", per_capita, None)
    r.set("income_assessed_on", assessed, None)


def _refused(r: Any, key: str) -> bool:
    """The cell already has a problem (unreadable), so a second one would only repeat it."""
    header = r.headers.get(key, key)
    return any(p.column == header for p in r.problems)
