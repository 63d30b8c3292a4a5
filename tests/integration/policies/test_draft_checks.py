"""A draft's heavy checks run in a background task (issue 13, item 2): saving a draft only checks its document, the
check is stored 'pending' until the task runs it, and publishing — by the page, the API, the CLI, and the second
officer's approval — is refused while the checks wait, failed or are stale, and accepted once they passed."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from factories.policies import run_draft_checks

from talentpool.core.errors import ApplicationError
from talentpool.policies.approvals import policy_approval_approve, policy_publish_request
from talentpool.policies.checks import check_state, latest_check
from talentpool.policies.models import PolicyApproval, PolicyCheck, PolicyVersion
from talentpool.policies.services import policy_check_request, policy_draft_create, policy_draft_update

CODE = "hz-graduate-living"
CITY = "330100"
AGE = {"age_limit": [{"from": "2019-06-03", "value": 36}]}  # every test case of the policy still passes


@pytest.fixture
def officers(make_user):
    return make_user("officer", scope_division=CITY), make_user("officer", scope_division=CITY)


def _base() -> PolicyVersion:
    return PolicyVersion.objects.select_related("policy").get(policy__code=CODE, version=2)


def _refused(draft, officer) -> str:
    with pytest.raises(ApplicationError) as info:
        policy_publish_request(actor=officer, draft=draft)
    assert not PolicyApproval.objects.filter(version=draft).exists()
    return info.value.code


@pytest.mark.django_db
def test_saving_a_draft_leaves_the_heavy_checks_pending_for_the_task(client, shipped, officers):
    client.force_login(officers[0])
    response = client.post(f"/policies/{CODE}/drafts/new/", {"p-age_limit-0-from": "2019-06-03",
                                                              "p-age_limit-0-value": "36"})
    assert response.status_code == 302
    draft = PolicyVersion.objects.get(policy__code=CODE, status="draft")
    check = PolicyCheck.objects.get(version=draft)
    # nothing heavy ran in the request: no test case result, no budget, no progress
    assert (check.status, check.done, check.result, draft.tests_passed, draft.tests_report) == (
        "pending", 0, {}, None, [])
    (ran,) = run_draft_checks()
    check.refresh_from_db()
    draft.refresh_from_db()
    cases = len(draft.tests_report)
    assert (ran.pk, check.status, check.done, check.total, draft.tests_passed) == (
        check.pk, "passed", cases + 2, cases + 2, True)
    assert check.result["passed"] == cases > 0 and check.result["failed"] == 0
    whatif = check.result["whatif"]
    assert set(whatif) >= {"talents", "budget_before", "budget_after", "budget_change"}
    page = client.get(f"/policies/drafts/{draft.pk}/").content.decode()
    assert 'id="check-budget"' in page and f"{Decimal(whatif['budget_after']):,.2f}" in page
    assert "disabled" not in page.split('id="publish"')[1][:20]
    # the published set changes: the page says the checks are stale, and runs them again on request
    PolicyVersion.objects.filter(status="published").exclude(policy__code=CODE).first().save()
    page = client.get(f"/policies/drafts/{draft.pk}/").content.decode()
    assert 'id="check-stale"' in page and "disabled" in page.split('id="publish"')[1][:20]
    assert client.post(f"/policies/drafts/{draft.pk}/check/").status_code == 302
    assert latest_check(draft).status == "pending" and latest_check(draft).pk != check.pk
    assert 'id="check-progress"' in client.get(f"/policies/drafts/{draft.pk}/").content.decode()


@pytest.mark.django_db
def test_publishing_waits_for_passed_fresh_checks(shipped, officers):
    officer, second = officers
    draft = policy_draft_create(actor=officer, version=_base(), parameter_values=AGE)
    assert _refused(draft, officer) == "checks_pending"
    run_draft_checks()
    assert check_state(draft, latest_check(draft)) == "passed"
    # another published version changes: the checks are stale until they run again
    other = PolicyVersion.objects.filter(status="published").exclude(policy__code=CODE).first()
    other.save()
    assert _refused(draft, officer) == "checks_stale"
    again = policy_check_request(actor=officer, draft=draft)
    assert again.status == "pending" and _refused(draft, officer) == "checks_pending"
    run_draft_checks()
    asked = policy_publish_request(actor=officer, draft=draft)
    # the draft's text changes after the request: the approval is refused until its new checks pass
    draft = policy_draft_update(actor=officer, draft=draft, source=draft.source.replace("value: 36", "value: 37"))
    with pytest.raises(ApplicationError) as info:
        policy_approval_approve(actor=second, approval=asked)
    assert info.value.code == "checks_pending"
    run_draft_checks()
    policy_approval_approve(actor=second, approval=asked)
    draft.refresh_from_db()
    assert draft.status == "published"


@pytest.mark.django_db
def test_a_draft_whose_checks_fail_is_refused_with_the_failing_cases(shipped, officers):
    officer = officers[0]
    draft = policy_draft_create(actor=officer, version=_base(),
                                parameter_values={"amount_bachelor": [{"from": "2019-06-03", "value": "12000"}]})
    (check,) = run_draft_checks()
    assert check.status == "failed" and check.result["failed"] >= 1
    assert check.result["whatif"]["budget_after"] is not None  # the budget is known even when a case fails
    with pytest.raises(ApplicationError) as info:
        policy_publish_request(actor=officer, draft=draft)
    assert info.value.code == "tests_failed" and info.value.extra["cases"]


@pytest.mark.django_db
def test_the_api_shows_the_check_and_refuses_to_publish_until_it_passed(client, shipped, officers):
    client.force_login(officers[0])
    made = client.post(f"/api/v1/policies/{CODE}/drafts", {"parameter_values": AGE}, content_type="application/json")
    assert made.status_code == 201 and made.json()["check"]["state"] == "pending"
    pk = made.json()["id"]
    assert client.get(f"/api/v1/policies/drafts/{pk}/check").json()["state"] == "pending"
    refused = client.post(f"/api/v1/policies/drafts/{pk}/publish")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "checks_pending"
    run_draft_checks()
    shown = client.get(f"/api/v1/policies/drafts/{pk}/check").json()
    assert (shown["state"], shown["publishable"], shown["failed"]) == ("passed", True, 0) and shown["whatif"]
    assert client.post(f"/api/v1/policies/drafts/{pk}/publish").status_code == 202
    again = client.post(f"/api/v1/policies/drafts/{pk}/check")
    assert again.status_code == 202 and again.json()["state"] == "pending"


def _cli(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_the_cli_runs_the_checks_and_publishes_only_after_they_passed(shipped, officers):
    officer = officers[0]
    waiting = policy_draft_create(actor=officer, version=_base(), parameter_values=AGE)
    with pytest.raises(CommandError, match="…"):  # the checks wait: step 0 of … (the total is not known yet)
        call_command("policies", "publish", str(waiting.pk), "--user", officer.username, stdout=io.StringIO())
    code, out = _cli("policies", "check", str(waiting.pk), "--user", officer.username)
    assert code == 0 and "checks passed" in out and "what-if on" in out and "step 1 of" in out
    code, out = _cli("policies", "publish", str(waiting.pk), "--user", officer.username)
    assert code == 0 and PolicyApproval.objects.filter(version=waiting, status="pending").exists()
    code, out = _cli("policies", "draft", CODE, "--set", "amount_bachelor=12000", "--user", officer.username)
    assert code == 1 and "FAIL" in out and "checks failed" in out
    failed = PolicyVersion.objects.filter(policy__code=CODE, status="draft").order_by("-version").first()
    with pytest.raises(CommandError, match="10,000"):  # the failing case, by its name
        call_command("policies", "publish", str(failed.pk), "--user", officer.username, stdout=io.StringIO())
