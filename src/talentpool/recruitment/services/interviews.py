"""Interviews: the enterprise schedules, moves, cancels and marks rounds as held; the talent accepts a slot.
Every change tells the other side, and the talent's notice links the .ics invitation (same UID, SEQUENCE one
higher at each change, so a calendar updates the event instead of adding another)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, FieldErrors, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.core.notices import notify
from talentpool.engines.matching import clean_text

from ..models import INTERVIEW_TIMEZONE, Interview, InterviewStatus
from . import validators as check
from .access import hr_messages, own_application, own_interview, page_url, talent_message, talent_of
from .pipeline import advance_to, check_open


def _interview_url(interview: Interview) -> str:
    return reverse("api:recruitment-interview-ics", args=[interview.pk])


def _when(interview: Interview) -> str:
    local = interview.starts_at.astimezone(ZoneInfo(interview.timezone))
    return local.strftime("%Y-%m-%d %H:%M")


def _params(interview: Interview) -> dict:
    app = interview.application
    return {"title": app.job.title, "enterprise": app.job.enterprise.name, "when": _when(interview),
            "n": interview.round}


def interview_schedule(*, actor, application_id: int, starts_at, ends_at, location: str = "",
                       video_link: str = "", interviewers: Iterable[str] = (), request=None) -> Interview:
    """Schedule the next interview round; the talent gets a notice linking the .ics invitation. An application
    before the ``interview`` stage (when the pipeline has one) moves to it."""
    errors = FieldErrors("starts_at")  # every field checked: the form shows each refusal beside its field at once
    start, end = errors.check("starts_at", check.interview_slot, starts_at, ends_at) or (None, None)
    location, video_link = errors.check("location", check.interview_place, location, video_link) or ("", "")
    names = errors.check("interviewers", check.interviewer_names, interviewers)
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"interview": "schedule", "starts_at": start.isoformat()}) as entry:
        app = own_application(actor, application_id)
        check_open(app)
        last = app.interviews.exclude(status=InterviewStatus.CANCELLED).order_by("-round").first()
        interview = Interview.objects.create(
            application=app, round=(last.round + 1) if last else 1, starts_at=start, ends_at=end,
            timezone=INTERVIEW_TIMEZONE, location=location, video_link=video_link, interviewers=names,
            uid=f"{uuid.uuid4()}@talentpool", organizer=actor)
        if advance_to(app, "interview", actor, _("interview round %(n)s scheduled") % {"n": interview.round}):
            app.save(update_fields=["stage", "updated_at"])
        entry.target, entry.subject_talent_id = f"interview:{interview.pk}", app.talent_id
        entry.detail["round"] = interview.round
        params = _params(interview)
        notify(talent_message(
            app, "interview_scheduled",
            _("Interview invitation: %(title)s at %(enterprise)s, %(when)s") % params,
            _("Round %(n)s. Add it to your calendar with the attached invitation (.ics).") % params,
            _interview_url(interview)))
    return interview


def interview_reschedule(*, actor, interview_id: int, starts_at, ends_at, location: str | None = None,
                         video_link: str | None = None, interviewers: Iterable[str] | None = None,
                         request=None) -> Interview:
    """Move a scheduled interview: same UID, SEQUENCE one higher, a new notice and invitation."""
    start, end = check.interview_slot(starts_at, ends_at)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview_id}",
                 request=request, detail={"interview": "reschedule", "starts_at": start.isoformat()}) as entry:
        interview = own_interview(actor, interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be moved."), code="interview_state")
        check_open(interview.application)
        loc, link = check.interview_place(interview.location if location is None else location,
                                          interview.video_link if video_link is None else video_link)
        interview.starts_at, interview.ends_at, interview.location, interview.video_link = start, end, loc, link
        if interviewers is not None:
            interview.interviewers = check.interviewer_names(interviewers)
        interview.sequence += 1
        interview.confirmed_at = None  # a new slot is accepted anew
        interview.save()
        app = interview.application
        entry.subject_talent_id = app.talent_id
        entry.detail["sequence"] = interview.sequence
        params = _params(interview)
        notify(talent_message(
            app, "interview_rescheduled", _("Interview moved: %(title)s at %(enterprise)s, now %(when)s") % params,
            _("Round %(n)s. The attached invitation (.ics) updates your calendar.") % params,
            _interview_url(interview)))
    return interview


def interview_cancel(*, actor, interview_id: int, reason: str = "", request=None) -> Interview:
    """Cancel a scheduled interview; the talent's calendar gets a METHOD:CANCEL invitation."""
    reason = clean_text(reason, 300, single_line=True)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview_id}",
                 request=request, detail={"interview": "cancel", "reason": reason}) as entry:
        interview = own_interview(actor, interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be cancelled."), code="interview_state")
        interview.status = InterviewStatus.CANCELLED
        interview.sequence += 1
        interview.save(update_fields=["status", "sequence", "updated_at"])
        app = interview.application
        entry.subject_talent_id = app.talent_id
        notify(talent_message(app, "interview_cancelled",
                              _("Interview cancelled: %(title)s, %(when)s") % {"title": app.job.title,
                                                                               "when": _when(interview)},
                              reason, _interview_url(interview)))
    return interview


def interview_confirm(*, actor, interview_id: int, request=None) -> Interview:
    """The talent accepts the interview slot; the employer is told (once, however often it is accepted)."""
    talent = talent_of(actor)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview_id}",
                 subject_talent_id=talent.pk, request=request, detail={"interview": "confirm"}) as entry:
        interview = (Interview.objects.select_for_update().select_related("application__job")
                     .filter(pk=interview_id, application__talent=talent).first())
        if interview is None:
            raise NotFoundError()
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be accepted."), code="interview_state")
        entry.skip = interview.confirmed_at is not None
        if not entry.skip:
            interview.confirmed_at = timezone.now()
            interview.save(update_fields=["confirmed_at", "updated_at"])
            app = interview.application
            title = _("%(name)s accepted the interview slot for %(title)s, %(when)s") % {
                "name": talent.name, "title": app.job.title, "when": _when(interview)}
            notify(hr_messages(app.job.enterprise_id, "interview_accepted", title, "",
                               page_url("application-detail", app.pk)))
    return interview


def interview_complete(*, actor, interview_id: int, request=None) -> Interview:
    """Mark a scheduled interview as held."""
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview_id}",
                 request=request, detail={"interview": "complete"}) as entry:
        interview = own_interview(actor, interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be marked as held."), code="interview_state")
        interview.status = InterviewStatus.DONE
        interview.save(update_fields=["status", "updated_at"])
        entry.subject_talent_id = interview.application.talent_id
    return interview


def interviews_close_on_hire(app) -> dict[str, int]:
    """Once a person is hired their open interviews close (inside the hire's transaction): rounds already begun
    count as held, later ones are cancelled (a new SEQUENCE, so the calendar drops them). Returns the counts."""
    now = timezone.now()
    open_rounds = Interview.objects.select_for_update().filter(application=app, status=InterviewStatus.SCHEDULED)
    held = open_rounds.filter(starts_at__lte=now).update(status=InterviewStatus.DONE, updated_at=now)
    later = list(open_rounds.filter(starts_at__gt=now))
    for interview in later:
        interview.status = InterviewStatus.CANCELLED
        interview.sequence += 1
    Interview.objects.bulk_update(later, ["status", "sequence"])
    return {"held": held, "cancelled": len(later)}
