"""Facts, parameter values and rule expressions in words of the reader's language.

An explanation names what it read as a sentence ("本人名下有住房", "最高学历：硕士"), never ``fact = True``; a
policy's rules are read out ("最高学历等级 ≥ 2 且 非 在职取得学历"), never shown as the SQL they are written in.
One place for it: the template filters of ``web`` and the policy pages call these functions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlglot
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from sqlglot import exp
from sqlglot.errors import SqlglotError

from talentpool.core.i18n import bilingual
from talentpool.engines.policy.facts import AREA_NAMES, FACTS
from talentpool.engines.vocab import DEGREES
from talentpool.reference.selectors import division_name, reference_names
from talentpool.registry.models import Cluster, Degree, Gender, Housing, IdType, Tier

# a yes/no fact as a statement and its negation
BOOL_SENTENCES: dict[str, tuple[Any, Any]] = {
    "is_academician": (gettext_lazy("Is an academician of the CAS or CAE"), gettext_lazy("Is not an academician")),
    "full_time": (gettext_lazy("Highest degree studied full-time"), gettext_lazy("Highest degree not studied full-time")),
    "overseas": (gettext_lazy("Highest degree earned abroad"), gettext_lazy("Highest degree earned in China")),
    "overseas_certified": (gettext_lazy("Overseas degree certified by the CSCSE"),
                           gettext_lazy("Overseas degree not certified by the CSCSE")),
    "school_c9": (gettext_lazy("Graduated from a C9 university"), gettext_lazy("Not from a C9 university")),
    "school_985": (gettext_lazy("Graduated from a 985 university"), gettext_lazy("Not from a 985 university")),
    "school_211": (gettext_lazy("Graduated from a 211 university"), gettext_lazy("Not from a 211 university")),
    "school_double_first_class": (gettext_lazy("Graduated from a Double First-Class university"),
                                  gettext_lazy("Not from a Double First-Class university")),
    "in_service_study": (gettext_lazy("Highest degree earned while employed"),
                         gettext_lazy("Highest degree not earned while employed")),
    "employed": (gettext_lazy("Employed on the date"), gettext_lazy("Not employed on the date")),
    "owns_property": (gettext_lazy("Owns a home in their own name"), gettext_lazy("Owns no home in their own name")),
    "has_spouse": (gettext_lazy("Married on the date (spouse recorded)"),
                   gettext_lazy("Not married on the date (no spouse recorded from an earlier day)")),
    "spouse_owns_property": (gettext_lazy("The spouse owns a home"), gettext_lazy("The spouse owns no home")),
    "household_income_low": (gettext_lazy("Household income per head below the city average"),
                             gettext_lazy("Household income per head not below the city average")),
}
_CHOICES = {"degree": Degree, "gender": Gender, "id_type": IdType, "tier": Tier, "housing": Housing,
            "spouse_housing": Housing, "employer_cluster": Cluster}


_SCHOOL_CONDITIONS = {"any": gettext_lazy("any school"), "double_first_class": gettext_lazy("Double First-Class")}


def fact_label(name: str) -> str:
    fact = FACTS.get(name)
    return bilingual({"zh": fact.zh, "en": fact.en}) if fact else name


def yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def code_text(value: str) -> str:
    """A quoted code of a rule or a stored value: its name in any vocabulary that knows it, else itself."""
    for choices in (Degree, Housing, Cluster, Tier, IdType, Gender):
        if value in choices.values:
            return str(choices(value).label)
    if value in _SCHOOL_CONDITIONS:
        return str(_SCHOOL_CONDITIONS[value])
    if value in AREA_NAMES:
        return bilingual(dict(zip(("zh", "en"), AREA_NAMES[value], strict=True)))
    if value.isdigit() and len(value) in (2, 4, 6):
        return division_name(value.ljust(6, "0")) or value
    return value


def _months(n: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


def fact_value_text(name: str, value: Any) -> str:
    """A fact's value as a reader says it (a name for a code, yuan for money, 是/否 for a flag)."""
    if value is None:
        return _("unknown")
    kind = FACTS[name].type if name in FACTS else ""
    if kind == "bool" or isinstance(value, bool):
        return yes_no(value)
    if kind == "money":
        return f"¥{Decimal(value).quantize(Decimal('0.01')):,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if name == "degree_rank" and isinstance(value, int) and 1 <= value <= len(DEGREES):
        return f"{value}（{Degree(DEGREES[value - 1]).label}）"
    if kind == "int" and name.endswith("_months"):
        return _months(int(value))
    if name in _CHOICES:
        return str(_CHOICES[name](value).label) if value in _CHOICES[name].values else (_("none") if value == "" else value)
    if name.endswith("_division"):
        return division_name(str(value)) or str(value)
    if name == "university_code":
        return reference_names("universities").get(str(value), str(value))
    return str(value)


