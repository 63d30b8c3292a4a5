"""The campus-tour planner's Django side: the wanted majors (the chosen jobs' accepted majors, or those of the open
jobs of a chosen industry cluster), the registry's graduates of those majors by university, the past yield of tour
stops (hires per visit), the shipped city coordinates, and ``engines.fairs.tour.plan_tour``. The officer edits the
proposal and publishes it as a campus tour through ``services.fair_create``."""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import ensure_role
from talentpool.engines.fairs.tour import Stop, University, plan_tour, rank
from talentpool.recruitment.models import Application, Job, JobStatus, Outcome
from talentpool.reference.models import University as ReferenceUniversity
from talentpool.registry.models import Education

from .models import FairKind, TourStop

COORDINATES = Path(__file__).resolve().parent / "data" / "city_coordinates.csv"
MAX_STOPS = 12


@lru_cache(maxsize=1)
def city_coordinates() -> dict[str, tuple[float, float]]:
    with COORDINATES.open(encoding="utf-8") as fh:
        return {r["division"]: (float(r["longitude"]), float(r["latitude"])) for r in csv.DictReader(fh)}


def _city_of(division: str) -> str:
    coords = city_coordinates()
    for code in (division, division[:4] + "00", division[:2] + "0000"):
        if code in coords:
            return code
    return division[:4] + "00"


def wanted_majors(*, job_ids: list[int] = (), cluster: str = "") -> list[str]:
    jobs = Job.objects.filter(status=JobStatus.OPEN)
    if job_ids:
        jobs = jobs.filter(pk__in=job_ids)
    elif cluster:
        jobs = jobs.filter(enterprise__cluster=cluster)
    else:
        return []
    return sorted({code for majors in jobs.values_list("accepted_majors", flat=True) for code in majors or []})


def university_rows(*, job_ids: list[int] = (), cluster: str = "") -> list[University]:
    """The planner's rows: per reference university, the registry's graduates of the wanted majors (any major
    when none is named) and the hires per past tour visit there, with its city."""
    majors = wanted_majors(job_ids=list(job_ids), cluster=cluster)
    graduates = Education.objects.exclude(university_code="")
    if majors:
        match = Q()
        for code in majors:
            match |= Q(major_code__startswith=code)
        graduates = graduates.filter(match)
    supply = dict(graduates.values_list("university_code").annotate(n=Count("talent", distinct=True)))
    visits = dict(TourStop.objects.filter(fair__kind=FairKind.CAMPUS_TOUR).values_list("university")
                  .annotate(n=Count("id")))
    hires = dict(Application.objects.filter(outcome=Outcome.HIRED, talent__fair_registrations__fair__kind=FairKind
                                            .CAMPUS_TOUR).values_list("talent__educations__university_name")
                 .annotate(n=Count("id", distinct=True)))
    unis = []
    for ref in ReferenceUniversity.objects.filter(code__in=list(supply)):
        visit_count = visits.get(ref.name, 0)
        unis.append(University(ref.code, ref.name, _city_of(ref.division), ref.city, supply[ref.code],
                               hires.get(ref.name, 0) / visit_count if visit_count else 0.0))
    return unis


def tour_ranking(*, actor, job_ids: list[int] = (), cluster: str = "") -> list[University]:
    """The universities best first (``engines.recruit_sources``, the talent map's ranking)."""
    ensure_role(actor, Role.OFFICER, Role.ADMIN)
    return [uni for _score, uni in rank(university_rows(job_ids=list(job_ids), cluster=cluster))]


def tour_propose(*, actor, job_ids: list[int] = (), cluster: str = "", stops: int = 5,
                 first_day: dt.date) -> list[Stop]:
    """Rank and route: ``stops`` universities from the officer's district station."""
    ensure_role(actor, Role.OFFICER, Role.ADMIN)
    if not 1 <= stops <= MAX_STOPS:
        raise ApplicationError(_("A tour has 1 to 12 stops."), field="stops")
    unis = university_rows(job_ids=list(job_ids), cluster=cluster)
    home = _city_of(actor.scope_division or "330100")
    start = city_coordinates().get(home, (120.21, 30.25))
    return plan_tour(unis, city_coordinates(), start=start, stops=stops, first_day=first_day)
