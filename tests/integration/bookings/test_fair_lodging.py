"""A bed for a station-fair registrant, from the fair registration page: the page links to the youth stations of
the fair's district with the dates taken from the registrant's arrival and departure (or the fair's own days);
booking from there goes through the same service (its refusals return to that page), and nobody else's
registration, nor a campus tour's, opens it."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from factories.registry import make_talent

from talentpool.bookings import resources
from talentpool.bookings.models import Booking, Status
from talentpool.fairs.models import Fair, Registration

from .conftest import NOW, TODAY, at

D = dt.timedelta


def _registration(talent, *, kind: str = "station", arrival: dt.datetime | None = None,
                  departure: dt.datetime | None = None) -> Registration:
    start = at(TODAY + D(days=3), 9)
    fair = Fair.objects.create(kind=kind, title="高铁东站招聘会", division="330106", starts_at=start,
                               ends_at=start + D(hours=8), status="published")
    return Registration.objects.create(fair=fair, talent=talent, state="confirmed", consent_at=NOW,
                                       qr_token=secrets.token_hex(8), arrival_at=arrival, departure_at=departure)


@pytest.fixture
def registration(world, places):
    return _registration(world.talent, arrival=at(TODAY + D(days=2), 19), departure=at(TODAY + D(days=5), 18))


def test_the_registration_page_links_to_lodging_prefilled_from_the_train_times(world, registration, client_for):
    client = client_for(world.talent_user)
    page = client.get(f"/fairs/mine/{registration.pk}/").content.decode()
    assert f'href="/bookings/lodging/fair/{registration.pk}/"' in page
    page = client.get(f"/bookings/lodging/fair/{registration.pk}/").content.decode()
    assert "青荷驿站·西溪站" in page and "青荷驿站·紫金港站" in page
    assert f'value="{(TODAY + D(days=2)).isoformat()}"' in page and 'name="nights" min="1" max="6" value="3"' in page
    assert f'name="registration" value="{registration.pk}"' in page


def test_without_train_times_the_stay_covers_the_fair(world, places, client_for):
    reg = _registration(world.talent)
    page = client_for(world.talent_user).get(f"/bookings/lodging/fair/{reg.pk}/").content.decode()
    assert f'value="{(TODAY + D(days=3)).isoformat()}"' in page and 'value="1"' in page


def test_booking_from_the_fair_page_books_the_bed_and_a_refusal_returns_there(world, places, registration,
                                                                               client_for):
    client = client_for(world.talent_user)
    station = places["station"]
    response = client.post(f"/bookings/lodging/{station.pk}/book/", {
        "first_day": (TODAY + D(days=2)).isoformat(), "nights": "3", "registration": str(registration.pk)})
    booking = Booking.objects.get()
    assert response["Location"] == f"/bookings/mine/{booking.pk}/"
    assert (booking.first_day, booking.units, booking.status) == (TODAY + D(days=2), 3, Status.CONFIRMED)
    response = client.post(f"/bookings/lodging/{station.pk}/book/", {
        "first_day": (TODAY + D(days=3)).isoformat(), "nights": "1", "registration": str(registration.pk)})
    assert response["Location"] == f"/bookings/lodging/fair/{registration.pk}/"  # overlap: back to the fair page
    assert Booking.objects.count() == 1


def test_no_station_in_the_city_is_said_plainly_and_the_citys_stations_stand_in(world, client_for):
    reg = _registration(world.talent)  # the world has no station yet
    page = client_for(world.talent_user).get(f"/bookings/lodging/fair/{reg.pk}/").content.decode()
    assert 'id="no-station"' in page
    resources.resource_create(actor=world.officer_other, kind="lodging", name="青荷驿站·良渚站")  # 余杭区
    page = client_for(world.talent_user).get(f"/bookings/lodging/fair/{reg.pk}/").content.decode()
    assert "青荷驿站·良渚站" in page and 'id="no-station"' not in page  # none in 西湖区: the city's


def test_only_the_registrant_of_a_station_fair_opens_it(world, places, registration, client_for, make_user):
    other_user = make_user("talent")
    make_talent(name="王芳", user=other_user)
    assert client_for(other_user).get(f"/bookings/lodging/fair/{registration.pk}/").status_code == 404
    tour = _registration(world.talent, kind="campus_tour")  # no station to sleep at
    assert client_for(world.talent_user).get(f"/bookings/lodging/fair/{tour.pk}/").status_code == 404
    page = client_for(world.talent_user).get(f"/fairs/mine/{tour.pk}/").content.decode()
    assert "/bookings/lodging/fair/" not in page
