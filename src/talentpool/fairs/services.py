"""Writes on fairs: officers create and publish fairs and decide booth applications; enterprise HR apply for booths
and record intents; talents register (with their train), choose booths and check in. Scheduling is in
``scheduling``. Every write checks who acts and records its audit event inside its transaction.

A place is taken by one conditional UPDATE of the fair's counter (``confirmed_count < capacity``): the database
serialises it (a row lock on PostgreSQL, the write lock on SQLite), so concurrent registrations never confirm more
than the fair's places; the rest are waitlisted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role
from talentpool.core.audit import audited
from talentpool.core.errors import (
    ApplicationError,
    ConflictError,
    FieldErrors,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.core.models import AuditAction
from talentpool.core.permissions import ensure_role
from talentpool.engines.matching import clean_text
from talentpool.recruitment.models import Job, JobStatus
from talentpool.recruitment.selectors import recommended_jobs
from talentpool.recruitment.services import apply as application_apply
from talentpool.registry.models import Talent

from .models import (
    Booth,
    BoothStatus,
    Choice,
    Fair,
    FairKind,
    FairStatus,
    Intent,
    IntentLevel,
    Registration,
    RegistrationState,
    Slot,
    SlotStatus,
    TourStop,
)

CHINA = ZoneInfo("Asia/Shanghai")
MAX_CHOICES = 12


def _when(value, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ApplicationError(_("A time is written YYYY-MM-DDTHH:MM."), field=field) from None
    if not isinstance(value, dt.datetime):
        raise ApplicationError(_("Give a date and time."), code="required", field=field)
    return value.replace(tzinfo=CHINA) if timezone.is_naive(value) else value


def _text(value: str | None, limit: int, field: str, *, required: bool = False) -> str:
    text = clean_text(value or "", limit, single_line=True)
    if required and not text:
        raise ApplicationError(_("This field is required."), code="required", field=field)
    return text


def _whole(value, field: str, low: int, high: int, message: str) -> int:
    """A whole number typed into a form, within its bounds; the message says the bounds."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(message, field=field) from None
    if not low <= number <= high:
        raise ApplicationError(message, field=field)
    return number


def _video_link(value: str | None) -> str:
    link = (value or "").strip()
    if not link:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise ApplicationError(_("A video link is an http(s) address."), field="video_link") from None
    if len(link) > 500:
        raise ApplicationError(_("A video link is at most 500 characters."), field="video_link")
    return link


def office_fair(actor, fair_id: int, *, lock: bool = False) -> Fair:
    """A fair of the acting officer's district (an administrator: any)."""
    ensure_role(actor, Role.OFFICER, Role.ADMIN)
    qs = Fair.objects.all()
    if lock:
        qs = qs.select_for_update()
    fair = qs.filter(pk=fair_id).first()
    if fair is None or (actor.role == Role.OFFICER and not fair.division.startswith(actor.scope_prefix)):
        raise NotFoundError()
    return fair


def talent_of(actor) -> Talent:
    ensure_role(actor, Role.TALENT)
    talent = Talent.objects.filter(user=actor).first()
    if talent is None:
        raise NotFoundError(_("Your account is not linked to a registry record."))
    return talent


def own_booth(actor, booth_id: int) -> Booth:
    """A booth of the acting enterprise user's enterprise."""
    ensure_role(actor, Role.ENTERPRISE)
    booth = Booth.objects.select_related("fair").filter(pk=booth_id, enterprise_id=actor.enterprise_id).first()
    if booth is None or actor.enterprise_id is None:
        raise NotFoundError()
    return booth


