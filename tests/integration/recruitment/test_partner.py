"""The partner API: per-partner keys and scopes, consent before a candidate is shared, minimal fields, and every
exchange logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from talentpool.recruitment import services
from talentpool.recruitment.models import Job, PartnerExchange
from talentpool.registry.models import Education

from .conftest import SOFTWARE_JOB

API = "/api/v1/recruitment/partner"


def _partner_client(key: str) -> Client:
    return Client(HTTP_X_PARTNER_KEY=key)


@pytest.fixture
def reader(rec):
    partner, key = services.partner_create(actor=rec.world.admin, name="招聘网站", scopes=["jobs:read"])
    return partner, key


def test_a_key_reads_open_jobs_and_each_exchange_is_logged(rec, reader):
    partner, key = reader
    client = _partner_client(key)
    services.job_set_status(actor=rec.world.hr, job_id=rec.job_open.pk, status="paused")
    response = client.get(f"{API}/jobs")
    assert response.status_code == 200
    ids = [j["id"] for j in response.json()["items"]]
    assert set(ids) == {rec.job.pk, rec.job_offer.pk, rec.job_other.pk}
    item = next(j for j in response.json()["items"] if j["id"] == rec.job.pk)
    job = Job.objects.select_related("enterprise").get(pk=rec.job.pk)
    assert (item["title"], item["description"], item["enterprise"], item["min_years"], item["skills"],
            item["headcount"], item["status"]) == (job.title, job.description, job.enterprise.name,
                                                  f"{job.min_years:.1f}", job.skills, job.headcount, "open")
    assert client.get(f"{API}/jobs/{rec.job_open.pk}").status_code == 404
    log = list(PartnerExchange.objects.filter(partner=partner).order_by("pk"))
    assert [(e.method, e.direction, e.object_type, sorted(e.object_ids), e.count, e.status) for e in log] == [
        ("GET", "out", "job", sorted(ids), 3, 200), ("GET", "out", "job", [], 0, 404)]
    assert log[0].path == f"{API}/jobs"


def test_scopes_are_enforced_and_refusals_logged(rec, reader):
    partner, key = reader
    client = _partner_client(key)
    response = client.post(f"{API}/jobs", SOFTWARE_JOB, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert client.get(f"{API}/candidates").status_code == 403
    assert Job.objects.count() == 4
    assert list(PartnerExchange.objects.filter(partner=partner).values_list("direction", "status", "count")) == [
        ("out", 403, 0), ("in", 403, 0)]


def test_unknown_or_stopped_keys_are_refused(rec):
    assert _partner_client("tpk_nope_nope").get(f"{API}/jobs").status_code == 401
    assert Client().get(f"{API}/jobs").status_code == 401
    services.partner_deactivate(actor=rec.world.admin, partner_id=rec.partner.pk)
    response = _partner_client(rec.partner_key).get(f"{API}/jobs")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    assert not PartnerExchange.objects.exists()


def test_a_keys_last_use_is_kept_to_the_minute_with_one_write_a_minute(rec, reader):
    partner, key = reader
    client = _partner_client(key)
    with time_machine.travel(dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert client.get(f"{API}/jobs").status_code == 200
        partner.refresh_from_db()
        first = partner.last_used_at
        assert first == dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC)
        clock.shift(dt.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/jobs").status_code == 200
        assert not [q for q in queries if q["sql"].startswith('UPDATE "recruitment_partner"')]
        partner.refresh_from_db()
        assert partner.last_used_at == first
        clock.shift(dt.timedelta(seconds=1))
        assert client.get(f"{API}/jobs").status_code == 200
        partner.refresh_from_db()
        assert partner.last_used_at == first + dt.timedelta(minutes=1)
    assert PartnerExchange.objects.filter(partner=partner).count() == 3  # every call is still logged


def test_candidates_only_with_consent_and_without_personal_data(rec):
    w = rec.world
    client = _partner_client(rec.partner_key)
    body = client.get(f"{API}/candidates").json()
    assert [c["ref"] for c in body["items"]] == [w.talent_other_district.pk]  # 赵强 consented; 李明, 王芳 not
    text = str(body)
    for secret in (w.talent_other_district.name, w.talent_other_district.id_masked,
                   w.talent_other_district.id_masked[-4:]):
        assert secret not in text
    assert set(body["items"][0]) == {"ref", "degree", "major_code", "years_experience", "skills",
                                     "desired_occupations", "desired_divisions", "salary_min", "salary_max",
                                     "available_from", "updated_at"}
    assert body["items"][0]["degree"] == "bachelor"
    services.profile_save(actor=w.talent_user, resume="熟悉Python", consent_search=True)
    again = client.get(f"{API}/candidates").json()
    # newest profile first (read from the partial index), counted exactly below 10,000 profiles
    assert [c["ref"] for c in again["items"]] == [w.talent.pk, w.talent_other_district.pk]
    assert (again["count"], again["count_estimated"], body["count"]) == (2, False, 1)
    exchange = PartnerExchange.objects.filter(partner=rec.partner, object_type="talent").order_by("pk").last()
    assert sorted(exchange.object_ids) == sorted([w.talent.pk, w.talent_other_district.pk])


def test_each_candidate_carries_its_own_highest_degree_and_latest_major(rec):
    """The page's educations are read for all its talents at once: each row gets its own talent's, none gets a
    neighbour's, a talent without education gets empty fields, and the profile's own numbers are kept."""
    w = rec.world
    Education.objects.create(talent=w.talent_other_district, degree="master", major_code="081200",
                             graduation_date=dt.date(2010, 6, 30))  # earlier, but the higher degree
    w.talent.educations.all().delete()
    services.profile_save(actor=w.talent_user, consent_search=True, salary_min=9000, salary_max=12000,
                          years_experience=Decimal("3.5"), skills=["Python", "机器学习"], desired_divisions=["330100"])
    body = _partner_client(rec.partner_key).get(f"{API}/candidates").json()
    rows = {c["ref"]: c for c in body["items"]}
    assert (rows[w.talent_other_district.pk]["degree"], rows[w.talent_other_district.pk]["major_code"]) == (
        "master", "080902")  # the highest degree; the major of the latest graduation
    own = rows[w.talent.pk]
    assert (own["degree"], own["major_code"]) == ("", "")
    assert (own["salary_min"], own["salary_max"], own["years_experience"]) == (9000, 12000, "3.5")
    assert own["skills"] == ["python", "机器学习"] and own["desired_divisions"] == ["330100"]


def test_jobs_write_posts_for_the_partners_enterprise_only(rec):
    w = rec.world
    client = _partner_client(rec.partner_key)
    response = client.post(f"{API}/jobs", SOFTWARE_JOB | {"title": "外包岗位", "status": "open"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.enterprise_id, job.partner_id, job.created_by_id) == (w.hr.enterprise_id, rec.partner.pk, None)
    changed = client.patch(f"{API}/jobs/{job.pk}", {"title": "外包岗位(急招)", "status": "paused"},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["status"] == "paused"
    assert Job.objects.get(pk=job.pk).title == "外包岗位(急招)"
    other = client.patch(f"{API}/jobs/{rec.job_other.pk}", {"title": "劫持"}, content_type="application/json")
    assert other.status_code == 404
    assert Job.objects.get(pk=rec.job_other.pk).title == SOFTWARE_JOB["title"]
    bad = client.post(f"{API}/jobs", SOFTWARE_JOB | {"salary_min": 9, "salary_max": 1},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "salary_min"
    log = list(PartnerExchange.objects.filter(partner=rec.partner).order_by("pk")
               .values_list("direction", "status", "object_ids"))
    assert log == [("in", 201, [job.pk]), ("in", 200, [job.pk]), ("in", 404, []), ("in", 400, [])]


def test_administrators_see_the_exchange_log(rec):
    _partner_client(rec.partner_key).get(f"{API}/jobs")
    admin = Client()
    admin.force_login(rec.world.admin)
    rows = admin.get(f"/api/v1/recruitment/partners/{rec.partner.pk}/exchanges").json()
    assert [(r["direction"], r["count"]) for r in rows] == [("out", 4)]
    missing = admin.get(f"/api/v1/recruitment/partners/{rec.partner.pk + 1000}/exchanges")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert admin.get("/recruitment/partners/", {"partner": rec.partner.pk + 1000}).status_code == 404
    created = admin.post("/api/v1/recruitment/partners", {"name": "人力资源公司", "scopes": ["candidates:read"]},
                         content_type="application/json").json()
    assert created["key"].startswith("tpk_") and created["key_prefix"] in created["key"]
    assert "key" not in admin.get("/api/v1/recruitment/partners").json()[0]
    assert _partner_client(created["key"]).get(f"{API}/candidates").status_code == 200


def test_the_job_list_items_are_the_validated_jobs(rec, reader):
    """The list's items are built from typed rows without validation (``PartnerJobOut.from_row``): each is the JSON
    the validated detail answer gives for that job, key for key, with a deadline or none, a salary or none, and
    text that needs escaping."""
    _partner, key = reader
    client = _partner_client(key)
    services.job_update(actor=rec.world.hr, job_id=rec.job_open.pk, title='会计 "主管" <急招>', salary_min=None,
                        salary_max=None, min_years=Decimal("2.5"))
    items = client.get(f"{API}/jobs").json()["items"]
    assert {rec.job.pk, rec.job_open.pk} <= {item["id"] for item in items}
    for item in items:
        detail = client.get(f"{API}/jobs/{item['id']}")
        assert detail.status_code == 200
        assert list(item.items()) == list(detail.json().items())
    edited = next(item for item in items if item["id"] == rec.job_open.pk)
    assert edited["salary_min"] is None and edited["min_years"] == "2.5" and edited["title"] == '会计 "主管" <急招>'
    assert next(item for item in items if item["id"] == rec.job.pk)["deadline"]


def test_a_keys_reads_are_kept_per_key_logged_each_time_and_dropped_when_the_key_stops(rec, reader):
    """core.pagecache keeps a partner's reads by a digest of its key: a serve is logged like a call, another key
    gets its own answer, and a stopped key is refused at once."""
    partner, key = reader
    other, other_key = services.partner_create(actor=rec.world.admin, name="另一家", scopes=["jobs:read"])
    client = _partner_client(key)

    def get(c):
        with CaptureQueriesContext(connection) as queries:
            response = c.get(f"{API}/jobs")
        made = any('"recruitment_job"' in q["sql"] for q in queries.captured_queries)
        return response, made

    with time_machine.travel(dt.datetime(2026, 3, 11, 9, 0, 5, tzinfo=dt.UTC), tick=False):
        get(client)  # marks the key's last use: a write, so this answer is not kept
        first, made_first = get(client)
        again, made_again = get(client)
        assert (made_first, made_again) == (True, False)
        assert again.content == first.content and again["Content-Type"] == "application/json; charset=utf-8"
        log = PartnerExchange.objects.filter(partner=partner).order_by("pk")
        assert [(e.path, sorted(e.object_ids), e.status) for e in log][1:] == [
            (f"{API}/jobs", sorted(j["id"] for j in first.json()["items"]), 200)] * 2
        # another partner's key is another key, with its own call logged under its own name
        assert get(_partner_client(other_key))[1] is True
        assert PartnerExchange.objects.filter(partner=other).count() == 1
        services.partner_deactivate(actor=rec.world.admin, partner_id=partner.pk)
        assert client.get(f"{API}/jobs").status_code == 401
    assert PartnerExchange.objects.filter(partner=partner).count() == 3
