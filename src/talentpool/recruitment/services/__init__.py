"""Writes on recruitment: jobs, moderation, profiles, applications through the pipeline, interviews, offers,
hires and partners. Each service checks who may act, validates its input into a clear ``ApplicationError`` naming
the field, writes in one transaction with an audit row, notes changed talents and jobs for the match index
(applied in this process after the commit), and sends notices.

Who may act: an enterprise user on its own enterprise's jobs and their applications (or a partner whose key has
``jobs:write`` on its enterprise's jobs); a talent on its own profile and applications; an officer moderates the
jobs of its district. Another enterprise's job or application is "not found", as it would be on a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role, User
from talentpool.core.audit import audit_record
from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditAction, ChangeRecord, ChangeSource
from talentpool.core.notices import Message, notify
from talentpool.core.permissions import ensure_role
from talentpool.engines.matching import (
    MAX_JOB_TEXT_CHARS,
    MAX_RESUME_CHARS,
    MAX_TITLE_CHARS,
    clean_text,
    normalise_skills,
)
from talentpool.reference.selectors import normalise_major_code, reference_codes
from talentpool.registry.models import Degree, Employment, Enterprise, Talent

from .matching import changes_record
from .models import (
    FIRST_STAGE,
    HIRED_STAGE,
    INTERVIEW_TIMEZONE,
    PARTNER_SCOPES,
    Application,
    ApplicationNote,
    ChangeKind,
    ExchangeDirection,
    Interview,
    InterviewStatus,
    Job,
    JobProfile,
    JobStatus,
    Outcome,
    Partner,
    PartnerExchange,
    PipelineSettings,
    StageChange,
)
from .selectors import pipeline_stages

MAX_SALARY = 1_000_000
"""Yuan per month: anything above is a typing mistake."""
MAX_RAW_RESUME_CHARS = 20 * MAX_RESUME_CHARS
"""A résumé longer than this before cleaning is cut first (the cleaned text is cut to 5,000 anyway)."""
MAX_CODES = 20
MAX_INTERVIEWERS = 10
MAX_INTERVIEW_HOURS = 8

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


def _page_url(name: str, *args) -> str:
    """A page of the portal, when the pages are installed (notices link to it); else empty."""
    try:
        return reverse(f"recruitment:{name}", args=args)
    except NoReverseMatch:
        return ""


# --- who acts -------------------------------------------------------------------------------------------------------


def _talent_of(actor) -> Talent:
    ensure_role(actor, Role.TALENT)
    talent = Talent.objects.filter(user=actor).first()
    if talent is None:
        raise NotFoundError(_("Your account is not linked to a registry record."))
    return talent


def _enterprise_of(actor=None, partner: Partner | None = None, *, write: bool = True) -> Enterprise:
    """The enterprise acting: an enterprise user's own, or the enterprise of a partner key with jobs:write."""
    if partner is not None:
        if not partner.active or not partner.has_scope("jobs:write") or partner.enterprise_id is None:
            raise PermissionDeniedError(_("This key may not write jobs."))
        return partner.enterprise
    ensure_role(actor, Role.ENTERPRISE)
    if actor.enterprise_id is None:
        raise PermissionDeniedError()
    return actor.enterprise


def _own_job(enterprise: Enterprise, job_id: int, *, lock: bool = False) -> Job:
    qs = Job.objects.select_related("enterprise")
    if lock:
        qs = qs.select_for_update(of=("self",))
    job = qs.filter(pk=job_id, enterprise=enterprise).first()
    if job is None:
        raise NotFoundError()
    return job


def _own_application(actor, application_id: int, *, lock: bool = True) -> Application:
    """An application to one of the acting enterprise user's jobs."""
    enterprise = _enterprise_of(actor)
    qs = Application.objects.select_related("job__enterprise", "talent")
    if lock:
        qs = qs.select_for_update(of=("self",))
    app = qs.filter(pk=application_id, job__enterprise=enterprise).first()
    if app is None:
        raise NotFoundError()
    return app


def _hr_users(enterprise_id: int) -> list[int]:
    return list(User.objects.filter(enterprise_id=enterprise_id, role=Role.ENTERPRISE, is_active=True)
                .values_list("pk", flat=True))


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- validation -------------------------------------------------------------------------------------------------


def _text(value: str | None, limit: int, field: str, *, single_line: bool = False, what: str = "") -> str:
    """Cleaned text, or a clear error when it is longer than ``limit`` after cleaning."""
    cleaned = clean_text(value, limit * 20, single_line=single_line)
    if len(cleaned) > limit:
        raise ApplicationError(
            _("%(what)s is %(n)s characters after removing HTML, emoji and control characters; at most "
              "%(limit)s are allowed.") % {"what": what or field, "n": f"{len(cleaned):,}", "limit": f"{limit:,}"},
            code="too_long", field=field)
    return cleaned


def _code_list(values, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in re.split(r"[\s,，、;；]+", values) if v]
    values = [str(v).strip() for v in values if str(v).strip()]
    if len(values) > MAX_CODES:
        raise ApplicationError(_("At most %(n)s codes.") % {"n": MAX_CODES}, code="too_many", field=field)
    return list(dict.fromkeys(values))


def _occupation(code: str | None, field: str = "occupation_code", *, required: bool = True) -> str:
    code = (code or "").strip()
    if not code:
        if required:
            raise ApplicationError(_("Choose an occupation of the 2022 classification."), code="required",
                                   field=field)
        return ""
    if code not in reference_codes("occupations"):
        raise ApplicationError(
            _("Unknown occupation code %(code)s: use a code of the 2022 occupation classification, such as "
              "2-02-10-03.") % {"code": code[:20]}, code="unknown_code", field=field)
    return code


