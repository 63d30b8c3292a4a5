"""Jobs: an enterprise (or a partner key for its enterprise) posts, changes, opens and closes its jobs; an officer
hides a job of the district from talents, with the reason the enterprise is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, FieldErrors, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.core.notices import notify
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.engines.matching import MAX_JOB_TEXT_CHARS, MAX_TITLE_CHARS, clean_text
from talentpool.registry.models import Enterprise

from ..matching import changes_record
from ..models import ChangeKind, Job, JobStatus, Partner
from . import validators as check
from .access import actor_or_none, enterprise_of, hr_messages, own_job, page_url

# Which status a job may go to from which (draft jobs were never seen; filled jobs may open again).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    JobStatus.DRAFT: (JobStatus.OPEN, JobStatus.CLOSED),
    JobStatus.OPEN: (JobStatus.PAUSED, JobStatus.CLOSED, JobStatus.FILLED),
    JobStatus.PAUSED: (JobStatus.OPEN, JobStatus.CLOSED),
    JobStatus.CLOSED: (JobStatus.OPEN,),
    JobStatus.FILLED: (JobStatus.OPEN, JobStatus.CLOSED),
}

JOB_FIELDS = ("title", "description", "occupation_code", "min_degree", "accepted_majors", "skills", "min_years",
              "salary_min", "salary_max", "division", "headcount", "deadline")
_NOT_CLEANED = ["enterprise", "created_by", "moderated_by", "partner"]


def _job_text(data: dict, job: Job | None) -> dict:
    out: dict = {}
    if "title" in data:
        out["title"] = check.text_field(data["title"], MAX_TITLE_CHARS, "title", single_line=True,
                                        what=_("The title"))
    if "description" in data:
        out["description"] = check.text_field(data["description"], MAX_JOB_TEXT_CHARS, "description",
                                              what=_("The description"))
    title = out.get("title", job.title if job else "")
    description = out.get("description", job.description if job else "")
    if not title and not description:
        raise ApplicationError(_("A job needs a title and a description; both are empty after removing HTML, "
                                 "emoji and control characters."), code="no_text", field="title")
    if not title:
        raise ApplicationError(_("A job needs a title."), code="required", field="title")
    return out


def _job_values(data: dict, *, job: Job | None, enterprise: Enterprise, today: dt.date) -> dict:
    """Validate the job fields given (all on create, the changed ones on update) into model values. Every field
    is checked: the error raised is the first one, with all of them in ``extra["errors"]`` ({field: message}) when
    there are several,
    so a form shows each beside its field in one round trip."""
    out: dict = {}
    errors = FieldErrors("title")

    def step(fn) -> None:
        errors.check("", fn)

    def salary() -> None:
        low = data["salary_min"] if "salary_min" in data else (job.salary_min if job else None)
        high = data["salary_max"] if "salary_max" in data else (job.salary_max if job else None)
        out["salary_min"], out["salary_max"] = check.salary_range(low, high)

    def deadline() -> None:
        day = check.date_field(data["deadline"], "deadline")
        if job is None or day != job.deadline:
            check.not_past(day, "deadline", today, _("The deadline %(day)s is in the past (today is %(today)s)."))
        out["deadline"] = day

    step(lambda: out.update(_job_text(data, job)))
    checks = {"occupation_code": check.occupation_code, "min_degree": check.degree_code,
              "accepted_majors": check.major_codes, "skills": check.skill_list,
              "min_years": lambda v: check.years(v, "min_years"),
              "division": lambda v: check.division_code(v or enterprise.division), "headcount": check.headcount}
    for name, fn in checks.items():
        if name in data:
            step(lambda name=name, fn=fn: out.__setitem__(name, fn(data[name])))
    if "salary_min" in data or "salary_max" in data:
        step(salary)
    if "deadline" in data:
        step(deadline)
    errors.raise_any()  # the first refusal as it was (its code and field), and every one when there are more
    return out


def job_create(*, actor=None, partner: Partner | None = None, title: str, description: str = "",
               occupation_code: str, min_degree: str = "", accepted_majors: Iterable[str] = (),
               skills: Iterable[str] = (), min_years=0, salary_min: int | None = None,
               salary_max: int | None = None, division: str = "", headcount: int = 1,
               deadline: dt.date | None = None, status: str = JobStatus.DRAFT, request=None) -> Job:
    """An enterprise (or a partner for its enterprise) posts a job, as a draft or open at once."""
    enterprise = enterprise_of(actor, partner)
    if status not in (JobStatus.DRAFT, JobStatus.OPEN):
        raise ApplicationError(_("A new job is a draft or open."), code="invalid", field="status")
    data = {"title": title, "description": description, "occupation_code": occupation_code,
            "min_degree": min_degree, "accepted_majors": accepted_majors, "skills": skills, "min_years": min_years,
            "salary_min": salary_min, "salary_max": salary_max, "division": division, "headcount": headcount,
            "deadline": deadline}
    values = _job_values(data, job=None, enterprise=enterprise, today=timezone.localdate())
    job = Job(enterprise=enterprise, status=status, created_by=actor_or_none(actor), partner=partner, **values)
    check.full_clean(job, exclude=_NOT_CLEANED)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"job": "create", "status": status, "partner": partner.pk if partner else None}) as entry:
        job.save()
        changes_record(ChangeKind.JOB, [job.pk])
        entry.target = f"job:{job.pk}"
    return job


def job_update(*, actor=None, partner: Partner | None = None, job_id: int, request=None, **changes) -> Job:
    """Change some fields of the enterprise's job (any of ``JOB_FIELDS``); the status has its own service."""
    unknown = sorted(set(changes) - set(JOB_FIELDS))
    if unknown:
        raise ApplicationError(_("Unknown field %(field)s.") % {"field": unknown[0]}, code="invalid",
                               field=unknown[0])
    enterprise = enterprise_of(actor, partner)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job_id}", request=request,
                 detail={"job": "update", "partner": partner.pk if partner else None}) as entry:
        job = own_job(enterprise, job_id, lock=True)
        values = _job_values(changes, job=job, enterprise=enterprise, today=timezone.localdate())
        changed = {k: v for k, v in values.items() if getattr(job, k) != v}
        for name, value in changed.items():
            setattr(job, name, value)
        check.full_clean(job, exclude=_NOT_CLEANED)
        if changed:
            job.save()
            changes_record(ChangeKind.JOB, [job.pk])
        entry.detail["fields"] = sorted(changed)
        entry.skip = not changed
    return job


