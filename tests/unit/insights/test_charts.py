"""The ECharts option builders: pure functions, plain data in, JSON-ready options out."""

import datetime as dt
import json
from decimal import Decimal

from talentpool.insights import charts


def test_province_map_names_features_by_the_shipped_maps_short_names_and_drills_down():
    rows = [{"key": "330000", "people": 12}, {"key": "420000", "people": 3}, {"key": "990000", "people": 1}]
    option = charts.province_map(rows, title="来源", series="人数", hrefs={"330000": "?province=33"})
    data = option["series"][0]["data"]
    assert data == [{"name": "浙江", "value": 12, "code": "330000", "href": "?province=33"},
                    {"name": "湖北", "value": 3, "code": "420000"}]  # an unknown code is left out, not guessed
    assert option["series"][0]["map"] == "china" and option["visualMap"]["max"] == 12
    assert charts.province_map([], title="t", series="s")["visualMap"]["max"] == 1
    assert len(charts.PROVINCE_SHORT) == 34


def test_bars_keep_row_order_and_money_becomes_a_number():
    rows = [{"key": "a", "name": "甲", "amount": Decimal("1234.50")}, {"key": "b", "name": "乙", "amount": None}]
    option = charts.bars(rows, title="t", series="s", value="amount", hrefs={"b": "?x=b"})
    assert option["yAxis"] == {"type": "category", "data": ["甲", "乙"], "inverse": True}
    assert option["series"][0]["data"] == [{"value": 1234.5}, {"value": None, "href": "?x=b"}]
    vertical = charts.bars(rows, title="t", series="s", value="amount", horizontal=False)
    assert vertical["xAxis"]["type"] == "category" and vertical["yAxis"] == {"type": "value"}
    json.dumps(option)  # JSON-ready


def test_lines_stacked_and_pyramid():
    months = [{"month": dt.date(2026, 5, 1), "a": 1, "b": Decimal("2.00")},
              {"month": dt.date(2026, 6, 1), "a": 3, "b": Decimal("4.50")}]
    option = charts.lines(months, title="t", x="month", series={"a": "A", "b": "B"})
    assert option["xAxis"]["data"] == ["2026-05", "2026-06"]
    assert [s["data"] for s in option["series"]] == [[1, 3], [2.0, 4.5]]
    rows = [{"year": 2025, "province": "330000", "people": 2}, {"year": 2026, "province": "", "people": 1},
            {"year": 2026, "province": "330000", "people": 5}]
    stacked = charts.stacked(rows, title="t", x="year", stack="province", names={"330000": "浙江"})
    assert [(s["name"], s["data"]) for s in stacked["series"]] == [("浙江", [2, 5]), ("—", [0, 1])]
    pyramid = charts.pyramid([{"band": "<25", "degree": "master", "people": 4}], title="t", bands=("<25", "25-29"),
                             degrees={"bachelor": "本科", "master": "硕士"})
    assert pyramid["yAxis"]["data"] == ["<25", "25-29"]
    assert [(s["name"], s["data"]) for s in pyramid["series"]] == [("硕士", [4, 0])]
