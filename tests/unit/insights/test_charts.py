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


def test_the_district_tiles_cover_every_district_of_hangzhou_once():
    import csv
    from pathlib import Path

    from talentpool.insights.tiles import HANGZHOU_TILES, tile_positions

    shipped = Path(charts.__file__).resolve().parents[1] / "reference" / "data" / "divisions.csv"
    with shipped.open(encoding="utf-8") as f:
        codes = [r["code"] for r in csv.DictReader(f) if r["parent"] == "330100" and r["level"] == "county"]
    assert sorted(codes) == sorted(HANGZHOU_TILES)  # the layout follows the shipped GB/T 2260 list
    assert len(set(HANGZHOU_TILES.values())) == len(HANGZHOU_TILES)  # no two districts on one tile
    # a district the layout lacks still gets a cell of its own, under the grid
    placed = tile_positions([*codes, "330199", "330198"])
    assert placed["330199"] == (1, 3) and placed["330198"] == (0, 3)
    assert len(set(placed.values())) == len(placed)


def test_tile_map_is_a_heatmap_of_named_tiles_with_drill_down_and_suppression():
    positions = {"330106": (2, 1), "330110": (2, 0), "330102": (3, 1)}
    rows = [{"key": "330106", "name": "西湖区", "people": 12}, {"key": "330110", "name": "余杭区", "people": None},
            {"key": "999999", "name": "外地", "people": 50}]
    option = charts.tile_map(rows, title="密度", series="人数", positions=positions,
                             hrefs={"330106": "?district=330106"})
    data = {d["code"]: d for d in option["series"][0]["data"]}
    assert option["series"][0]["type"] == "heatmap"
    assert data["330106"]["value"] == [2, 1, 12] and data["330106"]["name"] == "西湖区"
    assert data["330106"]["href"] == "?district=330106" and "href" not in data["330110"]
    assert data["330110"]["value"] == [2, 0, "-"] and data["330110"]["label"]["formatter"] == "余杭区\n<5".replace(
        "余杭区", "{b}")
    assert data["330102"]["value"] == [3, 1, 0] and data["330102"]["name"] == "330102"  # no row: an empty tile
    assert "999999" not in data  # outside the city: the table has it, the tiles do not
    assert option["visualMap"]["max"] == 12 and option["visualMap"]["dimension"] == 2
    assert (len(option["xAxis"]["data"]), len(option["yAxis"]["data"])) == (4, 2)
    json.dumps(option)