def _occupations(values, field: str) -> list[str]:
    return [_occupation(c, field) for c in _code_list(values, field)]


def _majors(values, field: str = "accepted_majors") -> list[str]:
    known = reference_codes("majors")
    out = []
    for raw in _code_list(values, field):
        code = normalise_major_code(raw)
        if not code or code not in known:
            raise ApplicationError(
                _("Unknown major code %(code)s: use a category (08), class (0809) or major (080901) of the "
                  "undergraduate catalogue.") % {"code": raw[:20]}, code="unknown_code", field=field)
        out.append(code)
    return list(dict.fromkeys(out))


def _division(code: str | None, field: str = "division") -> str:
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code) or code not in reference_codes("divisions"):
        raise ApplicationError(
            _("Unknown division code %(code)s: use a six-digit code of GB/T 2260, such as 330106.")
            % {"code": code[:20]}, code="unknown_code", field=field)
    return code


def _divisions(values, field: str) -> list[str]:
    return [_division(c, field) for c in _code_list(values, field)]


def _salary(low, high, *, field_min: str = "salary_min", field_max: str = "salary_max") -> tuple[int | None, ...]:
    out = []
    for value, field in ((low, field_min), (high, field_max)):
        if value in (None, ""):
            out.append(None)
            continue
        try:
            number = int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            raise ApplicationError(_("A salary is a whole number of yuan per month."), code="invalid",
                                   field=field) from None
        if not 0 < number <= MAX_SALARY:
            raise ApplicationError(_("A salary is between 1 and 1,000,000 yuan per month."), code="invalid",
                                   field=field)
        out.append(number)
    if out[0] is not None and out[1] is not None and out[0] > out[1]:
        raise ApplicationError(
            _("The salary minimum (%(low)s) is above the maximum (%(high)s).")
            % {"low": f"{out[0]:,}", "high": f"{out[1]:,}"}, code="salary_range", field=field_min)
    return tuple(out)


def _years(value, field: str, *, most: int = 50) -> Decimal:
    try:
        years = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Years are a number such as 3 or 1.5."), code="invalid", field=field) from None
    if not 0 <= years <= most:
        raise ApplicationError(_("Years are between 0 and %(most)s.") % {"most": most}, code="invalid", field=field)
    return years


def _skills(values, field: str = "skills") -> list[str]:
    if isinstance(values, str):
        values = re.split(r"[,，、;；\n]+", values)
    return normalise_skills(list(values or []))  # cleaned, lower case, 40 characters each, first 50 distinct


def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError(_("A date is written YYYY-MM-DD."), code="invalid", field=field) from None


def _not_past(day: dt.date | None, field: str, today: dt.date, message: str) -> None:
    if day is not None and day < today:
        raise ApplicationError(message % {"day": day.isoformat(), "today": today.isoformat()}, code="in_past",
                               field=field)


def _degree(value: str | None) -> str:
    value = (value or "").strip()
    if value and value not in Degree.values:
        raise ApplicationError(_("The minimum degree is one of %(choices)s, or empty for any degree.")
                               % {"choices": ", ".join(Degree.values)}, code="invalid", field="min_degree")
    return value


def _headcount(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 10_000:
        raise ApplicationError(_("The headcount is a whole number from 1 to 10,000."), code="invalid",
                               field="headcount")
    return number


def _job_values(data: dict, *, job: Job | None, enterprise: Enterprise, today: dt.date) -> dict:
    """Validate the job fields given (all on create, the changed ones on update) into model values."""
    out: dict = {}
    if "title" in data:
        out["title"] = _text(data["title"], MAX_TITLE_CHARS, "title", single_line=True, what=_("The title"))
    if "description" in data:
        out["description"] = _text(data["description"], MAX_JOB_TEXT_CHARS, "description",
                                   what=_("The description"))
    title = out.get("title", job.title if job else "")
    description = out.get("description", job.description if job else "")
    if not title and not description:
        raise ApplicationError(_("A job needs a title and a description; both are empty after removing HTML, "
                                 "emoji and control characters."), code="no_text", field="title")
    if not title:
        raise ApplicationError(_("A job needs a title."), code="required", field="title")
    if "occupation_code" in data:
        out["occupation_code"] = _occupation(data["occupation_code"])
    if "min_degree" in data:
        out["min_degree"] = _degree(data["min_degree"])
    if "accepted_majors" in data:
        out["accepted_majors"] = _majors(data["accepted_majors"])
    if "skills" in data:
        out["skills"] = _skills(data["skills"])
    if "min_years" in data:
        out["min_years"] = _years(data["min_years"], "min_years")
    if "salary_min" in data or "salary_max" in data:
        low = data["salary_min"] if "salary_min" in data else (job.salary_min if job else None)
        high = data["salary_max"] if "salary_max" in data else (job.salary_max if job else None)
        out["salary_min"], out["salary_max"] = _salary(low, high)
    if "division" in data:
        out["division"] = _division(data["division"] or enterprise.division)
    if "headcount" in data:
        out["headcount"] = _headcount(data["headcount"])
    if "deadline" in data:
        deadline = _date(data["deadline"], "deadline")
        if job is None or deadline != job.deadline:
            _not_past(deadline, "deadline", today, _("The deadline %(day)s is in the past (today is %(today)s)."))
        out["deadline"] = deadline
    return out


def _full_clean(obj, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), code="invalid", field=None if field == "__all__" else field) from exc


