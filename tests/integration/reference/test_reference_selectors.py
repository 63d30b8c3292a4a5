"""Selectors used by forms, imports and pages, on the loaded tables."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from talentpool.reference import selectors
from talentpool.reference.models import Division

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("330106", "浙江省杭州市西湖区"),
        ("330110", "浙江省杭州市余杭区"),
        ("330113", "浙江省杭州市临平区"),
        ("330114", "浙江省杭州市钱塘区"),
        ("330100", "浙江省杭州市"),
        ("330000", "浙江省"),
        ("110101", "北京市东城区"),
        ("500229", "重庆市城口县"),
        ("429004", "湖北省仙桃市"),
        ("441900", "广东省东莞市"),
        ("999999", ""),
        ("", ""),
    ],
)
def test_division_name(reference_loaded, code, name):
    assert selectors.division_name(code) == name


def test_codes_and_names(reference_loaded):
    assert {"330113", "330114"} <= selectors.reference_codes("divisions")
    assert "080901" in selectors.reference_codes("majors")
    assert "6511" in selectors.reference_codes("industries")
    assert "2-02-10-03" in selectors.reference_codes("occupations")
    assert selectors.reference_names("universities")["4133010335"] == "浙江大学"
    with pytest.raises(ValueError):
        selectors.reference_codes("planets")


def test_names_are_cached_in_process(reference_loaded, django_assert_num_queries):
    selectors.reference_names("majors")
    selectors.reference_codes("majors")
    selectors.division_name("330106")
    with django_assert_num_queries(0):
        selectors.reference_names("majors")
        selectors.reference_codes("majors")
        selectors.division_name("330110")


@pytest.mark.parametrize("name", ["清华大学", " 清华大学 ", "清华大学"])
def test_university_by_name(reference_loaded, name):
    uni = selectors.university_by_name(name)
    assert uni is not None and uni.code == "4111010003" and uni.is_c9


def test_university_by_name_folds_brackets_and_misses_unknown_names(reference_loaded):
    assert selectors.university_by_name("中国石油大学(北京)").name == "中国石油大学（北京）"
    assert selectors.university_code_by_name("中国石油大学（华东）") is not None
    assert selectors.university_by_name("霍格沃茨魔法学校") is None


def test_ancestors(reference_loaded):
    assert selectors.major_ancestors("080901") == ["08", "0809"]
    assert selectors.major_ancestors("080910T") == ["08", "0809"]
    assert selectors.major_ancestors("0809") == ["08"]
    assert selectors.major_ancestors("08") == []
    assert selectors.major_ancestors("999999") == []
    assert selectors.industry_ancestors("6511") == ["I", "65", "651"]
    assert selectors.division_ancestors("330113") == ["330000", "330100"]


def test_status_tells_loaded_from_outdated(reference_loaded):
    from talentpool.reference.models import ReferenceSource

    ReferenceSource.objects.filter(key="majors").update(sha256="0" * 64)
    status = {s.key: s for s in selectors.reference_status()}
    assert status["divisions"].up_to_date and status["divisions"].loaded
    assert not status["majors"].up_to_date and status["majors"].loaded


def test_a_load_by_another_process_is_seen_from_the_next_request_with_one_stat_per_request(
        reference_loaded, settings, tmp_path, monkeypatch):
    settings.HOME_DIR = tmp_path
    selectors.reference_cache_clear()
    # Django's own receivers close the test's database connection at a request's start and end (PostgreSQL);
    # the test client disconnects them around its requests, and so does this test around its simulated ones
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _one_stat_per_request(tmp_path, monkeypatch)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _one_stat_per_request(tmp_path, monkeypatch):
    assert selectors.division_name("330106") == "浙江省杭州市西湖区"
    stats = []
    stamp_mtime = selectors._stamp_mtime
    monkeypatch.setattr(selectors, "_stamp_mtime", lambda: stats.append(1) or stamp_mtime())
    request_started.send(sender=None)
    for _ in range(50):
        selectors.division_name("330106")
    assert len(stats) == 1
    Division.objects.filter(code="330106").update(name="西湖新区")  # another process loads and touches the stamp
    (tmp_path / "reference-loaded.stamp").touch()
    assert selectors.division_name("330106") == "浙江省杭州市西湖区"  # this request keeps what it checked
    request_finished.send(sender=None)
    request_started.send(sender=None)
    assert selectors.division_name("330106") == "浙江省杭州市西湖新区"
    request_finished.send(sender=None)
    selectors.reference_cache_clear()
