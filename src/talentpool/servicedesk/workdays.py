"""The office's own calendar days: public holidays and make-up working days (调休) entered by date, with a name.

chinesecalendar knows the State Council's arrangements only up to its last year (2026 for 1.11.0); the office
enters the next year's days as the notice comes out (or corrects a date). An entered day overrides chinesecalendar
on its date, and a year with at least one entered day is counted (its other weekdays are working days), provided
the years follow on without a gap; a year with neither stays unknown and deadlines in it are refused with the
reason. Only the office head or an administrator enters days; each change is audited and the open tickets whose
clocks run across it get their deadlines recomputed by a task the change enqueues (``recompute``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.engines.sla import china_years, known_years

from .models import CalendarException, DayKind, DeadlineRecompute, Office
from .recompute import recompute_request
from .services import ensure_office_manager
from .sla import office_exceptions

MAX_SPAN = 31  # days entered at once (a range of one arrangement)
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: str  # "package": chinesecalendar knows it; "entered": only the office's days; "gap": not counted
    holidays: int
    workdays: int


def _day_end(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(office.zone))


def _recompute(office: Office, day: dt.date, actor, now: dt.datetime) -> DeadlineRecompute:
    """The open tickets with a clock running from before the end of ``day`` (the last date changed)."""
    office._calendar_exceptions = None  # read the days again
    return recompute_request(office=office, reason="calendar", since=_day_end(office, day), actor=actor, now=now)


def calendar_days_save(*, actor, office: Office, first: dt.date, last: dt.date | None = None, kind: str,
                       name: str, request=None, now: dt.datetime | None = None) -> dict:
    """Enter ``first``..``last`` (inclusive, at most 31 days) as holidays or make-up working days named ``name``;
    a date already entered takes the new kind and name. Returns how many days, and the deadlines' recompute
    (queued: see ``recompute``)."""
    ensure_office_manager(actor, office)
    now = now or timezone.now()
    last = last or first
    name = (name or "").strip()
    if kind not in DayKind.values:
        raise ApplicationError(_("Choose a holiday or a make-up working day"), code="bad_kind", field="kind")
    if not name:
        raise ApplicationError(_("Name the day, e.g. Spring Festival"), code="no_name", field="name")
    if len(name) > 60:
        raise ApplicationError(_("A name of at most 60 characters"), code="long_name", field="name")
    if last < first:
        raise ApplicationError(_("The last date %(last)s comes before the first %(first)s")
                               % {"last": last.isoformat(), "first": first.isoformat()}, code="bad_range",
                               field="last")
    if (last - first).days >= MAX_SPAN:
        raise ApplicationError(_("At most %(n)s days at once") % {"n": MAX_SPAN}, code="long_range", field="last")
    if not (FIRST_YEAR <= first.year and last.year <= LAST_YEAR):
        raise ApplicationError(_("A date between %(a)s and %(b)s") % {"a": FIRST_YEAR, "b": LAST_YEAR},
                               code="bad_year", field="first")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"office:{office.code}", request=request,
                 detail={"op": "calendar_days_save", "first": first.isoformat(), "last": last.isoformat(),
                         "kind": kind, "name": name}) as entry:
        for day in days:
            CalendarException.objects.update_or_create(
                office=office, day=day, defaults={"kind": kind, "name": name, "updated_by": actor, "updated_at": now})
        job = _recompute(office, last, actor, now)
        entry.detail["recompute"] = job.pk
    return {"days": len(days), "recompute": job}


def calendar_day_delete(*, actor, office: Office, pk: int, request=None,
                        now: dt.datetime | None = None) -> dict:
    """Remove an entered day: chinesecalendar (or an ordinary week) counts that date again."""
    ensure_office_manager(actor, office)
    now = now or timezone.now()
    item = CalendarException.objects.filter(office=office, pk=pk).first()
    if item is None:
        raise NotFoundError()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"office:{office.code}", request=request,
                 detail={"op": "calendar_day_delete", "day": item.day.isoformat(), "kind": item.kind,
                         "name": item.name}) as entry:
        item.delete()
        job = _recompute(office, item.day, actor, now)
        entry.detail["recompute"] = job.pk
    return {"days": 1, "recompute": job}


def calendar_years(office: Office) -> list[YearStatus]:
    """Each year the office has entered days for, and the package's last year: counted, and where from."""
    exceptions = office_exceptions(office)
    package_first, package_last = china_years()
    first, last = known_years(exceptions)
    years = sorted({day.year for day, _working in exceptions} | {package_last})
    out = []
    for year in years:
        in_year = [working for day, working in exceptions if day.year == year]
        source = ("package" if package_first <= year <= package_last else "entered" if first <= year <= last
                  else "gap")
        out.append(YearStatus(year, source, sum(1 for w in in_year if not w), sum(1 for w in in_year if w)))
    return out

