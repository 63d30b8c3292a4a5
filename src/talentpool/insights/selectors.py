"""Reads for the insights pages, the API and the CLI: which snapshot, which scope, which filters; the figures
themselves are in ``figures`` and ``maps`` (DuckDB over the snapshot)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from talentpool.accounts.models import Role
from talentpool.reference.models import Division, DivisionLevel
from talentpool.registry.models import Cluster, Degree, Tier
from talentpool.registry.selectors import talent_visible_to
from talentpool.servicedesk.models import DeskOfficer
from talentpool.servicedesk.selectors import desk_officer_of

from . import figures, maps
from .snapshot import Snapshot, kpis_of_the_day, snapshot_current, snapshot_stale, talent_map_of_the_day
from .tasks import snapshot_refresh_task

PUBLIC_SCOPE = "3301"
"""The investor view shows the whole city (Hangzhou), aggregated and suppressed."""

REFRESH_GUARD = "insights:snapshot-refresh-enqueued"


def insights_scope(user, requested: str = "") -> str:
    """The division prefix an officer's figures cover: their district or city, or ``requested`` (a district
    inside it, picked in a page's filter); anything else is ignored."""
    scope = user.scope_prefix if user.role == Role.OFFICER else PUBLIC_SCOPE
    if requested and len(requested) == 6 and requested.isdigit() and requested.startswith(scope):
        return requested
    return scope


def districts_for(user) -> list[tuple[str, str]]:
    """The districts an officer may pick in the filters (several only for a city officer)."""
    prefix = insights_scope(user)
    return list(Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=prefix)
                .order_by("code").values_list("code", "name")) if len(prefix) < 6 else []


def snapshot_for_reading() -> Snapshot | None:
    """The current snapshot; when it is missing or older than ``INSIGHTS_MAX_AGE`` a refresh is enqueued (at
    most one per ten minutes from pages) and the page answers from what there is."""
    snap = snapshot_current()
    if snapshot_stale(snap) and cache.add(REFRESH_GUARD, 1, timeout=600):
        transaction.on_commit(snapshot_refresh_task.enqueue)
        snap = snapshot_current() or snap  # an immediate backend has just built it
    return snap


@contextmanager
def snapshot_connection(snap: Snapshot):
    con = figures.connect(snap.path)
    try:
        yield con
    finally:
        con.close()


def filters_from(params) -> maps.Filters:
    """Filters from a query string; values that are not choices are ignored (a filter never fails a page)."""
    def pick(name: str, choices) -> str:
        value = params.get(name, "")
        return value if value in choices else ""

    year = params.get("arrival_year", "")
    province = params.get("province", "")
    discipline = params.get("discipline", "")
    return maps.Filters(
        degree=pick("degree", Degree.values), tier=pick("tier", Tier.values), cluster=pick("cluster", Cluster.values),
        age_band=pick("age_band", figures.AGE_BANDS),
        discipline=discipline if discipline.isdigit() and len(discipline) == 2 else "",
        arrival_year=int(year) if year.isdigit() and 1950 <= int(year) <= 2100 else None,
        province=province if province.isdigit() and len(province) == 2 else "")


def as_of_from(params, today: dt.date) -> dt.date:
    try:
        return min(dt.date.fromisoformat(params.get("as_of", "")), today)
    except ValueError:
        return today


CACHE_SECONDS = 3600


def _cached(snap: Snapshot, key: str, compute):
    """Figures of one snapshot never change: they are kept in the cache under the snapshot's folder name, so a
    new snapshot is a new key (that is the whole invalidation)."""
    full = f"insights:{snap.path.name}:{key}"
    value = cache.get(full)
    if value is None:
        with snapshot_connection(snap) as con:
            value = compute(con)
        cache.set(full, value, CACHE_SECONDS)
    return value


def dashboard(snap: Snapshot, *, scope: str, as_of: dt.date) -> dict[str, Any]:
    """The dashboard's figures: as of the snapshot's day from the file the refresh wrote, otherwise computed."""
    if as_of == timezone.localtime(snap.built_at).date():
        ready = kpis_of_the_day(snap, scope)
        if ready is not None:
            return ready
    return _cached(snap, f"kpis:{scope}:{as_of}", lambda con: figures.kpis(con, as_of=as_of, scope=scope))


def talent_map(snap: Snapshot, *, scope: str, as_of: dt.date, f: maps.Filters) -> dict[str, Any]:
    """The talent map: without filters as of the snapshot's day from the file the refresh wrote, else computed."""
    if f == maps.Filters() and as_of == timezone.localtime(snap.built_at).date():
        ready = talent_map_of_the_day(snap, scope)
        if ready is not None:
            return ready
    key = "talents:" + ":".join(str(v) for v in (scope, as_of, *f.__dict__.values()))
    return _cached(snap, key, lambda con: maps.talent_map(con, as_of=as_of, scope=scope, f=f))