def fact_sentence(name: str, value: Any) -> str:
    """What an explanation read, as a sentence: 本人名下有住房 / 最高学历：硕士 / 毕业日期：未知."""
    if isinstance(value, bool) and name in BOOL_SENTENCES:
        return str(BOOL_SENTENCES[name][0 if value else 1])
    return _("%(label)s: %(value)s") % {"label": fact_label(name), "value": fact_value_text(name, value)}


def parameter_value_text(name: str, value: Any, kind: str = "") -> str:
    """A parameter's value with its unit: ¥10,000.00, 36 个月, 是/否, a date."""
    if value is None:
        return _("unknown")
    if kind == "bool" or isinstance(value, bool):
        return yes_no(value)
    if kind == "money" or (isinstance(value, Decimal) and not kind and "share" not in name and "rate" not in name):
        return f"¥{Decimal(value).quantize(Decimal('0.01')):,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and (name.endswith("_months") or "_months_" in name):
        return _months(value)
    return str(value)


TYPE_NAMES = {"money": gettext_lazy("amount in yuan"), "date": gettext_lazy("date (YYYY-MM-DD)"),
              "int": gettext_lazy("whole number"), "decimal": gettext_lazy("number"),
              "bool": gettext_lazy("yes or no"), "str": gettext_lazy("text")}


def type_name(kind: str) -> str:
    """A value type as a reader knows it (金额, 日期, 整数 …), for error messages."""
    return str(TYPE_NAMES.get(kind, kind))


# --- rules read out --------------------------------------------------------------------------------------------

_COMPARE = {exp.EQ: "=", exp.NEQ: "≠", exp.GT: ">", exp.GTE: "≥", exp.LT: "<", exp.LTE: "≤"}
_ARITH = {exp.Add: "+", exp.Sub: "−", exp.Mul: "×", exp.Div: "÷"}


