"""The booking mechanism shared by lodging, events and park spaces: slots, holding and releasing places, the
waitlist with time-limited offers, state moves and QR tickets. Callers (``services``) run these inside their
``audited`` transaction.

No overbooking, on any database: a hold locks the slot rows it needs (in one order, so two holds never deadlock),
then takes them with one conditional ``UPDATE ... SET taken = taken + 1 WHERE taken < capacity``; if fewer rows
moved than asked, the transaction is rolled back. SQLite runs write transactions one at a time (IMMEDIATE mode);
PostgreSQL re-checks the ``WHERE`` of a row another transaction changed. The check constraint on ``Slot`` is the
last guard. Every state move is a conditional update on the expected status, so a booking moves once even when
two requests (or a request and the offer task) race for it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import segno
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError, ConflictError

from .models import HOLDING, Booking, Kind, Resource, Slot, Status

TICKET_SALT = "talentpool.bookings.ticket"
Key = tuple[dt.date, int]


class FullError(ConflictError):
    def __init__(self, message: str):
        super().__init__(message, code="full")


def slot_keys(kind: str, first_day: dt.date, units: int, hour: int = 0) -> list[Key]:
    """The slots a booking holds: ``units`` nights from ``first_day`` (lodging), ``units`` hours from ``hour``
    (a space), or the event's single slot."""
    if kind == Kind.LODGING:
        return [(first_day + dt.timedelta(days=i), 0) for i in range(units)]
    if kind == Kind.SPACE:
        return [(first_day, hour + i) for i in range(units)]
    return [(first_day, 0)]


def booking_keys(booking: Booking) -> list[Key]:
    return slot_keys(booking.resource.kind, booking.first_day, booking.units, booking.hour)


def _slot_filter(keys: Iterable[Key]) -> Q:
    by_day: dict[dt.date, list[int]] = {}
    for day, hour in keys:
        by_day.setdefault(day, []).append(hour)
    q = Q(pk__in=[])
    for day, hours in by_day.items():
        q |= Q(day=day, hour__in=hours)
    return q


def slots_ensure(resource: Resource, keys: Iterable[Key]) -> None:
    """Create the missing slots at the resource's capacity (two requests creating the same slot: one wins)."""
    keys = list(keys)
    have = set(Slot.objects.filter(_slot_filter(keys), resource=resource).values_list("day", "hour"))
    missing = [Slot(resource=resource, day=d, hour=h, capacity=resource.capacity) for d, h in keys
               if (d, h) not in have]
    if missing:
        Slot.objects.bulk_create(missing, ignore_conflicts=True)


def hold(resource: Resource, keys: list[Key]) -> bool:
    """Take one place in every slot of ``keys``, or none: True when taken. Call inside a transaction."""
    slots_ensure(resource, keys)
    rows = Slot.objects.filter(_slot_filter(keys), resource=resource)
    locked = list(rows.select_for_update().order_by("day", "hour").values_list("pk", "taken", "capacity"))
    if len(locked) != len(keys) or any(taken >= cap for _pk, taken, cap in locked):
        return False
    try:
        with transaction.atomic():
            moved = Slot.objects.filter(pk__in=[pk for pk, _t, _c in locked], taken__lt=F("capacity")).update(
                taken=F("taken") + 1)
            if moved != len(keys):
                raise IntegrityError("a slot filled up between the lock and the update")
    except IntegrityError:
        return False
    return True


def full_keys(resource: Resource, keys: list[Key]) -> set[Key]:
    """Which of ``keys`` have no place left (to say which night or hour is full)."""
    return set(Slot.objects.filter(_slot_filter(keys), resource=resource, taken__gte=F("capacity"))
               .values_list("day", "hour"))


def release(resource: Resource, keys: list[Key]) -> None:
    Slot.objects.filter(_slot_filter(keys), resource=resource, taken__gt=0).update(taken=F("taken") - 1)