def industry_map(snap: Snapshot, *, scope: str, as_of: dt.date, shared: bool) -> dict[str, Any]:
    """The industry map; ``shared`` (the public investor view) suppresses every cell of fewer than 5 people."""
    data = dict(_cached(snap, f"industry:{scope}:{as_of}",
                        lambda con: maps.industry_map(con, as_of=as_of, scope=scope)))
    if shared:
        data["clusters"] = figures.suppress(data["clusters"], count="people", also=("hires",))
        data["gap"] = figures.suppress(figures.suppress(data["gap"], count="supply"), count="seekers")
    return data


def recruit_sources(snap: Snapshot, *, cluster: str, scope: str, as_of: dt.date) -> list[dict[str, Any]]:
    """Where to recruit for ``cluster`` (``maps.recruit_sources``), kept under the snapshot's name like every figure
    of it: a request opened a DuckDB connection over the Parquet files (~200 ms at 400,000 talents). A cluster
    that is not one of the choices has no talents (and takes no cache entry)."""
    if cluster not in Cluster.values:
        return []
    return _cached(snap, f"recruit-sources:{scope}:{as_of}:{cluster}", lambda con: maps.recruit_sources(
        con, cluster=cluster, as_of=as_of, scope=scope))


def officer_filter_from(user, value: str) -> int | str | None:
    """The early-warning list's officer filter from a query string: '' any, 'none' talents without a one-to-one
    officer, 'mine' the signed-in officer's own talents, or a desk officer's id; anything else is ignored."""
    if value == figures.UNASSIGNED:
        return value
    if value == "mine":
        mine = desk_officer_of(user)
        return mine.pk if mine else figures.UNASSIGNED
    return int(value) if value.isdigit() and len(value) < 10 else None


def early_warning_rows(user, snap: Snapshot, *, as_of: dt.date, officer: int | str | None = None,
                       limit: int = 500) -> list[dict[str, Any]]:
    """The early-warning rows of the officer's scope as the snapshot gives them (talent id, reasons, desk
    officer id), at most ``limit``: kept under the snapshot's name like every figure of it (``_cached``), so a
    request reads no Parquet file and opens no DuckDB connection (~110 ms) once a process has computed them."""
    scope = insights_scope(user)
    return _cached(snap, f"early-warning:{scope}:{as_of}:{officer}:{limit}", lambda con: figures.early_warning(
        con, as_of=as_of, scope=scope, limit=limit, officer=officer))


def early_warning_people(user, rows: list[dict[str, Any]], *,
                         officers: dict[int, DeskOfficer] | None = None) -> list[dict[str, Any]]:
    """Rows joined to the people the officer may see (names, masked ID numbers: read afresh, never kept with the
    snapshot's rows) and to their one-to-one officer (the service desk's assignment as of the snapshot): two
    queries whatever the number of rows, one when ``officers`` (by id) already holds the rows' officers."""
    people = talent_visible_to(user).filter(pk__in=[r["talent_id"] for r in rows]).values_list(
        "pk", "name", "id_masked")
    by_id = {pk: {"pk": pk, "name": name, "id_masked": masked} for pk, name, masked in people}
    wanted = {r["officer_id"] for r in rows} - {None}
    if officers is None or not wanted <= officers.keys():
        officers = {o.pk: o for o in DeskOfficer.objects.filter(pk__in=wanted).select_related("user")}
    return [{"talent": by_id[r["talent_id"]], "reasons": r["reasons"], "officer": officers.get(r["officer_id"])}
            for r in rows if r["talent_id"] in by_id]


def early_warning_page(user, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """One page of the list: its rows joined as ``early_warning_people`` does, and the desk officers one may
    filter by (the active ones, by name), the active officers and the rows' officers read in one query."""
    wanted = {r["officer_id"] for r in rows} - {None}
    found = list(DeskOfficer.objects.filter(Q(active=True) | Q(pk__in=wanted)).select_related("user")
                 .order_by("user__username"))
    choices = [(o.pk, str(o)) for o in found if o.active]
    return early_warning_people(user, rows, officers={o.pk: o for o in found}), choices


def early_warning_list(user, snap: Snapshot, *, as_of: dt.date, officer: int | str | None = None,
                       limit: int = 500) -> list[dict[str, Any]]:
    """The early-warning rows of the officer's scope joined to the people the officer may see and to their
    one-to-one officer, at most ``limit``; ``officer`` narrows them to one desk officer's talents (see
    ``officer_filter_from``)."""
    return early_warning_people(user, early_warning_rows(user, snap, as_of=as_of, officer=officer, limit=limit))
