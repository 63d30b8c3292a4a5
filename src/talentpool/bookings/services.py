"""Writes of bookings: a bed at a youth station, a place at an event, hours of a park space; cancelling,
confirming, offers from the waitlist, check-in and check-out, feedback, and the tasks that expire offers and
mark no-shows. Each checks the actor, refuses bad input with its reason before changing anything, and records
its audit event in the same transaction (``core.audit.audited``). The mechanism itself is in ``capacity``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditAction
from talentpool.core.notices import Message, notify
from talentpool.core.permissions import OFFICE_ROLES, ensure_role, has_role
from talentpool.core.roles import Role
from talentpool.eligibility.selectors import eligibility_explain
from talentpool.engines.vocab import division_prefix
from talentpool.registry.models import Talent

from . import capacity
from .capacity import FullError
from .models import HOLDING, LIVE, Bed, Booking, Kind, Partner, Resource, Status

STATION_POLICY = "hz-youth-station"
NIGHTS_PER_YEAR = 6  # the policy's nights_per_year (7 days, 6 nights)
HORIZON_DAYS = 60  # how far ahead a bed or a space may be booked


def _talent_of(actor) -> Talent:
    ensure_role(actor, Role.TALENT)
    talent = Talent.objects.filter(user=actor).first()
    if talent is None:
        raise PermissionDeniedError(_("Your account is not linked to a registry record."))
    return talent


def _in_scope(actor, resource: Resource) -> bool:
    if has_role(actor, Role.ADMIN):
        return True
    return has_role(actor, Role.OFFICER) and resource.district.startswith(division_prefix(actor.scope_division))


def _ensure_office(actor, resource: Resource) -> None:
    ensure_role(actor, *OFFICE_ROLES)
    if not _in_scope(actor, resource):
        raise NotFoundError()


def _locked(resource: Resource) -> Resource:
    """Every write on a resource's places takes its row lock first: one order for all, so no deadlocks."""
    return Resource.objects.select_for_update().get(pk=resource.pk)


def _target(booking: Booking) -> str:
    return f"booking:{booking.pk}"


def _owns(actor, booking: Booking) -> bool:
    if booking.talent_id:
        return has_role(actor, Role.TALENT) and Talent.objects.filter(pk=booking.talent_id, user=actor).exists()
    return has_role(actor, Role.ENTERPRISE) and booking.enterprise_id == actor.enterprise_id


def _notify_offer(booking: Booking) -> None:
    user_id = Talent.objects.filter(pk=booking.talent_id).values_list("user_id", flat=True).first()
    if user_id:
        notify([Message(user_id=user_id, kind="bookings", url=reverse("bookings:mine"),
                        title=_("A place is free for you: %(name)s") % {"name": booking.resource.name},
                        body=_("Accept it before %(when)s or it goes to the next person.") % {
                            "when": timezone.localtime(booking.offer_expires_at).strftime("%Y-%m-%d %H:%M")})])


def _promote(resource: Resource, now: dt.datetime) -> list[Booking]:
    offered = capacity.waitlist_promote(resource, now=now)
    for booking in offered:
        booking.resource = resource
        _notify_offer(booking)
    return offered


# --- lodging ------------------------------------------------------------------------------------------------------

