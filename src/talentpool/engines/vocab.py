"""Vocabularies every layer shares, in one place: degree ranks and division-code prefixes.

Plain Python (engines sit below Django), so the engines, core and every app read the same rule.
"""

from __future__ import annotations

DEGREES: tuple[str, ...] = ("junior_college", "bachelor", "master", "doctor")
"""Degree codes from the lowest to the highest (大专, 本科, 硕士, 博士)."""

DEGREE_RANK: dict[str, int] = {code: rank for rank, code in enumerate(DEGREES, start=1)}
"""A degree's rank: 大专 1, 本科 2, 硕士 3, 博士 4; unknown degrees are not in it (callers default to 0)."""


def division_prefix(code: str | None) -> str:
    """The prefix every GB/T 2260 division under ``code`` shares: a province 330000 → 33, a city 330100 → 3301,
    a county 330106 → 330106; empty for no code."""
    code = (code or "").strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code
