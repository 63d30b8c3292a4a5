"""Smoke test of the browser harness and the login journey: the page renders in zh-Hans, an administrator signs in
through the real form and sees the navigation shell, a wrong password is refused with a message."""

import pytest

pytestmark = pytest.mark.browser


def test_login_page_renders_in_chinese(page, shot):
    page.goto("/accounts/login/")
    shot(page, "login-page")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#id_username").is_visible()
    assert page.locator("#id_password").get_attribute("type") == "password"
    assert page.locator("form:has(#id_password) button[type=submit]").is_visible()
    # The switch offers the language that is not active: English, so the active one is Chinese.
    assert page.locator(".lang-switch button[value=en]").is_visible()


def test_admin_signs_in_and_sees_the_navigation(page, shot, login, make_user):
    admin = make_user("admin", username="admin_wang", display_name="王管理员")

    page.goto("/accounts/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", "wrong-password-1")
    shot(page, "filled-wrong-password")
    with page.expect_navigation():
        page.click("form:has(#id_password) button[type=submit]")
    shot(page, "wrong-password-refused")
    assert "/accounts/login/" in page.url
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_username").input_value() == admin.username

    login(page, admin)
    shot(page, "signed-in-home")
    nav = page.locator("nav#nav")
    assert nav.is_visible()
    assert nav.locator("a[href='/accounts/users/']").is_visible()
    whoami = page.locator(".whoami")
    assert whoami.get_attribute("data-role") == "admin"
    assert "王管理员" in whoami.inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_the_phone_menu_and_the_api_docs_work_under_the_content_security_policy(page, shot, login, make_user):
    """Behaviour comes from static/js (no inline script is allowed); the page fixture fails on any CSP block."""
    officer = make_user("officer", username="officer_li")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, officer)
    nav = page.locator("nav#nav")
    assert not nav.is_visible()
    page.click(".menu-toggle")
    shot(page, "phone-menu-open")
    assert nav.is_visible() and page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"

    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
    shot(page, "api-docs")
