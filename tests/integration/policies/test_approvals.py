"""Who may change a policy, and four eyes on publishing and retiring it (issue 10, item 6).

A policy belongs to a division (the city 330100 or a district); only officers whose scope covers it draft, ask to
publish or retire, approve or decline; the officer who asked may not approve. The service refuses, so the pages
and the API refuse too: a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation
from factories.policies import run_draft_checks, store_shipped

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditEvent
from talentpool.policies.approvals import (
    policy_approval_approve,
    policy_approval_decline,
    policy_publish_request,
    policy_retire_request,
)
from talentpool.policies.documents import SHIPPED_DIR
from talentpool.policies.models import PolicyApproval, PolicyVersion
from talentpool.policies.services import policy_draft_create, policy_sync_shipped

YUHANG = "yh-living-settling"
CITY_CODE = "hz-graduate-living"


def _state():
    return (list(PolicyVersion.objects.order_by("pk").values_list("pk", "status", "published_by", "retired_by")),
            list(PolicyApproval.objects.order_by("pk").values_list("pk", "status", "decided_by")),
            AuditEvent.objects.count())


@pytest.fixture
def offices(db, make_user):
    """The Yuhang and the city living subsidies in force (stored without running their cases), and officers of
    Xihu (330106), Yuhang (330110, two of them) and the city (330100)."""
    store_shipped(YUHANG)
    store_shipped(CITY_CODE)
    return {
        "xihu": make_user("officer", username="xihu", scope_division="330106"),
        "yuhang": make_user("officer", username="yuhang", scope_division="330110"),
        "yuhang2": make_user("officer", username="yuhang2", scope_division="330110"),
        "city": make_user("officer", username="city", scope_division="330100"),
        "city2": make_user("officer", username="city2", scope_division="330100"),
    }


def _yuhang_in_force() -> PolicyVersion:
    return PolicyVersion.objects.select_related("policy").get(policy__code=YUHANG, version=2)


def test_owners_come_from_the_shipped_documents(shipped):
    owners = dict(PolicyVersion.objects.values_list("policy__code", "policy__owner_division"))
    assert owners == {YUHANG: "330110", CITY_CODE: "330100", "hz-graduate-rent": "330100",
                      "hz-talent-home-purchase": "330100", "hz-youth-station": "330100",
                      "hz-youth-welcome-pack": "330100", "hz-graduate-living-outer": "330100"}


def test_a_xihu_officer_cannot_draft_ask_or_approve_on_a_yuhang_policy(offices):
    version = _yuhang_in_force()
    before = _state()
    for attempt in (lambda: policy_retire_request(actor=offices["xihu"], version=version),
                    lambda: policy_draft_create(actor=offices["xihu"], version=version)):
        with pytest.raises(PermissionDeniedError) as info:
            attempt()
        assert info.value.code == "policy_scope"
    asked = policy_retire_request(actor=offices["yuhang"], version=version)
    before = _state()
    with pytest.raises(PermissionDeniedError) as info:
        policy_approval_approve(actor=offices["xihu"], approval=asked)
    assert info.value.code == "policy_scope"
    with pytest.raises(PermissionDeniedError):
        policy_approval_decline(actor=offices["xihu"], approval=asked, reason="不同意")
    assert _state() == before


def test_a_district_officer_cannot_change_a_city_policy(offices):
    version = PolicyVersion.objects.select_related("policy").get(policy__code=CITY_CODE, version=2)
    before = _state()
    with pytest.raises(PermissionDeniedError):
        policy_retire_request(actor=offices["yuhang"], version=version)
    assert _state() == before


def test_the_officer_who_asked_cannot_approve_and_a_second_one_retires(offices):
    version = _yuhang_in_force()
    asked = policy_retire_request(actor=offices["yuhang"], version=version, reason="政策到期")
    assert (asked.status, asked.action, asked.requested_by, asked.reason) == ("pending", "retire", offices["yuhang"],
                                                                              "政策到期")
    version.refresh_from_db()
    assert version.status == "published"  # asking alone changes nothing in force
    before = _state()
    with pytest.raises(PermissionDeniedError) as info:
        policy_approval_approve(actor=offices["yuhang"], approval=asked)
    assert info.value.code == "two_person_rule"
    assert _state() == before
    with pytest.raises(ApplicationError) as info:  # one waiting request per version
        policy_retire_request(actor=offices["yuhang2"], version=version)
    assert info.value.code == "approval_pending" and _state() == before
    done = policy_approval_approve(actor=offices["city"], approval=asked)  # the city covers Yuhang
    version.refresh_from_db()
    assert (done.status, done.decided_by, version.status, version.retired_by) == (
        "approved", offices["city"], "retired", offices["city"])
    event = AuditEvent.objects.filter(detail__event="policy_retire_approve").get()
    assert (event.actor, event.detail["requested_by"], event.target) == (offices["city"], "yuhang", f"policy:{YUHANG}:v2")
    with pytest.raises(ApplicationError) as info:
        policy_approval_approve(actor=offices["yuhang2"], approval=asked)
    assert info.value.code == "approval_state"


def test_publishing_a_city_draft_takes_two_city_officers(offices):
    base = PolicyVersion.objects.select_related("policy").get(policy__code=CITY_CODE, version=2)
    draft = policy_draft_create(actor=offices["city"], version=base,
                                parameter_values={"age_limit": [{"from": "2019-06-03", "value": 36}]})
    run_draft_checks()
    asked = policy_publish_request(actor=offices["city"], draft=draft)
    with pytest.raises(PermissionDeniedError):
        policy_approval_approve(actor=offices["yuhang"], approval=asked)  # a district does not cover the city
    policy_approval_approve(actor=offices["city2"], approval=asked)
    draft.refresh_from_db()
    base.refresh_from_db()
    assert (draft.status, draft.published_by, base.status) == ("published", offices["city2"], "retired")


def test_a_declined_request_changes_nothing_and_needs_a_reason(offices):
    version = _yuhang_in_force()
    asked = policy_retire_request(actor=offices["yuhang"], version=version)
    with pytest.raises(ApplicationError) as info:
        policy_approval_decline(actor=offices["yuhang2"], approval=asked, reason="  ")
    assert info.value.code == "reason_required"
    declined = policy_approval_decline(actor=offices["yuhang2"], approval=asked, reason="仍有在途发放")
    version.refresh_from_db()
    assert (declined.status, declined.reason, version.status) == ("declined", "仍有在途发放", "published")
    again = policy_retire_request(actor=offices["yuhang"], version=version)  # a new request may follow
    assert again.status == "pending"


def test_a_draft_cannot_move_a_policy_to_another_owner(offices):
    base = _yuhang_in_force()
    moved = base.source.replace("owner: 330110", "owner: 330106")
    with pytest.raises(ApplicationError) as info, translation.override("en"):
        policy_draft_create(actor=offices["yuhang"], version=base, source=moved)
    assert info.value.code == "policy_invalid"
    assert "the owner must stay 330110" in info.value.extra["problems"][0]["message"]


def test_a_new_shipped_policy_must_name_its_owner(db, tmp_path):
    text = (SHIPPED_DIR / "hz-youth-station.yaml").read_text(encoding="utf-8")
    (tmp_path / "orphan.yaml").write_text(text.replace("code: hz-youth-station", "code: hz-orphan").replace(
        "owner: 330100", "# no owner"), encoding="utf-8")
    with translation.override("en"):
        report = policy_sync_shipped(directory=tmp_path)
    assert report["created"] == [] and "names the division that owns it" in report["invalid"][0]


# --- the same rules through the API and the pages ----------------------------------------------------------------

def test_api_retire_as_xihu_officer_is_refused_and_four_eyes_hold(offices, client_for):
    version = _yuhang_in_force()
    before = _state()
    refused = client_for(offices["xihu"]).post(f"/api/v1/policies/versions/{version.pk}/retire")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "policy_scope"
    assert _state() == before
    yuhang = client_for(offices["yuhang"])
    asked = yuhang.post(f"/api/v1/policies/versions/{version.pk}/retire?reason=到期")
    assert asked.status_code == 202
    body = asked.json()
    assert (body["action"], body["status"], body["requested_by"], body["policy"], body["version"]) == (
        "retire", "pending", "yuhang", YUHANG, 2)
    own = yuhang.post(f"/api/v1/policies/approvals/{body['id']}/approve")
    assert own.status_code == 403 and own.json()["error"]["code"] == "two_person_rule"
    hidden = client_for(offices["xihu"]).get("/api/v1/policies/approvals").json()
    assert hidden == []  # Xihu's scope does not cover Yuhang: it does not even see the request
    second = client_for(offices["yuhang2"])
    waiting = second.get("/api/v1/policies/approvals?waiting_for_me=true").json()
    assert [a["id"] for a in waiting] == [body["id"]]
    assert yuhang.get("/api/v1/policies/approvals?waiting_for_me=true").json() == []
    approved = second.post(f"/api/v1/policies/approvals/{body['id']}/approve")
    assert approved.status_code == 200 and approved.json()["decided_by"] == "yuhang2"
    version.refresh_from_db()
    assert version.status == "retired"


def test_page_retire_as_xihu_officer_is_refused(offices, client_for):
    version = _yuhang_in_force()
    xihu = client_for(offices["xihu"])
    detail = xihu.get(f"/policies/{YUHANG}/").content.decode()
    assert 'class="secondary retire"' not in detail and 'id="not-yours"' in detail
    before = _state()
    response = xihu.post(f"/policies/versions/{version.pk}/retire/")
    assert response.status_code == 403
    assert _state() == before


def test_pages_show_the_waiting_request_and_the_second_officer_approves(offices, client_for):
    version = _yuhang_in_force()
    yuhang, second = client_for(offices["yuhang"]), client_for(offices["yuhang2"])
    assert 'class="secondary retire"' in yuhang.get(f"/policies/{YUHANG}/").content.decode()
    response = yuhang.post(f"/policies/versions/{version.pk}/retire/", {"reason": "到期"})
    assert response.status_code == 302
    asked = PolicyApproval.objects.get()
    own_list = yuhang.get("/policies/").content.decode()
    mine = own_list.split('id="approvals-waiting"')[1]
    assert f'id="approval-{asked.pk}"' in mine and "/approve/" not in mine  # own request: withdraw only
    refused = yuhang.post(f"/policies/approvals/{asked.pk}/approve/")
    assert refused.status_code == 403
    page = second.get("/policies/").content.decode()
    assert f"/policies/approvals/{asked.pk}/approve/" in page and "到期" in page
    detail = second.get(f"/policies/{YUHANG}/").content.decode()
    assert 'id="pending-approvals"' in detail and f"/policies/approvals/{asked.pk}/decline/" in detail
    done = second.post(f"/policies/approvals/{asked.pk}/approve/", {"next": "policy"})
    assert done.status_code == 302 and done["Location"] == f"/policies/{YUHANG}/"
    version.refresh_from_db()
    asked.refresh_from_db()
    assert (version.status, asked.status, asked.decided_by) == ("retired", "approved", offices["yuhang2"])