# --- jobs -------------------------------------------------------------------------------------------------------


def job_create(*, actor=None, partner: Partner | None = None, title: str, description: str = "",
               occupation_code: str, min_degree: str = "", accepted_majors: Iterable[str] = (),
               skills: Iterable[str] = (), min_years=0, salary_min: int | None = None,
               salary_max: int | None = None, division: str = "", headcount: int = 1,
               deadline: dt.date | None = None, status: str = JobStatus.DRAFT, request=None) -> Job:
    """An enterprise (or a partner for its enterprise) posts a job, as a draft or open at once."""
    enterprise = _enterprise_of(actor, partner)
    if status not in (JobStatus.DRAFT, JobStatus.OPEN):
        raise ApplicationError(_("A new job is a draft or open."), code="invalid", field="status")
    data = {"title": title, "description": description, "occupation_code": occupation_code,
            "min_degree": min_degree, "accepted_majors": accepted_majors, "skills": skills, "min_years": min_years,
            "salary_min": salary_min, "salary_max": salary_max, "division": division, "headcount": headcount,
            "deadline": deadline}
    values = _job_values(data, job=None, enterprise=enterprise, today=timezone.localdate())
    job = Job(enterprise=enterprise, status=status, created_by=_actor_or_none(actor), partner=partner, **values)
    _full_clean(job, exclude=["enterprise", "created_by", "moderated_by", "partner"])
    with transaction.atomic():
        job.save()
        changes_record(ChangeKind.JOB, [job.pk])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job.pk}", request=request,
                     detail={"job": "create", "status": status, "partner": partner.pk if partner else None})
    return job


def job_update(*, actor=None, partner: Partner | None = None, job_id: int, request=None, **changes) -> Job:
    """Change some fields of the enterprise's job (any of ``JOB_FIELDS``); the status has its own service."""
    unknown = sorted(set(changes) - set(JOB_FIELDS))
    if unknown:
        raise ApplicationError(_("Unknown field %(field)s.") % {"field": unknown[0]}, code="invalid",
                               field=unknown[0])
    enterprise = _enterprise_of(actor, partner)
    with transaction.atomic():
        job = _own_job(enterprise, job_id, lock=True)
        values = _job_values(changes, job=job, enterprise=enterprise, today=timezone.localdate())
        changed = {k: v for k, v in values.items() if getattr(job, k) != v}
        for name, value in changed.items():
            setattr(job, name, value)
        _full_clean(job, exclude=["enterprise", "created_by", "moderated_by", "partner"])
        if changed:
            job.save()
            changes_record(ChangeKind.JOB, [job.pk])
            audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job.pk}", request=request,
                         detail={"job": "update", "fields": sorted(changed),
                                 "partner": partner.pk if partner else None})
    return job


def job_set_status(*, actor=None, partner: Partner | None = None, job_id: int, status: str, request=None) -> Job:
    """Open, pause, close or mark filled (see ``TRANSITIONS``). Opening needs a deadline not yet passed."""
    enterprise = _enterprise_of(actor, partner)
    if status not in JobStatus.values:
        raise ApplicationError(_("No such status."), code="invalid", field="status")
    with transaction.atomic():
        job = _own_job(enterprise, job_id, lock=True)
        if status == job.status:
            return job
        if status not in TRANSITIONS[job.status]:
            raise ApplicationError(
                _("A %(from)s job cannot become %(to)s.") % {"from": job.get_status_display(),
                                                             "to": JobStatus(status).label},
                code="status_transition", field="status")
        today = timezone.localdate()
        if status == JobStatus.OPEN and job.deadline and job.deadline < today:
            raise ApplicationError(_("The deadline %(day)s has passed; set a new deadline before opening the job.")
                                   % {"day": job.deadline.isoformat()}, code="deadline_passed", field="deadline")
        before = job.status
        job.status = status
        job.save(update_fields=["status", "updated_at"])
        changes_record(ChangeKind.JOB, [job.pk])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job.pk}", request=request,
                     detail={"job": "status", "from": before, "to": status})
    return job


def job_moderate(*, actor, job_id: int, hidden: bool, note: str, request=None) -> Job:
    """An officer hides a job of the district from talents (with the reason the enterprise is told), or shows
    it again."""
    ensure_role(actor, Role.OFFICER)
    note = clean_text(note, 300, single_line=True)
    if hidden and len(note) < 2:
        raise ApplicationError(_("Say why the job is hidden; the enterprise is told."), code="reason_required",
                               field="note")
    with transaction.atomic():
        job = (Job.objects.select_for_update(of=("self",)).select_related("enterprise")
               .filter(pk=job_id, division__startswith=actor.scope_prefix).first()) if actor.scope_prefix else None
        if job is None:
            raise NotFoundError()
        if job.hidden == hidden and (not hidden or job.moderation_note == note):
            return job
        job.hidden, job.moderation_note = hidden, note
        job.moderated_by, job.moderated_at = actor, timezone.now()
        job.save(update_fields=["hidden", "moderation_note", "moderated_by", "moderated_at", "updated_at"])
        changes_record(ChangeKind.JOB, [job.pk])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job:{job.pk}", request=request,
                     detail={"job": "hide" if hidden else "show", "note": note})
        params = {"title": job.title, "note": note}
        if hidden:
            title = _("Your job %(title)s was hidden by the talent office") % params
            body = _("Talents no longer see it. The office's reason: %(note)s") % params
        else:
            title = _("Your job %(title)s is visible again") % params
            body = note
        notify([Message(uid, "job_moderated", title, body, _page_url("job-detail", job.pk))
                for uid in _hr_users(job.enterprise_id)])
    return job


