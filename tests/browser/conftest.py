"""Headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright for Python, against ``live_server``.

- ``browser`` (session): one Chromium for the whole run. No ``playwright install``: Debian's binary is used.
- ``page`` (function): a fresh context (cookies, storage) in zh-Hans; override the ``browser_locale`` fixture
  in a module to test another language.
- ``login(page, user, password=PASSWORD)`` signs in through the real login form.
- ``shot(page, name)`` saves artifacts/screenshots/<test>/NN-name.png; every step of a browser test keeps one.
  A failing test also gets a ``failure.png`` of the page as it was.

Browser tests use ``live_server``, so their database is transactional: what a test creates is committed and the
server thread sees it. If Chromium is missing the tests fail (CI must not pass silently);
TALENTPOOL_SKIP_BROWSER=1 skips them for quick local runs.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from factories.world import PASSWORD

CHROMIUM = Path(os.environ.get("TALENTPOOL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SKIP = os.environ.get("TALENTPOOL_SKIP_BROWSER") == "1"

# Playwright's sync API keeps an asyncio loop in the main thread; Django would then refuse ORM calls made by the
# test itself (SynchronousOnlyOperation). The test code is synchronous, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if SKIP:
                item.add_marker(pytest.mark.skip(reason="TALENTPOOL_SKIP_BROWSER=1"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: browser tests need Debian's chromium, chromium-driver and fonts-noto-cjk "
            "(scripts/test installs them as root). Set TALENTPOOL_SKIP_BROWSER=1 to skip them locally.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_locale() -> str:
    return "zh-Hans"


@pytest.fixture
def page(request, browser, live_server, transactional_db, browser_locale):
    context = browser.new_context(
        locale=browser_locale,
        base_url=live_server.url,
        viewport={"width": 1280, "height": 860},
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    # Every page runs under the production Content-Security-Policy: anything it blocks fails the test.
    blocked: list[str] = []
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        try:
            _shots_dir(request.node.name).mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(_shots_dir(request.node.name) / "failure.png"), full_page=True)
        except Exception:  # noqa: BLE001 - the page may be gone; the test failure is what matters
            pass
    context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


def _shots_dir(test_name: str) -> Path:
    return SCREENSHOTS / re.sub(r"[^\w.\-]+", "_", test_name).strip("_")


@pytest.fixture
def shot(request) -> Callable:
    """``shot(page, name)`` saves a full-page PNG, numbered in the order taken, and returns its path."""
    folder = _shots_dir(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    taken = 0

    def take(page, name: str) -> Path:
        nonlocal taken
        taken += 1
        slug = re.sub(r"[^\w.\-]+", "_", name)
        path = folder / f"{taken:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login() -> Callable:
    """``login(page, user, password=PASSWORD)`` signs in through the login form and waits for the next page."""

    def sign_in(page, user, password: str = PASSWORD, *, expect_success: bool = True) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form:has(#id_password) button[type=submit]")
        if expect_success:
            assert "/accounts/login/" not in page.url, f"login as {user.username} failed: still on {page.url}"

    return sign_in
