"""Reads of bookings. The two hot reads are bounded by design: a station's month availability reads at most 31
slot rows through the (resource, day, hour) unique index, and the event list reads the coming events through
the (kind, active, starts_at) index plus one query for their slots — neither touches the talents."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from talentpool.core.permissions import has_role
from talentpool.core.roles import Role
from talentpool.engines.vocab import division_prefix
from talentpool.recruitment.models import Application
from talentpool.registry.models import Talent

from .models import HOLDING, Booking, Kind, Partner, Referral, ReferralTarget, Resource, Slot, Status


@dataclass(frozen=True)
class Day:
    day: dt.date
    capacity: int
    taken: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


def talent_of(user) -> Talent | None:
    if not has_role(user, Role.TALENT):
        return None
    return Talent.objects.filter(user=user).first()


def resources(kind: str) -> QuerySet[Resource]:
    return Resource.objects.filter(kind=kind, active=True)


def resources_for_office(user, kind: str | None = None) -> QuerySet[Resource]:
    if not has_role(user, Role.OFFICER, Role.ADMIN):
        return Resource.objects.none()
    rows = Resource.objects.all() if kind is None else Resource.objects.filter(kind=kind)
    if user.role == Role.OFFICER:
        rows = rows.filter(district__startswith=division_prefix(user.scope_division))
    return rows


def month_availability(station: Resource, year: int, month: int) -> list[Day]:
    """Every night of the month with its beds and beds taken (a night nobody booked has no slot row yet)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    rows = {d: (c, t) for d, c, t in Slot.objects.filter(resource=station, hour=0, day__range=(first, last))
            .values_list("day", "capacity", "taken")}
    out = []
    for i in range(last.day):
        day = first + dt.timedelta(days=i)
        cap, taken = rows.get(day, (station.capacity, 0))
        out.append(Day(day, cap, taken))
    return out


def day_hours(space: Resource, day: dt.date) -> list[tuple[int, bool]]:
    """The opening hours of a space on ``day``: (hour, free)."""
    taken = set(Slot.objects.filter(resource=space, day=day, taken__gte=1).values_list("hour", flat=True))
    return [(h, h not in taken) for h in range(space.open_hour, space.close_hour)]


def event_list(*, now: dt.datetime, limit: int = 50) -> list[Resource]:
    """Coming events, soonest first, each with ``places_left`` and ``waiting`` (waitlist length)."""
    events = list(Resource.objects.filter(kind=Kind.EVENT, active=True, starts_at__gte=now)
                  .select_related("cohost").order_by("starts_at", "pk")[:limit])
    taken = dict(Slot.objects.filter(resource__in=events).values_list("resource_id", "taken"))
    waiting = dict(Booking.objects.filter(resource__in=events, status=Status.WAITLISTED).values("resource_id")
                   .annotate(n=Count("pk")).values_list("resource_id", "n"))
    for e in events:
        e.places_left = max(e.capacity - taken.get(e.pk, 0), 0)
        e.waiting = waiting.get(e.pk, 0)
    return events


def bookings_of_talent(talent: Talent) -> QuerySet[Booking]:
    return Booking.objects.filter(talent=talent).select_related("resource", "bed__room").order_by("-first_day", "-pk")


def bookings_of_enterprise(enterprise_id: int) -> QuerySet[Booking]:
    return Booking.objects.filter(enterprise_id=enterprise_id).select_related("resource").order_by("-first_day", "-pk")


def booking_for_owner(user, pk: int) -> Booking | None:
    rows = Booking.objects.select_related("resource", "talent")
    if has_role(user, Role.TALENT):
        return rows.filter(pk=pk, talent__user=user).first()
    if has_role(user, Role.ENTERPRISE):
        return rows.filter(pk=pk, enterprise_id=user.enterprise_id).first()
    return None


def booking_for_office(user, pk: int) -> Booking | None:
    return (Booking.objects.select_related("resource", "talent", "enterprise")
            .filter(pk=pk, resource__in=resources_for_office(user)).first())


def pending_for_office(user) -> QuerySet[Booking]:
    return (Booking.objects.filter(status=Status.PENDING, resource__in=resources_for_office(user))
            .select_related("resource", "talent", "enterprise").order_by("first_day", "pk"))


def bookings_at(resource: Resource) -> QuerySet[Booking]:
    return Booking.objects.filter(resource=resource).select_related("talent", "enterprise", "bed__room").order_by(
        "first_day", "hour", "pk")


def year_nights_used(talent: Talent, year: int) -> int:
    return (Booking.objects.filter(talent=talent, resource__kind=Kind.LODGING, status__in=HOLDING,
                                   first_day__year=year).aggregate(n=Sum("units"))["n"] or 0)


