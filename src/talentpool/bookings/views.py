"""Booking pages for talents (free lodging, events, my bookings with QR tickets and certificates) and for
enterprises (park spaces, the partner portal). Thin: parse, call a service or selector, render. The officer
console is in ``views_office``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.permissions import require_role
from talentpool.fairs.models import FairKind, Registration
from talentpool.recruitment.models import Job
from talentpool.recruitment.selectors import open_jobs
from talentpool.registry import selectors as registry_selectors
from talentpool.registry import services as registry_services
from talentpool.registry.models import Enterprise

from . import capacity, journey, resources, selectors, services
from .certificates import certificate_pdf
from .models import Booking, Kind, Referral, ReferralTarget, Resource, Status


def _fail(request, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, str(exc.message))


def _int(text, default: int = 0) -> int:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else default


def _date(text):
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


_MARK = 987654321  # a record number no table reaches: replaced in a link reversed once per page


def _links(name: str, rows, attribute: str) -> None:
    """Each row's link to ``name`` set as ``attribute``: the URL reversed once per page, not once per row."""
    url = reverse(name, args=[_MARK])
    for row in rows:
        setattr(row, attribute, url.replace(str(_MARK), str(row.pk)))


def _labels(model, field: str) -> dict:
    """A choice field's labels in the active language, looked up once per page (not ``get_<field>_display``
    per row)."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _month(text: str, today: dt.date) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


# --- talent: lodging ----------------------------------------------------------------------------------------------

@require_role(Role.TALENT)
def lodging(request):
    talent = selectors.talent_of(request.user)
    today = timezone.localdate()
    return render(request, "bookings/lodging.html", {
        "stations": selectors.resources(Kind.LODGING).order_by("name", "pk")[:100],
        "used": selectors.year_nights_used(talent, today.year) if talent else 0, "limit": services.NIGHTS_PER_YEAR,
        "year": today.year})


@require_role(Role.TALENT)
def station(request, pk: int):
    station = get_object_or_404(selectors.resources(Kind.LODGING), pk=pk)
    today = timezone.localdate()
    year, month = _month(request.GET.get("month", ""), today)
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    nxt = (first + dt.timedelta(days=32)).strftime("%Y-%m")
    return render(request, "bookings/station.html", {
        "station": station, "days": selectors.month_availability(station, year, month), "month": first,
        "prev": prev, "next": nxt, "today": today, "limit": services.NIGHTS_PER_YEAR})


def _back_to(request, pk: int):
    """Where a refused bed booking returns: the fair registration's lodging page it came from, or the station."""
    fair_registration = _int(request.POST.get("registration"))
    if fair_registration:
        return redirect("bookings:fair-lodging", registration=fair_registration)
    return redirect("bookings:station", pk=pk)


@require_role(Role.TALENT)
@require_POST
def book_bed(request, pk: int):
    station = get_object_or_404(selectors.resources(Kind.LODGING), pk=pk)
    first_day = _date(request.POST.get("first_day"))
    back = _back_to(request, pk)
    if first_day is None:
        messages.error(request, _("Give the arrival date as YYYY-MM-DD."))
        return back
    try:
        booking = services.lodging_book(actor=request.user, station=station, first_day=first_day,
                                        nights=_int(request.POST.get("nights"), 0), request=request)
    except ApplicationError as exc:
        _fail(request, exc)
        return back
    messages.success(request, _("Bed booked: %(status)s.") % {"status": booking.get_status_display()})
    return redirect("bookings:ticket", pk=booking.pk)


def _fair_stay(registration: Registration) -> tuple[dt.date, int]:
    """The stay a station-fair registrant needs: from the arrival day (or the fair's first day) to the departure
    day (or the day after the fair), within the yearly limit."""
    local = timezone.localtime
    first = local(registration.arrival_at or registration.fair.starts_at).date()
    leave = local(registration.departure_at or registration.fair.ends_at).date()
    nights = min(max((leave - first).days, 1), services.NIGHTS_PER_YEAR)
    return first, nights


@require_role(Role.TALENT)
def fair_lodging(request, registration: int):
    """A bed for a station-fair registrant: the youth stations of the fair's district, the dates taken from the
    fair and the registrant's arrival and departure (the fairs app links here from the registration page)."""
    reg = get_object_or_404(Registration.objects.select_related("fair"), pk=registration, talent__user=request.user,
                            fair__kind=FairKind.STATION)
    first_day, nights = _fair_stay(reg)
    stations = selectors.resources(Kind.LODGING).filter(district=reg.fair.division).order_by("name", "pk")[:50]
    if not stations:  # none in the fair's own district: those of its city
        stations = selectors.resources(Kind.LODGING).filter(district__startswith=reg.fair.division[:4]).order_by(
            "name", "pk")[:50]
    return render(request, "bookings/fair_lodging.html", {
        "reg": reg, "stations": stations, "first_day": first_day, "nights": nights,
        "limit": services.NIGHTS_PER_YEAR, "today": timezone.localdate()})


