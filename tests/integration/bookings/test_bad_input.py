"""The issue's bad input, in one table: dates in the past, stays over the limit, overlapping bookings and a QR
code for another station or event. Each is refused with its code, the field it is about and a reason that names
what it is about (the station, the event, the night, the hour, the nights used) — and nothing changed: the
bookings, the slots, the referrals and the audit trail are as they were. Then the same refusals through the page
(the reason shown, nothing booked) and the API (one error shape with the field)."""

from __future__ import annotations

import datetime as dt

import pytest

from talentpool.bookings import capacity, resources, services
from talentpool.bookings.models import Booking, Referral, Slot
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent

from .conftest import TODAY, at

D = dt.timedelta


def _state():
    return (list(Booking.objects.order_by("pk").values_list("pk", "status", "first_day", "units")),
            list(Slot.objects.order_by("pk").values_list("pk", "taken")),
            list(Referral.objects.values_list("pk", "status")), AuditEvent.objects.count())


@pytest.fixture
def booked(world, places):
    """李明 holds two nights at 西溪站 from the day after tomorrow and the one place of the lecture; a second event
    is open."""
    stay = services.lodging_book(actor=world.talent_user, station=places["station"], first_day=TODAY + D(days=2),
                                 nights=2)
    place = services.event_register(actor=world.talent_user, event=places["event"])
    salon = resources.resource_create(actor=world.officer, kind="event", name="青年创业沙龙", capacity=10,
                                      auto_confirm=True, starts_at=at(TODAY + D(days=7), 19))
    services.space_book(actor=world.hr, space=places["space"], day=TODAY + D(days=1), hour=10, hours=2)
    return {**places, "stay": stay, "place": place, "salon": salon}


def _lodging(world, b, station: str, days: int, nights: int):
    return lambda: services.lodging_book(actor=world.talent_user, station=b[station], first_day=TODAY + D(days=days),
                                         nights=nights)


CASES = {
    # name: (make the call, code, field, words the reason must name)
    "lodging in the past": (lambda w, b: _lodging(w, b, "station", -1, 1), "past", "first_day",
                            [str(TODAY - D(days=1))]),
    "lodging too far ahead": (lambda w, b: _lodging(w, b, "station", 61, 1), "too_far", "first_day", ["60"]),
    "a stay over the limit": (lambda w, b: _lodging(w, b, "station", 10, 7), "too_long", "nights", ["6"]),
    "nights over the year's limit": (lambda w, b: _lodging(w, b, "manual", 10, 5), "year_limit", "nights",
                                     ["6", "2", "2025"]),
    "an overlapping stay at another station": (lambda w, b: _lodging(w, b, "manual", 3, 1), "overlap", "first_day",
                                               ["青荷驿站·西溪站", str(TODAY + D(days=2))]),
    "registering twice": (lambda w, b: lambda: services.event_register(actor=w.talent_user, event=b["event"]),
                          "overlap", "", ["西湖英才学堂 第一讲"]),
    "an event that has started": (lambda w, b: lambda: services.event_register(
        actor=w.talent_user, event=b["salon"], now=b["salon"].starts_at), "past", "", ["青年创业沙龙"]),
    "space hours in the past": (lambda w, b: lambda: services.space_book(
        actor=w.hr_other, space=b["space"], day=TODAY, hour=8, hours=1), "past", "day", [str(TODAY), "8:00"]),
    "overlapping space hours": (lambda w, b: lambda: services.space_book(
        actor=w.hr_other, space=b["space"], day=TODAY + D(days=1), hour=11, hours=2), "full", "",
        ["会议室 A", "11:00"]),
    "a station's ticket at another station": (lambda w, b: lambda: services.check_in(
        actor=w.officer, resource=b["manual"], token=capacity.ticket_token(b["stay"]), now=at(TODAY + D(days=2))),
        "other_resource", "token", ["青荷驿站·西溪站", "青荷驿站·紫金港站"]),
    "an event's ticket at another event": (lambda w, b: lambda: services.check_in(
        actor=w.officer, resource=b["salon"], token=capacity.ticket_token(b["place"]), now=at(TODAY + D(days=7))),
        "other_resource", "token", ["西湖英才学堂 第一讲", "青年创业沙龙"]),
    "an event's ticket at a station": (lambda w, b: lambda: services.check_in(
        actor=w.officer, resource=b["station"], token=capacity.ticket_token(b["place"]), now=at(TODAY + D(days=2))),
        "other_resource", "token", ["西湖英才学堂 第一讲", "青荷驿站·西溪站"]),
    "a forged ticket": (lambda w, b: lambda: services.check_in(
        actor=w.officer, resource=b["station"], token=capacity.ticket_token(b["stay"])[:-3] + "abc"),
        "bad_ticket", "token", []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_with_its_reason_and_nothing_changes(world, booked, name):
    make, code, field, words = CASES[name]
    call = make(world, booked)
    before = _state()
    with pytest.raises(ApplicationError) as exc:
        call()
    assert (exc.value.code, exc.value.field or "") == (code, field)
    assert all(w in str(exc.value.message) for w in words), exc.value.message
    assert _state() == before


def test_the_page_shows_the_reason_and_books_nothing(world, booked, client_for):
    before = _state()
    client = client_for(world.talent_user)
    response = client.post(f"/bookings/lodging/{booked['manual'].pk}/book/",
                           {"first_day": (TODAY + D(days=3)).isoformat(), "nights": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/bookings/lodging/{booked['manual'].pk}/"
    assert "青荷驿站·西溪站" in response.content.decode()  # the overlapping stay, named
    response = client.post(f"/bookings/lodging/{booked['station'].pk}/book/", {"first_day": "2025-02-30",
                                                                               "nights": "1"}, follow=True)
    assert "YYYY-MM-DD" in response.content.decode()
    assert _state() == before


def test_the_api_names_the_field(world, booked, client_for):
    before = _state()
    response = client_for(world.talent_user).post(
        "/api/v1/bookings/lodging", {"station": booked["station"].pk, "first_day": (TODAY - D(days=1)).isoformat(),
                                     "nights": 1}, content_type="application/json")
    error = response.json()["error"]
    assert response.status_code == 400 and (error["code"], error["field"]) == ("past", "first_day")
    assert _state() == before
