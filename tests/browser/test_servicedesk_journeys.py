"""Service desk journeys, one ticket from asking to rating. The talent, on a phone: browse the catalogue by life
stage, ask for a CV review with a file, answer the officer's question, rate the resolved request. The service
officer, on a desktop: the queue, the ticket, a reply, ask the talent and wait, resolve. The team lead: the
dashboard's tickets at risk (after the sweep), reassign one there, mark an officer away. The head enters a calendar
day and names a talent's one-to-one officer by hand.

The clock starts on Tuesday 8 October 2024 09:00 in Shanghai and runs on (so every deadline is inside the calendar
chinesecalendar knows, whatever the day the test runs); cookies are kept for the browser session, as their expiry
would otherwise be read against the real date."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories.world import build_world

from talentpool.accounts.models import Role, User
from talentpool.servicedesk.catalogue import catalogue_sync
from talentpool.servicedesk.models import (
    CalendarException,
    DeskOfficer,
    Office,
    OneToOne,
    Service,
    Team,
    Ticket,
)
from talentpool.servicedesk.tasks import sla_sweep

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
START = dt.datetime(2024, 10, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def world(transactional_db, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    catalogue_sync(Office, Team, Service)
    w = build_world()
    lead = DeskOfficer.objects.create(user=w.officer)
    second = DeskOfficer.objects.create(user=User.objects.create(username="desk2", role=Role.OFFICER,
                                                                 scope_division="330106", display_name="周敏"))
    for team in Team.objects.all():
        team.officers.add(lead, second)
    Team.objects.update(lead=w.officer)
    Office.objects.update(head=w.officer)  # the lead heads the office too: one login for the office's pages
    return w


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=True):
        yield


def as_user(page, login, user, viewport) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    login(page, user)


def test_talent_asks_officer_replies_pauses_and_resolves_lead_reassigns_talent_rates(page, shot, login, world,
                                                                                    clock, tmp_path):
    # the talent asks, on a phone
    as_user(page, login, world.talent_user, PHONE)
    page.click("[data-nav-toggle]")  # the phone's menu
    page.click("nav a[href='/services/']")
    page.click("#stages a[href='?stage=graduation']")
    shot(page, "catalogue-graduation")
    assert page.locator("[data-service='resume-clinic'][data-may='yes']").count() == 1
    page.click("[data-service='resume-clinic'] a.button")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4\n% a CV\n")
    page.fill("#body", "请帮我看看简历，谢谢。")
    page.set_input_files("#files", str(cv))
    shot(page, "ask")
    page.click("#ask-form button[type=submit]")
    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/services/mine/{ticket.pk}/")
    assert page.locator("#files-list a").inner_text() == "cv.pdf"

    # the officer: queue, ticket, a reply, then a question that waits for the talent
    as_user(page, login, world.officer, DESKTOP)
    page.click("nav a[href='/services/console/']")
    assert page.locator(f"#queue tr[data-ticket='{ticket.pk}']").count() == 1
    shot(page, "queue")
    page.click(f"#queue tr[data-ticket='{ticket.pk}'] a")
    page.fill("#body", "收到，我们正在看。")
    page.click("#reply-form button[value=reply]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "open"
    page.fill("#body", "请补充一份成绩单。")
    page.click("#reply-form button[value=pause]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "waiting"
    shot(page, "waiting")

    # the talent answers
    as_user(page, login, world.talent_user, PHONE)
    page.goto(f"/services/mine/{ticket.pk}/")
    assert page.locator(".message", has_text="收到，我们正在看。").count() == 1
    page.fill("#body", "成绩单已补充。")
    page.click("#reply-form button[value=reply]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "open"

    # three weeks on the sweep has escalated it; the lead hands it on from the dashboard and marks the other away
    sla_sweep(START + dt.timedelta(days=21))
    as_user(page, login, world.officer, DESKTOP)
    page.goto("/services/dashboard/")
    row = page.locator(f"#at-risk tr[data-ticket='{ticket.pk}']")
    assert row.get_attribute("data-sla") == "breached"
    other = DeskOfficer.objects.exclude(pk=Ticket.objects.get().assignee_id).get()
    row.locator("select[name=officer]").select_option(str(other.pk))
    shot(page, "dashboard-at-risk")
    row.locator("button[value=assign]").click()
    assert Ticket.objects.get().assignee == other
    page.click(f"#officers tr[data-officer='{other.pk}'] button[value=away]")
    other.refresh_from_db()
    assert other.away is True

    # the officer resolves
    page.goto(f"/services/console/{ticket.pk}/")
    page.fill("#body", "简历已修改，请查收。")
    page.click("#reply-form button[value=resolve]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "resolved"

    # the talent rates it, and never saw an internal note
    as_user(page, login, world.talent_user, PHONE)
    page.goto(f"/services/mine/{ticket.pk}/")
    page.select_option("#rating", "5")
    page.fill("#comment", "很专业")
    page.click("#rate-form button[value=close]")
    shot(page, "rated")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == ("closed", 5)
    assert page.locator(".message[data-kind='note']").count() == 0


def test_the_head_enters_a_calendar_day_and_names_an_officer_by_hand(page, shot, login, world, clock):
    as_user(page, login, world.officer, DESKTOP)
    page.goto("/services/calendar/")
    page.fill("#first", "2027-02-05")
    page.fill("#last", "2027-02-13")
    page.select_option("#kind", "holiday")
    page.fill("#name", "春节")
    page.click("#day-form button[type=submit]")
    assert page.locator("#days tr[data-kind='holiday']").count() == 9
    assert page.locator("#years tr[data-year='2027']").get_attribute("data-source") == "entered"
    shot(page, "calendar")
    assert CalendarException.objects.count() == 9

    page.goto(f"/services/one-to-one/?q={world.talent.pk}")
    second = DeskOfficer.objects.get(user__username="desk2")
    form = page.locator(f"#pair-{world.talent.pk}")
    form.locator("select[name=officer]").select_option(str(second.pk))
    form.locator("button[type=submit]").click()
    pair = OneToOne.objects.get(talent=world.talent)
    assert (pair.officer, pair.manual) == (second, True)
    assert page.locator(f"#pairs tr[data-talent='{world.talent.pk}'] td[data-named]").get_attribute(
        "data-named") == "hand"