def _lodging_checks(talent: Talent, station: Resource, first_day: dt.date, nights: int, today: dt.date) -> None:
    if station.kind != Kind.LODGING or not station.active:
        raise NotFoundError()
    if first_day < today:
        raise ApplicationError(_("The arrival date %(day)s is in the past.") % {"day": first_day}, field="first_day",
                               code="past")
    if first_day > today + dt.timedelta(days=HORIZON_DAYS):
        raise ApplicationError(_("Beds can be booked at most %(n)s days ahead.") % {"n": HORIZON_DAYS},
                               field="first_day", code="too_far")
    most = min(station.max_units, NIGHTS_PER_YEAR)
    if not 1 <= nights <= most:
        raise ApplicationError(_("A stay is 1 to %(n)s nights.") % {"n": most}, field="nights", code="too_long")
    end = first_day + dt.timedelta(days=nights)
    clash = (Booking.objects.filter(talent=talent, resource__kind=Kind.LODGING, status__in=LIVE,
                                    first_day__lt=end, end_day__gt=first_day).select_related("resource").first())
    if clash:
        raise ApplicationError(_("This stay overlaps your booking at %(name)s from %(start)s to %(end)s.") % {
            "name": clash.resource.name, "start": clash.first_day, "end": clash.end_day}, code="overlap",
            field="first_day")
    used = (Booking.objects.filter(talent=talent, resource__kind=Kind.LODGING, status__in=HOLDING,
                                   first_day__year=first_day.year).aggregate(n=Sum("units"))["n"] or 0)
    if used + nights > NIGHTS_PER_YEAR:
        raise ApplicationError(_("Free lodging is %(most)s nights a year; you have booked %(used)s nights in %(year)s."
                                 ) % {"most": NIGHTS_PER_YEAR, "used": used, "year": first_day.year},
                               code="year_limit", field="nights")


def _person_locked(talent: Talent) -> None:
    """Take the person's row lock before checking their overlaps and yearly nights, so two requests of one person
    (two tabs, two devices) run those checks one after the other and cannot both pass. Always taken before the
    resource's lock (``_locked``), in every service that takes both, so the two never deadlock. SQLite runs one
    write transaction at a time anyway (IMMEDIATE mode); on PostgreSQL this is what serialises the person."""
    Talent.objects.select_for_update().filter(pk=talent.pk).values_list("pk", flat=True).first()


def lodging_eligibility(talent: Talent, as_of: dt.date):
    """The ``hz-youth-station`` policy explained for this person on ``as_of`` (verdict and each criterion)."""
    return eligibility_explain(talent=talent, code=STATION_POLICY, as_of=as_of)


def _refusal(explanation) -> str:
    lang_zh = (get_language() or "zh-hans").startswith("zh")
    failed = [(c.zh if lang_zh else c.en) + ("" if c.status == "fail" else _(" (not recorded)"))
              for c in explanation.criteria if c.status != "pass"]
    return _("You are not eligible for free lodging: %(why)s.") % {"why": "; ".join(failed) or explanation.verdict}