def fair_create(*, actor, kind: str, title: str, starts_at, ends_at, venue: str = "", capacity: int = 300,
                slot_minutes: int = 20, walk_minutes: int = 5, stops: Iterable[dict] = (), request=None) -> Fair:
    """An officer creates a draft fair in its district (a campus tour with its stops)."""
    ensure_role(actor, Role.OFFICER, Role.ADMIN)
    errors = FieldErrors("title")  # every field checked: the form shows each refusal beside its field at once
    if kind not in FairKind.values:
        errors.refuse("kind", _("Choose a station fair, a campus tour or a cloud fair."))
    title = errors.check("title", _text, title, 120, "title", required=True)
    venue = errors.check("venue", _text, venue, 200, "venue")
    start, end = errors.check("starts_at", _when, starts_at, "starts_at"), errors.check("ends_at", _when, ends_at,
                                                                                           "ends_at")
    if start and end and end <= start:
        errors.refuse("ends_at", _("The fair must end after it starts."))
    capacity = errors.check("capacity", _whole, capacity, "capacity", 1, 100_000,
                            _("Places are between 1 and 100,000."))
    slot_minutes = errors.check("slot_minutes", _whole, slot_minutes, "slot_minutes", 5, 120,
                                _("An interview slot is 5 to 120 minutes."))
    walk_minutes = errors.check("walk_minutes", _whole, walk_minutes, "walk_minutes", 0, 60,
                                _("The walk between booths is 0 to 60 minutes."))
    errors.raise_any()
    division = actor.scope_division or "000000"
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"fair": "create", "kind": kind}) as entry:
        fair = Fair.objects.create(kind=kind, title=title, venue=venue, division=division, starts_at=start,
                                   ends_at=end, capacity=capacity, slot_minutes=slot_minutes,
                                   walk_minutes=walk_minutes, created_by=actor)
        for n, stop in enumerate(stops, start=1):
            TourStop.objects.create(fair=fair, order=n, university=_text(stop.get("university"), 120,
                                                                          f"stops[{n}].university", required=True),
                                    city=_text(stop.get("city"), 60, f"stops[{n}].city", required=True),
                                    date=dt.date.fromisoformat(str(stop["date"])))
        entry.target = f"fair:{fair.pk}"
    return fair


def fair_publish(*, actor, fair_id: int, request=None) -> Fair:
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"fair:{fair_id}", request=request,
                 detail={"fair": "publish"}) as entry:
        fair = office_fair(actor, fair_id, lock=True)
        entry.skip = fair.status == FairStatus.PUBLISHED
        fair.status = FairStatus.PUBLISHED
        fair.save(update_fields=["status"])
    return fair


def booth_apply(*, actor, fair_id: int, interviewers: int = 1, opens_at=None, closes_at=None,
                job_ids: Iterable[int] = (), stand: str = "", video_link: str = "", slot_minutes: int | None = None,
                request=None) -> Booth:
    """Enterprise HR apply for a booth at a published fair, bringing open jobs of their own enterprise; at a cloud
    fair the booth is online and needs its video link. ``slot_minutes``: one interview here (else the fair's)."""
    ensure_role(actor, Role.ENTERPRISE)
    if actor.enterprise_id is None:
        raise PermissionDeniedError()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"booth": "apply", "fair": fair_id}) as entry:
        fair = Fair.objects.filter(pk=fair_id, status=FairStatus.PUBLISHED).first()
        if fair is None:
            raise NotFoundError()
        values = _booth_values(actor, fair, interviewers=interviewers, slot_minutes=slot_minutes, stand=stand,
                               video_link=video_link, opens_at=opens_at, closes_at=closes_at, job_ids=job_ids)
        jobs = values.pop("jobs")
        try:
            with transaction.atomic():
                booth = Booth.objects.create(fair=fair, enterprise_id=actor.enterprise_id, **values)
        except IntegrityError:
            raise ConflictError(_("Your enterprise has already applied for a booth at this fair."),
                                code="booth_exists") from None
        booth.jobs.set(jobs)
        entry.target = f"booth:{booth.pk}"
    return booth


def _booth_values(actor, fair: Fair, *, interviewers, slot_minutes, stand, video_link, opens_at, closes_at,
                  job_ids) -> dict:
    """A booth application's fields, every one checked: the refusals together (``core.errors.FieldErrors``)."""
    errors = FieldErrors("interviewers")
    out = {"interviewers": errors.check("interviewers", _whole, interviewers, "interviewers", 1, 20,
                                        _("A booth has 1 to 20 interviewers.")),
           "slot_minutes": errors.check("slot_minutes", _whole, slot_minutes, "slot_minutes", 5, 120,
                                        _("An interview slot is 5 to 120 minutes.")) if slot_minutes else None,
           "stand": errors.check("stand", _text, stand, 20, "stand"),
           "video_link": errors.check("video_link", _video_link, video_link)}
    opens = errors.check("opens_at", _when, opens_at, "opens_at") if opens_at else fair.starts_at
    closes = errors.check("closes_at", _when, closes_at, "closes_at") if closes_at else fair.ends_at
    if opens and closes and not fair.starts_at <= opens < closes <= fair.ends_at:
        errors.refuse("opens_at", _("Booth hours must lie within the fair's window."))
    out["opens_at"], out["closes_at"] = opens, closes
    if fair.kind == FairKind.CLOUD and not out["video_link"] and "video_link" not in errors.errors:
        errors.refuse("video_link", _("An online booth needs its video link."), "required")
    ids = sorted({int(i) for i in job_ids})
    out["jobs"] = list(Job.objects.filter(pk__in=ids, enterprise_id=actor.enterprise_id, status=JobStatus.OPEN))
    if len(out["jobs"]) != len(ids):
        errors.refuse("job_ids", _("Bring only your own open jobs."))
    errors.raise_any()
    return out


