"""What the demo engine is given (plain reference codes) and the fixed weights it draws with.

The weights are judgement, not statistics: they aim at a registry that looks like a Hangzhou district's — most
people from Zhejiang and the big neighbouring source provinces, Zhejiang universities heavy, engineering and
computing heavy, most degrees bachelor's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

# Value strings of the registry's choices (the engine imports no Django; the adapter's tests pin them).
JUNIOR_COLLEGE, BACHELOR, MASTER, DOCTOR = "junior_college", "bachelor", "master", "doctor"
INTELLIGENT_MANUFACTURING, LIFE_HEALTH, DIGITAL_ECONOMY, OTHER_CLUSTER = (
    "intelligent_manufacturing", "life_health", "digital_economy", "other")
NO_HOUSING, PUBLIC_RENTAL, TALENT_RENTAL = "none", "public_rental", "talent_rental"
RESIDENT_ID, PASSPORT = "resident_id", "passport"
XIHU, YUHANG = "330106", "330110"
HANGZHOU_PREFIX = "3301"


@dataclass(frozen=True, slots=True)
class UniversityRef:
    code: str
    name: str
    division: str = ""          # city-level code such as 330100
    vocational: bool = False    # 专科 (junior college) rather than 本科
    is_985: bool = False
    is_211: bool = False


@dataclass(frozen=True)
class DemoReference:
    """Reference codes read from the database by the adapter (or written by hand in tests)."""

    counties: Sequence[str]                 # county-level GB/T 2260 codes, e.g. 330106
    universities: Sequence[UniversityRef]
    majors: Sequence[str]                   # finest-level major codes, e.g. 080901
    industries: Sequence[str]               # GB/T 4754 class codes (four digits), e.g. 6513
    occupations: Sequence[str] = ()         # 2022 occupation codes; positions keep theirs only when listed here


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 2023
    as_of: date = date(2026, 11, 1)
    district: str = XIHU
    second_district: str = YUHANG
    second_district_share: float = 0.3
    extra_county_weights: dict[str, float] = field(default_factory=dict)


# Hukou provinces (first two digits of a county code) and their weight among the district's talents.
PROVINCE_WEIGHTS: dict[str, float] = {
    "33": 40, "34": 9, "36": 6, "41": 6, "32": 5, "43": 4, "42": 4, "37": 4, "51": 3, "35": 3,
    "13": 2, "14": 1.5, "61": 1.5, "45": 1.5, "52": 1.5, "50": 1.5, "23": 1, "21": 1, "22": 0.8, "62": 1,
    "15": 0.7, "44": 1, "31": 0.8, "11": 0.5, "12": 0.4, "53": 1, "46": 0.3, "64": 0.3, "63": 0.2, "65": 0.4,
    "54": 0.1,
}
# Counties created after nearly everyone alive got their ID number (an ID keeps its first place code for life).
NEW_COUNTIES = frozenset({"330113", "330114"})

# Name boosts for the schools that feed Hangzhou's employers; everything else is weighted by tier below.
UNIVERSITY_BOOSTS: dict[str, float] = {
    "浙江大学": 60, "杭州电子科技大学": 32, "浙江工业大学": 30, "浙江理工大学": 15, "杭州师范大学": 15,
    "浙江工商大学": 15, "浙江财经大学": 10, "中国计量大学": 10, "浙江中医药大学": 8, "浙江科技大学": 8,
    "浙江科技学院": 8, "浙江农林大学": 6, "浙江传媒学院": 5, "浙江外国语学院": 3, "浙江师范大学": 8, "宁波大学": 8,
    "温州医科大学": 6, "浙大城市学院": 6, "浙江大学城市学院": 6, "西湖大学": 3, "杭州电子科技大学信息工程学院": 3,
    "浙江工业大学之江学院": 2, "浙江树人学院": 3, "杭州医学院": 3, "浙江金融职业学院": 4, "浙江机电职业技术学院": 4,
    "杭州职业技术学院": 4, "浙江经济职业技术学院": 3, "浙江交通职业技术学院": 2,
}
OVERSEAS_UNIVERSITIES: tuple[str, ...] = (
    "帝国理工学院", "伦敦大学学院", "曼彻斯特大学", "爱丁堡大学", "新加坡国立大学", "南洋理工大学", "香港大学",
    "墨尔本大学", "悉尼大学", "多伦多大学", "哥伦比亚大学", "卡内基梅隆大学", "南加州大学", "慕尼黑工业大学",
    "东京大学", "早稻田大学", "首尔国立大学", "代尔夫特理工大学", "莫纳什大学", "伊利诺伊大学厄巴纳-香槟分校",
)

# Major weights by class (first four digits) or category (first two); spread over the majors of the class.
MAJOR_CLASS_WEIGHTS: dict[str, float] = {
    "0809": 12, "0807": 8, "0802": 5, "0806": 4, "0803": 1, "0804": 2, "0805": 1, "0810": 1.5, "0813": 1.5,
    "0830": 1.5, "0201": 2, "0203": 4, "1202": 4, "1201": 2, "1002": 4, "1007": 2, "1001": 1, "1011": 1.5,
    "0701": 2, "0702": 1, "0703": 1, "0710": 1.5, "0712": 1.5, "0501": 1.5, "0502": 2, "0503": 1.5, "0301": 2,
    "1305": 1, "0401": 1,
}
MAJOR_CATEGORY_WEIGHTS: dict[str, float] = {
    "08": 0.6, "02": 0.8, "12": 1, "10": 0.5, "07": 0.5, "05": 0.6, "03": 0.5, "13": 0.5, "04": 0.5, "09": 0.3,
    "06": 0.3, "01": 0.2,
}

# GB/T 4754-2017 code prefixes that belong to each cluster, and the clusters' shares of the district's firms.
CLUSTER_INDUSTRY_PREFIXES: dict[str, tuple[str, ...]] = {
    DIGITAL_ECONOMY: ("651", "652", "653", "654", "655", "656", "657", "659", "641", "642", "643", "644", "645",
                      "649", "631", "632", "397"),
    INTELLIGENT_MANUFACTURING: ("34", "35", "38", "391", "392", "393", "394", "395", "396", "399", "40", "36"),
    LIFE_HEALTH: ("27", "358", "734", "84", "1491", "3586"),
    OTHER_CLUSTER: ("72", "74", "75", "51", "52", "70"),
}
CLUSTER_WEIGHTS: dict[str, float] = {DIGITAL_ECONOMY: 45, INTELLIGENT_MANUFACTURING: 30, LIFE_HEALTH: 20,
                                     OTHER_CLUSTER: 5}

# Streets (街道) and towns of the two model districts; other districts get generic street names.
STREETS: dict[str, tuple[str, ...]] = {
    XIHU: ("北山街道", "西溪街道", "灵隐街道", "翠苑街道", "文新街道", "古荡街道", "西湖街道", "留下街道",
           "转塘街道", "蒋村街道", "三墩镇", "双浦镇"),
    YUHANG: ("仓前街道", "五常街道", "余杭街道", "闲林街道", "中泰街道", "仁和街道", "良渚街道", "瓶窑镇",
             "径山镇", "黄湖镇", "鸬鸟镇", "百丈镇"),
}
HANGZHOU_COUNTIES: tuple[str, ...] = ("330102", "330105", "330106", "330108", "330109", "330110", "330111",
                                      "330112", "330113", "330114")
OTHER_CITY_COUNTIES: tuple[str, ...] = ("310115", "310104", "320106", "320505", "330212", "330302", "440305",
                                        "110108", "340104", "320214")

# Positions by cluster: (title, occupation code in the 2022 classification, minimum degree rank 1..4).
POSITIONS: dict[str, tuple[tuple[str, str, int], ...]] = {
    DIGITAL_ECONOMY: (("软件工程师", "2-02-10-03", 1), ("算法工程师", "2-02-38-01", 2), ("数据分析师", "2-02-30-09", 2),
                      ("大数据开发工程师", "2-02-38-03", 2), ("产品经理", "", 2), ("测试工程师", "2-02-10-03", 1),
                      ("芯片设计工程师", "2-02-38-09", 3), ("数据安全工程师", "2-02-38-12", 2), ("运营专员", "", 1)),
    INTELLIGENT_MANUFACTURING: (("机械工程师", "", 1), ("电气工程师", "", 1), ("嵌入式工程师", "", 2),
                                ("工艺工程师", "", 1), ("质量工程师", "2-02-31-01", 1), ("产品设计师", "2-02-34-01", 2),
                                ("研发工程师", "", 3), ("销售工程师", "", 1)),
    LIFE_HEALTH: (("药物研究员", "2-02-32-01", 3), ("制药工程师", "2-02-32-01", 2), ("临床研究协调员", "", 2),
                  ("医学注册专员", "", 2), ("医疗器械工程师", "", 2), ("医师", "2-05-01-01", 2), ("质量专员", "", 1)),
    OTHER_CLUSTER: (("咨询顾问", "", 2), ("财务专员", "", 1), ("人力资源专员", "", 1), ("行政专员", "", 1)),
}

# Enterprise sizes: share among firms, relative weight as an employer.
SIZES: tuple[tuple[str, float, float], ...] = (("micro", 40, 1), ("small", 35, 4), ("medium", 18, 15),
                                               ("large", 7, 60))
