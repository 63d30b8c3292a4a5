"""The facts a policy may read: one row per person, computed from the registry for an as-of date.

This is the contract between the registry adapter (which computes the columns) and policies (whose criteria may
name only these). A criterion that reads anything else is rejected when the policy is saved.

Insurance facts exist per *area*: a named set of division-code prefixes (the city of Hangzhou, the Yuhang
district, the outer counties). For an area ``a`` the adapter computes, counting only months actually paid
(back-paid months excluded) in that area:

- ``a_first_insured_month``: the first such month on or after the month of graduation (first day of the month);
- ``a_run_months``: the length of the continuous run of months that starts at ``a_first_insured_month``,
  counted up to the as-of month;
- ``a_current_run_months``: the length of the continuous run that includes the as-of month or the month before
  it (a month's contribution is usually recorded the month after), 0 when there is none; ``a_current_run_start``
  its first month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FactType = Literal["date", "int", "bool", "str", "money"]


@dataclass(frozen=True)
class Fact:
    type: FactType
    zh: str
    en: str


AREAS: dict[str, tuple[str, ...]] = {
    "hz": ("3301",),                                            # 杭州市
    "hz_main": ("330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114"),
    "yh": ("330110",),                                          # 余杭区
    "outer": ("330111", "330112", "330122", "330127", "330182"),  # 富阳 临安 桐庐 淳安 建德
}
AREA_NAMES = {"hz": ("杭州市", "Hangzhou"), "hz_main": ("杭州市区", "Hangzhou urban districts"),
              "yh": ("余杭区", "Yuhang"), "outer": ("五县（市、区）", "the outer counties")}

_BASE: dict[str, Fact] = {
    "talent_id": Fact("int", "人才编号", "record number"),
    "birth_date": Fact("date", "出生日期", "birth date"),
    "gender": Fact("str", "性别", "gender"),
    "id_type": Fact("str", "证件类型", "ID type"),
    "hukou_division": Fact("str", "户籍地", "hukou division"),
    "residence_division": Fact("str", "居住地", "residence division"),
    "district": Fact("str", "管理区县", "registry district"),
    "arrival_date": Fact("date", "来区日期", "arrival date"),
    "tier": Fact("str", "人才层次", "talent tier"),
    "tier_date": Fact("date", "层次认定日期", "tier date"),
    "is_academician": Fact("bool", "两院院士", "academician"),
    "degree": Fact("str", "最高学历", "highest degree"),
    "degree_rank": Fact("int", "学历等级（大专1 本科2 硕士3 博士4）", "degree rank (college 1 … doctor 4)"),
    "full_time": Fact("bool", "全日制", "full-time"),
    "overseas": Fact("bool", "海外学历", "overseas degree"),
    "overseas_certified": Fact("bool", "留服认证", "overseas degree certified"),
    "graduation_date": Fact("date", "毕业日期", "graduation date"),
    "diploma_date": Fact("date", "学位证书日期", "diploma date"),
    "university_code": Fact("str", "毕业院校", "university"),
    "school_c9": Fact("bool", "C9 高校", "C9 university"),
    "school_985": Fact("bool", "985 高校", "985 university"),
    "school_211": Fact("bool", "211 高校", "211 university"),
    "school_double_first_class": Fact("bool", "双一流高校", "Double First-Class university"),
    "in_service_study": Fact("bool", "在职取得学历", "degree earned while employed"),
    "employed": Fact("bool", "在职", "employed"),
    "employment_start": Fact("date", "现单位入职日期", "start at current employer"),
    "employer_division": Fact("str", "现单位所在地", "employer's division"),
    "employer_tax_division": Fact("str", "现单位税务登记地", "employer's tax division"),
    "employer_cluster": Fact("str", "现单位产业集群", "employer's cluster"),
    "owns_property": Fact("bool", "本人有房产", "owns property"),
    "property_division": Fact("str", "房产所在地", "property division"),
    "property_purchase_date": Fact("date", "购房日期", "property purchase date"),
    "house_price": Fact("money", "购房价格", "house price"),
    "housing": Fact("str", "公租房/人才租赁房", "public or talent rental housing"),
    "has_spouse": Fact("bool", "已婚（配偶已登记，自结婚登记日起）", "married (spouse recorded, from the day of marriage)"),
    "marriage_date": Fact("date", "结婚登记日期", "date of marriage"),
    "minor_children": Fact("int", "未成年子女数", "minor children"),
    "spouse_owns_property": Fact("bool", "配偶有房产", "spouse owns property"),
    "spouse_property_division": Fact("str", "配偶房产所在地", "spouse's property division"),
    "spouse_housing": Fact("str", "配偶公租房/人才租赁房", "spouse's public or talent rental housing"),
    "household_id": Fact("int", "家庭编号", "household"),
    "settling_allowance_received": Fact("money", "已领安家补助", "settling allowance already received"),
    "household_income_low": Fact("bool", "家庭人均收入低于全市人均可支配收入", "household income below the city average"),
    "household_income_per_capita": Fact("money", "家庭人均年收入", "household income per head a year"),
    # from the ledger of this policy, every version of its code counted (zero when nothing was ever paid)
    "ledger_instalments_paid": Fact("int", "本政策已发放期数", "instalments of this policy already paid"),
    "ledger_amount_paid": Fact("money", "本政策已发放金额", "amount of this policy already paid"),
    "ledger_first_paid_on": Fact("date", "本政策首次发放日期", "first payment of this policy"),
    "ledger_household_paid": Fact("int", "本家庭已领取本政策人数", "household members already paid by this policy"),
    "ledger_first_version": Fact("int", "本政策首次发放所依据的版本", "version of this policy the first payment was made under"),
}


def _area_facts() -> dict[str, Fact]:
    out: dict[str, Fact] = {}
    for area, (zh, en) in AREA_NAMES.items():
        out[f"{area}_first_insured_month"] = Fact("date", f"毕业后首次在{zh}缴纳社保月份", f"first insured month in {en} after graduation")
        out[f"{area}_run_months"] = Fact("int", f"自首次参保起在{zh}连续缴纳社保月数", f"continuous insured months in {en} from the first")
        out[f"{area}_current_run_months"] = Fact("int", f"截至评估月在{zh}连续缴纳社保月数", f"insured months in {en} continuing to date")
        out[f"{area}_current_run_start"] = Fact("date", f"当前在{zh}连续参保起始月", f"start of the current insured run in {en}")
    return out


FACTS: dict[str, Fact] = {**_BASE, **_area_facts()}
LEDGER_FACTS = ("ledger_instalments_paid", "ledger_amount_paid", "ledger_first_paid_on", "ledger_household_paid",
                "ledger_first_version")