def station_report(user, first: dt.date, last: dt.date) -> list[dict]:
    """Per station: bed-nights offered and taken (occupancy), check-ins, check-outs, no-shows and cancellations of
    stays starting in the period (turnover)."""
    stations = list(resources_for_office(user, Kind.LODGING).order_by("name", "pk"))
    nights = (last - first).days + 1
    used = dict(Slot.objects.filter(resource__in=stations, day__range=(first, last)).values("resource_id")
                .annotate(n=Sum("taken")).values_list("resource_id", "n"))
    counts = {r["resource_id"]: r for r in Booking.objects.filter(resource__in=stations, first_day__range=(first, last))
              .values("resource_id").annotate(
                  stays=Count("pk", filter=Q(status__in=HOLDING)),
                  checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
                  checked_out=Count("pk", filter=Q(checked_out_at__isnull=False)),
                  no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
                  cancelled=Count("pk", filter=Q(status=Status.CANCELLED)))}
    out = []
    for s in stations:
        offered = s.capacity * nights
        taken = used.get(s.pk) or 0
        row = counts.get(s.pk, {})
        out.append({"station": s, "beds": s.capacity, "bed_nights": offered, "taken": taken,
                    "occupancy": round(100 * taken / offered, 1) if offered else 0.0,
                    "turnover": round(row.get("checked_out", 0) / s.capacity, 2) if s.capacity else 0.0,
                    **{k: row.get(k, 0) for k in ("stays", "checked_in", "checked_out", "no_shows", "cancelled")}})
    return out


# --- partners -----------------------------------------------------------------------------------------------------

def referral_outcome(referral: Referral, applications: dict | None = None) -> str:
    """What became of a referral, in words the partner may see (no personal data). ``applications``: the
    (job, talent) -> application of a page of referrals, read in one query (else the application is read here)."""
    if referral.status != "accepted":
        return referral.get_status_display()
    if referral.target == ReferralTarget.EVENT and referral.booking_id:
        return referral.booking.get_status_display()
    if referral.target == ReferralTarget.JOB and referral.job_id:
        if applications is None:
            app = Application.objects.filter(job_id=referral.job_id, talent_id=referral.talent_id).first()
        else:
            app = applications.get((referral.job_id, referral.talent_id))
        if app is None:
            return _("Accepted; not applied yet")
        return str(app.get_outcome_display() if app.outcome else app.stage)
    return referral.get_status_display()


def referrals_of_partner(partner: Partner) -> list[Referral]:
    """The partner's newest 200 referrals, each with its outcome and the talent's initial: the applications of the
    accepted job referrals in one query, not one per row; of the talent only the name is read."""
    rows = list(Referral.objects.filter(partner=partner).select_related("event", "job", "booking", "talent")
                .only("target", "service", "status", "created_at", "partner", "event", "job", "booking", "talent",
                      "event__name", "job__title", "booking__status", "talent__name")[:200])
    asked = [r for r in rows if r.status == "accepted" and r.target == ReferralTarget.JOB and r.job_id]
    applications = {}
    if asked:
        found = Application.objects.filter(job_id__in={r.job_id for r in asked},
                                           talent_id__in={r.talent_id for r in asked}).only(
            "job_id", "talent_id", "stage", "outcome")
        applications = {(a.job_id, a.talent_id): a for a in found}
    for r in rows:
        r.outcome = referral_outcome(r, applications)
        r.talent_initial = (r.talent.name or "?")[:1] + "*"
    return rows


def referrals_for_talent(talent: Talent) -> QuerySet[Referral]:
    return Referral.objects.filter(talent=talent).select_related("partner", "event", "job").order_by("-created_at")


def partner_activity(user) -> list[dict]:
    """The office's view: per partner, referrals made, accepted, events co-hosted and places attended through it."""
    partners = Partner.objects.all() if has_role(user, Role.ADMIN) else Partner.objects.filter(
        district__startswith=division_prefix(getattr(user, "scope_division", "") or "x"))
    partners = list(partners.annotate(
        n_referrals=Count("referrals", distinct=True),
        n_accepted=Count("referrals", filter=Q(referrals__status="accepted"), distinct=True),
        n_cohosted=Count("events", distinct=True)).order_by("name"))
    attended = dict(Booking.objects.filter(partner__in=partners, status=Status.ATTENDED).values("partner_id")
                    .annotate(n=Count("pk")).values_list("partner_id", "n"))
    return [{"partner": p, "referrals": p.n_referrals, "accepted": p.n_accepted, "cohosted": p.n_cohosted,
             "attended": attended.get(p.pk, 0)} for p in partners]
