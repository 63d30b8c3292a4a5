"""Bookings endpoints (/api/v1/bookings/): stations with their month availability, events, park spaces; a
talent's bookings (a bed, an event place, accepting an offer, cancelling); an enterprise's space bookings;
officers' confirmation, QR check-in and the occupancy report. The same services as the pages.

A role that has no business with an endpoint gets 403; a record outside the user's reach gets 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.permissions import OFFICE_ROLES, ensure_role
from talentpool.core.schema_types import Id, Instant
from talentpool.registry import selectors as registry_selectors
from talentpool.registry import services as registry_services

from . import journey, selectors, services
from .models import Kind, Resource

router = Router(tags=["bookings"])
Text200 = Annotated[str, Field(max_length=200)]


class ResourceOut(Schema):
    id: int
    kind: str
    name: str
    district: str
    address: str
    capacity: int
    auto_confirm: bool
    open_hour: int
    close_hour: int
    max_units: int


class EventOut(Schema):
    id: int
    name: str
    category: str
    series: str
    audience: str
    address: str
    starts_at: Instant | None
    ends_at: Instant | None
    capacity: int
    places_left: int
    waiting: int
    cohost: str | None = None


class DayOut(Schema):
    day: dt.date
    capacity: int
    taken: int
    free: int


class BookingOut(Schema):
    id: int
    resource_id: int
    resource_name: str
    kind: str
    status: str
    first_day: dt.date
    end_day: dt.date
    hour: int
    units: int
    offer_expires_at: Instant | None
    checked_in_at: Instant | None
    reason: str

    @staticmethod
    def resolve_resource_name(obj) -> str:
        return obj.resource.name

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.resource.kind


class LodgingIn(Schema):
    station: Id
    first_day: dt.date
    nights: int = Field(..., ge=1, le=31)


class SpaceIn(Schema):
    day: dt.date
    hour: int = Field(..., ge=0, le=23)
    hours: int = Field(..., ge=1, le=24)
    purpose: Text200 = ""


class CancelIn(Schema):
    reason: Text200 = ""


class DecideIn(Schema):
    approve: bool
    reason: Text200 = ""


class CheckInIn(Schema):
    token: Annotated[str, Field(max_length=500)]


class CheckInOut(Schema):
    booking: BookingOut
    checked_in_now: bool


class ReportOut(Schema):
    station_id: int
    station: str
    beds: int
    bed_nights: int
    taken: int
    occupancy: float
    stays: int
    checked_in: int
    checked_out: int
    no_shows: int
    cancelled: int
    turnover: float


class StepOut(Schema):
    at: Instant
    source: str
    title: str
    detail: str
    status: str
    amount: str | None = Field(None, description="yuan, two decimals (subsidy lines and payments)")
    whole_day: bool

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return None if obj.amount is None else f"{Decimal(obj.amount):.2f}"


def _get(kind: str, pk: int) -> Resource:
    found = selectors.resources(kind).filter(pk=pk).first()
    if found is None:
        raise NotFoundError()
    return found


@router.get("/stations", response=list[ResourceOut], summary="Youth stations open for booking")
def station_list(request):
    ensure_role(request.user, Role.TALENT, *OFFICE_ROLES)
    return list(selectors.resources(Kind.LODGING).order_by("name", "pk")[:200])


@router.get("/stations/{int:pk}/availability", response=list[DayOut],
            summary="A station's nights of one month (?month=YYYY-MM) with beds and beds taken")
def station_availability(request, pk: int, month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")] = ""):
    ensure_role(request.user, Role.TALENT, *OFFICE_ROLES)
    station = _get(Kind.LODGING, pk)
    today = timezone.localdate()
    year, mon = (int(p) for p in month.split("-")) if month else (today.year, today.month)
    if not 1 <= mon <= 12 or not 2000 <= year <= 2100:
        raise ApplicationError("month is YYYY-MM", field="month")
    return [{"day": d.day, "capacity": d.capacity, "taken": d.taken, "free": d.free}
            for d in selectors.month_availability(station, year, mon)]


@router.get("/events", response=list[EventOut], summary="Coming events with the places left and the waitlist")
def event_list(request):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE, *OFFICE_ROLES)
    return [{**{f: getattr(e, f) for f in EventOut.model_fields if f != "cohost"},
             "cohost": e.cohost.name if e.cohost else None} for e in selectors.event_list(now=timezone.now())]


@router.get("/spaces", response=list[ResourceOut], summary="Park spaces open for booking")
def space_list(request):
    ensure_role(request.user, Role.ENTERPRISE, *OFFICE_ROLES)
    return list(selectors.resources(Kind.SPACE).order_by("name", "pk")[:200])


@router.get("/me/bookings", response=list[BookingOut], summary="My bookings (talents: beds and events; "
                                                              "enterprises: space hours)")
def my_bookings(request):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE)
    if request.user.role == Role.ENTERPRISE:
        return list(selectors.bookings_of_enterprise(request.user.enterprise_id)[:200])
    talent = selectors.talent_of(request.user)
    return list(selectors.bookings_of_talent(talent)[:200]) if talent else []


@router.post("/lodging", response={201: BookingOut}, summary="Book a bed (talents)")
def lodging_book(request, payload: LodgingIn):
    ensure_role(request.user, Role.TALENT)
    booking = services.lodging_book(actor=request.user, station=_get(Kind.LODGING, payload.station),
                                    first_day=payload.first_day, nights=payload.nights, request=request)
    return Status(201, booking)


@router.post("/events/{int:pk}/registrations", response={201: BookingOut},
             summary="Register for an event: a place, or the waitlist when full (talents)")
def event_register(request, pk: int):
    ensure_role(request.user, Role.TALENT)
    return Status(201, services.event_register(actor=request.user, event=_get(Kind.EVENT, pk), request=request))


@router.post("/spaces/{int:pk}/bookings", response={201: BookingOut}, summary="Book hours of a space (enterprises)")
def space_book(request, pk: int, payload: SpaceIn):
    ensure_role(request.user, Role.ENTERPRISE)
    return Status(201, services.space_book(actor=request.user, space=_get(Kind.SPACE, pk), request=request,
                                           **payload.dict()))


def _mine(request, pk: int):
    booking = selectors.booking_for_owner(request.user, pk)
    if booking is None:
        raise NotFoundError()
    return booking


@router.post("/bookings/{int:pk}/cancel", response=BookingOut, summary="Cancel my booking (or, officers, one of "
                                                                       "the district)")
def booking_cancel(request, pk: int, payload: CancelIn):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE, *OFFICE_ROLES)
    booking = (selectors.booking_for_office(request.user, pk) if request.user.role in OFFICE_ROLES
               else _mine(request, pk))
    if booking is None:
        raise NotFoundError()
    return services.booking_cancel(actor=request.user, booking=booking, reason=payload.reason, request=request)


@router.post("/bookings/{int:pk}/accept", response=BookingOut, summary="Accept the place offered (talents)")
def offer_accept(request, pk: int):
    ensure_role(request.user, Role.TALENT)
    return services.offer_accept(actor=request.user, booking=_mine(request, pk), request=request)


@router.post("/bookings/{int:pk}/decide", response=BookingOut, summary="Confirm or decline a pending booking "
                                                                       "(officers)")
def booking_decide(request, pk: int, payload: DecideIn):
    ensure_role(request.user, *OFFICE_ROLES)
    booking = selectors.booking_for_office(request.user, pk)
    if booking is None:
        raise NotFoundError()
    return services.booking_decide(actor=request.user, booking=booking, approve=payload.approve,
                                   reason=payload.reason, request=request)


@router.post("/resources/{int:pk}/check-in", response=CheckInOut,
             summary="Check in a scanned ticket at this station or event (officers); idempotent")
def check_in(request, pk: int, payload: CheckInIn):
    ensure_role(request.user, *OFFICE_ROLES)
    resource = selectors.resources_for_office(request.user).filter(pk=pk).first()
    if resource is None:
        raise NotFoundError()
    booking, new = services.check_in(actor=request.user, resource=resource, token=payload.token, request=request)
    return {"booking": booking, "checked_in_now": new}


@router.get("/reports/stations", response=list[ReportOut],
            summary="Occupancy and turnover per station of my district for a period (?first=&last=, officers)")
def station_report(request, first: dt.date | None = None, last: dt.date | None = None):
    ensure_role(request.user, *OFFICE_ROLES)
    today = timezone.localdate()
    first, last = first or today.replace(day=1), last or today
    if last < first or (last - first).days > 366:
        raise ApplicationError("the period is at most a year, its end after its start", field="last")
    return [{**{k: v for k, v in row.items() if k != "station"}, "station_id": row["station"].pk,
             "station": row["station"].name} for row in selectors.station_report(request.user, first, last)]


@router.get("/journey/me", response=list[StepOut], summary="My journey: everything the district has done with me, "
                                                         "newest first (talents)")
def my_journey(request):
    ensure_role(request.user, Role.TALENT)
    talent = selectors.talent_of(request.user)
    if talent is None:
        raise NotFoundError()
    return journey.talent_journey(talent, audience=journey.TALENT)


@router.get("/journey/{int:pk}", response=list[StepOut],
            summary="A person's journey, newest first (officers of the person's district; the read is audited)")
def talent_journey(request, pk: int):
    ensure_role(request.user, Role.OFFICER)
    talent = registry_selectors.talent_visible_to(request.user).filter(pk=pk).first()
    if talent is None:
        raise NotFoundError()
    registry_services.talent_record_viewed(actor=request.user, talent=talent, request=request, channel="api")
    return journey.talent_journey(talent, audience=journey.OFFICER)
