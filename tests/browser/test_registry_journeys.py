"""Journeys over the registry in a real browser: officer search and audited visit, talent profile and
correction, enterprise staff certification, administrator audit search and unlock."""

import pytest
from factories.world import build_world

from talentpool.core.models import AuditEvent
from talentpool.registry.models import CorrectionRequest, Employment

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    from talentpool.reference.services import reference_load

    reference_load()  # pages show names for codes
    return build_world()


def _from_home(page, href: str) -> None:
    """Each role lands on its home page (what needs attention, then its pages): open one of its pages from there."""
    assert page.url.endswith("/")
    with page.expect_navigation():
        page.locator(f"main a[href='{href}']").first.click()


def test_officer_searches_and_opens_a_talent(page, shot, login, world):
    login(page, world.officer)
    _from_home(page, "/registry/talents/")
    shot(page, "registry-home")
    page.fill("#id_q", "李")
    page.click("#talent-search button[type=submit]")
    shot(page, "search-by-name")
    rows = page.locator("#talent-results tbody tr")
    assert rows.count() == 1 and "李明" in rows.first.inner_text()
    assert world.talent.id_masked in rows.first.inner_text()

    page.fill("#id_q", world.talent.id_masked)
    page.click("#talent-search button[type=submit]")
    shot(page, "search-by-masked-id")
    assert page.locator("#talent-results tbody tr").count() == 1

    page.click("#talent-results a:has-text('李明')")
    shot(page, "talent-page")
    assert page.locator("#timeline li").count() >= 3
    assert page.locator("#id-number").inner_text() == world.talent.id_masked
    assert AuditEvent.objects.filter(action="view_person", subject_talent_id=world.talent.pk).count() == 1

    page.fill("#reveal-reason", "核对身份信息")
    page.click("#reveal")
    shot(page, "id-revealed")
    revealed = page.locator("#id-number").inner_text()
    assert len(revealed) == 18 and "*" not in revealed and revealed.endswith(world.talent.id_tail)
    assert AuditEvent.objects.filter(action="reveal_id", subject_talent_id=world.talent.pk).count() == 1


def test_talent_sees_profile_and_asks_for_a_correction(page, shot, login, world):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    login(page, world.talent_user)
    _from_home(page, "/registry/me/")
    shot(page, "my-profile")
    assert "李明" in page.locator("main").inner_text()
    assert page.locator("table.education tbody tr").count() == 1
    page.fill("#id_message", "我的入职日期应为2024年7月10日")
    page.click("#correction button[type=submit]")
    shot(page, "correction-sent")
    assert CorrectionRequest.objects.filter(talent=world.talent, status="open").count() == 1
    assert "2024年7月10日" in page.locator("#correction").inner_text()

    # a long unbroken text wraps: the phone page does not grow wider than the phone
    page.fill("#id_message", "错" * 5 + "x" * 1990)
    page.click("#correction button[type=submit]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot(page, "long-correction-wrapped")

    # a correction with its field and value: a bad date is refused beside the field, the text kept
    page.select_option("#id_field", "birth_date")
    page.fill("#id_requested_value", "2001/03/19")
    page.fill("#id_message", "身份证上的出生日期是3月19日")
    page.click("#correction button[type=submit]")
    shot(page, "correction-bad-date")
    assert "2024-07-01" in page.locator("#correction .errorlist").inner_text()
    assert page.locator("#id_message").input_value() == "身份证上的出生日期是3月19日"
    page.fill("#id_requested_value", "2001-03-19")
    page.click("#correction button[type=submit]")
    assert CorrectionRequest.objects.filter(talent=world.talent, field="birth_date").count() == 1

    # the value is given as its field wants it: a division is picked, owning property is a checkbox
    page.select_option("#id_field", "residence_division")
    assert page.locator("#id_requested_division").is_visible() and not page.locator("#id_requested_value").is_visible()
    assert page.locator("#id_requested_division").get_attribute("data-picker") == "/api/v1/reference/divisions"
    page.select_option("#id_field", "owns_property")
    assert page.locator("#id_requested_owns").is_visible() and not page.locator("#id_requested_division").is_visible()
    shot(page, "correction-owns-property-checkbox")
    page.check("#id_requested_owns")
    page.click("#correction button[type=submit]")
    assert CorrectionRequest.objects.get(talent=world.talent, field="owns_property").requested_value == "yes"

    # the officer of the district decides it beside the current value
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, world.officer)
    page.click("nav a[href='/registry/corrections/']")
    shot(page, "officer-correction-queue")
    row = page.locator("#correction-queue tbody tr:has-text('出生日期')")
    assert "2001-03-09" in row.inner_text() and "2001-03-19" in row.inner_text()
    row.locator("a").first.click()
    shot(page, "officer-correction-compare")
    page.click("#correction-decision button[value=accept]")
    shot(page, "officer-correction-accepted")
    assert "李明" in page.locator(".messages").inner_text()
    world.talent.refresh_from_db()
    assert str(world.talent.birth_date) == "2001-03-19"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.talent_user)
    page.goto("/registry/me/#correction")
    shot(page, "talent-correction-answered")
    assert "已同意" in page.locator("#correction").inner_text()
    assert page.locator(".notices-link .count").count() == 1


def test_enterprise_certifies_a_staff_member(page, shot, login, world):
    login(page, world.hr)
    _from_home(page, "/registry/my-enterprise/")
    shot(page, "my-enterprise")
    staff = page.locator("#staff tbody tr")
    assert staff.count() == 2
    page.locator("#staff tr:has-text('王芳') button.certify").click()
    shot(page, "certified")
    assert Employment.objects.get(talent=world.colleague).certified_at is not None
    assert page.locator("#staff tr:has-text('王芳') .ok").is_visible()


def test_admin_searches_the_audit_trail(page, shot, login, world, client):
    client.force_login(world.officer)
    client.get(f"/registry/talents/{world.talent.pk}/")
    login(page, world.admin)
    page.goto("/audit/")
    page.fill("#id_actor", "officer")
    page.select_option("#id_action", "view_person")
    page.click("form.filters button[type=submit]")
    shot(page, "audit-search")
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 1 and world.talent.name in rows.first.inner_text()  # the record named, not its key
