"""Insights endpoints (/api/v1/insights/): the dashboard's figures, the talent map and the industry map as JSON,
the same selectors as the pages (officers, within their scope; ``district`` narrows a city officer's figures
to one of its districts, as the pages' filter does), and the public industry map (anyone; the city's
aggregates with small cells suppressed). While the first snapshot is being prepared the answer is 409
``preparing``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router

from talentpool.accounts.models import Role
from talentpool.core.errors import ConflictError
from talentpool.core.permissions import ensure_role

from . import selectors
from .snapshot import Snapshot

router = Router(tags=["insights"])


def _snapshot() -> Snapshot:
    snap = selectors.snapshot_for_reading()
    if snap is None:
        raise ConflictError(_("The figures are being prepared. Please come back in a few minutes."), code="preparing")
    return snap


def _as_of(as_of: dt.date | None) -> dt.date:
    today = timezone.localdate()
    return min(as_of, today) if as_of else today


@router.get("/kpis", response=dict[str, Any], summary="The KPI dashboard's figures as of a date (officers)")
def kpis(request, as_of: dt.date | None = None, district: str = ""):
    ensure_role(request.user, Role.OFFICER)
    return selectors.dashboard(_snapshot(), scope=selectors.insights_scope(request.user, district), as_of=_as_of(as_of))


@router.get("/talent-map", response=dict[str, Any], summary="The talent map with its filters (officers)")
def talent_map(request, as_of: dt.date | None = None, degree: str = "", discipline: str = "", age_band: str = "",
               tier: str = "", arrival_year: str = "", cluster: str = "", province: str = "", district: str = ""):
    ensure_role(request.user, Role.OFFICER)
    f = selectors.filters_from({"degree": degree, "discipline": discipline, "age_band": age_band, "tier": tier,
                                "arrival_year": arrival_year, "cluster": cluster, "province": province})
    return selectors.talent_map(_snapshot(), scope=selectors.insights_scope(request.user, district),
                                as_of=_as_of(as_of), f=f)


@router.get("/recruit-sources", response=list[dict[str, Any]],
            summary="Where to recruit for a cluster: universities ranked by talents employed in it (officers)")
def recruit_sources(request, cluster: str):
    ensure_role(request.user, Role.OFFICER)
    return selectors.recruit_sources(_snapshot(), cluster=cluster, as_of=_as_of(None),
                                     scope=selectors.insights_scope(request.user))


@router.get("/industry-map", response=dict[str, Any], summary="The industry map of the officer's scope (officers)")
def industry_map(request, district: str = ""):
    ensure_role(request.user, Role.OFFICER)
    return selectors.industry_map(_snapshot(), scope=selectors.insights_scope(request.user, district),
                                  as_of=_as_of(None), shared=False)


@router.get("/public/industry-map", response=dict[str, Any], auth=None,
            summary="The city's industry map for investors: aggregates only, groups under 5 people suppressed")
def public_industry_map(request):
    return selectors.industry_map(_snapshot(), scope=selectors.PUBLIC_SCOPE, as_of=_as_of(None), shared=True)
