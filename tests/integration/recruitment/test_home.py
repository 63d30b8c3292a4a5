"""Each role lands on a home page showing what needs its attention: the talent's interviews, HR's new
applications, the officer's queues, the administrator's reference data; each item links to the page that deals
with it."""

import pytest
from django.utils import translation

from talentpool.core.roles import Role


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
