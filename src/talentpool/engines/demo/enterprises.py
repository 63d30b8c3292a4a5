"""Demo enterprises: the district's employers in its three clusters, with valid credit codes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .codes import credit_code
from .reference import (
    CLUSTER_INDUSTRY_PREFIXES,
    CLUSTER_WEIGHTS,
    DIGITAL_ECONOMY,
    HANGZHOU_COUNTIES,
    INTELLIGENT_MANUFACTURING,
    LIFE_HEALTH,
    OTHER_CLUSTER,
    SIZES,
    STREETS,
    DemoOptions,
    DemoReference,
)

_BRAND_FIRST = "海云之数智新华恒博远卓睿启聚达星万银金天浙西湖钱良安鼎康德宏泰越优微翼灵极光合晶"
_BRAND_SECOND = "创科联讯途联瑞诚信源盛宇航兴隆锐拓迅诺维思捷易汇峰鸿辰尚臻衡朗澜"
_TRADE_WORDS: dict[str, tuple[str, ...]] = {
    DIGITAL_ECONOMY: ("科技", "信息技术", "网络科技", "数据科技", "软件", "智能科技", "微电子", "云计算"),
    INTELLIGENT_MANUFACTURING: ("智能装备", "机器人", "精密机械", "电气", "自动化", "传感技术", "新能源科技"),
    LIFE_HEALTH: ("生物医药", "医疗器械", "生物科技", "药业", "健康科技", "基因科技", "医学检验"),
    OTHER_CLUSTER: ("企业管理咨询", "文化创意", "人力资源", "检测技术"),
}
_GENERIC_STREETS = ("东新街道", "城北街道", "新城街道", "城南街道", "高新街道")


@dataclass(slots=True)
class DemoEnterprise:
    index: int
    credit_code: str
    name: str
    industry_code: str
    cluster: str
    division: str
    street: str
    tax_division: str
    founded_on: date
    size: str


def cluster_industries(industries: list[str] | tuple[str, ...]) -> dict[str, list[str]]:
    """Industry class codes of each cluster, out of those the reference table holds."""
    classes = [c for c in industries if len(c) == 4 and c.isdigit()]
    out: dict[str, list[str]] = {}
    for cluster, prefixes in CLUSTER_INDUSTRY_PREFIXES.items():
        out[cluster] = [c for c in classes if c.startswith(prefixes)]
    return out


def generate_enterprises(count: int, *, reference: DemoReference, options: DemoOptions) -> list[DemoEnterprise]:
    """``count`` enterprises; the first is always a medium digital-economy firm in the main district (the demo
    HR user's employer, and the demo graduate's)."""
    rng = random.Random(f"{options.seed}:enterprises")
    by_cluster = cluster_industries(list(reference.industries))
    clusters = list(CLUSTER_WEIGHTS)
    cluster_weights = list(CLUSTER_WEIGHTS.values())
    others = [c for c in HANGZHOU_COUNTIES if c not in (options.district, options.second_district)]
    names: set[str] = set()
    codes: set[str] = set()
    out: list[DemoEnterprise] = []
    for index in range(count):
        showcase = index == 0
        cluster = DIGITAL_ECONOMY if showcase else rng.choices(clusters, cluster_weights)[0]
        roll = rng.random()
        division = (options.district if showcase or roll < 0.62
                    else options.second_district if roll < 0.92 else rng.choice(others))
        tax_roll = rng.random()
        tax_division = (division if showcase or tax_roll < 0.92
                        else rng.choice(HANGZHOU_COUNTIES) if tax_roll < 0.98 else "310115")
        size = "medium" if showcase else rng.choices([s[0] for s in SIZES], [s[1] for s in SIZES])[0]
        candidates = by_cluster.get(cluster) or by_cluster.get(DIGITAL_ECONOMY) or [""]
        industry = rng.choice(candidates)
        code = credit_code(division=division, rng=rng)
        while code in codes:
            code = credit_code(division=division, rng=rng)
        codes.add(code)
        name = _enterprise_name(rng, cluster, names)
        year = min(options.as_of.year - 1, 1995 + int(30 * rng.random() ** 0.6))
        founded = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        streets = STREETS.get(division, _GENERIC_STREETS)
        out.append(DemoEnterprise(index=index, credit_code=code, name=name, industry_code=industry,
                                  cluster=cluster, division=division, street=rng.choice(streets),
                                  tax_division=tax_division, founded_on=founded, size=size))
    return out


def _enterprise_name(rng: random.Random, cluster: str, taken: set[str]) -> str:
    for attempt in range(50):
        brand = rng.choice(_BRAND_FIRST) + rng.choice(_BRAND_SECOND)
        if attempt >= 5:
            brand += rng.choice(_BRAND_SECOND)
        suffix = "股份有限公司" if rng.random() < 0.15 else "有限公司"
        place = "浙江" if rng.random() < 0.2 else "杭州"
        name = f"{place}{brand}{rng.choice(_TRADE_WORDS[cluster])}{suffix}"
        if name not in taken:
            taken.add(name)
            return name
    name = f"杭州{rng.choice(_BRAND_FIRST)}{len(taken)}科技有限公司"
    taken.add(name)
    return name

