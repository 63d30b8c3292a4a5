"""Weighted pools the demo talents are drawn from: birth places (Zhejiang and Hangzhou more often, a code that
existed in the birth year), majors, universities by degree, and employers by district and cluster."""

from __future__ import annotations

import random
from collections.abc import Iterable
from itertools import accumulate

from .codes import place_code_valid_in
from .enterprises import DemoEnterprise
from .reference import (
    BACHELOR,
    DOCTOR,
    HANGZHOU_PREFIX,
    JUNIOR_COLLEGE,
    MAJOR_CATEGORY_WEIGHTS,
    MAJOR_CLASS_WEIGHTS,
    MASTER,
    NEW_COUNTIES,
    PROVINCE_WEIGHTS,
    SIZES,
    UNIVERSITY_BOOSTS,
    UniversityRef,
)

_SIZE_WEIGHT = {name: weight for name, _, weight in SIZES}


class Pool:
    """Items and cumulative weights for ``random.choices`` (the cumulative form is the fast one)."""

    __slots__ = ("items", "cum")

    def __init__(self, items: list, weights: list[float]) -> None:
        pairs = [(i, w) for i, w in zip(items, weights, strict=True) if w > 0]
        if not pairs:
            raise ValueError("empty pool")
        self.items = [i for i, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def draw(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]


def place_pool(counties: Iterable[str], *, year: int | None = None) -> Pool | None:
    """County codes weighted by province (Hangzhou's three times the rest of Zhejiang's); with ``year``, only
    codes valid in that year. None when no code qualifies."""
    by_province: dict[str, list[str]] = {}
    for code in counties:
        if len(code) != 6 or code.endswith("00") or code in NEW_COUNTIES:
            continue
        if year is not None and not place_code_valid_in(code, year):
            continue
        by_province.setdefault(code[:2], []).append(code)
    if not by_province:
        return None
    items: list[str] = []
    weights: list[float] = []
    for province, codes in by_province.items():
        share = PROVINCE_WEIGHTS.get(province, 0.1)
        local = [3.0 if c.startswith(HANGZHOU_PREFIX) else 1.0 for c in codes]
        total = sum(local)
        items += codes
        weights += [share * w / total for w in local]
    return Pool(items, weights)


def major_pool(majors: Iterable[str]) -> Pool:
    """Majors weighted by their class (or category), shared among the majors of the class."""
    items = [m for m in majors if len(m) >= 6]
    per_class: dict[str, int] = {}
    for m in items:
        per_class[m[:4]] = per_class.get(m[:4], 0) + 1
    weights = []
    for m in items:
        w = MAJOR_CLASS_WEIGHTS.get(m[:4])
        if w is None:
            w = MAJOR_CATEGORY_WEIGHTS.get(m[:2], 0.2)
        weights.append(w / per_class[m[:4]])
    return Pool(items, weights)


def _university_weight(u: UniversityRef) -> float:
    if u.name in UNIVERSITY_BOOSTS:
        return UNIVERSITY_BOOSTS[u.name]
    zhejiang = u.division.startswith("33")
    if u.is_985:
        return 4
    if u.is_211:
        return 2
    if u.vocational:
        return 2 if zhejiang else 0.08
    return 1.5 if zhejiang else 0.15


def university_pools(universities: Iterable[UniversityRef]) -> dict[str, Pool]:
    """For each degree, the universities that award it, the well-known and Zhejiang's more often."""
    unis = list(universities)
    base = _university_weight
    pools = {
        JUNIOR_COLLEGE: [base(u) if u.vocational else 0 for u in unis],
        BACHELOR: [0 if u.vocational else base(u) for u in unis],
        MASTER: [0 if u.vocational else base(u) * (3 if u.is_985 else 1.5 if u.is_211 else 0.5) for u in unis],
        DOCTOR: [0 if u.vocational else base(u) * (5 if u.is_985 else 2 if u.is_211 else 0.3) for u in unis],
    }
    out = {}
    for degree, weights in pools.items():
        if not any(weights):  # a small test reference may lack vocational schools
            weights = [1.0] * len(unis)
        out[degree] = Pool(unis, weights)
    return out


def employer_pools(enterprises: list[DemoEnterprise]) -> dict[tuple[str, str], Pool]:
    """Enterprise indexes by (division, cluster), with "*" for any, weighted by size."""
    groups: dict[tuple[str, str], list[DemoEnterprise]] = {}
    for e in enterprises:
        for key in ((e.division, e.cluster), (e.division, "*"), ("*", e.cluster), ("*", "*")):
            groups.setdefault(key, []).append(e)
    return {k: Pool([e.index for e in v], [_SIZE_WEIGHT.get(e.size, 1) for e in v])
            for k, v in groups.items()}
