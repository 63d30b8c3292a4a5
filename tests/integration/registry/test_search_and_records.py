from datetime import date

import pytest
from django.contrib.sessions.models import Session
from factories.registry import make_talent, resident_id

from talentpool.core.crypto import decrypt_text
from talentpool.core.models import AuditEvent
from talentpool.registry.models import CorrectionRequest, Talent
from talentpool.registry.selectors import TalentFilters, talent_search


def _names(world, **filters):
    return sorted(t.name for t in talent_search(user=world.officer, filters=TalentFilters(**filters)))


def test_id_number_is_encrypted_at_rest_and_masked(world):
    row = Talent.objects.values("id_number_encrypted", "id_masked", "id_lookup").get(pk=world.talent.pk)
    plain = decrypt_text(row["id_number_encrypted"])
    assert plain not in row["id_number_encrypted"] and plain not in row["id_lookup"]
    assert row["id_masked"] == plain[:6] + "*" * 8 + plain[-4:]


def test_name_prefix_search_is_scoped_to_the_officers_district(world):
    make_talent(name="李明远", district="330106")
    make_talent(name="李明", district="330110")  # same name, other district: invisible
    assert _names(world, q="李明") == ["李明", "李明远"]
    assert _names(world, q="李") == ["李明", "李明远"]
    assert _names(world, q="明") == []  # prefix, not substring


@pytest.mark.parametrize("form", ["full", "fullwidth", "masked", "tail"])
def test_id_searches(world, form):
    number = resident_id(birth=date(1993, 8, 8))
    target = make_talent(name="钱多多", id_number=number)
    q = {
        "full": number,
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number),
        "masked": target.id_masked,
        "tail": number[-4:],
    }[form]
    assert "钱多多" in _names(world, q=q)
    if form != "tail":
        assert _names(world, q=q) == ["钱多多"]


def test_full_id_with_bad_checksum_finds_nobody(world):
    number = resident_id()
    make_talent(name="孙悟", id_number=number)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert _names(world, q=wrong) == []


def test_structured_filters(world):
    assert _names(world, university="4133010335") == ["李明"]
    assert _names(world, major="0809") == ["李明"]
    assert _names(world, major="08") == ["李明"]
    assert _names(world, major="0710") == []
    assert _names(world, enterprise="西湖智造") == ["李明", "王芳"]
    assert _names(world, enterprise="余杭数字") == []  # other district's enterprise, other district's people


def test_talent_page_is_audited_and_masked(client, world):
    client.force_login(world.officer)
    response = client.get(f"/registry/talents/{world.talent.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    plain = decrypt_text(world.talent.id_number_encrypted)
    assert world.talent.id_masked in html and plain not in html
    event = AuditEvent.objects.get(action="view_person")
    assert (event.actor, event.subject_talent_id, event.target) == (world.officer, world.talent.pk, f"talent:{world.talent.pk}")
    assert "算法工程师" in html and "2024-06-30" in html  # timeline


def test_reveal_requires_a_reason_and_is_audited(client, world):
    client.force_login(world.officer)
    plain = decrypt_text(world.talent.id_number_encrypted)
    client.post(f"/registry/talents/{world.talent.pk}/reveal/", {"reason": ""})
    assert not AuditEvent.objects.filter(action="reveal_id").exists()
    client.post(f"/registry/talents/{world.talent.pk}/reveal/", {"reason": "核对补贴银行账户"})
    event = AuditEvent.objects.get(action="reveal_id")
    assert event.detail == {"reason": "核对补贴银行账户"}
    stored = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert any(key.startswith("revealed:") for key in stored)
    assert plain not in str(stored)  # kept encrypted until shown
    html = client.get(f"/registry/talents/{world.talent.pk}/").content.decode()
    assert plain in html  # shown once
    assert plain not in client.get(f"/registry/talents/{world.talent.pk}/").content.decode()


def test_api_search_returns_masked_numbers_only(client, world):
    client.force_login(world.officer)
    body = client.get("/api/v1/registry/talents", {"q": "李"}).json()
    assert body["count"] == 1 and body["count_estimated"] is False  # exact below 10,000 rows
    assert body["items"][0]["id_masked"] == world.talent.id_masked
    assert "id_number" not in body["items"][0] and "id_number_encrypted" not in body["items"][0]


def test_talent_sees_own_record_and_asks_for_correction(client, world):
    client.force_login(world.talent_user)
    html = client.get("/registry/me/").content.decode()
    assert "李明" in html and "王芳" not in html and world.talent.id_masked in html
    response = client.post("/registry/me/", {"message": "我的硕士专业应为软件工程"})
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert (correction.talent, correction.status) == (world.talent, "open")
    empty = client.post("/api/v1/registry/me/corrections", {"message": "  "}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "message"
    assert CorrectionRequest.objects.count() == 1


def test_enterprise_sees_its_staff_and_certifies(client, world):
    client.force_login(world.hr)
    html = client.get("/registry/my-enterprise/").content.decode()
    assert "李明" in html and "王芳" in html and "赵强" not in html
    employment = world.colleague.employments.get()
    client.post(f"/registry/my-enterprise/staff/{employment.pk}/certify/")
    employment.refresh_from_db()
    assert employment.certified_at is not None
    other = world.talent_other_district.employments.get()
    assert client.post(f"/registry/my-enterprise/staff/{other.pk}/certify/").status_code == 404
    other.refresh_from_db()
    assert other.certified_at is None


def test_list_page_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for i in range(30):
        make_talent(name=f"测试{i:02d}")
    client.force_login(world.officer)
    results = client.post("/registry/talents/", {"q": "测试"})["Location"]  # the search is kept behind a token
    with django_assert_max_num_queries(8):
        assert client.get(results).status_code == 200