# --- profiles ---------------------------------------------------------------------------------------------------


def resume_clean(text: str | None) -> tuple[str, list[str]]:
    """The résumé as stored, and what cleaning did to it (in words for the talent)."""
    raw = text or ""
    cut = len(raw) > MAX_RAW_RESUME_CHARS
    raw = raw[:MAX_RAW_RESUME_CHARS]
    full = clean_text(raw, MAX_RAW_RESUME_CHARS)
    notes = []
    if re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)) != re.sub(r"\s+", "", full):
        notes.append(_("HTML, emoji and control characters were removed from the résumé."))
    if cut or len(full) > MAX_RESUME_CHARS:
        notes.append(_("The résumé was cut to its first 5,000 characters (after removing HTML, emoji and control "
                       "characters)."))
    return full[:MAX_RESUME_CHARS].rstrip(), notes


def profile_save(*, actor, resume: str = "", skills: Iterable[str] = (), desired_occupations: Iterable[str] = (),
                 desired_divisions: Iterable[str] = (), salary_min: int | None = None,
                 salary_max: int | None = None, available_from: dt.date | None = None,
                 years_experience=None, consent_search: bool = False, request=None) -> JobProfile:
    """The talent's own job profile, replaced as a whole. The résumé is cleaned and cut to 5,000 characters; what
    cleaning did is on the returned profile as ``cleaning_notes`` (a list of sentences)."""
    talent = _talent_of(actor)
    text, notes = resume_clean(resume)
    low, high = _salary(salary_min, salary_max)
    values = {
        "resume": text,
        "skills": _skills(skills),
        "desired_occupations": _occupations(desired_occupations, "desired_occupations"),
        "desired_divisions": _divisions(desired_divisions, "desired_divisions"),
        "salary_min": low,
        "salary_max": high,
        "available_from": _date(available_from, "available_from"),
        "years_experience": None if years_experience in (None, "") else _years(years_experience, "years_experience",
                                                                                most=60),
        "consent_search": bool(consent_search),
    }
    with transaction.atomic():
        profile = JobProfile.objects.select_for_update().filter(talent=talent).first() or JobProfile(talent=talent)
        before = profile.consent_search if profile.pk else None
        for name, value in values.items():
            setattr(profile, name, value)
        _full_clean(profile, exclude=["talent"])
        profile.save()
        changes_record(ChangeKind.TALENT, [talent.pk])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"job_profile:{profile.pk}",
                     subject_talent_id=talent.pk, request=request,
                     detail={"profile": "save", "consent_search": profile.consent_search,
                             "consent_changed": before is not None and before != profile.consent_search})
    profile.cleaning_notes = notes
    return profile


def candidate_viewed(*, actor, talent: Talent, request=None) -> None:
    """An enterprise read a candidate's profile: written to the audit trail like an officer's read."""
    audit_record(actor=actor, action=AuditAction.VIEW_PERSON, target=f"talent:{talent.pk}",
                 subject_talent_id=talent.pk, request=request, detail={"channel": "recruitment:candidate"})


# --- pipeline settings ----------------------------------------------------------------------------------------------


def pipeline_stages_set(*, actor, stages: list[dict], request=None) -> PipelineSettings:
    """The enterprise's own stages, from ``applied`` to ``hired``. A stage that applications are in cannot be
    removed."""
    enterprise = _enterprise_of(actor)
    clean: list[dict[str, str]] = []
    for i, stage in enumerate(stages or []):
        code = str(stage.get("code", "")).strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,29}", code) or code in (Outcome.REJECTED, Outcome.WITHDRAWN):
            raise ApplicationError(_("Stage %(n)s: a code is 2 to 30 lower-case letters, digits or _ (not "
                                     "rejected or withdrawn).") % {"n": i + 1}, code="invalid", field="stages")
        zh = clean_text(stage.get("zh"), 30, single_line=True)
        en = clean_text(stage.get("en"), 30, single_line=True)
        if not zh or not en:
            raise ApplicationError(_("Stage %(n)s needs a Chinese and an English name.") % {"n": i + 1},
                                   code="required", field="stages")
        clean.append({"code": code, "zh": zh, "en": en})
    codes = [s["code"] for s in clean]
    if not 3 <= len(clean) <= 12 or codes[0] != FIRST_STAGE or codes[-1] != HIRED_STAGE or len(set(codes)) != len(codes):
        raise ApplicationError(_("Stages run from 'applied' to 'hired', 3 to 12 of them, each code once."),
                               code="invalid", field="stages")
    with transaction.atomic():
        in_use = set(Application.objects.filter(job__enterprise=enterprise, outcome="")
                     .values_list("stage", flat=True).distinct())
        removed = sorted(in_use - set(codes))
        if removed:
            raise ApplicationError(_("Applications are in stage %(stage)s; move them before removing it.")
                                   % {"stage": removed[0]}, code="stage_in_use", field="stages")
        row, _created = PipelineSettings.objects.update_or_create(enterprise=enterprise, defaults={"stages": clean})
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"pipeline:{enterprise.pk}",
                     request=request, detail={"stages": codes})
    return row


