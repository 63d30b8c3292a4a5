"""Reading reference data. Forms, imports and pages call these; the tables are small and cached in-process.

The caches are cleared by ``reference_load`` in the process that loaded. Other processes (web workers) notice a
load through a stamp file under ``HOME_DIR`` that the loader touches: a read compares its modification time (one
``stat``), so no query is spent on staleness; within a request the first read checks and the others trust it (a
list page names fifty districts: fifty ``stat`` calls before), so a load is seen from the next request on. Tests that load data in one test and expect an empty table in
another should call ``reference_cache_clear()`` between them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db.models import Q, QuerySet

from talentpool.engines.vocab import division_prefix

from .models import Division, Industry, Major, Occupation, ReferenceSource, University
from .tables import TABLES, reference_file_sha256

KINDS: dict[str, type] = {
    "divisions": Division,
    "universities": University,
    "majors": Major,
    "industries": Industry,
    "occupations": Occupation,
}

# Names a city level of GB/T 2260 gives that are no place name (municipalities' 市辖区, 县, and 省直辖 units).
_PLACEHOLDER_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_stamp_seen: float | None = None
_request = {"serial": 0, "open": False, "checked": -1}  # the request being served, and the last one checked in


def _request_started(**_kw) -> None:
    _request["serial"] += 1
    _request["open"] = True


def _request_finished(**_kw) -> None:
    _request["open"] = False


request_started.connect(_request_started, dispatch_uid="reference-stamp-request-started")
request_finished.connect(_request_finished, dispatch_uid="reference-stamp-request-finished")


def _stamp_path() -> Path | None:
    home = getattr(settings, "HOME_DIR", None)
    return Path(home) / "reference-loaded.stamp" if home else None


def _stamp_mtime() -> float | None:
    path = _stamp_path()
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


def _ensure_fresh() -> None:
    global _stamp_seen
    if _request["open"]:
        if _request["checked"] == _request["serial"]:
            return
        _request["checked"] = _request["serial"]
    mtime = _stamp_mtime()
    if mtime != _stamp_seen:
        _clear_caches()
        _stamp_seen = mtime


def _clear_caches() -> None:
    for fn in (_codes, _names, _divisions, _universities_by_name, _parents):
        fn.cache_clear()
    _generation[0] += 1


_generation = [0]


def reference_generation() -> int:
    """A number that changes whenever this process's cached tables are dropped (a load here, or another process's
    load seen through the stamp file): text made from reference names may be kept under it."""
    _ensure_fresh()
    return _generation[0]


def reference_cache_clear(*, notify: bool = False) -> None:
    """Forget the cached tables of this process; with ``notify`` also tell the other processes (stamp file)."""
    global _stamp_seen
    _clear_caches()
    if notify:
        path = _stamp_path()
        if path is not None:
            try:
                path.touch()
            except OSError:
                pass
    _stamp_seen = _stamp_mtime()


def _model(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown reference kind {kind!r}; one of {', '.join(KINDS)}") from None


@cache
def _codes(kind: str) -> frozenset[str]:
    return frozenset(_model(kind).objects.values_list("code", flat=True))


@cache
def _names(kind: str) -> dict[str, str]:
    return dict(_model(kind).objects.values_list("code", "name"))


@cache
def _parents(kind: str) -> dict[str, str | None]:
    return dict(_model(kind).objects.values_list("code", "parent_id"))


@lru_cache(maxsize=1)
def _divisions() -> dict[str, tuple[str, str | None]]:
    return {
        code: (name, parent)
        for code, name, parent in Division.objects.values_list("code", "name", "parent_id")
    }


@lru_cache(maxsize=1)
def _universities_by_name() -> dict[str, str]:
    return {
        normalise_university_name(name): code for code, name in University.objects.values_list("code", "name")
    }


def reference_codes(kind: str) -> frozenset[str]:
    """Every code of one table: ``reference_codes("majors")`` → frozenset({"08", "0809", "080901", ...})."""
    _ensure_fresh()
    return _codes(kind)


def reference_names(kind: str) -> dict[str, str]:
    """``{code: name}`` of one table (shared: do not modify)."""
    _ensure_fresh()
    return _names(kind)


def division_name(code: str) -> str:
    """Full readable name of a GB/T 2260 code: 330106 → '浙江省杭州市西湖区', 110101 → '北京市东城区'; '' if unknown."""
    _ensure_fresh()
    table = _divisions()
    parts: list[str] = []
    current: str | None = code
    while current and current in table:
        name, parent = table[current]
        if name not in _PLACEHOLDER_CITY_NAMES:
            parts.append(name)
        current = parent
    return "".join(reversed(parts))


def division_ancestors(code: str) -> list[str]:
    """Codes above a division, from the province down: 330106 → ['330000', '330100']."""
    return _ancestors("divisions", code)


def normalise_university_name(name: str) -> str:
    """Full-width forms folded (NFKC), spaces dropped, brackets as the list writes them: 中国石油大学(北京) → （北京）."""
    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


def university_by_name(name: str) -> University | None:
    """The university of that name (imports may give a name instead of a code), or None."""
    _ensure_fresh()
    code = _universities_by_name().get(normalise_university_name(name))
    return University.objects.filter(code=code).first() if code else None


def university_code_by_name(name: str) -> str | None:
    """Like ``university_by_name`` but without a query: the code, or None."""
    _ensure_fresh()
    return _universities_by_name().get(normalise_university_name(name))


_MAJOR_CODE = re.compile(r"^(\d{2}|\d{4}|\d{6})(?:T|K|TK)?$")


def normalise_major_code(code: str) -> str:
    """The catalogue writes 080910T or 080911TK; the stored code drops the mark: '080910'. '' when malformed."""
    text = unicodedata.normalize("NFKC", code or "").strip().upper()
    m = _MAJOR_CODE.match(text)
    return m.group(1) if m else ""


def major_ancestors(code: str) -> list[str]:
    """Codes above a major, from the category down: 080901 → ['08', '0809']; [] for unknown codes."""
    return _ancestors("majors", normalise_major_code(code) or code)


def industry_ancestors(code: str) -> list[str]:
    """Codes above an industry: 6511 → ['I', '65', '651']."""
    return _ancestors("industries", code)


def _ancestors(kind: str, code: str) -> list[str]:
    _ensure_fresh()
    parents = _parents(kind)
    chain: list[str] = []
    current = parents.get(code)
    while current:
        chain.append(current)
        current = parents.get(current)
    return list(reversed(chain))


# --- search for autocomplete (API) -------------------------------------------------------------------------------

SEARCH_LIMIT = 50


def _search(qs: QuerySet, q: str, parent: str | None, level: str | None) -> QuerySet:
    q = unicodedata.normalize("NFKC", q or "").strip()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(
            Q(code__startswith=q.upper() if q.isalpha() and q.isascii() else q) | Q(name__contains=q)
        )
    return qs


def reference_search(
    kind: str, *, q: str = "", parent: str | None = None, level: str | None = None, limit: int = SEARCH_LIMIT
) -> list:
    """Rows of one taxonomy (divisions, majors, industries, occupations) matching a code prefix or a name part."""
    model = _model(kind)
    if kind == "universities":
        return university_search(q=q, limit=limit)
    if kind == "majors" and q:
        q = normalise_major_code(q) or q
    qs = _search(model.objects.all(), q, parent, level)
    return list(qs.order_by("code")[:limit])


def university_search(
    *, q: str = "", division: str | None = None, limit: int = SEARCH_LIMIT
) -> list[University]:
    """Universities by code prefix or name part; the best known (C9, 985, 211, 双一流) first."""
    q = normalise_university_name(q)
    qs = University.objects.all()
    if division:
        qs = qs.filter(division__startswith=division_prefix(division))
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__contains=q))
    return list(qs.order_by("-is_c9", "-is_985", "-is_211", "-is_double_first_class", "code")[:limit])


# --- what is loaded, what is shipped (admin page) ---------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceStatus:
    key: str
    label: str
    title: str
    source: str
    version: str
    licence: str
    rows: int
    loaded_at: object
    loaded: bool
    up_to_date: bool  # the loaded rows come from the shipped file as it is now
    summary: str = ""  # what the table is, where it comes from and its licence's name, in the reader's language
    source_summary: str = ""
    licence_name: str = ""
    version_name: str = ""


def reference_status() -> list[ReferenceStatus]:
    """One line per shipped table: what is loaded (from ReferenceSource) against what the release ships."""
    loaded = {s.key: s for s in ReferenceSource.objects.all()}
    out = []
    for key, table in TABLES.items():
        src = loaded.get(key)
        sha = reference_file_sha256(key)
        out.append(
            ReferenceStatus(
                key=key,
                label=table.label,
                title=src.title if src else table.title,
                source=src.source if src else table.source,
                version=src.version if src else table.version,
                licence=src.licence if src else table.licence,
                rows=src.rows if src else 0,
                loaded_at=src.loaded_at if src else None,
                loaded=bool(src and src.loaded_at),
                up_to_date=bool(src and src.sha256 == sha and src.version == table.version),
                summary=str(table.summary), source_summary=str(table.source_summary),
                licence_name=str(table.licence_name), version_name=str(table.version_name),
            )
        )
    return out
