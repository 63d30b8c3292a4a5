"""The columns of each import kind: Chinese header, English field name and aliases, whether the column must be
present, and what the help sheet of the template says about it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .messages import FileProblem
from .messages import gettext_noop as _


@dataclass(frozen=True)
class Column:
    key: str                       # English field name, also accepted as a header
    header: str                    # Chinese header written in templates
    meaning: str                   # English msgid for the help sheet
    example: str = ""
    allowed: str = ""              # English msgid describing allowed values
    required: bool = False         # the column must be present and every row must have a value
    aliases: tuple[str, ...] = ()  # further accepted headers (Chinese or English)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    sheet: str                     # sheet name in templates (Chinese)
    label: str                     # English msgid
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...]   # natural key within a file
    column_by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_by_key", {c.key: c for c in self.columns})

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


_ID_TYPE = Column("id_type", "证件类型", _("Kind of identity document"), "居民身份证",
                  _("居民身份证 (or 身份证, resident_id), 护照 (passport), 其他 (other); empty means 居民身份证"),
                  aliases=("id type",))
_ID_NUMBER = Column("id_number", "证件号码", _("Identity document number; a resident ID is checked (GB 11643)"),
                    "330106199805170017", _("18 characters for a resident ID; format the column as text"),
                    required=True, aliases=("身份证号", "身份证号码", "id", "id no"))
_PERSON_NAME = Column("name", "姓名", _("Name, for reading the file only (the person is found by the ID)"), "张三",
                      aliases=("full name",))

TALENTS = KindSpec("talents", "人才", _("Talents"), (
    Column("name", "姓名", _("Full name"), "张三", required=True, aliases=("full name",)),
    _ID_TYPE,
    _ID_NUMBER,
    Column("gender", "性别", _("Gender; must agree with a resident ID"), "男", _("男 or 女 (M or F)"), aliases=("sex",)),
    Column("birth_date", "出生日期", _("Birth date; must agree with a resident ID"), "1998-05-17",
           _("a date such as 2023-06-30, 2023/6/30, 2023年6月30日, 2023.06.30 or 20230630"), aliases=("birthday",)),
    Column("phone", "手机号", _("Mobile phone number"), "13800138000", _("11 digits starting with 1"),
           aliases=("手机", "手机号码", "电话", "mobile")),
    Column("email", "邮箱", _("Email address"), "zhangsan@example.com", aliases=("电子邮箱", "e-mail")),
    Column("hukou_division", "户籍地", _("Hukou (household registration) division, GB/T 2260 code"), "330106",
           _("a 6-digit GB/T 2260 code"), aliases=("户籍", "户籍所在地", "hukou")),
    Column("residence_division", "居住地", _("Residence division, GB/T 2260 code"), "330106",
           _("a 6-digit GB/T 2260 code"), aliases=("居住地区", "现居住地", "residence")),
    Column("arrival_date", "来区日期", _("Date the person came to the district"), "2023-07-01",
           aliases=("来区时间", "arrival")),
    Column("tier", "人才层次", _("Talent tier"), "E", _("A, B, C, D or E (A类 ... E类)"), aliases=("人才类别", "人才分类")),
    Column("tier_basis", "认定依据", _("Basis of the tier"), "杭州市E类人才认定", aliases=("层次依据",)),
    Column("tier_date", "认定日期", _("Date the tier was recognised"), "2023-09-01", aliases=("层次认定日期",)),
    Column("honours", "荣誉", _("Honours, separated by 、 or commas"), "省级顶尖人才计划",
           _("中国科学院院士, 中国工程院院士, 外籍院士, 国家级人才计划, 省级顶尖人才计划, 市级人才计划 (or their English keys)"),
           aliases=("荣誉称号",)),
    Column("housing", "公共住房", _("Public housing the person lives in"), "无",
           _("无 (none), 公租房 (public_rental), 人才租赁房 (talent_rental)")),
    Column("housing_since", "入住日期", _("Day the person moved into that public or talent rental housing"),
           "2024-03-01", aliases=("公共住房入住日期", "housing since")),
    Column("owns_property", "是否有房产", _("Owns residential property"), "否", _("是 or 否"), aliases=("有房产", "房产")),
    Column("property_division", "房产所在地", _("Division of the property, GB/T 2260 code"), "330106"),
    Column("property_purchase_date", "购房日期", _("Date the property was bought (the house purchase)"), "2024-05-10",
           aliases=("房产购买日期", "purchase date")),
), key_columns=("id_type", "id_number"))

EDUCATION = KindSpec("education", "学历", _("Education"), (
    _ID_TYPE, _ID_NUMBER, _PERSON_NAME,
    Column("degree", "学历", _("Degree level"), "硕士", _("大专, 本科, 硕士, 博士 (junior_college, bachelor, master, doctor)"),
           required=True, aliases=("学历层次", "学位")),
    Column("full_time", "是否全日制", _("Full-time study"), "是", _("是 or 否; empty means 是"), aliases=("全日制",)),
    Column("overseas", "是否海外学历", _("Degree obtained abroad"), "否", _("是 or 否; empty means 否"), aliases=("海外",)),
    Column("overseas_certified", "是否认证", _("Overseas degree certified by the Ministry of Education"), "否",
           _("是 or 否"), aliases=("学历认证",)),
    Column("university", "毕业院校", _("University: Ministry of Education code or exact name; any name when abroad"),
           "浙江大学", aliases=("院校", "学校", "university_code", "院校代码")),
    Column("major_code", "专业代码", _("Undergraduate major code"), "080901", _("a code of the major catalogue, e.g. 080901"),
           aliases=("专业", "major")),
    Column("graduation_date", "毕业日期", _("Graduation date"), "2024-06-30", required=True, aliases=("毕业时间",)),
    Column("diploma_date", "发证日期", _("Date on the diploma"), "2024-06-30", aliases=("证书日期",)),
), key_columns=("id_type", "id_number", "degree", "graduation_date"))

EMPLOYMENT = KindSpec("employment", "就业", _("Employment"), (
    _ID_TYPE, _ID_NUMBER, _PERSON_NAME,
    Column("credit_code", "统一社会信用代码", _("Employer's unified social credit code; the enterprise must be registered"),
           "91330106MA27B3C47A", _("18 characters, checked (GB 32100)"), required=True, aliases=("信用代码",)),
    Column("start_date", "入职日期", _("First day of the employment"), "2024-07-15", required=True, aliases=("开始日期",)),
    Column("end_date", "离职日期", _("Last day; empty while employed"), "", aliases=("结束日期",)),
    Column("position", "岗位", _("Position"), "算法工程师", aliases=("职位",)),
    Column("occupation_code", "职业代码", _("Occupation code (2022 classification)"), "2-02-10-03", aliases=("职业",)),
), key_columns=("id_type", "id_number", "credit_code", "start_date"))

INSURANCE = KindSpec("insurance", "社保", _("Social insurance"), (
    _ID_TYPE, _ID_NUMBER, _PERSON_NAME,
    Column("from_month", "起始月份", _("First month paid"), "2024-07", _("2024-07, 2024/7, 2024年7月 or a date in the month"),
           required=True, aliases=("缴费月份", "月份", "month")),
    Column("to_month", "截止月份", _("Last month paid; empty means the same month"), "2025-06", aliases=("结束月份",)),
    Column("division", "参保地", _("Division where paid, GB/T 2260 code"), "330106", required=True, aliases=("缴费地",)),
    Column("back_paid", "是否补缴", _("Paid afterwards (back-paid)"), "否", _("是 or 否; empty means 否"), aliases=("补缴",)),
), key_columns=("id_type", "id_number", "from_month", "division"))

ENTERPRISES = KindSpec("enterprises", "企业", _("Enterprises"), (
    Column("credit_code", "统一社会信用代码", _("Unified social credit code"), "91330106MA27B3C47A",
           _("18 characters, checked (GB 32100)"), required=True, aliases=("信用代码",)),
    Column("name", "企业名称", _("Registered name"), "杭州某某科技有限公司", required=True, aliases=("名称", "单位名称")),
    Column("industry_code", "行业代码", _("Industry, GB/T 4754-2017 code"), "6511", aliases=("行业", "industry")),
    Column("cluster", "产业集群", _("Industry cluster"), "数字经济",
           _("智能制造, 生命健康, 数字经济, 其他 (or intelligent_manufacturing, life_health, digital_economy, other)"),
           aliases=("产业",)),
    Column("division", "所在地", _("Division, GB/T 2260 county-level code"), "330106", required=True,
           aliases=("注册地", "所在区")),
    Column("street", "街道", _("Street (township)"), "文新街道", aliases=("所在街道",)),
    Column("tax_division", "税务登记地", _("Tax-registration division, GB/T 2260 code"), "330106", aliases=("税务所在地",)),
    Column("founded_on", "成立日期", _("Founding date"), "2019-03-01", aliases=("成立时间",)),
    Column("size", "企业规模", _("Size"), "小型", _("微型, 小型, 中型, 大型 (micro, small, medium, large)"), aliases=("规模",)),
), key_columns=("credit_code",))

_AMOUNT = _("an amount in yuan such as 450000 or 450,000.00, not negative, at most 2 decimals")

HOUSEHOLD = KindSpec("household", "家庭住房", _("Household and housing"), (
    _ID_TYPE, _ID_NUMBER, _PERSON_NAME,
    Column("house_price", "购房价格", _("Price of the house bought on the purchase date (yuan)"), "1500000", _AMOUNT,
           aliases=("房价", "购房款", "house price")),
    Column("settling_allowance", "安家补助金额", _("Settling allowance (安家补助) received (yuan); 0 when none"), "30000",
           _AMOUNT, aliases=("安家补助", "已领安家补助", "settling allowance")),
    Column("settling_allowance_on", "安家补助领取日期", _("Day the settling allowance was received"), "2024-09-01",
           aliases=("安家补助日期", "settling allowance date")),
    Column("income_low", "人均收入低于全市平均", _("Household per-capita income below the city's average"), "是",
           _("是 or 否"), aliases=("家庭人均收入低于全市平均", "低收入", "income low")),
    Column("income_assessed_on", "收入认定日期", _("Day the per-capita income was assessed"), "2025-01-15",
           aliases=("收入核定日期", "income assessed on")),
    Column("income_per_capita", "家庭人均年收入", _("Household per-capita income a year (yuan), as assessed on that day; "
                                              "policies compare it with the city's average"), "52000", _AMOUNT,
           aliases=("家庭人均收入", "人均收入", "income per capita")),
), key_columns=("id_type", "id_number"))

MEMBERS = KindSpec("members", "家庭成员", _("Household members"), (
    _ID_TYPE, _ID_NUMBER, _PERSON_NAME,
    Column("relation", "关系", _("The member's relation to the person"), "配偶", _("配偶 (spouse) or 子女 (child)"),
           required=True, aliases=("与本人关系", "relation")),
    Column("member_name", "成员姓名", _("The member's name"), "李四", required=True, aliases=("家庭成员姓名",)),
    Column("member_id_type", "成员证件类型", _("Kind of the member's identity document"), "居民身份证",
           _("居民身份证, 护照, 其他; empty means 居民身份证")),
    Column("member_id_number", "成员证件号码", _("The member's ID number; required for a spouse. A spouse in the "
                                           "registry is linked to the person"), "330106199901010013",
           _("as for the person's ID number; format the column as text"), aliases=("成员身份证号",)),
    Column("member_birth_date", "成员出生日期", _("The member's birth date; required for a child without a resident ID"),
           "", _("a date; read from a resident ID when empty"), aliases=("出生日期",)),
    Column("married_on", "结婚登记日期", _("Day the marriage was registered; required for a spouse"), "2024-10-01",
           aliases=("结婚日期", "marriage date")),
), key_columns=("id_type", "id_number", "relation", "member_id_number", "member_name"))

PROPERTIES = KindSpec("properties", "房产", _("Property owned and sold"), (
    _ID_TYPE, _ID_NUMBER, _PERSON_NAME,
    Column("division", "房产所在地", _("Division of the home, GB/T 2260 county-level code"), "330106", required=True,
           aliases=("房产所在区县", "property division")),
    Column("acquired_on", "取得日期", _("Day the home was bought or otherwise acquired"), "2024-05-10", required=True,
           aliases=("购房日期", "购买日期", "acquired on")),
    Column("sold_on", "出售日期", _("Day the home was sold or transferred; empty while owned"), "",
           aliases=("转让日期", "sold on")),
    Column("area_m2", "建筑面积", _("Floor area in square metres"), "89.5", _("a number such as 89.5"),
           aliases=("面积", "area")),
), key_columns=("id_type", "id_number", "division", "acquired_on"))

KINDS: dict[str, KindSpec] = {k.kind: k for k in (TALENTS, EDUCATION, EMPLOYMENT, INSURANCE, ENTERPRISES, HOUSEHOLD,
                                                  MEMBERS, PROPERTIES)}

SHEET_KINDS: dict[str, str] = {k.sheet: k.kind for k in KINDS.values()}

def header_token(header: str) -> str:
    """How headers are compared: NFKC, lower case, no spaces or required-markers, '-' and ' ' as '_'."""
    s = unicodedata.normalize("NFKC", header).lower().replace("*", "")
    s = re.sub(r"[（(].*?[)）]\s*$", "", s.strip()).strip()  # trailing hints such as 证件号码(必填)
    return re.sub(r"[-\s\u00a0\u3000]+", "_", s)


def _tokens(column: Column) -> set[str]:
    return {header_token(t) for t in (column.key, column.header, *column.aliases)}


def map_headers(spec: KindSpec, headers: list[str]) -> dict[str, int]:
    """Field key -> column index. Unknown headers are ignored. Raises ``FileProblem`` for a column given twice."""
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for token in _tokens(column):
            lookup.setdefault(token, column.key)
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = lookup.get(header_token(header)) if header else None
        if key is None:
            continue
        if key in found:
            raise FileProblem(_("The columns %(first)s and %(second)s both hold %(field)s; keep one."),
                              first=headers[found[key]], second=header, field=key)
        found[key] = index
    return found


def missing_required(spec: KindSpec, mapping: dict[str, int]) -> list[Column]:
    return [c for c in spec.required if c.key not in mapping]


def _safe_map(spec: KindSpec, headers: list[str]) -> dict[str, int]:
    try:
        return map_headers(spec, headers)
    except FileProblem:
        return {}


def best_other_kind(spec: KindSpec, headers: list[str]) -> str | None:
    """The kind these headers belong to when it is not ``spec``: another kind whose required columns are all
    present and which recognises more of the headers (an education sheet also has 姓名 and 证件号码, so it would
    pass as talents on required columns alone)."""
    own = len(_safe_map(spec, headers))
    best, best_count = None, own
    for other in KINDS.values():
        if other.kind == spec.kind:
            continue
        mapping = _safe_map(other, headers)
        if not missing_required(other, mapping) and len(mapping) > best_count:
            best, best_count = other.kind, len(mapping)
    return best