def lodging_book(*, actor, station: Resource, first_day: dt.date, nights: int, now: dt.datetime | None = None,
                 request=None) -> Booking:
    """Book a bed for ``nights`` nights from ``first_day``: confirmed at once where the station says so,
    otherwise pending an officer's confirmation."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    talent = _talent_of(actor)
    _lodging_checks(talent, station, first_day, nights, today)
    explanation = lodging_eligibility(talent, today)
    if explanation.verdict != "yes":
        raise ApplicationError(_refusal(explanation), code="not_eligible", extra={"explanation": explanation.as_dict()})
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"op": "lodging_book", "station": station.pk, "first_day": first_day.isoformat(),
                         "nights": nights}) as entry:
        _person_locked(talent)
        _lodging_checks(talent, station, first_day, nights, today)  # again, under the person's lock
        booking = _book(station, talent=talent, actor=actor, first_day=first_day, units=nights, hour=0)
        entry.target = _target(booking)
    return booking


def _book(resource: Resource, *, actor, first_day: dt.date, units: int, hour: int, talent=None, enterprise=None,
          waitlist: bool = False, confirm: bool | None = None, partner=None, purpose: str = "") -> Booking:
    resource = _locked(resource)
    keys = capacity.slot_keys(resource.kind, first_day, units, hour)
    end_day = keys[-1][0] + dt.timedelta(days=1)
    if capacity.hold(resource, keys):
        confirm = resource.auto_confirm if confirm is None else confirm
        status = Status.CONFIRMED if confirm else Status.PENDING
    elif waitlist:
        status = Status.WAITLISTED
    else:
        raise FullError(_full_reason(resource, keys))
    booking = Booking(resource=resource, status=status, talent=talent, enterprise=enterprise, booked_by=actor,
                      first_day=first_day, end_day=end_day, hour=hour, units=units, partner=partner, purpose=purpose)
    booking.full_clean()
    booking.save()
    return booking


def _full_reason(resource: Resource, keys) -> str:
    full = sorted(capacity.full_keys(resource, keys))
    day, hour = full[0] if full else keys[0]
    if resource.kind == Kind.LODGING:
        return _("No bed is free at %(name)s on the night of %(day)s.") % {"name": resource.name, "day": day}
    if resource.kind == Kind.SPACE:
        return _("%(name)s is already booked on %(day)s at %(hour)s:00.") % {"name": resource.name, "day": day,
                                                                             "hour": hour}
    return _("%(name)s is full.") % {"name": resource.name}


# --- events -------------------------------------------------------------------------------------------------------

def event_register(*, actor, event: Resource, partner: Partner | None = None, now: dt.datetime | None = None,
                   request=None) -> Booking:
    """Register for an event: a place when one is free (confirmed, or pending where the organiser confirms),
    otherwise a place on the waitlist."""
    now = now or timezone.now()
    talent = _talent_of(actor)
    return event_register_talent(actor=actor, talent=talent, event=event, partner=partner, now=now, request=request)


def _ensure_not_registered(talent: Talent, event: Resource) -> None:
    if Booking.objects.filter(talent=talent, resource=event, status__in=LIVE).exists():
        raise ApplicationError(_("You are already registered for %(name)s.") % {"name": event.name},
                               code="overlap")


def event_register_talent(*, actor, talent: Talent, event: Resource, partner: Partner | None, now: dt.datetime,
                          request=None) -> Booking:
    if event.kind != Kind.EVENT or not event.active:
        raise NotFoundError()
    if event.starts_at is None or event.starts_at <= now:
        raise ApplicationError(_("Registration is closed: %(name)s has started.") % {"name": event.name},
                               code="past")
    _ensure_not_registered(talent, event)
    day = timezone.localdate(event.starts_at)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"op": "event_register", "event": event.pk}) as entry:
        _person_locked(talent)
        _ensure_not_registered(talent, event)  # again, under the person's lock
        booking = _book(event, actor=actor, talent=talent, first_day=day, units=1, hour=0, waitlist=True,
                        partner=partner)
        entry.target = _target(booking)
        entry.detail["status"] = booking.status
    return booking


# --- park spaces --------------------------------------------------------------------------------------------------

def space_book(*, actor, space: Resource, day: dt.date, hour: int, hours: int, purpose: str = "",
               now: dt.datetime | None = None, request=None) -> Booking:
    """An enterprise books ``hours`` hours of a space from ``hour`` on ``day``, within its opening hours.
    Approval: automatic where the space says so, up to its ``approval_over_hours``; otherwise an officer's."""
    ensure_role(actor, Role.ENTERPRISE)
    now = now or timezone.now()
    if space.kind != Kind.SPACE or not space.active:
        raise NotFoundError()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour % 24)))
    if hour >= 24 or start <= now:
        raise ApplicationError(_("%(day)s %(hour)s:00 is in the past.") % {"day": day, "hour": hour}, code="past",
                               field="day")
    if day > timezone.localdate(now) + dt.timedelta(days=HORIZON_DAYS):
        raise ApplicationError(_("Spaces can be booked at most %(n)s days ahead.") % {"n": HORIZON_DAYS},
                               field="day", code="too_far")
    if hour < space.open_hour or hour + hours > space.close_hour:
        raise ApplicationError(_("%(name)s is open from %(open)s:00 to %(close)s:00.") % {
            "name": space.name, "open": space.open_hour, "close": space.close_hour}, field="hour", code="closed")
    if not 1 <= hours <= space.max_units:
        raise ApplicationError(_("A booking is 1 to %(n)s hours.") % {"n": space.max_units}, field="hours",
                               code="too_long")
    confirm = space.auto_confirm and (not space.approval_over_hours or hours <= space.approval_over_hours)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"op": "space_book", "space": space.pk, "day": day.isoformat(), "hour": hour,
                         "hours": hours}) as entry:
        booking = _book(space, actor=actor, enterprise=actor.enterprise, first_day=day, units=hours, hour=hour,
                        confirm=confirm, purpose=purpose[:200])
        entry.target = _target(booking)
    return booking