# --- applications -----------------------------------------------------------------------------------------------


def _stage_change(app: Application, to: str, actor, note: str = "", *, from_stage: str | None = None) -> None:
    StageChange.objects.create(application=app, from_stage=app.stage if from_stage is None else from_stage,
                               to_stage=to, actor=_actor_or_none(actor), note=note[:300])


def apply(*, actor, job_id: int, message: str = "", request=None) -> Application:
    """A talent applies to an open, visible job before its deadline, once."""
    talent = _talent_of(actor)
    message = _text(message, 2000, "message", what=_("The message"))
    today = timezone.localdate()
    with transaction.atomic():
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
        _stage_change(app, FIRST_STAGE, actor, from_stage="")
        changes_record(ChangeKind.TALENT, [talent.pk])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{app.pk}",
                     subject_talent_id=talent.pk, request=request, detail={"application": "apply", "job": job.pk})
        notify([Message(uid, "application_new", _("New application for %(title)s") % {"title": job.title},
                        _("%(name)s applied.") % {"name": talent.name}, _page_url("application-detail", app.pk))
                for uid in _hr_users(job.enterprise_id)])
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
    with transaction.atomic():
        app = _own_application(actor, application_id)
        _check_open(app)
        if to == Outcome.REJECTED:
            if len(reason) < 2:
                raise ApplicationError(_("Give the reason for rejecting; the talent sees it."),
                                       code="reason_required", field="reason")
            app.outcome, app.reason, app.outcome_at = Outcome.REJECTED, reason, timezone.now()
            app.save(update_fields=["outcome", "reason", "outcome_at", "updated_at"])
            _stage_change(app, Outcome.REJECTED, actor, reason)
            _cancel_open_interviews(app)
            notify(_talent_message(app, "application_rejected",
                                   _("Your application for %(title)s was not successful") % {"title": app.job.title},
                                   _("The employer's reason: %(reason)s") % {"reason": reason}))
        else:
            codes = [s["code"] for s in pipeline_stages(app.job.enterprise_id)]
            if to not in codes:
                raise ApplicationError(_("No stage %(stage)s in this pipeline.") % {"stage": to[:30]},
                                       code="invalid", field="to")
            if to == app.stage:
                raise ApplicationError(_("The application is already in this stage."), code="same_stage",
                                       field="to")
            _stage_change(app, to, actor, note)
            app.stage = to
            app.save(update_fields=["stage", "updated_at"])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{app.pk}",
                     subject_talent_id=app.talent_id, request=request,
                     detail={"application": "move", "to": to})
    return app


def _check_open(app: Application) -> None:
    if app.outcome:
        raise ApplicationError(_("This application is closed (%(outcome)s).") % {"outcome": app.get_outcome_display()},
                               code="application_closed")


def _withdraw(*, actor, application_id: int, reason: str, request=None) -> Application:
    talent = _talent_of(actor)
    if len(reason) < 2:
        raise ApplicationError(_("Say why you withdraw; the employer sees it."), code="reason_required",
                               field="reason")
    with transaction.atomic():
        app = (Application.objects.select_for_update(of=("self",)).select_related("job")
               .filter(pk=application_id, talent=talent).first())
        if app is None:
            raise NotFoundError()
        _check_open(app)
        app.outcome, app.reason, app.outcome_at = Outcome.WITHDRAWN, reason, timezone.now()
        app.save(update_fields=["outcome", "reason", "outcome_at", "updated_at"])
        _stage_change(app, Outcome.WITHDRAWN, actor, reason)
        _cancel_open_interviews(app)
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{app.pk}",
                     subject_talent_id=talent.pk, request=request, detail={"application": "withdraw"})
        notify([Message(uid, "application_withdrawn", _("%(name)s withdrew from %(title)s")
                        % {"name": talent.name, "title": app.job.title}, reason,
                        _page_url("application-detail", app.pk)) for uid in _hr_users(app.job.enterprise_id)])
    return app


def _cancel_open_interviews(app: Application) -> None:
    app.interviews.filter(status=InterviewStatus.SCHEDULED, starts_at__gte=timezone.now()).update(
        status=InterviewStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now())


def _talent_message(app: Application, kind: str, title: str, body: str = "", url: str = "") -> list[Message]:
    user_id = app.talent.user_id
    if not user_id:
        return []
    return [Message(user_id, kind, title, body, url or _page_url("my-application", app.pk))]


def note_add(*, actor, application_id: int, text: str, request=None) -> ApplicationNote:
    """The employer's internal note on an application."""
    text = _text(text, 2000, "text", what=_("The note"))
    if not text:
        raise ApplicationError(_("Write the note."), code="required", field="text")
    with transaction.atomic():
        app = _own_application(actor, application_id, lock=False)
        return ApplicationNote.objects.create(application=app, author=actor, text=text)


# --- interviews -------------------------------------------------------------------------------------------------


def _aware(value, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ApplicationError(_("A time is written YYYY-MM-DDTHH:MM."), code="invalid", field=field) from None
    if not isinstance(value, dt.datetime):
        raise ApplicationError(_("Give a date and time."), code="required", field=field)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo(INTERVIEW_TIMEZONE))
    return value


def _slot(starts_at, ends_at) -> tuple[dt.datetime, dt.datetime]:
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if start < timezone.now():
        raise ApplicationError(_("The interview cannot start in the past."), code="in_past", field="starts_at")
    if end <= start:
        raise ApplicationError(_("The interview must end after it starts."), code="invalid", field="ends_at")
    if end - start > dt.timedelta(hours=MAX_INTERVIEW_HOURS):
        raise ApplicationError(_("An interview lasts at most %(n)s hours.") % {"n": MAX_INTERVIEW_HOURS},
                               code="invalid", field="ends_at")
    return start, end


