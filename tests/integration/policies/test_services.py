"""Sync, drafts, checks, publishing and retiring: exact outcomes, and for a refusal, that nothing changed."""

from __future__ import annotations

import pytest
from factories.policies import run_draft_checks

from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent
from talentpool.policies.approvals import (
    policy_approval_approve,
    policy_publish_request,
    policy_retire_request,
)
from talentpool.policies.documents import SHIPPED_DIR
from talentpool.policies.models import PolicyVersion, VersionStatus
from talentpool.policies.services import (
    policy_draft_create,
    policy_draft_update,
    policy_sync_shipped,
    policy_version_check,
)

CODE = "hz-graduate-living"
CITY = "330100"  # the shipped Hangzhou policies belong to the city: its officers change them


def state():
    return (list(PolicyVersion.objects.order_by("pk").values_list("pk", "status", "source")),
            AuditEvent.objects.count())


@pytest.mark.django_db
def test_sync_is_idempotent_and_reports_a_changed_shipped_text(tmp_path, make_user):
    first = policy_sync_shipped()
    files = sorted(SHIPPED_DIR.glob("*.yaml"))
    assert len(first["created"]) >= len(files) and not first["invalid"] and not first["changed"]
    assert PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED, tests_passed=True).count() == len(first["created"])
    before = state()
    again = policy_sync_shipped()
    assert again["created"] == [] and sorted(again["unchanged"]) == sorted(first["created"])
    assert state() == before
    changed = tmp_path / "living.yaml"
    changed.write_text((SHIPPED_DIR / f"{CODE}.yaml").read_text().replace("杭州市应届", "杭州应届"))
    report = policy_sync_shipped(directory=tmp_path)
    # nobody was judged under them and no officer acted on them: the new text replaces the stored one
    assert [item.split(":")[0] for item in sorted(report["updated"])] == [f"{CODE} v1", f"{CODE} v2"]
    assert report["drafted"] == report["changed"] == report["invalid"] == []
    stored = PolicyVersion.objects.filter(policy__code=CODE).order_by("version")
    assert [("杭州应届" in v.source, v.status) for v in stored] == [(True, "published"), (True, "published")]
    assert PolicyVersion.objects.filter(policy__code=CODE).count() == 2
    again = policy_sync_shipped(directory=tmp_path)
    assert sorted(again["unchanged"]) == [f"{CODE} v1", f"{CODE} v2"] and again["updated"] == []


@pytest.mark.django_db
def test_sync_drafts_a_changed_text_of_a_version_in_use_once(tmp_path, make_user):
    policy_sync_shipped()
    officer = make_user("officer", scope_division=CITY)
    v2 = PolicyVersion.objects.get(policy__code=CODE, version=2)
    policy_draft_create(actor=officer, version=v2, parameter_values={"window_months": [{"from": "2019-06-03", "value": "30"}]})
    changed = tmp_path / "living.yaml"
    changed.write_text((SHIPPED_DIR / f"{CODE}.yaml").read_text().replace("杭州市应届", "杭州应届"))
    report = policy_sync_shipped(directory=tmp_path)
    # v1 is untouched (updated in place); v2 has an officer's draft based on it: the new text becomes draft v4
    assert [item.split(":")[0] for item in report["updated"]] == [f"{CODE} v1"]
    assert [item.split(":")[0] for item in report["drafted"]] == [f"{CODE} v2"] and "v4" in report["drafted"][0]
    v2.refresh_from_db()
    draft = PolicyVersion.objects.get(policy__code=CODE, version=4)
    assert "杭州应届" not in v2.source and v2.status == "published"
    assert (draft.status, draft.based_on, draft.tests_passed, "杭州应届" in draft.source, "version: 4" in draft.source) == (
        "draft", v2, True, True, True)
    events = list(AuditEvent.objects.filter(target=f"policy:{CODE}:v4").values_list("detail__event", flat=True))
    assert events == ["policy_sync_draft"]
    again = policy_sync_shipped(directory=tmp_path)
    assert [item.split(":")[0] for item in again["changed"]] == [f"{CODE} v2"] and again["drafted"] == []
    assert PolicyVersion.objects.filter(policy__code=CODE).count() == 4


