"""The talent map and the industry map over the known registry: every filter narrows every chart."""

from __future__ import annotations

from datetime import date

from talentpool.insights import figures, maps
from talentpool.recruitment.models import Job

from .conftest import AS_OF


def test_origin_drill_down_and_filters(snapshot):
    con = figures.connect(snapshot.path)
    f = maps.Filters()
    rows = maps.origin_by_province(con, as_of=AS_OF, scope="330106", f=f)
    assert [(r["key"], r["people"]) for r in rows] == [("420000", 4), ("510000", 2)]
    city = maps.origin_by_city(con, as_of=AS_OF, scope="330106", f=maps.Filters(province="42"))
    assert [(r["key"], r["people"]) for r in city] == [("420100", 4)]
    masters = maps.Filters(degree="master")
    assert [(r["key"], r["people"]) for r in maps.origin_by_province(con, as_of=AS_OF, scope="330106", f=masters)] \
        == [("510000", 2), ("420000", 1)]
    assert maps.top_majors(con, as_of=AS_OF, scope="330106", f=maps.Filters(discipline="08"))[0]["people"] == 7
    assert maps.top_majors(con, as_of=AS_OF, scope="330106", f=maps.Filters(discipline="05")) == []
    over_35 = maps.Filters(age_band="40-49")
    assert sum(r["people"] for r in maps.pyramid(con, as_of=AS_OF, scope="330106", f=over_35)) == 1
    assert maps.origin_by_province(con, as_of=AS_OF, scope="330106", f=maps.Filters(tier="E"))[0]["people"] == 2
    inflow = maps.inflow_by_year(con, as_of=AS_OF, scope="330106", f=maps.Filters(arrival_year=2026))
    assert {(r["province"], r["people"]) for r in inflow} == {("420000", 4), ("510000", 2)}


def test_pyramid_is_age_band_by_degree(snapshot):
    con = figures.connect(snapshot.path)
    rows = maps.pyramid(con, as_of=AS_OF, scope="330106", f=maps.Filters())
    assert rows[0]["band"] == "25-29"
    bands = {(r["band"], r["degree"]): r["people"] for r in rows}
    assert bands[("25-29", "bachelor")] == 3 and bands[("25-29", "master")] == 3  # 新人3, 新人4 and 李明 (25)
    assert bands[("40-49", "master")] == 1


def test_recruit_sources_rank_universities_for_a_cluster(snapshot):
    con = figures.connect(snapshot.path)
    rows = maps.recruit_sources(con, cluster="life_health", as_of=AS_OF, scope="330106")
    assert [(r["key"], r["people"]) for r in rows] == [("4142010486", 5)]
    assert maps.recruit_sources(con, cluster="digital_economy", as_of=AS_OF, scope="330106")[0]["people"] == 1


def test_industry_clusters_and_gap(registry, tmp_path, settings):
    from talentpool.insights.snapshot import snapshot_build

    co = registry["people"][0].employments.get().enterprise
    Job.objects.create(enterprise=co, title="算法", status="open", headcount=3, accepted_majors=["080901", "080902"],
                       division="330106")
    Job.objects.create(enterprise=co, title="草稿", status="draft", headcount=9, accepted_majors=["080901"],
                       division="330106")
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "s")
    con = figures.connect(snapshot_build().path)
    by = {r["cluster"]: r for r in maps.clusters(con, as_of=AS_OF, scope="330106")}
    assert (by["life_health"]["enterprises"], by["life_health"]["jobs"], by["life_health"]["positions"],
            by["life_health"]["people"]) == (1, 1, 3, 5)
    assert by["intelligent_manufacturing"]["people"] == 2  # 李明 and 王芳 at the world's 西湖 company
    gap = maps.supply_demand_gap(con, as_of=AS_OF, scope="330106")
    assert [(g["cluster"], g["class"], g["demand"], g["supply"], g["seekers"], g["gap"]) for g in gap] == [
        ("life_health", "0809", 6, 7, 0, 6)]


def test_hires_count_on_the_office_day_not_the_utc_day(registry, tmp_path, settings):
    """A hire at 00:30 on 1 January in Hangzhou is still 31 December in UTC: it counts in the new year."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from talentpool.insights.snapshot import snapshot_build
    from talentpool.recruitment.models import Application

    shanghai = ZoneInfo("Asia/Shanghai")
    people = registry["people"]
    co = people[0].employments.get().enterprise
    job = Job.objects.create(enterprise=co, title="算法", status="open", headcount=2, division="330106")
    Application.objects.create(job=job, talent=people[0], outcome="hired",
                               outcome_at=datetime(2026, 1, 1, 0, 30, tzinfo=shanghai))
    Application.objects.create(job=job, talent=people[1], outcome="hired",
                               outcome_at=datetime(2025, 12, 31, 23, 30, tzinfo=shanghai))
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "s")
    con = figures.connect(snapshot_build().path)
    by = {r["cluster"]: r for r in maps.clusters(con, as_of=AS_OF, scope="330106")}
    assert by["life_health"]["hires"] == 1
    days = con.execute("SELECT hired_on FROM hires_by_day ORDER BY 1").fetchall()
    assert [d for (d,) in days] == [date(2025, 12, 31), date(2026, 1, 1)]
