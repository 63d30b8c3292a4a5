"""One ranking of "where to recruit for a cluster": the talent map (insights) and the campus-tour planner (fairs)
both rank their rows with ``engines.recruit_sources``, so the same rows come out in the same order from both."""

from __future__ import annotations

import datetime as dt

from talentpool.engines.fairs.tour import University
from talentpool.engines.recruit_sources import Source, rank_sources
from talentpool.fairs import tours
from talentpool.insights import maps

ROWS = [
    Source("10335", "浙江大学", "330100", 12, 0.0),
    Source("10486", "武汉大学", "420100", 5, 0.5),  # 5 + 20 × 0.5 = 15: the yield lifts it above 浙江大学
    Source("10610", "四川大学", "510100", 15, 0.0),  # 15 too: the code breaks the tie
    Source("10001", "北京大学", "110100", 3, 0.0),
    Source("10284", "南京大学", "320100", 0, 0.0),
]


def test_the_engine_ranks_by_supply_plus_yield_and_breaks_ties_by_code():
    assert [s.key for s in rank_sources(ROWS)] == ["10486", "10610", "10335", "10001", "10284"]
    assert [s.key for s in rank_sources(ROWS, limit=2)] == ["10486", "10610"]
    merged = rank_sources([Source("A", "甲", people=2), Source("A", "甲", people=3), Source("", "无", people=99)])
    assert [(s.key, s.people) for s in merged] == [("A", 5)]


def test_talent_map_and_tour_planner_give_the_same_order_for_the_same_rows(fw, monkeypatch):
    monkeypatch.setattr(maps, "recruit_source_rows", lambda con, **kw: list(ROWS))
    monkeypatch.setattr(tours, "university_rows", lambda **kw: [
        University(s.key, s.name, s.division, s.division, s.people, s.hires_per_visit) for s in ROWS])
    talent_map = [r["key"] for r in maps.recruit_sources(None, cluster="life_health", as_of=dt.date(2026, 3, 1))]
    planner = [u.code for u in tours.tour_ranking(actor=fw.world.officer, cluster="life_health")]
    assert talent_map == planner == ["10486", "10610", "10335", "10001", "10284"]