class _Reader:
    def __init__(self, parameters: dict[str, Any]) -> None:
        self.parameters = parameters

    def column(self, node: exp.Column) -> str:
        if node.table == "param":
            param = self.parameters.get(node.name)
            return f"「{bilingual(param.label) if param is not None else node.name}」"
        if node.name == "as_of":
            return _("the date evaluated")
        if node.name == "arose_on":
            return _("the day the entitlement arose")
        return fact_label(node.name)

    def call(self, name: str, args: list[exp.Expression]) -> str | None:
        a = [self.read(x) for x in args]
        if name == "age_on" and len(a) == 2:
            return _("age on %(day)s") % {"day": a[1]}
        if name == "in_area" and len(a) == 2:
            return _("%(place)s lies in %(area)s") % {"place": a[0], "area": a[1]}
        if name == "in_division" and len(a) == 2:
            return _("%(place)s lies in %(area)s") % {"place": a[0], "area": a[1]}
        if name == "months_between" and len(a) == 2:
            return _("whole months from %(a)s to %(b)s") % {"a": a[0], "b": a[1]}
        if name == "month_start" and len(a) == 1:
            return _("the first day of the month of %(day)s") % {"day": a[0]}
        return None

    def read(self, node: exp.Expression) -> str:  # noqa: C901 - one branch per kind of node
        if isinstance(node, exp.Paren):
            return f"（{self.read(node.this)}）"
        if isinstance(node, exp.And):
            return _("%(a)s and %(b)s") % {"a": self.read(node.this), "b": self.read(node.expression)}
        if isinstance(node, exp.Or):
            return _("%(a)s or %(b)s") % {"a": self.read(node.this), "b": self.read(node.expression)}
        if isinstance(node, exp.Not):
            if isinstance(node.this, exp.In):
                return _("%(a)s is none of %(list)s") % {"a": self.read(node.this.this),
                                                        "list": "、".join(self.read(x) for x in node.this.expressions)}
            return _("not %(a)s") % {"a": self.read(node.this)}
        if isinstance(node, exp.In):
            return _("%(a)s is one of %(list)s") % {"a": self.read(node.this),
                                                   "list": "、".join(self.read(x) for x in node.expressions)}
        if isinstance(node, exp.Is):
            return _("%(a)s is unknown") % {"a": self.read(node.this)}
        if type(node) in _COMPARE or type(node) in _ARITH:
            sign = _COMPARE.get(type(node)) or _ARITH[type(node)]
            return f"{self.read(node.this)} {sign} {self.read(node.expression)}"
        if isinstance(node, exp.Column):
            return self.column(node)
        if isinstance(node, exp.Literal):
            return code_text(node.this) if node.is_string else node.this
        if isinstance(node, exp.Boolean):
            return yes_no(node.this)
        if isinstance(node, exp.Null):
            return _("unknown")
        if isinstance(node, exp.AddMonths):
            return _("%(day)s plus %(n)s months") % {"day": self.read(node.this), "n": self.read(node.expression)}
        if isinstance(node, exp.Greatest | exp.Least):
            items = "、".join(self.read(x) for x in [node.this, *node.expressions])
            return (_("the later or larger of %(items)s") if isinstance(node, exp.Greatest)
                    else _("the earlier or smaller of %(items)s")) % {"items": items}
        if isinstance(node, exp.Case):
            return f"（{self.case(node)}）"
        if isinstance(node, exp.Substring):
            return _("the first %(n)s digits of %(a)s") % {"a": self.read(node.this),
                                                          "n": self.read(node.args.get("length") or node.this)}
        if isinstance(node, exp.Coalesce):
            items = [self.read(x) for x in [node.this, *node.expressions]]
            return _("%(a)s (when unknown: %(b)s)") % {"a": items[0], "b": "、".join(items[1:])}
        if isinstance(node, exp.Anonymous):
            said = self.call(str(node.this).lower(), list(node.expressions))
            if said is not None:
                return said
        return node.sql()

    def case(self, node: exp.Case) -> str:
        subject = self.read(node.this) if node.this else ""
        parts = []
        for branch in node.args.get("ifs") or []:
            when = self.read(branch.this)
            if subject:
                when = f"{subject} = {when}"
            parts.append(_("when %(cond)s: %(value)s") % {"cond": when, "value": self.read(branch.args["true"])})
        if node.args.get("default") is not None:
            parts.append(_("otherwise %(value)s") % {"value": self.read(node.args["default"])})
        return "；".join(parts)


def rule_words(expression: str, parameters: dict[str, Any] | None = None) -> str:
    """A rule expression read out in the reader's language; parameters (``{name: Parameter}``) are named by
    their labels. An expression that cannot be parsed is returned as written."""
    text = str(expression or "").strip()
    if not text:
        return ""
    try:
        node = sqlglot.parse_one(text, read="duckdb")
    except (SqlglotError, ValueError):
        return text
    reader = _Reader(parameters or {})
    return reader.case(node) if isinstance(node, exp.Case) else reader.read(node)
