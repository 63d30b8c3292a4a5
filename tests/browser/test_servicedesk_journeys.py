"""Service desk journeys. The talent, on a phone: browse the catalogue by life stage, ask for a CV review with a
file, answer the officer's question, rate the resolved request. The officer, on a desktop: the queue, the ticket,
ask the talent and wait, resolve. The team lead: reassign the ticket, the dashboard, mark an officer away."""

import pytest
from factories.world import build_world

from talentpool.accounts.models import Role, User
from talentpool.servicedesk.catalogue import catalogue_sync
from talentpool.servicedesk.models import DeskOfficer, Office, Service, Team, Ticket

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    catalogue_sync(Office, Team, Service)
    w = build_world()
    lead = DeskOfficer.objects.create(user=w.officer)
    second = DeskOfficer.objects.create(user=User.objects.create(username="desk2", role=Role.OFFICER,
                                                                 scope_division="330106", display_name="周敏"))
    for team in Team.objects.all():
        team.officers.add(lead, second)
    Team.objects.update(lead=w.officer)
    return w


def test_talent_asks_officer_pauses_and_resolves_talent_rates(page, shot, login, world, tmp_path):
    page.set_viewport_size(PHONE)
    login(page, world.talent_user)
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

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 860})
    login(page, world.officer)
    page.click("nav a[href='/services/console/']")
    shot(page, "queue")
    page.click(f"#queue tr[data-ticket='{ticket.pk}'] a")
    other = DeskOfficer.objects.exclude(pk=ticket.assignee_id).get()
    page.select_option("#officer", str(other.pk))  # the lead hands it to the other officer
    page.click("button[value=assign]")
    ticket.refresh_from_db()
    assert ticket.assignee == other
    page.fill("#body", "请补充一份成绩单。")
    page.click("#reply-form button[value=pause]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "waiting"
    shot(page, "waiting")

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login(page, world.talent_user)
    page.goto(f"/services/mine/{ticket.pk}/")
    page.fill("#body", "成绩单已补充。")
    page.click("#reply-form button[value=reply]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "open"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 860})
    login(page, world.officer)
    page.goto(f"/services/console/{ticket.pk}/")
    page.fill("#body", "简历已修改，请查收。")
    page.click("#reply-form button[value=resolve]")
    assert page.locator("#ticket-status").get_attribute("data-status") == "resolved"
    page.goto("/services/dashboard/")
    shot(page, "dashboard")
    page.click(f"#officers tr[data-officer='{other.pk}'] button[value=away]")
    other.refresh_from_db()
    assert other.away is True

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login(page, world.talent_user)
    page.goto(f"/services/mine/{ticket.pk}/")
    page.select_option("#rating", "5")
    page.fill("#comment", "很专业")
    page.click("#rate-form button[value=close]")
    shot(page, "rated")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == ("closed", 5)
    assert page.locator(".message[data-kind='note']").count() == 0
