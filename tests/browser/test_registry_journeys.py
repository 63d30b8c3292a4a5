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


def test_officer_searches_and_opens_a_talent(page, shot, login, world):
    login(page, world.officer)
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
    shot(page, "my-profile")
    assert "李明" in page.locator("main").inner_text()
    assert page.locator("table.education tbody tr").count() == 1
    page.fill("#id_message", "我的入职日期应为2024年7月10日")
    page.click("#correction button[type=submit]")
    shot(page, "correction-sent")
    assert CorrectionRequest.objects.filter(talent=world.talent, status="open").count() == 1
    assert "2024年7月10日" in page.locator("#correction").inner_text()


def test_enterprise_certifies_a_staff_member(page, shot, login, world):
    login(page, world.hr)
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
    assert rows.count() == 1 and f"talent:{world.talent.pk}" in rows.first.inner_text()
