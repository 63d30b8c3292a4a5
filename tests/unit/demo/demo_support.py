"""Helpers of the demo engine tests: the reference read straight from the shipped CSVs (no database)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from talentpool.engines.demo import (
    DemoOptions,
    DemoReference,
    TalentGenerator,
    UniversityRef,
    generate_enterprises,
)

DATA = Path(__file__).resolve().parents[3] / "src" / "talentpool" / "reference" / "data"
AS_OF = date(2026, 11, 20)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_reference() -> DemoReference:
    universities = [
        UniversityRef(code=r["code"], name=r["name"], division=r["division"], vocational=r["level"] == "专科",
                      is_985="985" in r["tags"], is_211="211" in r["tags"])
        for r in _rows("universities.csv")
    ]
    return DemoReference(
        counties=[r["code"] for r in _rows("divisions.csv") if r["level"] == "county"],
        universities=universities,
        majors=[r["code"] for r in _rows("majors.csv") if r["level"] == "item"],
        industries=[r["code"] for r in _rows("industries.csv") if r["level"] == "item"],
        occupations=[r["code"] for r in _rows("occupations.csv") if r["level"] == "item"],
    )


def generate(reference: DemoReference, *, talents: int, enterprises: int = 200, seed: int = 7,
             chunk_size: int = 20_000):
    options = DemoOptions(seed=seed, as_of=AS_OF)
    firms = generate_enterprises(enterprises, reference=reference, options=options)
    generator = TalentGenerator(reference=reference, options=options, enterprises=firms)
    chunks = list(generator.generate(talents, chunk_size=chunk_size))
    return firms, chunks
