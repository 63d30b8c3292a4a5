"""Each role lands on a home page showing what needs its attention: the talent's interviews, HR's new
applications, the officer's queues, the administrator's reference data; each item links to the page that deals
with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from factories.policies import publish_living_policy

from talentpool.core.roles import Role
from talentpool.eligibility.models import Entitlement


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        yield client


def _items(response) -> dict[str, str]:
    return {i.text: i.url for i in response.context["items"]}


def test_the_talent_sees_the_next_interview_and_payment(zh, rec):
    zh.force_login(rec.world.talent_user)
    response = zh.get("/")
    assert response.status_code == 200
    items = _items(response)
    interview = next(t for t in items if t.startswith("西湖智造") or "面试" in t)
    assert items[interview] == "/recruitment/applications/mine/" and rec.job.title in interview
    assert any(t.startswith("下一笔发放") or t == "目前没有待发放的款项。" for t in items)


def test_hr_sees_the_new_applications(zh, rec):
    zh.force_login(rec.world.hr)
    items = _items(zh.get("/"))
    assert any(t.endswith("份新投递待筛选") and url == "/recruitment/applications/" for t, url in items.items())


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_the_office_sees_its_queues(zh, rec, role):
    user = rec.world.officer if role == Role.OFFICER else rec.world.admin
    zh.force_login(user)
    response = zh.get("/")
    assert response.status_code == 200 and response.context["items"]
    urls = set(_items(response).values())
    assert ({"/payments/queue/", "/registry/corrections/"} <= urls if role == Role.OFFICER
            else "/reference/" in urls or any(u.startswith("/reference") for u in urls))


def test_the_officer_counts_the_candidate_lines_of_its_district_at_once(zh, rec):
    w = rec.world
    version = publish_living_policy()

    def line(talent, n, status="candidate"):
        return Entitlement.objects.create(subject=f"t{talent.pk}", talent=talent, policy=version.policy,
                                          policy_version=version, instalment=n, amount="1000.00",
                                          due=rec.job.created_at.date(), status=status, district=talent.district)

    first = line(w.talent, 1)
    line(w.colleague, 1)
    line(w.talent, 2, status="approved")
    line(w.talent_other_district, 1)  # another district's line
    zh.force_login(w.officer)

    def queue() -> str:
        return next(t for t, url in _items(zh.get("/")).items() if url == "/payments/queue/")

    assert queue().startswith("2 ")
    Entitlement.objects.filter(pk=first.pk).update(status="approved")  # any write reaches the maintained totals
    assert queue().startswith("1 ")
    with CaptureQueriesContext(connection) as queries:
        zh.get("/")
    assert sum("core_notice" in q["sql"] for q in queries.captured_queries) == 1  # badge and list share it
