"""Cloud fairs: an online booth (its video link) interviews in back-to-back slots of its own length from its
opening to its closing, as many at once as it has interviewers. A confirmed registrant books a slot: one per
booth, never two at once, not in the past; choosing the booth's job applies to it in recruitment, so HR's
invitation (the booth page's "send") lands in recruitment's interviews with the video link in its .ics.

A slot's places are counted under a write on the booth's row (a no-op UPDATE): the database serialises concurrent
bookings of one booth (a row lock on PostgreSQL, the write lock on SQLite), so a slot never takes more people than
the booth has interviewers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, ConflictError, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.recruitment.services import apply as application_apply

from .models import Booth, BoothStatus, Choice, FairKind, Registration, RegistrationState, Slot, SlotStatus
from .services import _when, own_registration

MOST_TIMES = 48  # slots listed per booth on a phone page


def slot_starts(booth: Booth) -> list[dt.datetime]:
    """The booth's slot starts: back to back from its opening, each ending by its closing."""
    length = dt.timedelta(minutes=booth.interview_minutes)
    starts, moment = [], booth.opens_at
    while moment + length <= booth.closes_at:
        starts.append(moment)
        moment += length
    return starts


def _online_booths(fair_id: int):
    return (Booth.objects.filter(fair_id=fair_id, status=BoothStatus.APPROVED).exclude(video_link="")
            .select_related("enterprise", "fair").prefetch_related("jobs").order_by("id"))


def _cloud_registration(actor, registration_id: int) -> Registration:
    registration = own_registration(actor, registration_id)
    if registration.fair.kind != FairKind.CLOUD:
        raise ApplicationError(_("Only a cloud fair's online booths take bookings."), code="not_cloud")
    return registration


def openings(registration: Registration, now: dt.datetime) -> list[dict]:
    """Per online booth of the registrant's cloud fair: its jobs, the registrant's booking there, and the slots
    still open to the registrant (a free place, not past, not clashing with another booking of theirs)."""
    if registration.fair.kind != FairKind.CLOUD:
        return []
    booths = list(_online_booths(registration.fair_id)[:200])
    taken = Counter({(row["booth_id"], row["starts_at"]): row["n"] for row in Slot.objects.filter(
        booth__in=booths, starts_at__gte=now).values("booth_id", "starts_at").annotate(n=Count("id"))})
    mine = list(Slot.objects.filter(registration=registration).order_by("starts_at"))
    out = []
    for booth in booths:
        length = dt.timedelta(minutes=booth.interview_minutes)
        times = []
        for start in slot_starts(booth):
            end = start + length
            if start < now or taken[(booth.pk, start)] >= booth.interviewers:
                continue
            if any(s.starts_at < end and start < s.ends_at for s in mine):
                continue
            times.append({"starts_at": start, "ends_at": end, "free": booth.interviewers - taken[(booth.pk, start)]})
            if len(times) == MOST_TIMES:
                break
        out.append({"booth": booth, "jobs": list(booth.jobs.all()),
                    "booked": next((s for s in mine if s.booth_id == booth.pk), None), "times": times})
    return out


def booth_grid(booth: Booth) -> list[dict]:
    """The booth page's slots: each time with its bookings and places."""
    booked = dict(Slot.objects.filter(booth=booth).values_list("starts_at").annotate(n=Count("id")))
    length = dt.timedelta(minutes=booth.interview_minutes)
    return [{"starts_at": s, "ends_at": s + length, "booked": booked.get(s, 0), "places": booth.interviewers}
            for s in slot_starts(booth)]


def slot_book(*, actor, registration_id: int, booth_id: int, starts_at, job_id: int | None = None,
              now: dt.datetime | None = None, request=None) -> Slot:
    """A confirmed registrant books a slot at an online booth of a cloud fair."""
    now = now or timezone.now()
    start = _when(starts_at, "starts_at")
    registration = _cloud_registration(actor, registration_id)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"registration:{registration.pk}",
                 subject_talent_id=registration.talent_id, request=request,
                 detail={"booking": "book", "booth": booth_id, "starts_at": start.isoformat()}) as entry:
        if registration.state != RegistrationState.CONFIRMED:
            raise ApplicationError(_("A waitlisted registration cannot book a slot."), code="waitlisted")
        # the no-op write first: concurrent bookings of this booth wait here until this one commits
        if not Booth.objects.filter(pk=booth_id, fair_id=registration.fair_id, status=BoothStatus.APPROVED
                                    ).exclude(video_link="").update(interviewers=F("interviewers")):
            raise ApplicationError(_("Choose among the fair's online booths."), field="booth")
        booth = Booth.objects.select_related("fair").get(pk=booth_id)
        if start not in slot_starts(booth):
            raise ApplicationError(_("Choose one of the booth's slots within its hours."), field="starts_at")
        if start < now:
            raise ApplicationError(_("This slot has already begun."), code="in_past", field="starts_at")
        end = start + dt.timedelta(minutes=booth.interview_minutes)
        if Slot.objects.filter(registration=registration, booth=booth).exists():
            raise ConflictError(_("You already have a slot at this booth; cancel it to choose another time."),
                                code="booked")
        if Slot.objects.filter(registration=registration, starts_at__lt=end, ends_at__gt=start).exists():
            raise ConflictError(_("You have another interview at that time."), code="clash", field="starts_at")
        if Slot.objects.filter(booth=booth, starts_at=start).count() >= booth.interviewers:
            raise ConflictError(_("This slot is full; choose another time."), code="slot_full", field="starts_at")
        _choose(actor, registration, booth, job_id)
        slot = Slot.objects.create(fair_id=registration.fair_id, registration=registration, booth=booth,
                                   starts_at=start, ends_at=end)
        entry.detail["slot"] = slot.pk
    return slot


def _choose(actor, registration: Registration, booth: Booth, job_id: int | None) -> None:
    """The booth (and the job) become the registrant's choice; choosing a job applies to it in recruitment."""
    jobs = {job.pk: job for job in booth.jobs.all()}
    if job_id is None:
        chosen = Choice.objects.filter(registration=registration, booth=booth).values_list("job_id", flat=True)
        job_id = next(iter(chosen), None) or (next(iter(jobs)) if len(jobs) == 1 else None)
    elif int(job_id) not in jobs:
        raise ApplicationError(_("This job is not offered at that booth."), field="job")
    if jobs and job_id is None:
        raise ApplicationError(_("Choose the job you want to talk about."), code="required", field="job")
    if job_id and not registration.talent.applications.filter(job_id=job_id).exists():
        application_apply(actor=actor, job_id=int(job_id), message=_("Met at %(fair)s")
                          % {"fair": registration.fair.title})
    Choice.objects.update_or_create(registration=registration, booth=booth,
                                    defaults={"job_id": job_id or None, "recommended": False})


def slot_cancel(*, actor, registration_id: int, slot_id: int, request=None) -> None:
    """The registrant frees a booked slot; once HR have sent the invitation it is declined in recruitment."""
    registration = _cloud_registration(actor, registration_id)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"slot:{slot_id}",
                 subject_talent_id=registration.talent_id, request=request, detail={"booking": "cancel"}):
        slot = Slot.objects.select_for_update().filter(pk=slot_id, registration=registration).first()
        if slot is None:
            raise NotFoundError()
        if slot.status != SlotStatus.PLANNED or slot.interview_id is not None:
            raise ConflictError(_("The enterprise has already sent the invitation: answer it in your "
                                  "interviews."), code="invited")
        slot.delete()
