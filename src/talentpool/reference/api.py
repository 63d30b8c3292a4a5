"""Reference data for autocomplete: any signed-in user may read it. Each list is short (``limit``, at most 200)."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from . import selectors

router = Router(tags=["reference"])


class SearchParams(Schema):
    q: str = Field("", description="a code prefix or a part of the name", max_length=60)
    limit: int = Field(selectors.SEARCH_LIMIT, ge=1, le=200)


class TreeSearchParams(SearchParams):
    parent: str = Field("", description="only the direct children of this code", max_length=12)
    level: str = Field(
        "", description="only this level (e.g. province, city, county; category, class, item)", max_length=10
    )


class ReferenceItemOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


class MarkedItemOut(ReferenceItemOut):
    mark: str = Field(description="majors: T special, K state-controlled; occupations: S digital, L green")


class DivisionOut(ReferenceItemOut):
    full_name: str


class UniversityOut(Schema):
    code: str
    name: str
    province: str
    city: str
    division: str
    level: str
    tags: list[str]


class SourceOut(Schema):
    key: str
    title: str
    source: str
    version: str
    licence: str
    rows: int
    loaded_at: datetime | None
    up_to_date: bool


def _item(row, **extra) -> dict:
    return {"code": row.code, "name": row.name, "level": row.level, "parent": row.parent_id, **extra}


@router.get("/divisions", response=list[DivisionOut], summary="GB/T 2260 divisions")
def divisions(request, params: Query[TreeSearchParams]):
    rows = selectors.reference_search(
        "divisions", q=params.q, parent=params.parent, level=params.level, limit=params.limit
    )
    return [_item(r, full_name=selectors.division_name(r.code)) for r in rows]


@router.get(
    "/universities", response=list[UniversityOut], summary="Universities (Ministry of Education list)"
)
def universities(request, params: Query[SearchParams], division: str = ""):
    rows = selectors.university_search(q=params.q, division=division or None, limit=params.limit)
    return [
        {
            "code": u.code,
            "name": u.name,
            "province": u.province,
            "city": u.city,
            "division": u.division,
            "level": u.level,
            "tags": u.tags,
        }
        for u in rows
    ]


@router.get("/majors", response=list[MarkedItemOut], summary="Undergraduate major catalogue")
def majors(request, params: Query[TreeSearchParams]):
    rows = selectors.reference_search(
        "majors", q=params.q, parent=params.parent, level=params.level, limit=params.limit
    )
    return [_item(r, mark=r.mark) for r in rows]


@router.get("/industries", response=list[ReferenceItemOut], summary="GB/T 4754-2017 industries")
def industries(request, params: Query[TreeSearchParams]):
    rows = selectors.reference_search(
        "industries", q=params.q, parent=params.parent, level=params.level, limit=params.limit
    )
    return [_item(r) for r in rows]


@router.get("/occupations", response=list[MarkedItemOut], summary="Occupational classification (2022)")
def occupations(request, params: Query[TreeSearchParams]):
    rows = selectors.reference_search(
        "occupations", q=params.q, parent=params.parent, level=params.level, limit=params.limit
    )
    return [_item(r, mark=r.mark) for r in rows]


@router.get("/sources", response=list[SourceOut], summary="Source, version and load state of each table")
def sources(request):
    return [
        {
            "key": s.key,
            "title": s.title,
            "source": s.source,
            "version": s.version,
            "licence": s.licence,
            "rows": s.rows,
            "loaded_at": s.loaded_at,
            "up_to_date": s.up_to_date,
        }
        for s in selectors.reference_status()
    ]
