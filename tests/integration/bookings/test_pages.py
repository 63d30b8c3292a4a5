"""The journeys through the real pages: a job seeker books a bed on the phone, shows the QR ticket, is checked in
by the officer and cancels another stay; an event-goer is waitlisted, accepts the offer, is checked in and
downloads the certificate; an enterprise books the studio; a partner refers a talent and sees the outcome; the
officer confirms and reads the report. And the upkeep command."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
import segno
import time_machine
from django.core.management import call_command
from factories.pdf import pdf_pages

from talentpool.bookings import capacity, resources, services
from talentpool.bookings.models import Booking, PartnerKind, Status
from talentpool.core.errors import ApplicationError

from .conftest import NOW, TODAY, at

D = dt.timedelta


def test_a_job_seeker_books_a_bed_shows_the_ticket_and_is_checked_in(world, places, client_for):
    talent, officer = client_for(world.talent_user), client_for(world.officer)
    station = places["station"]
    page = talent.get(f"/bookings/lodging/{station.pk}/?month=2025-03")
    assert page.status_code == 200 and page.content.decode().count("data-day=") == 31
    response = talent.post(f"/bookings/lodging/{station.pk}/book/", {"first_day": TODAY.isoformat(), "nights": "2"})
    booking = Booking.objects.get(talent=world.talent)
    assert response.status_code == 302 and response["Location"] == f"/bookings/mine/{booking.pk}/"
    ticket = talent.get(f"/bookings/mine/{booking.pk}/").content.decode()
    assert "<svg" in ticket and 'data-free="1"' in talent.get(f"/bookings/lodging/{station.pk}/").content.decode()
    officer.post(f"/bookings/console/resources/{station.pk}/check-in/", {"token": capacity.ticket_token(booking)})
    booking.refresh_from_db()
    assert booking.status == Status.ATTENDED
    page = officer.get(f"/bookings/console/resources/{station.pk}/").content.decode()
    assert f'data-booking="{booking.pk}" data-status="attended"' in page


def test_a_refused_stay_says_why_on_the_page(world, places, client_for):
    talent = client_for(world.talent_user)
    response = talent.post(f"/bookings/lodging/{places['station'].pk}/book/",
                           {"first_day": (TODAY - D(days=1)).isoformat(), "nights": "1"}, follow=True)
    assert "已过" in response.content.decode() and not Booking.objects.exists()


def test_an_event_goer_is_waitlisted_accepts_the_offer_and_downloads_the_certificate(world, places, client_for,
                                                                                     make_user):
    from factories.registry import make_talent

    event = places["event"]
    other = make_user("talent")
    make_talent(name="王芳", user=other)
    first = client_for(other)
    first.post(f"/bookings/events/{event.pk}/register/")
    talent = client_for(world.talent_user)
    talent.post(f"/bookings/events/{event.pk}/register/")
    mine = Booking.objects.get(talent=world.talent)
    assert mine.status == Status.WAITLISTED
    first.post(f"/bookings/mine/{Booking.objects.get(talent__user=other).pk}/cancel/")
    mine.refresh_from_db()
    assert mine.status == Status.OFFERED
    assert "接受名额" in talent.get("/bookings/mine/").content.decode()
    talent.post(f"/bookings/mine/{mine.pk}/accept/")
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    assert talent.get(f"/bookings/mine/{mine.pk}/certificate.pdf").status_code == 404  # not attended yet
    with time_machine.travel(event.starts_at, tick=False):
        client_for(world.officer).post(f"/bookings/console/resources/{event.pk}/check-in/",
                                       {"token": capacity.ticket_token(mine)})
    response = talent.get(f"/bookings/mine/{mine.pk}/certificate.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "李明" in "\n".join(pdf_pages(response.content))


def test_an_enterprise_books_the_studio_and_the_officer_confirms(world, places, client_for):
    studio = resources.resource_create(actor=world.officer, kind="space", name="招聘直播间", max_units=3)
    hr = client_for(world.hr)
    day = (TODAY + D(days=2)).isoformat()
    hr.post(f"/bookings/spaces/{studio.pk}/book/", {"day": day, "hour": "19", "hours": "1", "purpose": "校招直播"})
    booking = Booking.objects.get(resource=studio)
    assert (booking.status, booking.enterprise_id) == (Status.PENDING, world.hr.enterprise_id)
    clash = hr.post(f"/bookings/spaces/{studio.pk}/book/", {"day": day, "hour": "19", "hours": "1"}, follow=True)
    assert "已被预约" in clash.content.decode() and Booking.objects.count() == 1
    console = client_for(world.officer)
    assert f'data-booking="{booking.pk}"' in console.get("/bookings/console/").content.decode()
    console.post(f"/bookings/console/bookings/{booking.pk}/decide/", {"approve": "1"})
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert 'data-hour="19" data-free="0"' in hr.get(f"/bookings/spaces/{studio.pk}/?day={day}").content.decode()


def test_a_partner_refers_a_talent_and_sees_the_outcome(world, places, client_for):
    resources.partner_create(actor=world.officer, name="西湖商会", kind=PartnerKind.CHAMBER,
                             enterprise=world.hr.enterprise)
    hr = client_for(world.hr)
    hr.post("/bookings/partner/", {"name": "李明", "phone": "13800000001", "target": "event",
                                   "event": str(places["event"].pk)})
    talent = client_for(world.talent_user)
    referral_id = re.search(r'data-referral="(\d+)"', talent.get("/bookings/mine/").content.decode()).group(1)
    talent.post(f"/bookings/referrals/{referral_id}/answer/", {"accept": "1"})
    portal = hr.get("/bookings/partner/").content.decode()
    assert "李*" in portal and "已确认" in portal and "李明" not in portal
    office = client_for(world.officer).get("/bookings/console/partners/").content.decode()
    assert "西湖商会" in office


def test_the_report_page_and_the_upkeep_command(world, places, client_for):
    talent = client_for(world.talent_user)
    talent.post(f"/bookings/lodging/{places['station'].pk}/book/", {"first_day": TODAY.isoformat(), "nights": "1"})
    out = StringIO()
    call_command("bookings", "tick", "--at", at(TODAY, 22, 30).isoformat(), stdout=out)
    assert out.getvalue().strip() == "0 offers expired, 1 no-shows marked"
    page = client_for(world.officer).get(f"/bookings/console/report/?from={TODAY}&to={TODAY + D(days=9)}")
    assert page.status_code == 200 and f'data-station="{places["station"].pk}"' in page.content.decode()


def test_the_ticket_s_qr_code_is_drawn_once_and_stays_a_valid_ticket(world, places):
    """The QR code is kept per booking: drawn later it is the same picture, and the code drawn is a ticket that
    checks in at its own station only."""
    booking = services.lodging_book(actor=world.talent_user, station=places["station"], first_day=TODAY, nights=1)
    capacity._ticket_svg.cache_clear()
    with time_machine.travel(NOW, tick=False):
        drawn = capacity.ticket_svg(booking)
        token = capacity.ticket_token(booking)
    assert drawn == segno.make(token, error="m").svg_inline(scale=4, border=2)
    with time_machine.travel(NOW + D(hours=5), tick=False):
        assert capacity.ticket_svg(booking) == drawn
    assert capacity.ticket_read(token, resource=places["station"]).pk == booking.pk
    with pytest.raises(ApplicationError):
        capacity.ticket_read(token, resource=places["event"])