def _place(location: str | None, video_link: str | None) -> tuple[str, str]:
    location = clean_text(location, 200, single_line=True)
    video_link = (video_link or "").strip()
    if video_link:
        try:
            URLValidator(schemes=["http", "https"])(video_link)
        except ValidationError:
            raise ApplicationError(_("The video link must be an http(s) address."), code="invalid",
                                   field="video_link") from None
        if len(video_link) > 500:
            raise ApplicationError(_("The video link is too long."), code="invalid", field="video_link")
    if not location and not video_link:
        raise ApplicationError(_("Give a place or a video link (for a remote interview)."), code="required",
                               field="location")
    return location, video_link


def _interviewers(values) -> list[str]:
    if isinstance(values, str):
        values = re.split(r"[,，、;；\n]+", values)
    names = [clean_text(v, 40, single_line=True) for v in values or []]
    names = list(dict.fromkeys(n for n in names if n))
    if len(names) > MAX_INTERVIEWERS:
        raise ApplicationError(_("At most %(n)s interviewers.") % {"n": MAX_INTERVIEWERS}, code="too_many",
                               field="interviewers")
    return names


def _interview_url(interview: Interview) -> str:
    return reverse("api:recruitment-interview-ics", args=[interview.pk])


def _when(interview: Interview) -> str:
    local = interview.starts_at.astimezone(ZoneInfo(interview.timezone))
    return local.strftime("%Y-%m-%d %H:%M")


def interview_schedule(*, actor, application_id: int, starts_at, ends_at, location: str = "",
                       video_link: str = "", interviewers: Iterable[str] = (), request=None) -> Interview:
    """Schedule the next interview round; the talent gets a notice linking the .ics invitation. An application
    before the ``interview`` stage (when the pipeline has one) moves to it."""
    start, end = _slot(starts_at, ends_at)
    location, video_link = _place(location, video_link)
    names = _interviewers(interviewers)
    with transaction.atomic():
        app = _own_application(actor, application_id)
        _check_open(app)
        last = app.interviews.exclude(status=InterviewStatus.CANCELLED).order_by("-round").first()
        interview = Interview.objects.create(
            application=app, round=(last.round + 1) if last else 1, starts_at=start, ends_at=end,
            timezone=INTERVIEW_TIMEZONE, location=location, video_link=video_link, interviewers=names,
            uid=f"{uuid.uuid4()}@talentpool", organizer=actor)
        codes = [s["code"] for s in pipeline_stages(app.job.enterprise_id)]
        if "interview" in codes and app.stage in codes and codes.index(app.stage) < codes.index("interview"):
            _stage_change(app, "interview", actor, _("interview round %(n)s scheduled") % {"n": interview.round})
            app.stage = "interview"
            app.save(update_fields=["stage", "updated_at"])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview.pk}",
                     subject_talent_id=app.talent_id, request=request,
                     detail={"interview": "schedule", "round": interview.round, "starts_at": start.isoformat()})
        params = {"title": app.job.title, "enterprise": app.job.enterprise.name, "when": _when(interview),
                  "n": interview.round}
        notify(_talent_message(
            app, "interview_scheduled",
            _("Interview invitation: %(title)s at %(enterprise)s, %(when)s") % params,
            _("Round %(n)s. Add it to your calendar with the attached invitation (.ics).") % params,
            _interview_url(interview)))
    return interview


def _own_interview(actor, interview_id: int) -> Interview:
    enterprise = _enterprise_of(actor)
    interview = (Interview.objects.select_for_update(of=("self",))
                 .select_related("application__job__enterprise", "application__talent")
                 .filter(pk=interview_id, application__job__enterprise=enterprise).first())
    if interview is None:
        raise NotFoundError()
    return interview


def interview_reschedule(*, actor, interview_id: int, starts_at, ends_at, location: str | None = None,
                         video_link: str | None = None, interviewers: Iterable[str] | None = None,
                         request=None) -> Interview:
    """Move a scheduled interview: same UID, SEQUENCE one higher, a new notice and invitation."""
    start, end = _slot(starts_at, ends_at)
    with transaction.atomic():
        interview = _own_interview(actor, interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be moved."), code="interview_state")
        _check_open(interview.application)
        loc, link = _place(interview.location if location is None else location,
                           interview.video_link if video_link is None else video_link)
        interview.starts_at, interview.ends_at, interview.location, interview.video_link = start, end, loc, link
        if interviewers is not None:
            interview.interviewers = _interviewers(interviewers)
        interview.sequence += 1
        interview.confirmed_at = None  # a new slot is accepted anew
        interview.save()
        app = interview.application
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview.pk}",
                     subject_talent_id=app.talent_id, request=request,
                     detail={"interview": "reschedule", "sequence": interview.sequence,
                             "starts_at": start.isoformat()})
        params = {"title": app.job.title, "enterprise": app.job.enterprise.name, "when": _when(interview),
                  "n": interview.round}
        notify(_talent_message(
            app, "interview_rescheduled", _("Interview moved: %(title)s at %(enterprise)s, now %(when)s") % params,
            _("Round %(n)s. The attached invitation (.ics) updates your calendar.") % params,
            _interview_url(interview)))
    return interview


