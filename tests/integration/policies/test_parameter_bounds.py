"""Policy parameters carry bounds and units: nonsense values (a negative amount, negative months, a date in the
year 3000) are refused with the parameter, the value and the range, before any what-if or publication."""

from __future__ import annotations

import pytest
from django.utils import translation
from factories.policies import run_draft_checks

from talentpool.core.errors import ApplicationError
from talentpool.policies.models import PolicyVersion
from talentpool.policies.services import policy_draft_create

CODE = "hz-graduate-living"
CITY = "330100"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value", "shown"), [
    ("amount_bachelor", "-99999999999", "-99,999,999,999"),
    ("amount_bachelor", "0", "0"),
    ("amount_bachelor", "100000000.01", "100,000,000.01"),
    ("window_months", -3, "-3"),
    ("age_limit", 200, "200"),
])
def test_a_value_out_of_range_is_refused_naming_parameter_value_and_range(make_user, shipped, name, value, shown):
    officer = make_user("officer", scope_division=CITY)
    base = PolicyVersion.objects.get(policy__code=CODE, version=2)
    before = PolicyVersion.objects.count()
    with translation.override("en"), pytest.raises(ApplicationError) as info:
        policy_draft_create(actor=officer, version=base,
                            parameter_values={name: [{"from": "2019-06-03", "value": value}]})
    messages = [p["message"] for p in info.value.extra["problems"]]
    assert any(name in m and shown in m and "out of range" in m for m in messages), messages
    assert PolicyVersion.objects.count() == before


@pytest.mark.django_db
def test_values_in_range_pass_and_the_message_reads_in_chinese(make_user, shipped):
    officer = make_user("officer", scope_division=CITY)
    base = PolicyVersion.objects.get(policy__code=CODE, version=2)
    draft = policy_draft_create(actor=officer, version=base,
                                parameter_values={"amount_bachelor": [{"from": "2019-06-03", "value": "12000"}]})
    assert draft.status == "draft"
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as info:
        policy_draft_create(actor=officer, version=base,
                            parameter_values={"window_months": [{"from": "2019-06-03", "value": -1}]})
    assert any("个月" in p["message"] and "超出范围" in p["message"] for p in info.value.extra["problems"])


@pytest.mark.django_db
def test_a_draft_is_discarded_after_confirmation_but_not_while_waiting_for_approval(client, make_user, shipped):
    from talentpool.core.models import AuditEvent
    from talentpool.policies.approvals import policy_publish_request

    officer = make_user("officer", scope_division=CITY)
    base = PolicyVersion.objects.get(policy__code=CODE, version=2)
    draft = policy_draft_create(actor=officer, version=base)
    client.force_login(officer)
    page = client.get(f"/policies/drafts/{draft.pk}/").content.decode()
    assert 'id="discard-form"' in page and "data-confirm=" in page.split('id="discard-form"')[1][:400]
    response = client.post(f"/policies/drafts/{draft.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == f"/policies/{CODE}/"
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(detail__event="policy_draft_discard", detail__version=draft.version).count() == 1
    waiting = policy_draft_create(actor=officer, version=base)
    run_draft_checks()
    policy_publish_request(actor=officer, draft=waiting)
    client.post(f"/policies/drafts/{waiting.pk}/discard/")
    assert PolicyVersion.objects.filter(pk=waiting.pk, status="draft").exists()
    assert client.post(f"/policies/drafts/{base.pk}/discard/").status_code == 302  # published: refused
    assert PolicyVersion.objects.filter(pk=base.pk, status="published").exists()