def booth_decide(*, actor, booth_id: int, approve: bool, request=None) -> Booth:
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"booth:{booth_id}", request=request,
                 detail={"booth": "approve" if approve else "reject"}):
        booth = Booth.objects.select_for_update().filter(pk=booth_id).first()
        if booth is None:
            raise NotFoundError()
        office_fair(actor, booth.fair_id)
        booth.status = BoothStatus.APPROVED if approve else BoothStatus.REJECTED
        booth.save(update_fields=["status"])
    return booth


def register(*, actor, fair_id: int, consent: bool, train_number: str = "", arrival_at=None, departure_at=None,
             request=None) -> Registration:
    """A talent registers for a published fair: confirmed while places last, waitlisted after."""
    talent = talent_of(actor)
    errors = FieldErrors("consent")  # every field checked: the form shows each refusal beside its field at once
    if not consent:
        errors.refuse("consent", _("Registration needs your consent to share your profile with the booths."),
                      "consent_required")
    train_number = errors.check("train_number", _text, train_number, 10, "train_number")
    arrival = errors.check("arrival_at", _when, arrival_at, "arrival_at") if arrival_at else None
    departure = errors.check("departure_at", _when, departure_at, "departure_at") if departure_at else None
    if arrival and departure and departure <= arrival:
        errors.refuse("departure_at", _("The departure must be after the arrival."))
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"registration": "create", "fair": fair_id}) as entry:
        fair = Fair.objects.filter(pk=fair_id, status=FairStatus.PUBLISHED).first()
        if fair is None:
            raise NotFoundError()
        existing = Registration.objects.filter(fair=fair, talent=talent).first()
        if existing is not None:
            entry.skip = True
            return existing
        taken = Fair.objects.filter(pk=fair.pk, confirmed_count__lt=F("capacity")).update(
            confirmed_count=F("confirmed_count") + 1)
        state = RegistrationState.CONFIRMED if taken else RegistrationState.WAITLISTED
        registration = Registration.objects.create(
            fair=fair, talent=talent, state=state, consent_at=timezone.now(),
            train_number=train_number, arrival_at=arrival, departure_at=departure,
            qr_token=secrets.token_urlsafe(18)[:24])
        entry.target = f"registration:{registration.pk}"
        entry.detail["state"] = state
    return registration


def own_registration(actor, registration_id: int) -> Registration:
    """One of the acting talent's registrations (read with the talent's link in one query)."""
    ensure_role(actor, Role.TALENT)
    registration = (Registration.objects.select_related("fair")
                    .filter(pk=registration_id, talent__user=actor).first())
    if registration is None:
        talent_of(actor)  # an account with no registry record is told so
        raise NotFoundError()
    return registration


def check_in(*, actor, token: str, request=None) -> Registration:
    """Check a registrant in by the QR ticket (the talent at the gate, or an officer scanning). Twice is harmless:
    the first time stays."""
    ensure_role(actor, Role.TALENT, Role.OFFICER, Role.ADMIN)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"registration": "check_in"}) as entry:
        registration = Registration.objects.select_for_update().select_related("fair").filter(
            qr_token=str(token)[:32]).first()
        if registration is None:
            raise NotFoundError()
        if actor.role == Role.TALENT and registration.talent.user_id != actor.pk:
            raise NotFoundError()
        if actor.role == Role.OFFICER:
            office_fair(actor, registration.fair_id)
        if registration.state != RegistrationState.CONFIRMED:
            raise ApplicationError(_("A waitlisted registration cannot check in."), code="waitlisted")
        entry.target, entry.subject_talent_id = f"registration:{registration.pk}", registration.talent_id
        entry.skip = registration.checked_in_at is not None
        if not entry.skip:
            registration.checked_in_at = timezone.now()
            registration.save(update_fields=["checked_in_at"])
    return registration