def job_set_status(*, actor=None, partner: Partner | None = None, job_id: int, status: str, request=None) -> Job:
    """Open, pause, close or mark filled (see ``TRANSITIONS``). Opening needs a deadline not yet passed."""
    enterprise = enterprise_of(actor, partner)
    if status not in JobStatus.values:
        raise ApplicationError(_("No such status."), code="invalid", field="status")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job_id}", request=request,
                 detail={"job": "status", "to": status}) as entry:
        job = own_job(enterprise, job_id, lock=True)
        entry.detail["from"] = job.status
        if status == job.status:
            entry.skip = True
            return job
        if status not in TRANSITIONS[job.status]:
            raise ApplicationError(
                _("A %(from)s job cannot become %(to)s.") % {"from": job.get_status_display(),
                                                             "to": JobStatus(status).label},
                code="status_transition", field="status")
        if status == JobStatus.OPEN and job.deadline and job.deadline < timezone.localdate():
            raise ApplicationError(_("The deadline %(day)s has passed; set a new deadline before opening the job.")
                                   % {"day": job.deadline.isoformat()}, code="deadline_passed", field="deadline")
        job.status = status
        job.save(update_fields=["status", "updated_at"])
        changes_record(ChangeKind.JOB, [job.pk])
    return job


def job_moderate(*, actor, job_id: int, hidden: bool, note: str, request=None) -> Job:
    """An officer hides a job of the district from talents (with the reason the enterprise is told), or shows
    it again."""
    ensure_role(actor, Role.OFFICER)
    note = clean_text(note, 300, single_line=True)
    if hidden and len(note) < 2:
        raise ApplicationError(_("Say why the job is hidden; the enterprise is told."), code="reason_required",
                               field="note")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job_id}", request=request,
                 detail={"job": "hide" if hidden else "show", "note": note}) as entry:
        job = (Job.objects.select_for_update(of=("self",)).select_related("enterprise")
               .filter(pk=job_id, division__startswith=actor.scope_prefix).first()) if actor.scope_prefix else None
        if job is None:
            raise NotFoundError()
        if job.hidden == hidden and (not hidden or job.moderation_note == note):
            entry.skip = True
            return job
        job.hidden, job.moderation_note = hidden, note
        job.moderated_by, job.moderated_at = actor, timezone.now()
        job.save(update_fields=["hidden", "moderation_note", "moderated_by", "moderated_at", "updated_at"])
        changes_record(ChangeKind.JOB, [job.pk])
        params = {"title": job.title, "note": note}
        if hidden:
            title = _("Your job %(title)s was hidden by the talent office") % params
            body = _("Talents no longer see it. The office's reason: %(note)s") % params
        else:
            title = _("Your job %(title)s is visible again") % params
            body = note
        notify(hr_messages(job.enterprise_id, "job_moderated", title, body, page_url("job-detail", job.pk)))
    return job
