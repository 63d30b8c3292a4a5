"""The administrator binds accounts to what they stand for by search, never by an internal record number, and an
account inconsistent with its role is refused with every reason beside its field (no raw constraint name)."""

from __future__ import annotations

import pytest

from talentpool.accounts.models import User
from talentpool.accounts.services import user_save
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.registry import services
from talentpool.registry.models import Talent

BASE = {"is_active": "on", "display_name": "", "email": "", "enterprise": "", "scope_division": ""}


def _post(client, world, **fields):
    client.force_login(world.admin)
    return client.post("/accounts/users/new/", BASE | fields)


def test_an_officer_without_a_division_is_told_so_in_chinese_beside_the_field(client, world):
    response = _post(client, world, username="o2", role="officer")
    assert response.status_code == 200 and not User.objects.filter(username="o2").exists()
    body = response.content.decode()
    assert "officer_has_scope" not in body
    assert response.context["form"].errors["scope_division"] == ["请填写管辖行政区划。"]


def test_a_talent_with_an_enterprise_or_an_officer_flag_is_refused_with_every_reason(client, world):
    code = world.hr.enterprise.credit_code
    response = _post(client, world, username="t2", role="talent", enterprise=code, is_payment_officer="on",
                     scope_division="330106")
    errors = response.context["form"].errors
    assert set(errors) == {"enterprise", "is_payment_officer", "scope_division"}
    assert not User.objects.filter(username="t2").exists()


def test_an_enterprise_account_is_bound_by_its_credit_code_not_a_record_number(client, world):
    enterprise = world.hr.enterprise
    response = _post(client, world, username="hr2", role="enterprise", enterprise=str(enterprise.pk))
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors
    response = _post(client, world, username="hr2", role="enterprise", enterprise=enterprise.credit_code)
    assert response.status_code == 302
    assert User.objects.get(username="hr2").enterprise == enterprise


def test_the_enterprise_picker_finds_by_name_for_the_administrator(client, world):
    client.force_login(world.admin)
    rows = client.get("/registry/enterprises/pick.json", {"q": "西湖"}).json()
    assert [r["value"] for r in rows] == [world.hr.enterprise.credit_code]
    assert rows[0]["label"].startswith("西湖智造科技有限公司")
    client.force_login(world.officer_other)  # an officer picks within the scope only
    assert client.get("/registry/enterprises/pick.json", {"q": "西湖"}).json() == []
    client.force_login(world.talent_user)
    assert client.get("/registry/enterprises/pick.json", {"q": "西湖"}).status_code == 403


def test_the_administrator_finds_the_record_by_name_and_links_it(client, world):
    account = User.objects.create(username="wangfang", role="talent")
    client.force_login(world.admin)
    body = client.get(f"/registry/accounts/{account.pk}/link/", {"q": "王芳"}).content.decode()
    assert world.colleague.id_masked in body and world.talent.name not in body
    response = client.post(f"/registry/accounts/{account.pk}/link/", {"talent": world.colleague.pk})
    assert response.status_code == 302
    world.colleague.refresh_from_db()
    assert world.colleague.user == account
    assert ChangeRecord.objects.get(entity_id=world.colleague.pk).changes == {"user": [None, "wangfang"]}
    assert AuditEvent.objects.filter(action="user_change", detail__event="talent_account_link").count() == 1
    assert "王芳" in client.get(f"/accounts/users/{account.pk}/").content.decode()


def test_a_record_linked_elsewhere_and_a_non_talent_account_are_refused(world):
    other = User.objects.create(username="other", role="talent")
    with pytest.raises(ApplicationError):  # 李明's record belongs to the account grad
        services.talent_account_link(actor=world.admin, talent=world.talent, user=other)
    with pytest.raises(ApplicationError):
        services.talent_account_link(actor=world.admin, talent=world.colleague, user=world.hr)
    assert Talent.objects.get(pk=world.talent.pk).user == world.talent_user
    assert Talent.objects.get(pk=world.colleague.pk).user is None


def test_an_account_linked_to_another_record_moves(world):
    services.talent_account_link(actor=world.admin, talent=world.colleague, user=world.talent_user)
    assert Talent.objects.get(pk=world.talent.pk).user is None
    assert Talent.objects.get(pk=world.colleague.pk).user == world.talent_user


def test_a_bad_email_and_a_role_problem_are_shown_together_and_the_rest_kept(client, world):
    response = _post(client, world, username="t3", role="talent", email="not-an-address", scope_division="330106",
                     display_name="王小明")
    html = response.content.decode()
    assert set(response.context["form"].errors) == {"email", "scope_division"}
    assert 'value="t3"' in html and 'value="王小明"' in html and not User.objects.filter(username="t3").exists()


def test_the_service_names_every_role_problem_at_once(world):
    probe = User(username="t4", role="talent", scope_division="330106", is_payment_officer=True)
    with pytest.raises(ApplicationError) as info:
        user_save(actor=world.admin, user=probe, changed_fields=["role"])
    assert set(info.value.extra["errors"]) == {"scope_division", "is_payment_officer"}
