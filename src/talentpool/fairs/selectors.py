"""Reads on fairs: the fairs each role sees, the live figures, a booth's queue, a registrant's timetable, the
report (by cluster and degree)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from talentpool.accounts.models import Role
from talentpool.recruitment.models import Outcome
from talentpool.registry.models import Education

from .models import (
    Booth,
    BoothStatus,
    Fair,
    FairStatus,
    Intent,
    IntentLevel,
    Registration,
    RegistrationState,
    ScheduleRun,
    Slot,
    SlotStatus,
)


def fairs_visible_to(user) -> QuerySet[Fair]:
    """Officers: their district's fairs (drafts too); administrators: all; everyone else: published ones."""
    qs = Fair.objects.all()
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.OFFICER:
        return qs.filter(division__startswith=user.scope_prefix)
    return qs.filter(status=FairStatus.PUBLISHED)


def latest_run(fair: Fair) -> ScheduleRun | None:
    return ScheduleRun.objects.filter(fair=fair).order_by("-at", "-id").first()


def live_figures(fair: Fair, now: dt.datetime) -> dict:
    """What the officer's live dashboard shows: checked in, waiting per booth, interviews done, intents."""
    regs = Registration.objects.filter(fair=fair).aggregate(
        confirmed=Count("id", filter=Q(state=RegistrationState.CONFIRMED)),
        waitlisted=Count("id", filter=Q(state=RegistrationState.WAITLISTED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)))
    slots = Slot.objects.filter(fair=fair)
    done = slots.filter(Q(status=SlotStatus.HELD) | Q(ends_at__lte=now)).count()
    intents = dict(Intent.objects.filter(slot__fair=fair).values_list("level").annotate(n=Count("id")))
    waiting = (Booth.objects.filter(fair=fair, status=BoothStatus.APPROVED)
               .annotate(waiting=Count("slots", filter=Q(slots__status=SlotStatus.PLANNED, slots__ends_at__gt=now,
                                                          slots__registration__checked_in_at__isnull=False)))
               .values("pk", "enterprise__name", "waiting").order_by("-waiting", "pk")[:200])
    return {
        **regs,
        "interviews_planned": slots.count(),
        "interviews_done": done,
        "intents": {level: intents.get(level, 0) for level in IntentLevel.values},
        "waiting": [{"booth": w["pk"], "enterprise": w["enterprise__name"], "waiting": w["waiting"]}
                    for w in waiting],
    }


def booth_queue(booth: Booth) -> QuerySet[Slot]:
    return (Slot.objects.filter(booth=booth).select_related("registration__talent", "intent")
            .order_by("starts_at", "id"))


def timetable(registration: Registration) -> QuerySet[Slot]:
    return (Slot.objects.filter(registration=registration).select_related("booth__enterprise")
            .order_by("starts_at"))


def report_rows(fair: Fair) -> dict:
    """Enterprises, registrants, arrived, interviews, intents, offers and hires; by degree and by cluster
    (the enterprise's industry)."""
    regs = Registration.objects.filter(fair=fair)
    slots = Slot.objects.filter(fair=fair)
    pairs = list(slots.values_list("registration__talent_id", "booth__enterprise_id"))
    talent_ids = {t for t, _e in pairs}
    offers = hires = 0
    if pairs:
        from_apps = (Slot.objects.filter(fair=fair, interview__isnull=False)
                     .values_list("interview__application__offer_sent_at", "interview__application__outcome"))
        offers = sum(1 for sent, _o in from_apps if sent)
        hires = sum(1 for _s, outcome in from_apps if outcome == Outcome.HIRED)
    totals = {
        "enterprises": Booth.objects.filter(fair=fair, status=BoothStatus.APPROVED).count(),
        "registrants": regs.count(),
        "arrived": regs.filter(checked_in_at__isnull=False).count(),
        "interviews": slots.count(),
        "held": slots.filter(status=SlotStatus.HELD).count(),
        "intents": Intent.objects.filter(slot__fair=fair).count(),
        "strong": Intent.objects.filter(slot__fair=fair, level=IntentLevel.STRONG).count(),
        "offers": offers,
        "hires": hires,
    }
    degrees: dict[str, int] = {}
    for degree in Education.objects.filter(talent_id__in=talent_ids).values_list("degree", flat=True):
        degrees[degree] = degrees.get(degree, 0) + 1
    clusters = list(slots.values("booth__enterprise__cluster").annotate(
        interviews=Count("id"), intents=Count("intent")).order_by("-interviews"))
    return {"totals": totals, "degrees": sorted(degrees.items()), "clusters": clusters}