# --- changes of state ---------------------------------------------------------------------------------------------

def booking_cancel(*, actor, booking: Booking, reason: str = "", now: dt.datetime | None = None,
                   request=None) -> Booking:
    """The booker (or an officer of the resource's district) cancels; a freed place goes to the waitlist."""
    now = now or timezone.now()
    if not _owns(actor, booking):
        _ensure_office(actor, booking.resource)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(booking), request=request,
                 subject_talent_id=booking.talent_id, detail={"op": "cancel", "reason": reason[:200]}):
        booking.resource = _locked(booking.resource)
        capacity.move(booking, LIVE, Status.CANCELLED, reason=reason[:300])
        _promote(booking.resource, now)
    return booking


def booking_decide(*, actor, booking: Booking, approve: bool, reason: str = "", now: dt.datetime | None = None,
                   request=None) -> Booking:
    """An officer confirms a pending booking, or declines it with a reason (its place goes to the waitlist)."""
    _ensure_office(actor, booking.resource)
    now = now or timezone.now()
    if not approve and not reason.strip():
        raise ApplicationError(_("Say why the booking is declined."), field="reason", code="required")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(booking), request=request,
                 subject_talent_id=booking.talent_id, detail={"op": "confirm" if approve else "decline"}):
        booking.resource = _locked(booking.resource)
        if approve:
            capacity.move(booking, [Status.PENDING], Status.CONFIRMED)
        else:
            capacity.move(booking, [Status.PENDING], Status.CANCELLED, reason=reason[:300])
            _promote(booking.resource, now)
    return booking


def offer_accept(*, actor, booking: Booking, now: dt.datetime | None = None, request=None) -> Booking:
    now = now or timezone.now()
    if not _owns(actor, booking):
        raise NotFoundError()
    if booking.status == Status.OFFERED and booking.offer_expires_at and booking.offer_expires_at <= now:
        raise ConflictError(_("The offer expired at %(when)s.") % {
            "when": timezone.localtime(booking.offer_expires_at).strftime("%Y-%m-%d %H:%M")}, code="expired")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(booking), request=request,
                 subject_talent_id=booking.talent_id, detail={"op": "offer_accept"}):
        capacity.move(booking, [Status.OFFERED], Status.CONFIRMED)
    return booking


def check_in(*, actor, resource: Resource, token: str, now: dt.datetime | None = None,
             request=None) -> tuple[Booking, bool]:
    """Check in the holder of a scanned ticket at this station or event. Idempotent: a second scan answers
    (booking, False) and changes nothing. A ticket of another resource, a pending or cancelled booking, or a
    stay on other dates is refused with its reason."""
    _ensure_office(actor, resource)
    now = now or timezone.now()
    booking = capacity.ticket_read(token, resource=resource)
    if booking.status == Status.ATTENDED:
        return booking, False
    if booking.status != Status.CONFIRMED:
        raise ConflictError(_("This booking is %(status)s: it cannot be checked in.") % {
            "status": booking.get_status_display()}, code="wrong_status")
    today = timezone.localdate(now)
    if not booking.first_day <= today < booking.end_day:
        raise ApplicationError(_("This booking is for %(start)s to %(end)s, not today.") % {
            "start": booking.first_day, "end": booking.end_day}, code="wrong_day", field="token")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(booking), request=request,
                 subject_talent_id=booking.talent_id, detail={"op": "check_in"}) as entry:
        booking.resource = _locked(resource)
        fields = {"checked_in_at": now}
        if resource.kind == Kind.LODGING:
            fields["bed"] = _free_bed(booking)
            entry.detail["bed"] = str(fields["bed"] or "")
        capacity.move(booking, [Status.CONFIRMED], Status.ATTENDED, **fields)
    return booking, True


