"""The audit trail is searched by person (a name or a masked ID number chosen from a picker), names its records
("李明的档案", not ``talent:1``), and answers an invalid filter with its error, never with the whole log."""

import datetime as dt
import re

import pytest
from django.utils import translation
from factories.world import build_world

from talentpool.core.audit_names import target_names
from talentpool.core.models import AuditAction, AuditEvent
from talentpool.core.roles import Role


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def admin(world, client_for):
    client = client_for(world.admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def _viewed(world, client_for):
    officer = client_for(world.officer)
    for talent in (world.talent, world.colleague):
        assert officer.get(f"/registry/talents/{talent.pk}/").status_code == 200


def test_the_picker_offers_people_by_name_and_masked_id_never_a_record_number(world, admin, client_for):
    rows = admin.get("/registry/talents/pick.json", {"q": "李明"}).json()
    assert [r["value"] for r in rows] == [f"李明 {world.talent.id_masked}"]
    assert rows[0]["label"].startswith(f"李明 · {world.talent.id_masked} · ")  # and the district
    # an officer picks within their own scope only (raising a ticket on someone's behalf); talents and HR never
    assert [r["value"] for r in client_for(world.officer).get("/registry/talents/pick.json", {"q": "李明"}).json()] \
        == [f"李明 {world.talent.id_masked}"]
    assert client_for(world.officer_other).get("/registry/talents/pick.json", {"q": "李明"}).json() == []
    for outsider in (world.talent.user, world.hr):
        assert client_for(outsider).get("/registry/talents/pick.json", {"q": "李明"}).status_code == 403


def test_a_person_chosen_from_the_picker_filters_the_trail_and_records_are_named(world, admin, client_for):
    _viewed(world, client_for)
    response = admin.post("/audit/", {"person": f"李明 {world.talent.id_masked}", "action": ""}, follow=True)
    rows = response.context["rows"]
    assert [r["event"].subject_talent_id for r in rows] == [world.talent.pk]
    assert rows[0]["target"] == "李明的档案"
    page = response.content.decode()
    assert "李明的档案" in page and f"talent:{world.talent.pk}" not in page
    assert f"李明 {world.talent.id_masked}" in page  # the input is kept
    with translation.override("zh-hans"):
        label = rows[0]["event"].get_action_display()
    assert rows[0]["action"] == label and f"<td>{label}</td>" in page  # the action's name, in the page's language


def test_each_row_shows_its_own_time_in_shanghai_user_role_action_and_address(world, admin, client_for):
    _viewed(world, client_for)
    AuditEvent.objects.filter(target=f"talent:{world.colleague.pk}").update(
        at=dt.datetime(2026, 3, 10, 23, 30, 5, tzinfo=dt.UTC), ip_address=None)
    page = admin.get("/audit/").content.decode()
    body = re.search(r'<table id="audit-table">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", body)]
    with translation.override("zh-hans"):
        role, viewed = str(Role.OFFICER.label), str(AuditAction.VIEW_PERSON.label)
    mine = [r for r in rows if r[4] == "李明的档案"]
    assert mine and all(r[1:4] == [world.officer.username, role, viewed] and r[5] for r in mine)
    assert ["2026-03-11 07:30:05", world.officer.username, role, viewed, "王芳的档案", ""] in rows


def test_a_name_alone_finds_the_person_too(world, admin, client_for):
    _viewed(world, client_for)
    response = admin.post("/audit/", {"person": "王芳"}, follow=True)
    assert {r["event"].subject_talent_id for r in response.context["rows"]} == {world.colleague.pk}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"person": "查无此人"}, "person", "人才库中没有与“查无此人”相符的人员。"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to", "结束日期早于开始日期。"),
    ({"date_from": "not a date"}, "date_from", ""),
])
def test_an_invalid_filter_is_an_error_beside_its_field_and_shows_no_events(world, admin, client_for, data, field,
                                                                              message):
    _viewed(world, client_for)
    assert AuditEvent.objects.count() >= 2
    response = admin.post("/audit/", data, follow=True)
    form = response.context["form"]
    assert field in form.errors and (not message or form.errors[field] == [message])
    assert response.context["rows"] == []
    assert f'data-field="{field}"' in response.content.decode()


def test_every_kind_of_record_key_has_a_name(world):
    with translation.override("zh-hans"):
        names = target_names([f"talent:{world.talent.pk}", f"revealed:{world.talent.pk}", f"user:{world.admin.pk}",
                              "run:7", "batch:2026-0001", "unknown:3"])
    assert names[f"talent:{world.talent.pk}"] == "李明的档案"
    assert names[f"revealed:{world.talent.pk}"] == "李明的证件号码"
    assert names[f"user:{world.admin.pk}"] == f"账号 {world.admin.username}"
    assert names["run:7"] == "资格评估批次 7"
    assert names["unknown:3"] == "unknown:3"  # a kind nobody registered is shown as it is
    assert not any(v.startswith(("run:", "batch:")) for v in names.values())
