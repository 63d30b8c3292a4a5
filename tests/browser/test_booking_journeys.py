"""Booking journeys in headless Chromium, three tests sharing one setup (the CI budget is tight).

- Job seeker and event-goer, on a phone: book a bed, get the QR ticket, be checked in by the station (the bed
  shows), book a second stay and cancel it; join an event's waitlist, accept the place offered when it frees up,
  be checked in, download the attendance certificate; then read the journey page.
- Enterprise and partner: book the live-streaming studio; refer 李明 to an event and see the outcome once he
  consents.
- Officer: confirm a pending stay from the console, check a guest in by the scanned ticket, read the occupancy
  report, and open a person's journey from their record.

The clock is pinned (time-machine, ticking) at a Monday morning; cookies are the browser session's, since Chromium
judges an expiry date by its own clock. 李明's graduation is set a few months back from that day, so the
youth-station policy says yes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories.policies import store_shipped
from factories.registry import make_talent
from factories.world import build_world
from playwright.sync_api import expect

from talentpool.accounts.models import Role, User
from talentpool.bookings import capacity, resources, services
from talentpool.bookings.models import Booking, EventCategory, Kind, PartnerKind, Referral, Status
from talentpool.eligibility.verdicts import verdicts_cache_clear
from talentpool.policies.selectors import policy_cache_clear
from talentpool.registry.models import Education

pytestmark = pytest.mark.browser
D = dt.timedelta
START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(START, tick=True):
        yield


@pytest.fixture
def world(clock, transactional_db):
    policy_cache_clear()
    verdicts_cache_clear()
    world = build_world()
    today = START.date()  # the pinned clock's day
    world.talent.hukou_division = "420102"
    world.talent.phone = "13800000001"
    world.talent.save()
    Education.objects.filter(talent=world.talent).update(graduation_date=today - D(days=100))
    store_shipped("hz-youth-station")
    officer = world.officer
    station = resources.resource_create(actor=officer, kind=Kind.LODGING, name="青荷驿站·西溪站", auto_confirm=True,
                                        address="西溪路 1 号")
    resources.room_add(actor=officer, station=station, name="101", beds=2)
    manual = resources.resource_create(actor=officer, kind=Kind.LODGING, name="青荷驿站·紫金港站")
    resources.room_add(actor=officer, station=manual, name="201", beds=4)
    starts = START + D(hours=2)
    lecture = resources.resource_create(actor=officer, kind=Kind.EVENT, name="西湖英才学堂 第一讲", capacity=1,
                                        auto_confirm=True, category=EventCategory.LECTURE, starts_at=starts,
                                        ends_at=starts + D(hours=2), address="人才服务中心")
    studio = resources.resource_create(actor=officer, kind=Kind.SPACE, name="直播间", auto_confirm=True, max_units=4)
    salon = resources.resource_create(actor=officer, kind=Kind.EVENT, name="青年创业沙龙", capacity=20,
                                      auto_confirm=True, starts_at=starts + D(days=3))
    world.places = {"station": station, "manual": manual, "lecture": lecture, "studio": studio, "salon": salon}
    world.today = today
    wang_user = User.objects.create(username="wf", role=Role.TALENT, password="!")
    world.wang = make_talent(name="王芳", user=wang_user, hukou_division="420102")
    Education.objects.create(talent=world.wang, degree="bachelor", graduation_date=today - D(days=100))
    return world


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_job_seeker_and_event_goer_on_a_phone(page, shot, login, world):
    places, today = world.places, world.today
    page.set_viewport_size({"width": 390, "height": 844})
    page.on("dialog", lambda dialog: dialog.accept())  # "Cancel this booking?"
    login(page, world.talent_user)
    page.goto("/bookings/lodging/")
    page.click(f"#stations li[data-station='{places['station'].pk}'] a")
    page.fill("#book-bed input[name=first_day]", today.isoformat())
    page.fill("#book-bed input[name=nights]", "2")
    shot(page, "book-a-bed")
    _submit(page, "#book-bed button[type=submit]")
    stay = Booking.objects.get(resource=places["station"])
    assert (stay.first_day, stay.units, stay.status) == (today, 2, Status.CONFIRMED)
    expect(page.locator("#qr svg")).to_be_visible()
    shot(page, "ticket-with-qr")
    services.check_in(actor=world.officer, resource=places["station"], token=capacity.ticket_token(stay))
    page.reload()
    expect(page.locator("#bed")).to_have_text("101-1")

    page.goto(f"/bookings/lodging/{places['station'].pk}/")
    page.fill("#book-bed input[name=first_day]", (today + D(days=20)).isoformat())
    page.fill("#book-bed input[name=nights]", "1")
    _submit(page, "#book-bed button[type=submit]")
    later = Booking.objects.filter(resource=places["station"]).latest("pk")
    page.goto("/bookings/mine/")
    _submit(page, f"tr[data-booking='{later.pk}'] form[action$='/cancel/'] button")
    later.refresh_from_db()
    assert later.status == Status.CANCELLED
    expect(page.locator(f"tr[data-booking='{later.pk}']")).to_have_attribute("data-status", "cancelled")
    shot(page, "stay-cancelled")

    services.event_register(actor=world.wang.user, event=places["lecture"])
    page.goto(f"/bookings/events/{places['lecture'].pk}/")
    _submit(page, "#register button")
    mine = Booking.objects.get(resource=places["lecture"], talent=world.talent)
    assert mine.status == Status.WAITLISTED
    services.booking_cancel(actor=world.wang.user, booking=Booking.objects.get(talent=world.wang))
    page.reload()
    shot(page, "place-offered")
    _submit(page, f"tr[data-booking='{mine.pk}'] form[action$='/accept/'] button")
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED
    services.check_in(actor=world.officer, resource=places["lecture"], token=capacity.ticket_token(mine),
                      now=places["lecture"].starts_at)
    page.goto(f"/bookings/mine/{mine.pk}/")
    with page.expect_download() as download:
        page.click(f"a[href='/bookings/mine/{mine.pk}/certificate.pdf']")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    shot(page, "attended-with-certificate")

    page.goto("/bookings/journey/")
    journey = page.locator("#journey")
    expect(journey).to_contain_text("西湖英才学堂 第一讲")
    expect(journey).to_contain_text("青荷驿站·西溪站")
    shot(page, "my-journey")


def test_enterprise_books_the_studio_and_partner_refers_a_talent(page, shot, login, world):
    places = world.places
    resources.partner_create(actor=world.officer, name="青年企业家协会", kind=PartnerKind.ASSOCIATION,
                             enterprise=world.hr.enterprise)
    login(page, world.hr)
    page.click("nav a[href='/bookings/spaces/']")
    page.click(f"a[href='/bookings/spaces/{places['studio'].pk}/']")
    page.select_option("#book-space select[name=hour]", "10")
    page.fill("#book-space input[name=hours]", "2")
    page.fill("#book-space input[name=purpose]", "校园招聘直播")
    shot(page, "book-the-studio")
    _submit(page, "#book-space button")
    booking = Booking.objects.get(resource=places["studio"])
    assert (booking.hour, booking.units, booking.status, booking.enterprise_id) == (10, 2, Status.CONFIRMED,
                                                                                    world.hr.enterprise_id)

    page.goto("/bookings/partner/")
    page.fill("#refer input[name=name]", "李明")
    page.fill("#refer input[name=phone]", "13800000001")
    page.select_option("#refer select[name=target]", "event")
    page.select_option("#refer select[name=event]", str(places["salon"].pk))
    shot(page, "refer-a-talent")
    _submit(page, "#refer button")
    referral = Referral.objects.get()
    outcome = page.locator(f"tr[data-referral='{referral.pk}'] .outcome")
    waiting = outcome.inner_text()
    resources.referral_answer(actor=world.talent_user, referral=referral, accept=True)
    page.reload()
    expect(outcome).not_to_have_text(waiting)
    assert Booking.objects.get(resource=places["salon"]).partner_id == referral.partner_id
    shot(page, "referral-outcome")


def test_officer_confirms_checks_in_reads_the_report_and_a_journey(page, shot, login, world):
    places, today = world.places, world.today
    pending = services.lodging_book(actor=world.talent_user, station=places["manual"], first_day=today + D(days=5),
                                    nights=1)
    guest = services.lodging_book(actor=world.wang.user, station=places["station"], first_day=today, nights=1)
    login(page, world.officer)
    page.click("nav a[href='/bookings/console/']")
    shot(page, "console-to-confirm")
    _submit(page, f"#pending tr[data-booking='{pending.pk}'] button[name=approve][value='1']")
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED
    expect(page.locator(f"#pending tr[data-booking='{pending.pk}']")).to_have_count(0)

    page.goto(f"/bookings/console/resources/{places['station'].pk}/")
    page.fill("#check-in input[name=token]", capacity.ticket_token(guest))
    _submit(page, "#check-in button")
    expect(page.locator(f"tr[data-booking='{guest.pk}']")).to_have_attribute("data-status", "attended")
    shot(page, "guest-checked-in")

    page.goto("/bookings/console/")
    page.click("a[href='/bookings/console/report/']")
    row = page.locator(f"#report tr[data-station='{places['station'].pk}']")
    expect(row).to_contain_text("青荷驿站·西溪站")
    expect(row.locator("td").nth(5)).to_have_text("1")  # checked in
    shot(page, "occupancy-report")

    page.goto(f"/registry/talents/{world.talent.pk}/")
    _submit(page, "#journey-link")
    expect(page.locator("#journey")).to_contain_text("青荷驿站·紫金港站")
    shot(page, "a-talents-journey")
