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
    (the enterprise's industry). Each table's figures in one aggregate, bounded whatever the fair's size (no slot
    or talent id is read into Python)."""
    slots = Slot.objects.filter(fair=fair)
    regs = Registration.objects.filter(fair=fair).aggregate(
        registrants=Count("id"), arrived=Count("id", filter=Q(checked_in_at__isnull=False)))
    interviews = slots.aggregate(
        interviews=Count("id"), held=Count("id", filter=Q(status=SlotStatus.HELD)),
        offers=Count("id", filter=Q(interview__application__offer_sent_at__isnull=False)),
        hires=Count("id", filter=Q(interview__application__outcome=Outcome.HIRED)))
    intents = Intent.objects.filter(slot__fair=fair).aggregate(
        intents=Count("id"), strong=Count("id", filter=Q(level=IntentLevel.STRONG)))
    totals = {
        "enterprises": Booth.objects.filter(fair=fair, status=BoothStatus.APPROVED).count(),
        "registrants": regs["registrants"], "arrived": regs["arrived"],
        "interviews": interviews["interviews"], "held": interviews["held"],
        "intents": intents["intents"], "strong": intents["strong"],
        "offers": interviews["offers"], "hires": interviews["hires"],
    }
    # the education records of everyone with an interview at the fair, by degree
    degrees = dict(Education.objects.filter(talent_id__in=slots.values("registration__talent_id"))
                   .values("degree").annotate(n=Count("id")).order_by().values_list("degree", "n"))
    clusters = list(slots.values("booth__enterprise__cluster").annotate(
        interviews=Count("id"), intents=Count("intent")).order_by("-interviews"))
    return {"totals": totals, "degrees": sorted(degrees.items()), "clusters": clusters}