# --- the talent's journey -----------------------------------------------------------------------------------------

@require_role(Role.TALENT)
def my_journey(request):
    talent = selectors.talent_of(request.user)
    if talent is None:
        raise Http404
    return render(request, "bookings/journey.html", {
        "talent": talent, "steps": journey.talent_journey(talent, audience=journey.TALENT), "officer": False,
        "source_names": journey.source_names()})


@require_role(Role.OFFICER)
def talent_journey(request, pk: int):
    """The officer's view of a person's journey: a read of the person's record, on the audit trail."""
    talent = registry_selectors.talent_visible_to(request.user).filter(pk=pk).first()
    if talent is None:
        raise Http404
    registry_services.talent_record_viewed(actor=request.user, talent=talent, request=request, channel="journey")
    return render(request, "bookings/journey.html", {
        "talent": talent, "steps": journey.talent_journey(talent, audience=journey.OFFICER), "officer": True,
        "source_names": journey.source_names()})


# --- talent: events -----------------------------------------------------------------------------------------------

@require_role(Role.TALENT, Role.OFFICER, Role.ENTERPRISE)
def events(request):
    return render(request, "bookings/events.html", {"events": selectors.event_list(now=timezone.now())})


@require_role(Role.TALENT, Role.OFFICER, Role.ENTERPRISE)
def event(request, pk: int):
    event = get_object_or_404(Resource.objects.select_related("cohost"), pk=pk, kind=Kind.EVENT, active=True)
    talent = selectors.talent_of(request.user)
    mine = event.bookings.filter(talent=talent).exclude(status=Status.CANCELLED).first() if talent else None
    left = max(event.capacity - sum(event.slots.values_list("taken", flat=True)), 0)
    return render(request, "bookings/event.html", {"event": event, "mine": mine, "left": left})


@require_role(Role.TALENT)
@require_POST
def register(request, pk: int):
    event = get_object_or_404(Resource, pk=pk, kind=Kind.EVENT)
    try:
        booking = services.event_register(actor=request.user, event=event, request=request)
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect("bookings:event", pk=pk)
    messages.success(request, _("Registration: %(status)s.") % {"status": booking.get_status_display()})
    return redirect("bookings:mine")


# --- talent and enterprise: my bookings ---------------------------------------------------------------------------

@require_role(Role.TALENT)
def mine(request):
    talent = selectors.talent_of(request.user)
    if talent is None:
        raise Http404
    return render(request, "bookings/mine.html", {
        "bookings": selectors.bookings_of_talent(talent)[:100], "now": timezone.now(),
        "referrals": selectors.referrals_for_talent(talent)[:50]})


@require_role(Role.TALENT, Role.ENTERPRISE)
def ticket(request, pk: int):
    booking = selectors.booking_for_owner(request.user, pk)
    if booking is None:
        raise Http404
    show_qr = booking.status in (Status.CONFIRMED, Status.ATTENDED) and booking.resource.kind != Kind.SPACE
    return render(request, "bookings/ticket.html", {
        "booking": booking, "qr": capacity.ticket_svg(booking) if show_qr else "", "now": timezone.now()})


@require_role(Role.TALENT)
def certificate(request, pk: int):
    booking = selectors.booking_for_owner(request.user, pk)
    if booking is None or booking.resource.kind != Kind.EVENT or booking.status != Status.ATTENDED:
        raise Http404
    return file_response(certificate_pdf(booking), filename=f"certificate-{booking.pk}.pdf", kept=True,
                         content_type="application/pdf")


def _owned_action(request, pk: int, action) -> HttpResponse:
    booking = selectors.booking_for_owner(request.user, pk)
    if booking is None:
        raise Http404
    try:
        action(booking)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("bookings:spaces" if request.user.role == Role.ENTERPRISE else "bookings:mine")


@require_role(Role.TALENT, Role.ENTERPRISE)
@require_POST
def cancel(request, pk: int):
    return _owned_action(request, pk, lambda b: services.booking_cancel(
        actor=request.user, booking=b, reason=request.POST.get("reason", ""), request=request))


@require_role(Role.TALENT)
@require_POST
def accept(request, pk: int):
    return _owned_action(request, pk, lambda b: services.offer_accept(actor=request.user, booking=b, request=request))


@require_role(Role.TALENT)
@require_POST
def feedback(request, pk: int):
    return _owned_action(request, pk, lambda b: services.feedback_give(
        actor=request.user, booking=b, rating=_int(request.POST.get("rating")),
        text=request.POST.get("text", ""), request=request))