def interview_cancel(*, actor, interview_id: int, reason: str = "", request=None) -> Interview:
    """Cancel a scheduled interview; the talent's calendar gets a METHOD:CANCEL invitation."""
    reason = clean_text(reason, 300, single_line=True)
    with transaction.atomic():
        interview = _own_interview(actor, interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be cancelled."), code="interview_state")
        interview.status = InterviewStatus.CANCELLED
        interview.sequence += 1
        interview.save(update_fields=["status", "sequence", "updated_at"])
        app = interview.application
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"interview:{interview.pk}",
                     subject_talent_id=app.talent_id, request=request,
                     detail={"interview": "cancel", "reason": reason})
        notify(_talent_message(app, "interview_cancelled",
                               _("Interview cancelled: %(title)s, %(when)s") % {"title": app.job.title,
                                                                                "when": _when(interview)},
                               reason, _interview_url(interview)))
    return interview


def interview_confirm(*, actor, interview_id: int, request=None) -> Interview:
    """The talent accepts the interview slot; the employer is told."""
    talent = _talent_of(actor)
    with transaction.atomic():
        interview = (Interview.objects.select_for_update().select_related("application__job")
                     .filter(pk=interview_id, application__talent=talent).first())
        if interview is None:
            raise NotFoundError()
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be accepted."), code="interview_state")
        if interview.confirmed_at is None:
            interview.confirmed_at = timezone.now()
            interview.save(update_fields=["confirmed_at", "updated_at"])
            app = interview.application
            title = _("%(name)s accepted the interview slot for %(title)s, %(when)s") % {
                "name": talent.name, "title": app.job.title, "when": _when(interview)}
            notify([Message(uid, "interview_accepted", title, "", _page_url("application-detail", app.pk))
                    for uid in _hr_users(app.job.enterprise_id)])
    return interview


def interview_complete(*, actor, interview_id: int, request=None) -> Interview:
    """Mark a scheduled interview as held."""
    with transaction.atomic():
        interview = _own_interview(actor, interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise ApplicationError(_("Only a scheduled interview can be marked as held."), code="interview_state")
        interview.status = InterviewStatus.DONE
        interview.save(update_fields=["status", "updated_at"])
    return interview


# --- offers and hires -------------------------------------------------------------------------------------------


def offer_make(*, actor, application_id: int, start_date, salary: int | None = None, note: str = "",
               request=None) -> Application:
    """Offer the job: salary (yuan per month) and start date; the application moves to ``offer`` when the
    pipeline has it, and the talent is told."""
    start = _date(start_date, "start_date")
    if start is None:
        raise ApplicationError(_("Give the start date."), code="required", field="start_date")
    _not_past(start, "start_date", timezone.localdate(), _("The start date %(day)s is in the past."))
    offered, _unused = _salary(salary, None, field_min="salary", field_max="salary")
    note = clean_text(note, 500)
    with transaction.atomic():
        app = _own_application(actor, application_id)
        _check_open(app)
        app.offer_salary, app.offer_start_date, app.offer_note = offered, start, note
        app.offer_sent_at, app.offer_accepted_at = timezone.now(), None
        codes = [s["code"] for s in pipeline_stages(app.job.enterprise_id)]
        fields = ["offer_salary", "offer_start_date", "offer_note", "offer_sent_at", "offer_accepted_at",
                  "updated_at"]
        if "offer" in codes and app.stage in codes and codes.index(app.stage) < codes.index("offer"):
            _stage_change(app, "offer", actor, _("offer made"))
            app.stage = "offer"
            fields.append("stage")
        app.save(update_fields=fields)
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{app.pk}",
                     subject_talent_id=app.talent_id, request=request,
                     detail={"application": "offer", "salary": offered, "start_date": start.isoformat()})
        params = {"title": app.job.title, "enterprise": app.job.enterprise.name, "day": start.isoformat(),
                  "salary": f"{offered:,}" if offered else "—"}
        notify(_talent_message(app, "offer_made", _("Offer: %(title)s at %(enterprise)s") % params,
                               _("Start on %(day)s, %(salary)s yuan per month.") % params))
    return app


def offer_accept(*, actor, application_id: int, request=None) -> Application:
    """The talent accepts the offer."""
    talent = _talent_of(actor)
    with transaction.atomic():
        app = (Application.objects.select_for_update(of=("self",)).select_related("job")
               .filter(pk=application_id, talent=talent).first())
        if app is None:
            raise NotFoundError()
        _check_open(app)
        if app.offer_sent_at is None:
            raise ApplicationError(_("There is no offer to accept."), code="no_offer")
        if app.offer_accepted_at is None:
            app.offer_accepted_at = timezone.now()
            app.save(update_fields=["offer_accepted_at", "updated_at"])
            audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{app.pk}",
                         subject_talent_id=talent.pk, request=request, detail={"application": "offer_accepted"})
            notify([Message(uid, "offer_accepted", _("%(name)s accepted the offer for %(title)s")
                            % {"name": talent.name, "title": app.job.title}, "",
                            _page_url("application-detail", app.pk)) for uid in _hr_users(app.job.enterprise_id)])
    return app


