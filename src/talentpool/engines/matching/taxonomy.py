"""The reference taxonomies read from their CSV files, and the integer keys that make codes comparable in numpy.

A code becomes ``(key, depth)``: ``key`` is an integer padded so that the prefix at depth ``d`` is
``key // divisors[d - 1]``; ``depth`` is how fine the code is. Prefixes of one value form a contiguous range of
keys, so "every code under 0809" is a ``searchsorted`` range, and two codes share depth ``d`` when their keys agree
after dividing by that depth's divisor.

| scheme | code | key | depths |
| --- | --- | --- | --- |
| majors | ``08`` / ``0809`` / ``080901`` (a ``T``/``K`` suffix is dropped) | 6 digits, zero-padded | category, class, major |
| occupations | ``2-02-10-03`` | ``2021003`` | section, category (中类), group (小类), item (细类) |
| industries | ``I`` / ``65`` / ``651`` / ``6511`` | section index × 10⁴ + 4 digits | section, division, group, class |
| divisions | ``330000`` / ``330100`` / ``330106`` | the six digits | province, city, county |

A part that is ``00`` (occupations) or ``0000``/``00`` (divisions) is read as "not given", so a coarser code
covers every code under it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "reference" / "data"


@dataclass(frozen=True, slots=True)
class CodeScheme:
    """How keys of one taxonomy compare. ``similarity`` maps the deepest shared depth to a score when neither code
    covers the other (covering — equal, or one an ancestor of the other — scores 1.0)."""

    name: str
    divisors: tuple[int, ...]
    similarity: Mapping[int, float] = field(default_factory=dict)

    @property
    def depths(self) -> int:
        return len(self.divisors)

    def prefix(self, key: int, depth: int) -> int:
        return key // self.divisors[depth - 1]

    def ancestor_key(self, key: int, depth: int) -> int:
        """The key of the ancestor of ``key`` at ``depth`` (the prefix padded back with zeros)."""
        div = self.divisors[depth - 1]
        return (key // div) * div

    @property
    def first_scored_depth(self) -> int:
        """The coarsest depth that gives a non-zero score (below it only covering counts)."""
        return min(self.similarity) if self.similarity else self.depths


# Similarity by deepest shared level (named in docs/algorithms/matching.md §4).
MAJORS = CodeScheme("majors", (10_000, 100, 1), {2: 0.6, 1: 0.3})
OCCUPATIONS = CodeScheme("occupations", (1_000_000, 10_000, 100, 1), {3: 0.6, 2: 0.3})
INDUSTRIES = CodeScheme("industries", (10_000, 100, 10, 1), {3: 0.6, 2: 0.3})
DIVISIONS = CodeScheme("divisions", (10_000, 100, 1), {})
SKILLS = CodeScheme("skills", (1,), {})

_MAJOR = re.compile(r"^(\d{2}|\d{4}|\d{6})[A-Z]{0,2}$")
_OCCUPATION = re.compile(r"^(\d)-(\d{2})-(\d{2})-(\d{2})$")
_INDUSTRY = re.compile(r"^([A-T])$|^(\d{2,4})$")
_DIVISION = re.compile(r"^\d{6}$")
_SECTIONS = "ABCDEFGHIJKLMNOPQRST"


def major_key(code: str) -> tuple[int, int] | None:
    m = _MAJOR.match(code.strip().upper())
    if not m:
        return None
    digits = m.group(1)
    return int(digits.ljust(6, "0")), len(digits) // 2


def occupation_key(code: str) -> tuple[int, int] | None:
    m = _OCCUPATION.match(code.strip())
    if not m:
        return None
    parts = [int(p) for p in m.groups()]
    if parts[0] == 0:
        return None
    depth = max(i + 1 for i, p in enumerate(parts) if p)
    return parts[0] * 1_000_000 + parts[1] * 10_000 + parts[2] * 100 + parts[3], depth


def division_key(code: str) -> tuple[int, int] | None:
    code = code.strip()
    if not _DIVISION.match(code) or code.startswith("00"):
        return None
    depth = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
    return int(code), depth


@dataclass(frozen=True, slots=True, eq=False)
class Taxonomies:
    """Names and parents of the shipped taxonomies, as plain dicts (code → name, code → level)."""

    data_dir: Path
    majors: Mapping[str, str]
    major_levels: Mapping[str, str]
    occupations: Mapping[str, str]
    occupation_levels: Mapping[str, str]
    industries: Mapping[str, str]
    industry_levels: Mapping[str, str]
    industry_sections: Mapping[str, str]  # two-digit division → section letter
    divisions: Mapping[str, str]
    division_levels: Mapping[str, str]
    division_parents: Mapping[str, str]
    universities: tuple[tuple[str, str, str], ...]  # (name, division code, 本科|专科)

    def industry_key(self, code: str) -> tuple[int, int] | None:
        m = _INDUSTRY.match(code.strip().upper())
        if not m:
            return None
        if m.group(1):
            return (_SECTIONS.index(m.group(1)) + 1) * 10_000, 1
        digits = m.group(2)
        section = self.industry_sections.get(digits[:2])
        if section is None:
            return None
        return (_SECTIONS.index(section) + 1) * 10_000 + int(digits.ljust(4, "0")), len(digits)

    def domain_terms(self) -> list[str]:
        """Names worth keeping whole in the tokenizer: majors, occupations and industries, split at list
        punctuation, 2–12 characters."""
        out: dict[str, None] = {}
        for names in (self.majors, self.occupations, self.industries):
            for name in names.values():
                for part in re.split(r"[、，,；;（）()《》/\s]+", name):
                    if 2 <= len(part) <= 12:
                        out[part] = None
        return list(out)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def load_taxonomies(data_dir: str | Path | None = None) -> Taxonomies:
    """Read the CSVs in ``data_dir`` (default: the shipped reference data). Cached per directory."""
    base = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    majors = _rows(base / "majors.csv")
    occupations = _rows(base / "occupations.csv")
    industries = _rows(base / "industries.csv")
    divisions = _rows(base / "divisions.csv")
    universities = _rows(base / "universities.csv")
    sections = {r["code"]: r["parent"] for r in industries if r["level"] == "category"}
    return Taxonomies(
        data_dir=base,
        majors={r["code"]: r["name"] for r in majors},
        major_levels={r["code"]: r["level"] for r in majors},
        occupations={r["code"]: r["name"] for r in occupations},
        occupation_levels={r["code"]: r["level"] for r in occupations},
        industries={r["code"]: r["name"] for r in industries},
        industry_levels={r["code"]: r["level"] for r in industries},
        industry_sections=sections,
        divisions={r["code"]: r["name"] for r in divisions},
        division_levels={r["code"]: r["level"] for r in divisions},
        division_parents={r["code"]: r["parent"] for r in divisions if r["parent"]},
        universities=tuple((r["name"], r["division"], r["level"]) for r in universities),
    )