@pytest.mark.django_db
def test_draft_with_a_parameter_change_checks_and_publishes(make_user, shipped):
    officer = make_user("officer", scope_division=CITY)
    second = make_user("officer", scope_division=CITY)
    v1 = PolicyVersion.objects.get(policy__code=CODE, version=2)  # the version in force now
    draft = policy_draft_create(actor=officer, version=v1,
                                parameter_values={"window_months": [{"from": "2019-06-03", "value": "24"}],
                                                  "age_limit": [{"from": "2019-06-03", "value": 35},
                                                                {"from": "2025-01-01", "value": "40"}]})
    assert (draft.version, draft.status, draft.based_on, draft.tests_passed) == (3, "draft", v1, None)
    assert "version: 3" in draft.source and "value: 40" in draft.source
    with pytest.raises(ApplicationError) as info:  # its checks have not run yet
        policy_publish_request(actor=officer, draft=draft)
    assert info.value.code == "checks_pending"
    run_draft_checks()
    draft.refresh_from_db()
    assert draft.tests_passed is True
    assert all(c["passed"] for c in draft.tests_report) and draft.validation_report == []
    asked = policy_publish_request(actor=officer, draft=draft)
    policy_approval_approve(actor=second, approval=asked)
    published = PolicyVersion.objects.get(pk=draft.pk)
    v1.refresh_from_db()
    assert (published.status, v1.status, published.published_by, v1.retired_by) == ("published", "retired", second, second)
    events = list(AuditEvent.objects.filter(target__startswith=f"policy:{CODE}:").values_list("detail__event", flat=True))
    assert sorted(events) == sorted(["policy_sync_shipped", "policy_sync_shipped",  # its two shipped versions
                                     "policy_draft_create", "policy_publish_request", "policy_publish_approve"])
    policy_approval_approve(actor=officer, approval=policy_retire_request(actor=second, version=published))
    published.refresh_from_db()
    assert (published.status, published.retired_by) == ("retired", officer)


@pytest.mark.django_db
def test_a_draft_whose_test_case_fails_is_kept_but_cannot_be_published(make_user, shipped):
    officer = make_user("officer", scope_division=CITY)
    v1 = PolicyVersion.objects.get(policy__code=CODE, version=2)  # the version in force now
    draft = policy_draft_create(actor=officer, version=v1,
                                parameter_values={"amount_bachelor": [{"from": "2019-06-03", "value": "12000"}]})
    run_draft_checks()
    draft.refresh_from_db()
    assert draft.tests_passed is False
    failing = [c for c in draft.tests_report if not c["passed"]]
    assert failing and "amount 12000.00 (expected 10000.00)" in failing[0]["problems"][0]
    before = state()
    with pytest.raises(ApplicationError) as info:
        policy_publish_request(actor=officer, draft=draft)
    assert info.value.code == "tests_failed"
    assert state() == before


@pytest.mark.django_db
def test_an_invalid_document_is_refused_with_line_and_reason_and_nothing_changes(make_user, shipped):
    officer = make_user("officer", scope_division=CITY)
    v1 = PolicyVersion.objects.get(policy__code=CODE, version=2)  # the version in force now
    before = state()
    lines = v1.source.splitlines()
    colour = v1.source.replace("entity: person", "entity: person\ncolour: blue")
    with pytest.raises(ApplicationError) as info:
        policy_draft_create(actor=officer, version=v1, source=colour)
    (problem,) = info.value.extra["problems"]
    assert problem["line"] == lines.index("entity: person") + 2 and "unknown field 'colour'" in problem["message"]
    bad = v1.source.replace("when: degree_rank >= 2", "when: salary >= 2")
    with pytest.raises(ApplicationError) as info:
        policy_draft_create(actor=officer, version=v1, source=bad)
    (problem,) = info.value.extra["problems"]
    assert problem["line"] == lines.index("    when: degree_rank >= 2") + 1
    assert "reads 'salary', which the registry does not have" in problem["message"]
    with pytest.raises(ApplicationError):
        policy_draft_create(actor=officer, version=v1, source="code: [unclosed")
    with pytest.raises(ApplicationError) as info:
        policy_draft_create(actor=officer, version=v1, parameter_values={"window_months": [{"from": "2019-06-03",
                                                                                            "value": "many"}]})
    assert info.value.code == "parameter_invalid"
    assert state() == before
    # the same check on a draft that exists: updating it with a bad text changes nothing either
    draft = policy_draft_create(actor=officer, version=v1)
    before = state()
    with pytest.raises(ApplicationError):
        policy_draft_update(actor=officer, draft=draft, source=bad)
    assert state() == before


@pytest.mark.django_db
def test_overlapping_versions_are_refused(shipped):
    v1 = PolicyVersion.objects.get(policy__code=CODE, version=2)  # the version in force now
    # a third version starting while v2 is in force, not replacing it
    report = policy_version_check(v1.source.replace("version: 2", "version: 3"), code=CODE, number=3)
    assert not report.ok and any("is still in force" in p["message"] for p in report.problems)
    # the same document replacing v2 is fine
    assert policy_version_check(v1.source.replace("version: 2", "version: 3"), code=CODE, number=3, replaces=v1).ok
