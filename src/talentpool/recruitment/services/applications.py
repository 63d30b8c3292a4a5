"""Applications: a talent applies once to an open job; the enterprise moves the application through its
pipeline or rejects it with a reason; the talent withdraws with a reason; the enterprise keeps internal notes.
Every move is written to the application's history."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.core.notices import notify
from talentpool.engines.matching import clean_text

from ..matching import changes_record
from ..models import (
    FIRST_STAGE,
    HIRED_STAGE,
    Application,
    ApplicationNote,
    ChangeKind,
    Job,
    JobStatus,
    Outcome,
)
from ..selectors import pipeline_stages
from . import validators as check
from .access import hr_messages, own_application, page_url, talent_message, talent_of
from .offers import hire
from .pipeline import check_open, interviews_cancel_open, stage_change_record


def apply(*, actor, job_id: int, message: str = "", request=None) -> Application:
    """A talent applies to an open, visible job before its deadline, once."""
    talent = talent_of(actor)
    message = check.text_field(message, 2000, "message", what=_("The message"))
    today = timezone.localdate()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"application": "apply", "job": job_id}) as entry:
        job = Job.objects.select_related("enterprise").filter(pk=job_id).first()
        if job is None or job.hidden or job.status == JobStatus.DRAFT:
            raise NotFoundError()
        if job.status != JobStatus.OPEN:
            raise ApplicationError(_("This job is not open for applications."), code="job_not_open")
        if job.deadline and job.deadline < today:
            raise ApplicationError(_("The deadline for this job (%(day)s) has passed.")
                                   % {"day": job.deadline.isoformat()}, code="deadline_passed")
        if Application.objects.filter(job=job, talent=talent).exists():
            raise ApplicationError(_("You have already applied to this job."), code="already_applied")
        try:
            with transaction.atomic():
                app = Application.objects.create(job=job, talent=talent, stage=FIRST_STAGE, message=message)
        except IntegrityError:
            raise ApplicationError(_("You have already applied to this job."), code="already_applied") from None
        stage_change_record(app, FIRST_STAGE, actor, from_stage="")
        changes_record(ChangeKind.TALENT, [talent.pk])
        entry.target = f"application:{app.pk}"
        notify(hr_messages(job.enterprise_id, "application_new",
                           _("New application for %(title)s") % {"title": job.title},
                           _("%(name)s applied.") % {"name": talent.name}, page_url("application-detail", app.pk)))
    return app


def application_move(*, actor, application_id: int, to: str, reason: str = "", note: str = "",
                     request=None) -> Application:
    """Move an application: to a stage of the enterprise's pipeline, or ``rejected`` (by the enterprise, with a
    reason), ``withdrawn`` (by the talent, with a reason) or ``hired`` (see ``hire``). Rejected, withdrawn and
    hired are final. Every move is written to the application's history."""
    to = (to or "").strip()
    reason = clean_text(reason, 300, single_line=True)
    note = clean_text(note, 300, single_line=True)
    if to == Outcome.WITHDRAWN:
        return _withdraw(actor=actor, application_id=application_id, reason=reason, request=request)
    if to == HIRED_STAGE:
        return hire(actor=actor, application_id=application_id, reason=reason or note, request=request)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{application_id}",
                 request=request, detail={"application": "move", "to": to}) as entry:
        app = own_application(actor, application_id)
        check_open(app)
        entry.subject_talent_id = app.talent_id
        if to == Outcome.REJECTED:
            _reject(app, actor, reason)
        else:
            _move_to_stage(app, to, actor, note)
    return app


def _reject(app: Application, actor, reason: str) -> None:
    if len(reason) < 2:
        raise ApplicationError(_("Give the reason for rejecting; the talent sees it."),
                               code="reason_required", field="reason")
    app.outcome, app.reason, app.outcome_at = Outcome.REJECTED, reason, timezone.now()
    app.save(update_fields=["outcome", "reason", "outcome_at", "updated_at"])
    stage_change_record(app, Outcome.REJECTED, actor, reason)
    interviews_cancel_open(app)
    notify(talent_message(app, "application_rejected",
                          _("Your application for %(title)s was not successful") % {"title": app.job.title},
                          _("The employer's reason: %(reason)s") % {"reason": reason}))


def _move_to_stage(app: Application, to: str, actor, note: str) -> None:
    codes = [s["code"] for s in pipeline_stages(app.job.enterprise_id)]
    if to not in codes:
        raise ApplicationError(_("No stage %(stage)s in this pipeline.") % {"stage": to[:30]},
                               code="invalid", field="to")
    if to == app.stage:
        raise ApplicationError(_("The application is already in this stage."), code="same_stage", field="to")
    stage_change_record(app, to, actor, note)
    app.stage = to
    app.save(update_fields=["stage", "updated_at"])


def _withdraw(*, actor, application_id: int, reason: str, request=None) -> Application:
    talent = talent_of(actor)
    if len(reason) < 2:
        raise ApplicationError(_("Say why you withdraw; the employer sees it."), code="reason_required",
                               field="reason")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{application_id}",
                 subject_talent_id=talent.pk, request=request, detail={"application": "withdraw"}):
        app = (Application.objects.select_for_update(of=("self",)).select_related("job")
               .filter(pk=application_id, talent=talent).first())
        if app is None:
            raise NotFoundError()
        check_open(app)
        app.outcome, app.reason, app.outcome_at = Outcome.WITHDRAWN, reason, timezone.now()
        app.save(update_fields=["outcome", "reason", "outcome_at", "updated_at"])
        stage_change_record(app, Outcome.WITHDRAWN, actor, reason)
        interviews_cancel_open(app)
        notify(hr_messages(app.job.enterprise_id, "application_withdrawn",
                           _("%(name)s withdrew from %(title)s") % {"name": talent.name, "title": app.job.title},
                           reason, page_url("application-detail", app.pk)))
    return app


def note_add(*, actor, application_id: int, text: str, request=None) -> ApplicationNote:
    """The employer's internal note on an application (the talent does not see it)."""
    text = check.text_field(text, 2000, "text", what=_("The note"))
    if not text:
        raise ApplicationError(_("Write the note."), code="required", field="text")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{application_id}",
                 request=request, detail={"application": "note"}) as entry:
        app = own_application(actor, application_id, lock=False)
        note = ApplicationNote.objects.create(application=app, author=actor, text=text)
        entry.subject_talent_id = app.talent_id
        entry.detail["note"] = note.pk
    return note