def choices_set(*, actor, registration_id: int, picks: Iterable[dict], request=None) -> list[Choice]:
    """The registrant's booths (and jobs), each ``{"booth": id, "job": id or None, "score": 0..1, "reason": ..,
    "recommended": bool}``; a booth bringing one job means that job. Choosing a job applies to it in recruitment
    (the talent's own application), so HR's invitation lands in recruitment's interviews."""
    registration = own_registration(actor, registration_id)
    picks = list(picks)[:MAX_CHOICES]
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"registration:{registration.pk}",
                 subject_talent_id=registration.talent_id, request=request, detail={"choices": len(picks)}):
        booths = {b.pk: b for b in Booth.objects.filter(fair=registration.fair, status=BoothStatus.APPROVED)
                  .prefetch_related("jobs")}
        registration.choices.all().delete()
        out = []
        for n, pick in enumerate(picks):
            booth = booths.get(int(pick.get("booth", 0)))
            if booth is None:
                raise ApplicationError(_("Choose among the fair's approved booths."), field=f"picks[{n}].booth")
            job_id = pick.get("job")
            offered = [job.pk for job in booth.jobs.all()]
            if not job_id and len(offered) == 1:  # the booth's one job: HR's invitation needs an application
                job_id = offered[0]
            if job_id and int(job_id) not in offered:
                raise ApplicationError(_("This job is not offered at that booth."), field=f"picks[{n}].job")
            if job_id and not registration.talent.applications.filter(job_id=job_id).exists():
                application_apply(actor=actor, job_id=int(job_id), message=_("Met at %(fair)s")
                                  % {"fair": registration.fair.title})
            out.append(Choice.objects.create(
                registration=registration, booth=booth, job_id=job_id or None,
                score=min(1.0, max(0.0, float(pick.get("score", 0.5)))),
                reason=_text(pick.get("reason"), 300, f"picks[{n}].reason"),
                recommended=bool(pick.get("recommended"))))
    return out


def choices_recommend(*, actor, registration_id: int, most: int = 6, request=None) -> list[Choice]:
    """Accept the matching engine's recommendations: the booths bringing the talent's best-matching open jobs,
    each with its score and reasons in words. Raises ``IndexPreparing`` (503) while the match index is built."""
    registration = own_registration(actor, registration_id)
    booth_of: dict[int, Booth] = {}
    for booth in Booth.objects.filter(fair=registration.fair, status=BoothStatus.APPROVED).prefetch_related("jobs"):
        for job in booth.jobs.all():
            booth_of.setdefault(job.pk, booth)
    picks: list[dict] = []
    seen: set[int] = set()
    for match in recommended_jobs(actor, k=50):
        booth = booth_of.get(match.job.pk)
        if booth is None or booth.pk in seen:
            continue
        seen.add(booth.pk)
        picks.append({"booth": booth.pk, "job": match.job.pk, "score": match.score, "recommended": True,
                      "reason": "；".join(match.reasons)[:300]})
        if len(picks) == most:
            break
    return choices_set(actor=actor, registration_id=registration.pk, picks=picks, request=request)


def intent_record(*, actor, slot_id: int, level: str, note: str = "", request=None) -> Intent:
    """After an interview the enterprise records its intent (strong / maybe / no); the slot counts as held."""
    ensure_role(actor, Role.ENTERPRISE)
    if level not in IntentLevel.values:
        raise ApplicationError(_("The intent is strong, maybe or no."), field="level")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"slot:{slot_id}", request=request,
                 detail={"intent": level}) as entry:
        slot = Slot.objects.select_for_update().select_related("registration").filter(
            pk=slot_id, booth__enterprise_id=actor.enterprise_id).first()
        if slot is None or actor.enterprise_id is None:
            raise NotFoundError()
        entry.subject_talent_id = slot.registration.talent_id
        if slot.status != SlotStatus.HELD:
            slot.status = SlotStatus.HELD
            slot.save(update_fields=["status"])
        intent, _created = Intent.objects.update_or_create(
            slot=slot, defaults={"level": level, "note": _text(note, 300, "note"), "recorded_by": actor})
    return intent