def _free_bed(booking: Booking) -> Bed | None:
    """The first bed of the station no checked-in guest holds on any night of this stay (under the station's
    lock, so two guests checked in at once never get the same bed)."""
    busy = Booking.objects.filter(resource=booking.resource, status=Status.ATTENDED, checked_out_at__isnull=True,
                                  bed__isnull=False, first_day__lt=booking.end_day,
                                  end_day__gt=booking.first_day).values("bed_id")
    return (Bed.objects.filter(room__station=booking.resource).exclude(pk__in=busy).select_related("room")
            .order_by("room__name", "label").first())


def check_out(*, actor, booking: Booking, now: dt.datetime | None = None, request=None) -> Booking:
    """Check a guest out (once; a second check-out changes nothing)."""
    _ensure_office(actor, booking.resource)
    now = now or timezone.now()
    if booking.status != Status.ATTENDED:
        raise ConflictError(_("Only a checked-in guest can check out."), code="wrong_status")
    if booking.checked_out_at:
        return booking
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(booking), request=request,
                 subject_talent_id=booking.talent_id, detail={"op": "check_out"}):
        Booking.objects.filter(pk=booking.pk, checked_out_at__isnull=True).update(checked_out_at=now, updated_at=now)
        booking.checked_out_at = now
    return booking


def feedback_give(*, actor, booking: Booking, rating: int, text: str = "", request=None) -> Booking:
    if not _owns(actor, booking):
        raise NotFoundError()
    if booking.status != Status.ATTENDED:
        raise ConflictError(_("Feedback is for events you attended."), code="wrong_status")
    if not 1 <= rating <= 5:
        raise ApplicationError(_("The rating is 1 to 5."), field="rating")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(booking), request=request,
                 subject_talent_id=booking.talent_id, detail={"op": "feedback", "rating": rating}):
        booking.feedback_rating, booking.feedback_text = rating, text.strip()[:1000]
        booking.save(update_fields=["feedback_rating", "feedback_text", "updated_at"])
    return booking


# --- tasks --------------------------------------------------------------------------------------------------------

def offers_expire(*, now: dt.datetime) -> int:
    """Expire the offers past their time and offer the places to the next on the waitlist. Safe to run twice."""
    done = 0
    due = (Booking.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
           .order_by("resource_id", "pk").select_related("resource"))
    for booking in due[:1000]:
        with audited(actor=None, action=AuditAction.RECORD_CHANGE, target=_target(booking),
                     subject_talent_id=booking.talent_id, detail={"op": "offer_expire"}) as entry:
            booking.resource = _locked(booking.resource)
            try:
                capacity.move(booking, [Status.OFFERED], Status.EXPIRED)
            except ConflictError:
                entry.skip = True
                continue
            _promote(booking.resource, now)
            done += 1
    return done


def no_shows_mark(*, now: dt.datetime) -> int:
    """Mark as no-shows the guests who did not check in by the station's set hour of the arrival day, and the
    registrants of events that have ended; their places are released. Safe to run twice."""
    today, hour = timezone.localdate(now), timezone.localtime(now).hour
    due = list(Booking.objects.filter(status__in=[Status.CONFIRMED, Status.PENDING], first_day__lte=today,
                                      resource__kind=Kind.LODGING).select_related("resource")[:5000])
    due = [b for b in due if b.first_day < today or hour >= b.resource.no_show_hour]
    due += list(Booking.objects.filter(status=Status.CONFIRMED, resource__kind=Kind.EVENT,
                                       resource__ends_at__lt=now).select_related("resource")[:5000])
    marked = 0
    for booking in due:
        with audited(actor=None, action=AuditAction.RECORD_CHANGE, target=_target(booking),
                     subject_talent_id=booking.talent_id, detail={"op": "no_show"}) as entry:
            try:
                capacity.move(booking, [Status.CONFIRMED, Status.PENDING], Status.NO_SHOW)
                marked += 1
            except ConflictError:
                entry.skip = True
    return marked