def move(booking: Booking, expect: Iterable[str], to: str, **fields) -> Booking:
    """Move ``booking`` from one of ``expect`` to ``to`` (a conditional update: it moves once even when two
    requests race), releasing its slots when it stops holding them. Raises ConflictError when it was not in an
    expected status."""
    expect = list(expect)
    now = timezone.now()
    moved = Booking.objects.filter(pk=booking.pk, status__in=expect).update(status=to, updated_at=now, **fields)
    if not moved:
        booking.refresh_from_db(fields=["status"])
        raise ConflictError(_("This booking is %(status)s: it cannot be changed that way.") % {
            "status": booking.get_status_display()}, code="wrong_status")
    was_holding = booking.status in HOLDING
    booking.status = to
    for name, value in fields.items():
        setattr(booking, name, value)
    if was_holding and to not in HOLDING:
        release(booking.resource, booking_keys(booking))
    return booking


def waitlist_promote(resource: Resource, *, now: dt.datetime) -> list[Booking]:
    """Offer freed places to the waitlist, first come first served: each offered booking holds its place until
    its offer expires. Returns the bookings offered now."""
    offered = []
    queue = Booking.objects.filter(resource=resource, status=Status.WAITLISTED).order_by("created_at", "pk")
    for booking in queue.select_for_update()[:50]:
        if not hold(resource, booking_keys(booking)):
            break
        expires = now + dt.timedelta(hours=resource.offer_hours)
        moved = Booking.objects.filter(pk=booking.pk, status=Status.WAITLISTED).update(
            status=Status.OFFERED, offer_expires_at=expires, updated_at=now)
        if not moved:  # cancelled meanwhile: give the place back and try the next one
            release(resource, booking_keys(booking))
            continue
        booking.status, booking.offer_expires_at = Status.OFFERED, expires
        offered.append(booking)
    return offered


# --- tickets ------------------------------------------------------------------------------------------------------

def ticket_token(booking: Booking) -> str:
    """The signed text of the booking's QR code: which booking, at which resource (nothing personal)."""
    return signing.dumps({"b": booking.pk, "r": booking.resource_id}, salt=TICKET_SALT, compress=True)


def ticket_read(token: str, *, resource: Resource) -> Booking:
    """The booking a scanned ticket stands for, refused when forged or for another station or event."""
    try:
        data = signing.loads((token or "").strip(), salt=TICKET_SALT)
    except signing.BadSignature as exc:
        raise ApplicationError(_("This QR code is not a valid ticket."), code="bad_ticket", field="token") from exc
    if data.get("r") != resource.pk:
        other = Resource.objects.filter(pk=data.get("r")).values_list("name", flat=True).first() or "?"
        raise ApplicationError(_("This ticket is for %(other)s, not for %(here)s.") % {
            "other": other, "here": resource.name}, code="other_resource", field="token")
    booking = Booking.objects.select_related("resource", "talent", "enterprise").filter(
        pk=data.get("b"), resource=resource).first()
    if booking is None:
        raise ApplicationError(_("This ticket's booking no longer exists."), code="bad_ticket", field="token")
    return booking


def ticket_svg(booking: Booking) -> str:
    """The ticket's QR code as an inline SVG element. Drawn once per booking and process: drawing it (choosing the
    mask) costs more than the rest of the ticket page, and any token of the booking checks in (the token's signing
    time is not read), so the first one drawn is kept."""
    return _ticket_svg(booking.pk, booking.resource_id)


@functools.lru_cache(maxsize=2048)  # ~4 KB each; what invalidates it: nothing needs to (a booking's ticket is for
def _ticket_svg(pk: int, resource_id: int) -> str:  # good; a new signing key restarts the process)
    token = signing.dumps({"b": pk, "r": resource_id}, salt=TICKET_SALT, compress=True)
    return segno.make(token, error="m").svg_inline(scale=4, border=2)
