"""Free lodging at the youth stations: eligibility by the shipped policy with its reasons, the yearly limit,
bad input refused with its reason and nothing changed, confirmation, QR check-in (idempotent; another station's
ticket refused), check-out, no-shows after the station's hour, the availability calendar and the report."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from factories.registry import make_talent

from talentpool.bookings import capacity, selectors, services
from talentpool.bookings.models import Booking, Slot, Status
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent
from talentpool.registry.models import Education

from .conftest import TODAY, at

D = dt.timedelta


def _book(world, station, first_day, nights):
    return services.lodging_book(actor=world.talent_user, station=station, first_day=first_day, nights=nights)


def _unchanged():
    return (Booking.objects.count(), list(Slot.objects.values_list("taken", flat=True).order_by("pk")),
            AuditEvent.objects.count())


def test_an_eligible_graduate_books_a_bed_confirmed_at_once_and_the_calendar_shows_it(world, places):
    booking = _book(world, places["station"], TODAY + D(days=2), 3)
    assert (booking.status, booking.units, booking.end_day) == (Status.CONFIRMED, 3, TODAY + D(days=5))
    month = {d.day: (d.capacity, d.taken, d.free) for d in selectors.month_availability(places["station"], 2025, 3)}
    assert len(month) == 31
    assert month[TODAY + D(days=1)] == (2, 0, 2)
    assert [month[TODAY + D(days=i)] for i in (2, 3, 4)] == [(2, 1, 1)] * 3
    assert month[TODAY + D(days=5)] == (2, 0, 2)
    assert AuditEvent.objects.filter(target=f"booking:{booking.pk}", detail__op="lodging_book").count() == 1


def test_a_station_an_officer_confirms_holds_the_bed_while_pending(world, places):
    booking = _book(world, places["manual"], TODAY + D(days=1), 1)
    assert booking.status == Status.PENDING
    assert Slot.objects.get(resource=places["manual"], day=TODAY + D(days=1)).taken == 1
    services.booking_decide(actor=world.officer, booking=booking, approve=True)
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_declining_needs_a_reason_and_releases_the_bed(world, places):
    booking = _book(world, places["manual"], TODAY + D(days=1), 2)
    with pytest.raises(ApplicationError) as exc:
        services.booking_decide(actor=world.officer, booking=booking, approve=False)
    assert exc.value.field == "reason"
    services.booking_decide(actor=world.officer, booking=booking, approve=False, reason="驿站维修")
    booking.refresh_from_db()
    assert (booking.status, booking.reason) == (Status.CANCELLED, "驿站维修")
    assert set(Slot.objects.filter(resource=places["manual"]).values_list("taken", flat=True)) == {0}


def test_a_hangzhou_hukou_is_refused_with_the_policy_reason_and_nothing_changes(world, places):
    world.talent.hukou_division = "330106"
    world.talent.save()
    before = _unchanged()
    with pytest.raises(ApplicationError) as exc:
        _book(world, places["station"], TODAY + D(days=1), 1)
    assert exc.value.code == "not_eligible"
    assert "户籍不在杭州" in exc.value.message or "hukou registered outside Hangzhou" in exc.value.message
    criteria = {c["id"]: c["status"] for c in exc.value.extra["explanation"]["criteria"]}
    assert criteria["hukou_outside_hangzhou"] == "fail" and criteria["degree"] == "pass"
    assert _unchanged() == before


@pytest.mark.parametrize(("days", "nights", "code", "field"), [
    (-1, 1, "past", "first_day"),
    (61, 1, "too_far", "first_day"),
    (1, 7, "too_long", "nights"),
    (1, 0, "too_long", "nights"),
])
def test_bad_dates_and_lengths_are_refused_with_the_field_and_nothing_changes(world, places, days, nights, code,
                                                                             field):
    before = _unchanged()
    with pytest.raises(ApplicationError) as exc:
        _book(world, places["station"], TODAY + D(days=days), nights)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert _unchanged() == before


def test_an_overlapping_stay_is_refused_even_at_another_station(world, places):
    _book(world, places["station"], TODAY + D(days=2), 2)
    before = _unchanged()
    with pytest.raises(ApplicationError) as exc:
        _book(world, places["manual"], TODAY + D(days=3), 2)
    assert exc.value.code == "overlap" and "青荷驿站·西溪站" in exc.value.message
    assert _unchanged() == before
    assert _book(world, places["manual"], TODAY + D(days=4), 1).status == Status.PENDING  # check-out day is free


def test_six_nights_a_year_and_no_more(world, places):
    _book(world, places["station"], TODAY + D(days=1), 4)
    with pytest.raises(ApplicationError) as exc:
        _book(world, places["station"], TODAY + D(days=10), 3)
    assert exc.value.code == "year_limit" and "4" in exc.value.message
    assert _book(world, places["station"], TODAY + D(days=10), 2).units == 2


def test_a_full_night_is_refused_naming_the_night(world, places, make_user):
    night = TODAY + D(days=5)
    Slot.objects.create(resource=places["station"], day=night, capacity=2, taken=2)
    with pytest.raises(ApplicationError) as exc:
        _book(world, places["station"], night - D(days=1), 3)
    assert exc.value.code == "full" and night.isoformat() in exc.value.message
    assert list(Slot.objects.filter(resource=places["station"]).values_list("day", "taken")) == [(night, 2)]


def test_qr_check_in_is_idempotent_and_another_stations_ticket_is_refused(world, places):
    booking = _book(world, places["station"], TODAY, 2)
    token = capacity.ticket_token(booking)
    with pytest.raises(ApplicationError) as exc:
        services.check_in(actor=world.officer, resource=places["manual"], token=token)
    assert exc.value.code == "other_resource" and "青荷驿站·西溪站" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.check_in(actor=world.officer, resource=places["station"], token=token[:-2] + "xx")
    assert exc.value.code == "bad_ticket"
    checked, new = services.check_in(actor=world.officer, resource=places["station"], token=token)
    assert new and checked.status == Status.ATTENDED and str(checked.bed) == "101-1"
    events = AuditEvent.objects.count()
    again, new = services.check_in(actor=world.officer, resource=places["station"], token=token)
    assert not new and again.status == Status.ATTENDED and AuditEvent.objects.count() == events
    with pytest.raises(ApplicationError):
        services.check_in(actor=world.officer_other, resource=places["station"], token=token)
    services.check_out(actor=world.officer, booking=checked)
    checked.refresh_from_db()
    assert checked.checked_out_at is not None


def test_a_ticket_for_another_day_is_refused(world, places):
    booking = _book(world, places["station"], TODAY + D(days=2), 1)
    with pytest.raises(ApplicationError) as exc:
        services.check_in(actor=world.officer, resource=places["station"], token=capacity.ticket_token(booking))
    assert exc.value.code == "wrong_day"
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_no_show_after_the_stations_hour_releases_the_beds(world, places):
    booking = _book(world, places["station"], TODAY, 2)
    assert services.no_shows_mark(now=at(TODAY, 21, 59)) == 0
    assert services.no_shows_mark(now=at(TODAY, 22, 0)) == 1
    assert services.no_shows_mark(now=at(TODAY, 22, 5)) == 0  # safe to run twice
    booking.refresh_from_db()
    assert booking.status == Status.NO_SHOW
    assert set(Slot.objects.filter(resource=places["station"]).values_list("taken", flat=True)) == {0}


def test_cancelling_frees_the_beds_and_the_report_counts_occupancy_and_turnover(world, places):
    stay = _book(world, places["station"], TODAY, 2)
    stay, _new = services.check_in(actor=world.officer, resource=places["station"], token=capacity.ticket_token(stay))
    services.check_out(actor=world.officer, booking=stay)
    with time_machine.travel(at(TODAY + D(days=1), 8), tick=False):
        other = _book(world, places["manual"], TODAY + D(days=3), 1)
        services.booking_cancel(actor=world.talent_user, booking=other)
    rows = {r["station"].pk: r for r in selectors.station_report(world.officer, TODAY, TODAY + D(days=9))}
    west = rows[places["station"].pk]
    assert (west["bed_nights"], west["taken"], west["occupancy"]) == (20, 2, 10.0)
    assert (west["checked_in"], west["checked_out"], west["turnover"]) == (1, 1, 0.5)
    east = rows[places["manual"].pk]
    assert (east["taken"], east["cancelled"], east["stays"]) == (0, 1, 0)
    assert selectors.station_report(world.officer_other, TODAY, TODAY) == []


def test_guests_checked_in_for_the_same_nights_get_different_beds(world, places, make_user):
    first = _book(world, places["station"], TODAY, 2)
    other = make_user("talent")
    make_talent(name="王芳", user=other, hukou_division="420102")
    Education.objects.create(talent=other.talent, degree="bachelor", graduation_date=dt.date(2024, 6, 30))
    second = services.lodging_book(actor=other, station=places["station"], first_day=TODAY + D(days=1), nights=1)
    beds = []
    for booking in (first, second):
        with time_machine.travel(at(TODAY + D(days=1), 10), tick=False):
            checked, _new = services.check_in(actor=world.officer, resource=places["station"],
                                              token=capacity.ticket_token(booking))
        beds.append(str(checked.bed))
    assert beds == ["101-1", "101-2"]


def test_the_api_refusal_carries_the_policy_explanation(world, places, client_for):
    world.talent.hukou_division = "330106"
    world.talent.save()
    response = client_for(world.talent_user).post(
        "/api/v1/bookings/lodging", {"station": places["station"].pk, "first_day": TODAY.isoformat(), "nights": 1},
        content_type="application/json")
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "not_eligible"
    assert error["explanation"]["policy"] == "hz-youth-station" and error["explanation"]["verdict"] == "no"
    assert not Booking.objects.exists()
