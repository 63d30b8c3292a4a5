"""Offers and hires: the enterprise offers a job (salary and start date), the talent accepts, the enterprise
hires. A hire is recorded in the registry through the registry's own service."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.core.notices import notify
from talentpool.engines.matching import clean_text
from talentpool.registry.services import employment_record_hire

from ..matching import changes_record
from ..models import HIRED_STAGE, Application, ChangeKind, Job, JobStatus, Outcome
from . import validators as check
from .access import hr_messages, own_application, page_url, talent_message, talent_of
from .interviews import interviews_close_on_hire
from .pipeline import advance_to, check_open, stage_change_record


def offer_make(*, actor, application_id: int, start_date, salary: int | None = None, note: str = "",
               request=None) -> Application:
    """Offer the job: salary (yuan per month) and start date; the application moves to ``offer`` when the
    pipeline has it, and the talent is told."""
    start = check.date_field(start_date, "start_date")
    if start is None:
        raise ApplicationError(_("Give the start date."), code="required", field="start_date")
    check.not_past(start, "start_date", timezone.localdate(), _("The start date %(day)s is in the past."))
    offered, _unused = check.salary_range(salary, None, field_min="salary", field_max="salary")
    note = clean_text(note, 500)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{application_id}",
                 request=request, detail={"application": "offer", "salary": offered,
                                          "start_date": start.isoformat()}) as entry:
        app = own_application(actor, application_id)
        check_open(app)
        entry.subject_talent_id = app.talent_id
        app.offer_salary, app.offer_start_date, app.offer_note = offered, start, note
        app.offer_sent_at, app.offer_accepted_at = timezone.now(), None
        fields = ["offer_salary", "offer_start_date", "offer_note", "offer_sent_at", "offer_accepted_at",
                  "updated_at"]
        if advance_to(app, "offer", actor, _("offer made")):
            fields.append("stage")
        app.save(update_fields=fields)
        params = {"title": app.job.title, "enterprise": app.job.enterprise.name, "day": start.isoformat(),
                  "salary": f"{offered:,}" if offered else "—"}
        notify(talent_message(app, "offer_made", _("Offer: %(title)s at %(enterprise)s") % params,
                              _("Start on %(day)s, %(salary)s yuan per month.") % params))
    return app


def offer_accept(*, actor, application_id: int, request=None) -> Application:
    """The talent accepts the offer."""
    talent = talent_of(actor)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{application_id}",
                 subject_talent_id=talent.pk, request=request, detail={"application": "offer_accepted"}) as entry:
        app = (Application.objects.select_for_update(of=("self",)).select_related("job")
               .filter(pk=application_id, talent=talent).first())
        if app is None:
            raise NotFoundError()
        check_open(app)
        if app.offer_sent_at is None:
            raise ApplicationError(_("There is no offer to accept."), code="no_offer")
        entry.skip = app.offer_accepted_at is not None  # accepted before: nothing changes
        if not entry.skip:
            app.offer_accepted_at = timezone.now()
            app.save(update_fields=["offer_accepted_at", "updated_at"])
            notify(hr_messages(app.job.enterprise_id, "offer_accepted",
                               _("%(name)s accepted the offer for %(title)s")
                               % {"name": talent.name, "title": app.job.title}, "",
                               page_url("application-detail", app.pk)))
    return app


def hire(*, actor, application_id: int, start_date=None, reason: str = "", request=None) -> Application:
    """Hire: the registry gets the employment record (this enterprise, the offer's start date unless another
    is given, the job's title and occupation, certified by the enterprise), the application ends as hired, and
    the job becomes filled when its hires reach the headcount."""
    start = check.date_field(start_date, "start_date")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{application_id}",
                 request=request, detail={"application": "hire"}) as entry:
        app = own_application(actor, application_id)
        check_open(app)
        start = start or app.offer_start_date
        if start is None:
            raise ApplicationError(_("Give the start date (or make an offer with one first)."), code="required",
                                   field="start_date")
        job = Job.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=app.job_id)
        employment, _created = employment_record_hire(
            actor=actor, talent=app.talent, start_date=start, position=job.title,
            occupation_code=job.occupation_code, source_ref=f"application:{app.pk}", request=request)
        stage_change_record(app, HIRED_STAGE, actor, reason)
        app.stage, app.outcome, app.outcome_at, app.employment = HIRED_STAGE, Outcome.HIRED, timezone.now(), employment
        app.reason = clean_text(reason, 300, single_line=True)
        app.save(update_fields=["stage", "outcome", "outcome_at", "employment", "reason", "updated_at"])
        closed = interviews_close_on_hire(app)
        if any(closed.values()):
            entry.detail["interviews_closed"] = closed
        hires = Application.objects.filter(job=job, outcome=Outcome.HIRED).count()
        if hires >= job.headcount and job.status in (JobStatus.OPEN, JobStatus.PAUSED):
            job.status = JobStatus.FILLED
            job.save(update_fields=["status", "updated_at"])
        changes_record(ChangeKind.JOB, [job.pk])
        changes_record(ChangeKind.TALENT, [app.talent_id])
        entry.subject_talent_id = app.talent_id
        entry.detail |= {"employment": employment.pk, "start_date": start.isoformat(),
                         "job_filled": job.status == JobStatus.FILLED}
        notify(talent_message(app, "hired", _("Welcome to %(enterprise)s") % {"enterprise": job.enterprise.name},
                              _("You are hired as %(title)s from %(day)s; the talent office's registry now records "
                                "this employment.") % {"title": job.title, "day": start.isoformat()}))
    return app
