"""The officer console of bookings: bookings to confirm, stations, events and spaces of the district with their
bookings, QR check-in and check-out, the occupancy and turnover report, and the partners' activity."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.permissions import OFFICE_ROLES, require_role
from talentpool.registry.models import Enterprise

from . import resources, selectors, services
from .models import Booking, EventCategory, Kind, PartnerKind, Resource
from .views import _date, _fail, _int, _labels, _links


def _resource(request, pk: int):
    found = selectors.resources_for_office(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_role(*OFFICE_ROLES)
def console(request, *, form=None, errors=None):
    # the columns shown, not the whole talent and enterprise rows
    pending = list(selectors.pending_for_office(request.user).only(
        "first_day", "hour", "units", "talent_id", "enterprise_id", "resource__name", "resource__kind",
        "talent__name", "enterprise__name")[:200])
    _links("bookings:decide", pending, "decide_url")
    shown = list(selectors.resources_for_office(request.user).only("kind", "name", "capacity", "active")
                 .order_by("kind", "name")[:300])
    _links("bookings:resource", shown, "url")
    return render(request, "bookings/console.html", {
        "pending": pending, "resources": shown, "kind_names": _labels(Resource, "kind"),
        "kinds": Kind.choices, "categories": EventCategory.choices, "form": form or {}, "errors": errors or {}},
        status=400 if errors else 200)


@require_role(*OFFICE_ROLES)
@require_POST
def resource_new(request):
    p = request.POST
    kind = p.get("kind", "")
    fields = {"address": p.get("address", "").strip(), "auto_confirm": p.get("auto_confirm") == "1"}
    if kind == Kind.EVENT:
        start = _date(p.get("day"))
        hour = _int(p.get("hour"), 9) % 24
        fields.update(capacity=_int(p.get("capacity")), category=p.get("category", EventCategory.LECTURE),
                      series=p.get("series", "").strip(), audience=p.get("audience", "").strip(),
                      starts_at=timezone.make_aware(dt.datetime.combine(start, dt.time(hour))) if start else None)
        if start:
            fields["ends_at"] = fields["starts_at"] + dt.timedelta(hours=2)
    try:
        made = resources.resource_create(actor=request.user, kind=kind, name=p.get("name", ""), request=request,
                                         **fields)
    except ApplicationError as exc:
        if exc.status != 400 or exc.field == "district":  # not a field of the form: said above it, as before
            _fail(request, exc)
            return redirect("bookings:console")
        # the console again, each refusal beside its field and what was typed kept
        return console(request, form=p, errors=field_errors(exc, "name"))
    return redirect("bookings:resource", pk=made.pk)


@require_role(*OFFICE_ROLES)
def resource(request, pk: int):
    found = _resource(request, pk)
    if request.method == "POST":  # add a room with beds (stations)
        try:
            resources.room_add(actor=request.user, station=found, name=request.POST.get("room", ""),
                               beds=_int(request.POST.get("beds")), request=request)
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("bookings:resource", pk=pk)
    bookings = list(selectors.bookings_at(found).only(
        "status", "first_day", "end_day", "hour", "units", "partner_id", "checked_out_at", "talent_id",
        "enterprise_id", "bed_id", "talent__name", "enterprise__name", "bed__label", "bed__room__name")[:300])
    _links("bookings:decide", bookings, "decide_url")
    _links("bookings:check-out", bookings, "check_out_url")
    return render(request, "bookings/resource.html", {
        "resource": found, "bookings": bookings, "status_names": _labels(Booking, "status"),
        "rooms": found.rooms.prefetch_related("beds") if found.kind == Kind.LODGING else []})


@require_role(*OFFICE_ROLES)
@require_POST
def check_in(request, pk: int):
    found = _resource(request, pk)
    try:
        booking, new = services.check_in(actor=request.user, resource=found, token=request.POST.get("token", ""),
                                         request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        who = booking.talent.name if booking.talent_id else str(booking.enterprise)
        if new:
            messages.success(request, _("%(who)s checked in.") % {"who": who})
        else:
            messages.info(request, _("%(who)s was already checked in.") % {"who": who})
    return redirect("bookings:resource", pk=pk)


@require_role(*OFFICE_ROLES)
@require_POST
def check_out(request, pk: int):
    booking = selectors.booking_for_office(request.user, pk)
    if booking is None:
        raise Http404
    try:
        services.check_out(actor=request.user, booking=booking, request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("bookings:resource", pk=booking.resource_id)


@require_role(*OFFICE_ROLES)
@require_POST
def decide(request, pk: int):
    booking = selectors.booking_for_office(request.user, pk)
    if booking is None:
        raise Http404
    try:
        services.booking_decide(actor=request.user, booking=booking, approve=request.POST.get("approve") == "1",
                                reason=request.POST.get("reason", ""), request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    if request.POST.get("next") == "resource":
        return redirect("bookings:resource", pk=booking.resource_id)
    return redirect("bookings:console")


@require_role(*OFFICE_ROLES)
def report(request):
    today = timezone.localdate()
    first = _date(request.GET.get("from")) or today.replace(day=1)
    last = _date(request.GET.get("to")) or today
    if last < first or (last - first).days > 366:
        messages.error(request, _("The period is at most a year, its end after its start."))
        first, last = today.replace(day=1), today
    return render(request, "bookings/report.html", {
        "rows": selectors.station_report(request.user, first, last), "first": first, "last": last})


@require_role(*OFFICE_ROLES)
def partners(request):
    if request.method == "POST":
        p = request.POST
        enterprise = Enterprise.objects.filter(credit_code=p.get("credit_code", "").strip().upper()).first()
        if enterprise is None:
            messages.error(request, _("No enterprise has this credit code."))
        else:
            try:
                resources.partner_create(actor=request.user, name=p.get("name", "") or enterprise.name,
                                         kind=p.get("kind", ""), enterprise=enterprise, request=request)
            except ApplicationError as exc:
                _fail(request, exc)
        return redirect("bookings:partners")
    return render(request, "bookings/partners.html", {
        "rows": selectors.partner_activity(request.user), "kinds": PartnerKind.choices})