@require_role(Role.TALENT)
@require_POST
def referral_answer(request, pk: int):
    referral = get_object_or_404(Referral, pk=pk, talent__user=request.user)
    try:
        resources.referral_answer(actor=request.user, referral=referral, accept=request.POST.get("accept") == "1",
                                  request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("bookings:mine")


# --- enterprise: spaces and the partner portal --------------------------------------------------------------------

@require_role(Role.ENTERPRISE)
def spaces(request):
    # each row's link and status words worked out once per page, not a {% url %} and a display per row
    shown = list(selectors.resources(Kind.SPACE).order_by("name", "pk")[:100])
    _links("bookings:space", shown, "url")
    bookings = list(selectors.bookings_of_enterprise(request.user.enterprise_id)[:100])
    _links("bookings:cancel", bookings, "cancel_url")
    return render(request, "bookings/spaces.html", {
        "spaces": shown, "bookings": bookings, "status_names": _labels(Booking, "status"),
        "partner": resources.partner_of(request.user)})


@require_role(Role.ENTERPRISE)
def space(request, pk: int):
    space = get_object_or_404(selectors.resources(Kind.SPACE), pk=pk)
    day = _date(request.GET.get("day")) or timezone.localdate() + dt.timedelta(days=1)
    return render(request, "bookings/space.html", {"space": space, "day": day,
                                                   "hours": selectors.day_hours(space, day)})


@require_role(Role.ENTERPRISE)
@require_POST
def book_space(request, pk: int):
    space = get_object_or_404(selectors.resources(Kind.SPACE), pk=pk)
    day = _date(request.POST.get("day"))
    if day is None:
        messages.error(request, _("Give the day as YYYY-MM-DD."))
        return redirect("bookings:space", pk=pk)
    try:
        booking = services.space_book(actor=request.user, space=space, day=day,
                                      hour=_int(request.POST.get("hour"), 99), hours=_int(request.POST.get("hours")),
                                      purpose=request.POST.get("purpose", ""), request=request)
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect(f"{request.path.rsplit('book/', 1)[0]}?day={day.isoformat()}")
    messages.success(request, _("Space booked: %(status)s.") % {"status": booking.get_status_display()})
    return redirect("bookings:spaces")


@require_role(Role.ENTERPRISE)
def partner(request):
    partner = resources.partner_of(request.user)
    if partner is None:
        raise Http404
    form, errors = {}, {}
    if request.method == "POST":
        p = request.POST
        target = p.get("target", "")
        event = Resource.objects.filter(pk=_int(p.get("event")), kind=Kind.EVENT).first()
        job = Job.objects.filter(pk=_int(p.get("job"))).first() if target == ReferralTarget.JOB else None
        try:
            resources.referral_create(actor=request.user, name=p.get("name", ""), phone=p.get("phone", ""),
                                      target=target, event=event if target == ReferralTarget.EVENT else None,
                                      job=job, service=p.get("service", ""), note=p.get("note", ""), request=request)
        except ApplicationError as exc:
            if exc.status != 400 or not exc.field:
                _fail(request, exc)
                return redirect("bookings:partner")
            form, errors = p, field_errors(exc, "phone")  # each beside its field, what was typed kept
        else:
            messages.success(request, _("Referral sent: the talent is asked to consent."))
            return redirect("bookings:partner")
    local = timezone.localtime
    referrals = selectors.referrals_of_partner(partner)
    for r in referrals:
        r.sent = local(r.created_at).date().isoformat()
    return render(request, "bookings/partner.html", {
        "partner": partner, "referrals": referrals, "targets": ReferralTarget.choices, "form": form, "errors": errors,
        # the options as (value, words) worked out once per page, not with a filter per option
        "events": [(str(e.pk), f"{e.name} ({local(e.starts_at):%m-%d})")
                   for e in selectors.event_list(now=timezone.now())],
        "cohosted": [(name, local(at).date().isoformat() if at else "") for name, at in partner.events.order_by("-starts_at")
                     .values_list("name", "starts_at")[:50]],
        # a job is chosen by its title, never typed as a record number
        "jobs": _job_options()},
        status=400 if errors else 200)


def _job_options() -> list[tuple[str, str]]:
    """The 200 newest open jobs as (value, "title · enterprise"). The enterprise is named by a subquery per job
    row: joined, PostgreSQL hashed all of a district's 20,000 enterprises to name 200 jobs (4-9 ms at 400k
    talents, against 1.3 ms)."""
    name = Enterprise.objects.filter(pk=OuterRef("enterprise_id")).order_by().values("name")[:1]
    return [(str(pk), f"{title} · {enterprise}") for pk, title, enterprise in open_jobs().order_by("-created_at")
            .annotate(enterprise_name=Subquery(name)).values_list("pk", "title", "enterprise_name")[:200]]
