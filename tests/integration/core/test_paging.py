"""Big lists do not count every row per request: above 10,000 rows the planner's estimate is the count and the page
says "about" (core/paging.py; issue 12). Below, and on SQLite, the count is exact."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection
from factories.registry import make_talent

from talentpool.core import paging
from talentpool.core.paging import EstimatingPaginator, planner_rows
from talentpool.registry.models import Talent


@pytest.mark.django_db
def test_a_small_list_is_counted_exactly():
    for n in range(3):
        make_talent(name=f"王{n}", id_number=None)
    pager = EstimatingPaginator(Talent.objects.order_by("pk"), 2)
    assert pager.count == 3 and pager.num_pages == 2 and not pager.estimated


@pytest.mark.django_db
def test_the_planner_gives_an_estimate_on_postgresql_only():
    make_talent()
    rows = planner_rows(Talent.objects.filter(district__startswith="3301"))
    if connection.vendor == "postgresql":
        assert isinstance(rows, int) and rows >= 1
    else:
        assert rows is None


@pytest.mark.django_db
@pytest.mark.usefixtures("no_page_cache")  # the estimate is swapped between two requests, behind the database
def test_above_the_threshold_the_estimate_is_the_count_and_the_page_says_about(client, make_user, monkeypatch):
    make_talent()
    import_module(settings.ROOT_URLCONF)  # every view imported before the patch: none keeps the patched function
    monkeypatch.setattr(paging, "planner_rows", lambda qs: 25_000)
    pager = EstimatingPaginator(Talent.objects.order_by("pk"), 25)
    assert pager.count == 25_000 and pager.estimated and pager.num_pages == 1000
    client.force_login(make_user("officer"))
    html = client.get("/registry/talents/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "约 25000 人" in html or "约 25,000 人" in html
    assert "第 1 页，约 1000 页" in html or "第 1 页，约 1,000 页" in html
    monkeypatch.setattr(paging, "planner_rows", lambda qs: 9_999)  # below: counted exactly
    html = client.get("/registry/talents/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "共 1 人" in html and "约" not in html.split("talent-results")[0].split("</form>")[-1]
