"""A talent's correction request goes all the way: asked with a field and value, queued for the officer of the
record's district beside the current value, accepted (the record changes, with history) or rejected with a reason,
and the talent is told."""

from __future__ import annotations

import datetime as dt

import pytest

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditEvent, ChangeRecord, Notice
from talentpool.registry import corrections, services
from talentpool.registry.models import CorrectionRequest


def _ask(world, field="birth_date", value="2001-03-19", message="出生日期录错了"):
    return services.correction_request_create(talent=world.talent, field=field, requested_value=value,
                                              message=message)


def test_the_talent_asks_on_the_profile_page_with_a_field_and_value(client, world):
    client.force_login(world.talent_user)
    response = client.post("/registry/me/", {"field": "phone", "requested_value": "13912345678", "message": ""})
    assert response.status_code == 302
    c = CorrectionRequest.objects.get()
    assert (c.field, c.requested_value, c.status) == ("phone", "13912345678", "open")


def test_a_bad_value_is_refused_when_asking_beside_its_field_and_the_input_is_kept(client, world):
    client.force_login(world.talent_user)
    response = client.post("/registry/me/", {"field": "birth_date", "requested_value": "19/03/2001",
                                             "message": "生日不对"})
    assert response.status_code == 200
    assert "2024-07-01" in response.context["form"].errors["requested_value"][0]
    assert "生日不对" in response.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_a_message_longer_than_the_limit_is_refused(client, world):
    client.force_login(world.talent_user)
    response = client.post("/registry/me/", {"field": "", "message": "错" * 2001})
    assert response.status_code == 200 and not CorrectionRequest.objects.exists()
    response = client.post("/api/v1/registry/me/corrections", {"message": "错" * 2001},
                           content_type="application/json")
    assert response.status_code == 422 and not CorrectionRequest.objects.exists()


def test_the_queue_is_scoped_by_district_and_shows_current_beside_requested(client, world):
    _ask(world)
    client.force_login(world.officer)
    body = client.get("/registry/corrections/").content.decode()
    assert "李明" in body and "2001-03-09" in body and "2001-03-19" in body
    client.force_login(world.officer_other)
    assert "李明" not in client.get("/registry/corrections/").content.decode()
    assert corrections.correction_queue_for(world.officer_other).count() == 0


def test_accept_writes_the_record_with_history_and_tells_the_talent(client, world):
    c = _ask(world)
    client.force_login(world.officer)
    response = client.post(f"/registry/corrections/{c.pk}/", {"decision": "accept", "answer": ""})
    assert response.status_code == 302
    world.talent.refresh_from_db()
    c.refresh_from_db()
    assert world.talent.birth_date == dt.date(2001, 3, 19)
    assert c.status == "accepted" and c.resolved_by == world.officer and "2001-03-19" in c.answer
    change = ChangeRecord.objects.get(entity="registry.talent", entity_id=world.talent.pk)
    assert change.changes == {"birth_date": ["2001-03-09", "2001-03-19"]}
    assert change.source_ref == f"correction:{c.pk}" and change.actor == world.officer
    notice = Notice.objects.get(user=world.talent_user)
    assert notice.kind == "correction_accepted" and notice.url.endswith("#correction")
    events = set(AuditEvent.objects.filter(subject_talent_id=world.talent.pk).values_list("detail__event", flat=True))
    assert {"talent_update", "correction_accept"} <= events


def test_reject_needs_a_reason_and_leaves_the_record_alone(client, world):
    c = _ask(world)
    client.force_login(world.officer)
    response = client.post(f"/registry/corrections/{c.pk}/", {"decision": "reject", "answer": ""})
    assert response.status_code == 200 and response.context["form"].errors["answer"]
    c.refresh_from_db()
    assert c.status == "open" and not Notice.objects.exists()
    client.post(f"/registry/corrections/{c.pk}/", {"decision": "reject", "answer": "请提供户口本复印件"})
    c.refresh_from_db()
    world.talent.refresh_from_db()
    assert c.status == "rejected" and c.answer == "请提供户口本复印件"
    assert world.talent.birth_date == dt.date(2001, 3, 9) and not ChangeRecord.objects.exists()
    assert Notice.objects.get(user=world.talent_user).body == "请提供户口本复印件"


def test_a_decided_request_cannot_be_decided_again(world):
    c = _ask(world)
    corrections.correction_request_reject(actor=world.officer, correction=c, reason="材料不足")
    with pytest.raises(ApplicationError):
        corrections.correction_request_accept(actor=world.officer, correction=c)
    world.talent.refresh_from_db()
    assert world.talent.birth_date == dt.date(2001, 3, 9)


def test_an_officer_of_another_district_cannot_decide(world):
    c = _ask(world)
    with pytest.raises(ApplicationError):
        corrections.correction_request_accept(actor=world.officer_other, correction=c)
    with pytest.raises(PermissionDeniedError):
        corrections.correction_request_accept(actor=world.hr, correction=c)
    c.refresh_from_db()
    assert c.status == "open"


def test_a_request_in_words_is_closed_with_the_officers_answer(world):
    c = services.correction_request_create(talent=world.talent, message="缺少一段工作经历")
    with pytest.raises(ApplicationError):
        corrections.correction_request_accept(actor=world.officer, correction=c)
    corrections.correction_request_accept(actor=world.officer, correction=c, answer="已补录")
    c.refresh_from_db()
    assert c.status == "accepted" and c.answer == "已补录" and not ChangeRecord.objects.exists()


@pytest.mark.parametrize(("field", "raw", "stored"), [
    ("gender", "女", "F"), ("gender", "F", "F"), ("owns_property", "是", True), ("owns_property", "否", False),
    ("housing", "none", "none"), ("email", "", ""), ("arrival_date", "2024-07-01", dt.date(2024, 7, 1)),
])
def test_values_are_parsed_to_what_the_registry_stores(db, field, raw, stored):
    assert corrections.correction_value_parse(field, raw) == stored


@pytest.mark.parametrize(("field", "raw"), [
    ("gender", "X"), ("birth_date", "1800-01-01"), ("phone", "abc"), ("email", "no-at"), ("owns_property", "也许"),
    ("hukou_division", "3301"), ("name", ""), ("tier", "A"),
])
def test_invalid_values_are_refused(db, field, raw):
    with pytest.raises(ApplicationError):
        corrections.correction_value_parse(field, raw)


def test_a_bad_value_and_a_too_long_message_are_refused_together_beside_each(client, world):
    client.force_login(world.talent_user)
    response = client.post("/registry/me/", {"field": "birth_date", "requested_value": "19/03/2001",
                                             "message": "错" * 2001})
    errors = response.context["form"].errors
    assert set(errors) == {"requested_value", "message"} and "2000" in errors["message"][0]
    assert 'value="19/03/2001"' in response.content.decode() and not CorrectionRequest.objects.exists()


def test_a_division_is_picked_and_owning_property_is_a_checkbox(client, world):
    client.force_login(world.talent_user)
    page = client.get("/registry/me/").content.decode()
    assert 'type="checkbox" name="requested_owns"' in page and 'data-show-when="field:owns_property"' in page
    client.post("/registry/me/", {"field": "owns_property", "requested_owns": "on", "message": ""})
    client.post("/registry/me/", {"field": "residence_division", "requested_division": "330110"})
    asked = dict(CorrectionRequest.objects.values_list("field", "requested_value"))
    assert asked == {"owns_property": "yes", "residence_division": "330110"}