def hire(*, actor, application_id: int, start_date=None, reason: str = "", request=None) -> Application:
    """Hire: the registry gets the employment record (this enterprise, the offer's start date unless another
    is given, the job's title and occupation, certified by the enterprise), the application ends as hired, and
    the job becomes filled when its hires reach the headcount."""
    start = _date(start_date, "start_date")
    with transaction.atomic():
        app = _own_application(actor, application_id)
        _check_open(app)
        start = start or app.offer_start_date
        if start is None:
            raise ApplicationError(_("Give the start date (or make an offer with one first)."), code="required",
                                   field="start_date")
        job = Job.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=app.job_id)
        now = timezone.now()
        employment, created = Employment.objects.get_or_create(
            talent=app.talent, enterprise=job.enterprise, start_date=start,
            defaults={"position": job.title[:100], "occupation_code": job.occupation_code, "certified_at": now})
        if not created and not employment.certified_at:
            employment.certified_at = now
            employment.save(update_fields=["certified_at"])
        ChangeRecord.objects.create(
            actor=_actor_or_none(actor), source=ChangeSource.SYSTEM, source_ref=f"application:{app.pk}",
            entity="registry.employment", entity_id=employment.pk, subject_talent_id=app.talent_id, created=created,
            changes={"enterprise": [None, job.enterprise_id], "start_date": [None, start.isoformat()],
                     "position": [None, employment.position], "occupation_code": [None, employment.occupation_code]}
            if created else {"certified_at": [None, now.isoformat()]})
        _stage_change(app, HIRED_STAGE, actor, reason)
        app.stage, app.outcome, app.outcome_at, app.employment = HIRED_STAGE, Outcome.HIRED, now, employment
        app.reason = clean_text(reason, 300, single_line=True)
        app.save(update_fields=["stage", "outcome", "outcome_at", "employment", "reason", "updated_at"])
        hires = Application.objects.filter(job=job, outcome=Outcome.HIRED).count()
        if hires >= job.headcount and job.status in (JobStatus.OPEN, JobStatus.PAUSED):
            job.status = JobStatus.FILLED
            job.save(update_fields=["status", "updated_at"])
        changes_record(ChangeKind.JOB, [job.pk])
        changes_record(ChangeKind.TALENT, [app.talent_id])
        audit_record(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"application:{app.pk}",
                     subject_talent_id=app.talent_id, request=request,
                     detail={"application": "hire", "employment": employment.pk, "start_date": start.isoformat(),
                             "job_filled": job.status == JobStatus.FILLED})
        notify(_talent_message(app, "hired", _("Welcome to %(enterprise)s") % {"enterprise": job.enterprise.name},
                               _("You are hired as %(title)s from %(day)s; the talent office's registry now records "
                                 "this employment.") % {"title": job.title, "day": start.isoformat()}))
    return app


# --- partners ---------------------------------------------------------------------------------------------------

KEY_PREFIX = "tpk"


def _key_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def partner_create(*, actor, name: str, scopes: Iterable[str], enterprise_id: int | None = None,
                   request=None) -> tuple[Partner, str]:
    """An administrator registers a partner. Returns the partner and its key, which is shown this once: only
    its SHA-256 hash is kept."""
    ensure_role(actor, Role.ADMIN)
    name = clean_text(name, 100, single_line=True)
    if not name:
        raise ApplicationError(_("Name the partner."), code="required", field="name")
    scopes = list(dict.fromkeys(scopes or []))
    bad = [s for s in scopes if s not in PARTNER_SCOPES]
    if bad or not scopes:
        raise ApplicationError(_("Scopes are some of %(scopes)s.") % {"scopes": ", ".join(PARTNER_SCOPES)},
                               code="invalid", field="scopes")
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    if enterprise_id and enterprise is None:
        raise ApplicationError(_("No such enterprise."), code="invalid", field="enterprise_id")
    if "jobs:write" in scopes and enterprise is None:
        raise ApplicationError(_("A partner writing jobs writes them for one enterprise: choose it."),
                               code="required", field="enterprise_id")
    prefix = secrets.token_hex(4)
    token = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        partner = Partner.objects.create(name=name, key_prefix=prefix, key_hash=_key_hash(token), scopes=scopes,
                                         enterprise=enterprise, created_by=actor)
        audit_record(actor=actor, action=AuditAction.USER_CHANGE, target=f"partner:{partner.pk}", request=request,
                     detail={"partner": "create", "scopes": scopes, "enterprise": enterprise_id})
    return partner, token


def partner_deactivate(*, actor, partner_id: int, request=None) -> Partner:
    ensure_role(actor, Role.ADMIN)
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise NotFoundError()
    if partner.active:
        partner.active = False
        partner.save(update_fields=["active"])
        audit_record(actor=actor, action=AuditAction.USER_CHANGE, target=f"partner:{partner.pk}", request=request,
                     detail={"partner": "deactivate"})
    return partner


def partner_authenticate(token: str | None) -> Partner | None:
    """The active partner whose key this is, or None (compared by hash, in constant time)."""
    parts = (token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    partner = Partner.objects.select_related("enterprise").filter(key_prefix=parts[1], active=True).first()
    if partner is None or not hmac.compare_digest(partner.key_hash, _key_hash(token.strip())):
        return None
    Partner.objects.filter(pk=partner.pk).update(last_used_at=timezone.now())
    return partner


def partner_exchange_log(*, partner: Partner, method: str, path: str, direction: str, object_type: str = "",
                         object_ids: Iterable[int] = (), status: int = 200) -> PartnerExchange:
    ids = [int(i) for i in object_ids]
    return PartnerExchange.objects.create(partner=partner, method=method[:8], path=path[:300],
                                          direction=ExchangeDirection(direction), object_type=object_type,
                                          object_ids=ids, count=len(ids), status=status)
