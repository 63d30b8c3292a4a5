"""A schematic tile map of Hangzhou's districts: our own grid layout, one square tile per district, placed roughly
where the district lies (north up), keyed by its GB/T 2260 code. It is a grid cartogram, not a map: no boundary,
no coordinate, nothing drawn from survey data, so there is no shape data to license (and no 审图号 to obtain).
Plain Python; ``charts.tile_map`` draws it with an ECharts heatmap on a category grid.

The codes are those of the shipped division list (reference/data/divisions.csv, NBS 2023): a district that list
gains later and this layout lacks is still shown, in a row of its own under the grid (``tile_positions``).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "reference" / "data" / "divisions.csv"

# (column, row) from the north-west corner; 13 districts on a 5 × 3 grid
HANGZHOU_TILES: dict[str, tuple[int, int]] = {
    "330112": (1, 0),  # 临安区
    "330110": (2, 0),  # 余杭区
    "330105": (3, 0),  # 拱墅区
    "330113": (4, 0),  # 临平区
    "330122": (0, 1),  # 桐庐县
    "330111": (1, 1),  # 富阳区
    "330106": (2, 1),  # 西湖区
    "330102": (3, 1),  # 上城区
    "330114": (4, 1),  # 钱塘区
    "330127": (0, 2),  # 淳安县
    "330182": (1, 2),  # 建德市
    "330108": (2, 2),  # 滨江区
    "330109": (3, 2),  # 萧山区
}


def tile_positions(codes: list[str], layout: dict[str, tuple[int, int]] = HANGZHOU_TILES) -> dict[str, tuple[int, int]]:
    """Where each of ``codes`` goes: its place in ``layout``, or (for a code the layout lacks) the next cell of an
    extra row under the grid, in code order. Every code gets exactly one cell; no two share one."""
    out = {c: layout[c] for c in codes if c in layout}
    extra_row = max((r for _c, r in layout.values()), default=-1) + 1
    width = max((c for c, _r in layout.values()), default=0) + 1
    for i, code in enumerate(sorted(c for c in codes if c not in layout)):
        out[code] = (i % width, extra_row + i // width)
    return out


@lru_cache(maxsize=8)
def city_districts(city: str) -> tuple[tuple[str, str], ...]:
    """The county-level divisions (code, name) of ``city`` (a prefix '3301' or a code '330100') in the shipped
    division list, in code order."""
    parent = city[:4] + "00"
    with SHIPPED.open(encoding="utf-8") as f:
        return tuple((r["code"], r["name"]) for r in csv.DictReader(f)
                     if r["parent"] == parent and r["level"] == "county")
