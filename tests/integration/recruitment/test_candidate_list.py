"""The enterprises' candidate list (``GET /api/v1/recruitment/candidates``): applicants to the enterprise's jobs
and talents who let enterprises find them, in id order, paged by offset or by keyset (``after``), read from those
two sources without testing every talent of the registry; the count is exact below 10,000 consenting profiles
and the database's estimate above (``count_estimated``)."""

from __future__ import annotations

from django.db import connection
from factories.registry import make_talent

from talentpool.recruitment import selectors
from talentpool.recruitment.models import JobProfile

API = "/api/v1/recruitment/candidates"


def _walk(client, **params) -> list[dict]:
    """Every page with ``limit=2``, following the last id seen."""
    rows, after = [], 0
    while True:
        page = client.get(API, {"limit": 2, "after": after, **params}).json()
        if not page["items"]:
            return rows
        rows += page["items"]
        after = page["items"][-1]["id"]


def test_the_list_is_the_applicants_and_the_consenting_in_id_order(rec, client_for, django_assert_max_num_queries):
    w = rec.world
    extra = [make_talent(name=f"候选{i}", district="330110") for i in range(5)]
    for i, t in enumerate(extra):
        JobProfile.objects.create(talent=t, resume="会计", skills=["excel"], consent_search=i != 2)
    consenting = {w.talent_other_district.pk} | {t.pk for i, t in enumerate(extra) if i != 2}
    hr, hr_other = client_for(w.hr), client_for(w.hr_other)

    first = hr.get(API, {"limit": 3}).json()
    expected = sorted(consenting | {w.talent.pk})  # 李明 applied to 西湖智造's jobs without consenting
    assert (first["count"], first["count_estimated"]) == (len(expected), False)
    assert [r["id"] for r in first["items"]] == expected[:3]
    walked = _walk(hr)
    assert [r["id"] for r in walked] == expected
    assert {r["id"] for r in walked if r["applied"]} == {w.talent.pk}
    assert [r["id"] for r in hr.get(API, {"limit": 2, "offset": 3}).json()["items"]] == expected[3:5]
    theirs = hr_other.get(API).json()  # 余杭数字: nobody applied, the consenting only
    assert theirs["count"] == len(consenting) and [r["id"] for r in theirs["items"]] == sorted(consenting)
    with django_assert_max_num_queries(9):  # session, user, applicants, a page of profiles, two counts, talents
        hr.get(API, {"limit": 50})
    # a text filter reads the profiles themselves, counted exactly
    python = hr.get(API, {"skill": "Python"}).json()
    assert [r["id"] for r in python["items"]] == sorted({w.talent.pk, w.talent_other_district.pk})
    assert python["count"] == 2 and python["items"][0]["applied"] is True
    assert [r["id"] for r in _walk(hr, q="会计")] == sorted(t.pk for i, t in enumerate(extra) if i != 2)


def test_above_the_threshold_the_count_is_the_estimate(rec, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_BELOW", 1)
    page = client_for(rec.world.hr).get(API).json()
    if connection.vendor == "postgresql":
        assert page["count_estimated"] is True and page["count"] >= 1
    else:  # SQLite gives no estimate: always counted
        assert (page["count"], page["count_estimated"]) == (2, False)
