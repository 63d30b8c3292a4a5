"""Scheduling a station fair: the fair's confirmed registrants, approved booths and choices become the engine's
problem (``engines.fairs``); the plan becomes slot rows. Re-planning keeps interviews held or started; a late train
re-plans the rest of the day and tells everyone whose slot moved. HR send their booth's invitations, which land in
recruitment's interviews (with .ics) through its services.

``actor=None`` is the command line (the operator); otherwise an officer of the fair's district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role, User
from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.core.notices import Message, notify
from talentpool.engines import fairs as engine
from talentpool.recruitment.models import InterviewStatus
from talentpool.recruitment.services import interview_cancel, interview_reschedule, interview_schedule

from .models import (
    Booth,
    BoothStatus,
    Choice,
    Fair,
    FairKind,
    Registration,
    RegistrationState,
    ScheduleRun,
    Slot,
    SlotStatus,
)
from .services import CHINA, _when, office_fair, own_booth, own_registration


@dataclass
class Scheduled:
    run: ScheduleRun
    plan: engine.Plan
    problem: engine.Problem


def _fair(actor, fair_id: int) -> Fair:
    if actor is None:
        fair = Fair.objects.filter(pk=fair_id).first()
        if fair is None:
            raise NotFoundError()
        return fair
    return office_fair(actor, fair_id)


def problem_of(fair: Fair) -> engine.Problem:
    """The engine's view of the fair: registrant ``r<id>``, booth ``b<id>`` (with its own interview length when
    it has one), the walk between booths."""
    registrations = list(Registration.objects.filter(fair=fair, state=RegistrationState.CONFIRMED).order_by("id"))
    booths = list(Booth.objects.filter(fair=fair, status=BoothStatus.APPROVED).order_by("id"))
    choices = Choice.objects.filter(registration__fair=fair, registration__state=RegistrationState.CONFIRMED,
                                    booth__status=BoothStatus.APPROVED).values_list("registration_id", "booth_id",
                                                                                     "score")
    return engine.Problem(
        day_start=fair.starts_at,
        day_end=fair.ends_at,
        slot=dt.timedelta(minutes=fair.slot_minutes),
        registrants=tuple(
            engine.Registrant(f"r{r.pk}", r.arrival_at or fair.starts_at, r.departure_at, r.priority)
            for r in registrations),
        booths=tuple(engine.Booth(f"b{b.pk}", b.interviewers, b.opens_at, b.closes_at,
                                  dt.timedelta(minutes=b.slot_minutes) if b.slot_minutes else None)
                     for b in booths),
        candidates=tuple(engine.Candidate(f"r{r}", f"b{b}", s) for r, b, s in choices),
        walk=dt.timedelta(minutes=fair.walk_minutes),
    )


def _as_engine(problem: engine.Problem, slot: Slot) -> engine.Interview:
    index = int((slot.starts_at - problem.day_start) // problem.tick)
    return engine.Interview(f"r{slot.registration_id}", f"b{slot.booth_id}", index, slot.starts_at, slot.ends_at)


def _write(fair: Fair, plan: engine.Plan, now: dt.datetime, greedy: engine.Plan, seconds_extra: float = 0.0,
           told: set[int] | None = None) -> ScheduleRun:
    """Replace the planned future slots by the plan's (held or started ones stay). ``told`` collects the
    registrations whose sent invitation recruitment moved or cancelled, with its own notice."""
    told = set() if told is None else told
    kept = {(s.registration_id, s.booth_id) for s in Slot.objects.filter(fair=fair).exclude(
        status=SlotStatus.PLANNED, starts_at__gte=now)}
    Slot.objects.filter(fair=fair, status=SlotStatus.PLANNED, starts_at__gte=now, interview__isnull=True).delete()
    linked = {(s.registration_id, s.booth_id): s for s in Slot.objects.filter(
        fair=fair, status=SlotStatus.PLANNED, starts_at__gte=now).select_related("interview__organizer", "booth")}
    rows = []
    for item in plan.interviews:
        key = (int(item.registrant[1:]), int(item.booth[1:]))
        if key in kept:
            continue
        if key in linked:  # an invitation was sent: move the slot and recruitment's interview with it
            slot = linked.pop(key)
            if (slot.starts_at, slot.ends_at) != (item.start, item.end):
                slot.starts_at, slot.ends_at = item.start, item.end
                slot.save(update_fields=["starts_at", "ends_at"])
                if _invitation_moved(slot):
                    told.add(slot.registration_id)
            continue
        rows.append(Slot(fair=fair, registration_id=key[0], booth_id=key[1], starts_at=item.start, ends_at=item.end))
    for slot in linked.values():  # an invited interview the new plan has no room for: cancelled, not left behind
        if _invitation_moved(slot, cancel=True):
            told.add(slot.registration_id)
        slot.delete()
    Slot.objects.bulk_create(rows, batch_size=1000)
    unreachable = [int(r[1:]) for r in plan.unreachable]
    Registration.objects.filter(fair=fair).exclude(pk__in=unreachable).update(unreachable=False)
    Registration.objects.filter(pk__in=unreachable).update(unreachable=True)
    return ScheduleRun.objects.create(
        fair=fair, interviews=plan.count, objective=plan.objective, bound=plan.bound,
        greedy_interviews=greedy.count, greedy_objective=greedy.objective, seconds=plan.seconds + seconds_extra,
        status=plan.status[:60], unreachable=plan.unreachable, moved=plan.moved)


def _hr_of(slot: Slot) -> User | None:
    """Who moves the invitation in recruitment: the HR who sent it, or another active HR of the booth's
    enterprise when that account has left (recruitment lets only the enterprise touch its interviews)."""
    organizer = slot.interview.organizer
    if organizer is not None and organizer.is_active and organizer.enterprise_id == slot.booth.enterprise_id:
        return organizer
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=slot.booth.enterprise_id,
                               is_active=True).order_by("id").first()


def _invitation_moved(slot: Slot, *, cancel: bool = False) -> bool:
    """A re-plan moved (or dropped) a slot whose invitation was sent: recruitment's interview follows through its
    own service, which raises the .ics SEQUENCE and tells the talent. Returns whether it did (the talent was
    told)."""
    if slot.interview is None or slot.interview.status != InterviewStatus.SCHEDULED:
        return False
    hr = _hr_of(slot)
    if hr is None:
        return False
    try:
        if cancel:
            interview_cancel(actor=hr, interview_id=slot.interview_id,
                             reason=_("The fair's interview timetable was re-planned."))
        else:
            interview_reschedule(actor=hr, interview_id=slot.interview_id, starts_at=slot.starts_at,
                                 ends_at=slot.ends_at)
    except ApplicationError:
        # recruitment refuses (the application was closed meanwhile): its savepoint is rolled back, and the
        # re-plan of everyone else goes on; the registrant still gets the fair's own notice of the new time
        return False
    return True


def fair_schedule(*, actor, fair_id: int, time_limit: float = engine.DEFAULT_TIME_LIMIT,
                  now: dt.datetime | None = None, request=None) -> Scheduled:
    """Plan (or re-plan) a station fair; interviews held or started before ``now`` stay where they are."""
    now = now or timezone.now()
    if not 0.5 <= time_limit <= 120:
        raise ApplicationError(_("The time limit is 0.5 to 120 seconds."), field="time_limit")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"fair:{fair_id}", request=request,
                 detail={"fair": "schedule"}) as entry:
        fair = _fair(actor, fair_id)
        if fair.kind != FairKind.STATION:
            raise ApplicationError(_("Only a station fair is scheduled around trains."), code="not_station")
        Fair.objects.select_for_update().filter(pk=fair.pk).first()  # one scheduler at a time per fair
        problem = problem_of(fair)
        existing = list(Slot.objects.filter(fair=fair))
        fixed = tuple(_as_engine(problem, s) for s in existing if s.starts_at < now or s.status == SlotStatus.HELD)
        previous = tuple(_as_engine(problem, s) for s in existing
                         if s.starts_at >= now and s.status == SlotStatus.PLANNED)
        offset = now - problem.day_start
        not_before = max(0, -int(-offset // problem.tick))
        greedy = engine.schedule_greedy(problem, fixed=fixed, not_before=not_before)
        plan = engine.schedule(problem, time_limit=time_limit, fixed=fixed, not_before=not_before,
                               previous=previous)
        run = _write(fair, plan, now, greedy)
        entry.detail.update(interviews=plan.count, objective=plan.objective, bound=plan.bound)
    return Scheduled(run, plan, problem)


def late_train(*, actor, registration_id: int, arrival_at, train_number: str | None = None,
               now: dt.datetime | None = None, time_limit: float = 1.0, request=None) -> Scheduled | None:
    """A registrant's train is late: record the new arrival and, when the fair has a plan, re-plan the rest of the
    day at once; everyone whose interviews moved gets a notice (the registrant is told too when no slot fits)."""
    now = now or timezone.now()
    arrival = _when(arrival_at, "arrival_at")
    registration = own_registration(actor, registration_id)
    fair = registration.fair
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"registration:{registration.pk}",
                 subject_talent_id=registration.talent_id, request=request,
                 detail={"late_train": arrival.isoformat()}) as entry:
        registration.arrival_at = arrival
        fields = ["arrival_at"]
        if train_number is not None:
            registration.train_number = train_number[:10]
            fields.append("train_number")
        registration.save(update_fields=fields)
        if fair.kind != FairKind.STATION or not Slot.objects.filter(fair=fair).exists():
            return None
        Fair.objects.select_for_update().filter(pk=fair.pk).first()
        problem = problem_of(fair)
        existing = list(Slot.objects.filter(fair=fair))
        before = engine.Plan("stored", [_as_engine(problem, s) for s in existing], 0, 0, "stored", 0.0)
        _updated, plan = engine.replan_late_arrival(problem, before, now=now, arrivals={f"r{registration.pk}": arrival},
                                                    time_limit=time_limit)
        greedy = engine.schedule_greedy(problem, fixed=tuple(i for i in before.interviews if i.start < now))
        told: set[int] = set()
        run = _write(fair, plan, now, greedy, told=told)
        entry.detail.update(moved=len(plan.moved))
        _tell_moved(fair, plan, told)
    return Scheduled(run, plan, problem)


def _tell_moved(fair: Fair, plan: engine.Plan, told: set[int]) -> None:
    """The fair's notice to each registrant the re-plan moved, but not to one recruitment has just told of the
    move with its own notice and updated invitation (one change, one notice); no slot fitting is always told."""
    unreachable = {int(r[1:]) for r in plan.unreachable}
    ids = ({int(r[1:]) for r in plan.moved} - told) | unreachable
    people = Registration.objects.filter(pk__in=ids).select_related("talent")
    messages = []
    for reg in people:
        if reg.talent.user_id is None:
            continue
        url = reverse("fairs:registration-timetable", args=[reg.pk])
        if f"r{reg.pk}" in plan.unreachable:
            messages.append(Message(reg.talent.user_id, "fair_unreachable",
                                    _("%(fair)s: no interview fits your train") % {"fair": fair.title},
                                    _("Your arrival leaves no free interview slot before you leave. Change your "
                                      "train or ask the fair desk."), url))
        else:
            messages.append(Message(reg.talent.user_id, "fair_slot_moved",
                                    _("%(fair)s: your interview times changed") % {"fair": fair.title},
                                    _("Open your timetable for the new times."), url))
    notify(messages)


def booth_invitations_send(*, actor, booth_id: int, request=None) -> int:
    """HR send the booth's planned interviews as recruitment interviews (with .ics) for the registrants who chose
    one of the booth's jobs; returns how many were sent."""
    booth = own_booth(actor, booth_id)
    sent = 0
    with transaction.atomic():
        slots = Slot.objects.select_for_update().filter(booth=booth, interview__isnull=True,
                                                        status=SlotStatus.PLANNED).select_related("registration")
        for slot in slots:
            choice = Choice.objects.filter(registration=slot.registration, booth=booth, job__isnull=False).first()
            app = choice and slot.registration.talent.applications.filter(job_id=choice.job_id).first()
            if app is None:
                continue
            interview = interview_schedule(actor=actor, application_id=app.pk, starts_at=slot.starts_at,
                                           ends_at=slot.ends_at, location=f"{booth.fair.venue} {booth.stand}".strip(),
                                           video_link=booth.video_link, request=request)
            slot.interview = interview
            slot.save(update_fields=["interview"])
            sent += 1
    return sent


def local(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in China time (+08:00)."""
    return moment.astimezone(CHINA).isoformat() if moment else None
