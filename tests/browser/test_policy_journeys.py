"""Officer journey 3 (open a policy, read its criteria, edit a parameter in a draft, run its test cases, see the
what-if, ask to publish; a second officer approves) and talent journey 2 (what policy gives me, why, object,
follow the answer)."""

import pytest
from factories.policies import shipped_policies
from factories.world import PASSWORD, build_world

from talentpool.accounts.models import Role, User
from talentpool.policies.models import Objection, PolicyVersion

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    from talentpool.policies.selectors import policy_cache_clear
    from talentpool.reference.services import reference_load

    reference_load()
    policy_cache_clear()
    w = build_world()
    shipped_policies()
    return w


def _city_officer(username: str) -> User:
    """The shipped Hangzhou policies belong to the city (330100): its officers change them."""
    user = User(username=username, role=Role.OFFICER, scope_division="330100", display_name=f"杭州市人才办 {username}")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_officer_edits_a_parameter_sees_the_whatif_and_publishes(page, shot, login, world):
    city, second = _city_officer("city"), _city_officer("city2")
    login(page, city)
    page.click("nav >> text=政策")
    shot(page, "policy-list")
    page.click("#policy-table a:has-text('杭州市应届高校毕业生生活补贴')")
    shot(page, "policy-detail")
    assert page.locator("ol.criteria li").count() >= 8
    assert page.locator("#test-cases .ok").count() >= 8
    page.click("#edit-parameters")
    shot(page, "draft-form")
    page.fill("input[name='p-age_limit-0-value']", "40")
    page.click("#draft-form button[type=submit]")
    shot(page, "draft-created")
    assert "✓" in page.locator("#tests-result").inner_text()
    page.fill("#as_of", "2025-03-01")
    page.click("#run-whatif")
    shot(page, "whatif")
    assert page.locator("#whatif-result").is_visible()
    assert page.locator("table.whatif-split").count() == 4
    widths = page.eval_on_selector_all("table.whatif-split .bar", "bars => bars.map(b => b.style.width)")
    assert widths and all(w.endswith("%") for w in widths) and "100%" in widths  # set by static/js from data-width
    page.fill("#publish-reason", "年龄上限放宽至40周岁")
    page.once("dialog", lambda dialog: dialog.accept())  # publishing asks first
    page.click("#publish")
    shot(page, "publication-asked")
    assert page.locator("#pending-approval").is_visible()
    draft = PolicyVersion.objects.get(policy__code="hz-graduate-living", version=3)  # v1 ended 2021-10-14, v2 in force
    assert draft.status == "draft"
    page.context.clear_cookies()
    login(page, second)
    page.goto("/policies/")
    shot(page, "waiting-for-approval")
    waiting = page.locator("#approvals-waiting")
    assert "年龄上限放宽至40周岁" in waiting.inner_text()
    waiting.locator("button.approve").first.click()
    page.wait_for_load_state()
    shot(page, "published")
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == ("published", second)

    # Retiring asks first (a data-confirm form, no inline script): dismissed, nothing happens; accepted, the request
    # waits for the other city officer, whose approval retires it.
    page.goto("/policies/hz-graduate-living/")
    retire = f"form[action='/policies/versions/{draft.pk}/retire/'] button"
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(retire)
    page.wait_for_load_state()
    assert page.url.endswith("/policies/hz-graduate-living/")
    draft.refresh_from_db()
    assert draft.status == "published"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click(retire)
    shot(page, "retirement-asked")
    draft.refresh_from_db()
    assert draft.status == "published"  # retiring, like publishing, waits for a second officer
    page.context.clear_cookies()
    login(page, city)
    page.goto("/policies/")
    page.locator("#approvals-waiting button.approve").first.click()
    page.wait_for_load_state()
    shot(page, "retired")
    draft.refresh_from_db()
    assert draft.status == "retired"


def test_talent_reads_why_and_objects(page, shot, login, world):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.talent_user)
    page.goto("/policies/mine/")
    shot(page, "what-policy-gives-me")
    cards = page.locator(".policy-card")
    assert cards.count() >= 5
    station = page.locator("#policy-hz-youth-station")
    station.locator("summary").click()
    station.locator("textarea").fill("我刚毕业，想申请青荷驿站")
    station.locator("button[type=submit]").click()
    shot(page, "objection-sent")
    assert Objection.objects.filter(talent=world.talent).count() == 1
    assert page.locator("#my-objections").is_visible()
