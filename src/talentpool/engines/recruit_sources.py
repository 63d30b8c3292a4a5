"""Where to recruit for an industry cluster: one ranking of universities, whoever asks. The talent map (insights)
and the campus-tour planner (fairs) each select their rows — a university, how many people it supplies to the
cluster, and the past yield of tour stops there — and both rank them here, so the two never disagree on the order
of the same data. Plain Python.

The score is the supply plus ``YIELD_WEIGHT`` graduates for each hire per past visit; ties go to the university
code, so the order is total and stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

YIELD_WEIGHT = 20.0  # one hire per past visit counts as much as 20 people of the cluster


@dataclass(frozen=True)
class Source:
    key: str  # the university's code
    name: str
    division: str = ""  # where it is (the division code the caller has: city or province)
    people: int = 0  # the supply: people of the cluster (or of its wanted majors) who graduated there
    hires_per_visit: float = 0.0  # past tour stops there: hires per visit

    @property
    def score(self) -> float:
        return self.people + YIELD_WEIGHT * self.hires_per_visit


def rank_sources(rows: Iterable[Source], *, limit: int | None = None) -> list[Source]:
    """The rows best first (score, then code), rows of the same university merged; at most ``limit``."""
    merged: dict[str, Source] = {}
    for row in rows:
        if not row.key:
            continue
        seen = merged.get(row.key)
        if seen is None:
            merged[row.key] = row
        else:
            merged[row.key] = Source(row.key, seen.name or row.name, seen.division or row.division,
                                     seen.people + row.people, max(seen.hires_per_visit, row.hires_per_visit))
    ranked = sorted(merged.values(), key=lambda s: (-s.score, s.key))
    return ranked if limit is None else ranked[: max(0, limit)]
