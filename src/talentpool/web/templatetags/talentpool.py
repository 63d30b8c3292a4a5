"""Template filters: codes shown as names, money in yuan, masked contact details."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext

from talentpool.core.i18n import bilingual
from talentpool.core.roles import Role
from talentpool.eligibility.models import Status
from talentpool.policies import wording
from talentpool.policies.explanation_html import explanation_html
from talentpool.reference.selectors import division_name as full_division_name
from talentpool.reference.selectors import reference_names

register = template.Library()


def _names(kind: str) -> dict[str, str]:
    return reference_names(kind)


@register.filter
def division_name(code: str) -> str:
    if not code:
        return ""
    return full_division_name(code) or code


@register.filter
def university_name(code: str) -> str:
    return _names("universities").get(code, code) if code else ""


@register.filter
def major_name(code: str) -> str:
    return f"{_names('majors').get(code, '')} ({code})" if code else ""


@register.filter
def industry_name(code: str) -> str:
    return f"{_names('industries').get(code, '')} ({code})" if code else ""


@register.filter
def occupation_name(code: str) -> str:
    return f"{_names('occupations').get(code, '')} ({code})" if code else ""


@register.filter
def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if phone and len(phone) >= 11 else phone


@register.filter
def yuan(amount) -> str:
    """Money as Chinese convention writes it: ¥1,234.50 (Decimal, two places; never a float)."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    return f"¥{value:,.2f}"


@register.filter
def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


@register.filter
def lang(obj, field: str = "") -> str:
    """The Chinese or English side of a bilingual text (see ``core.i18n.bilingual``)."""
    return bilingual(obj, field)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def verdict_label(verdict: str) -> str:
    labels = {"yes": gettext("Eligible"), "no": gettext("Not eligible"), "unknown": gettext("Cannot decide yet"),
              "review": gettext("Eligible, decided case by case by the office"),
              "excluded": gettext("Not paid together with another subsidy you receive")}
    return labels.get(verdict, verdict)


@register.filter
def status_label(value: str) -> str:
    """A payment line's status in the reader's language."""
    return str(dict(Status.choices).get(value, value))


@register.filter
def percent(value) -> str:
    """A 0-1 share as a whole percentage (0.834 → '83%'); empty for no value."""
    if value is None or value == "":
        return ""
    return f"{round(float(value) * 100)}%"


@register.filter
def yes_no(value) -> str:
    """A boolean as a word of the reader's language (是/否), never ``True``/``False``."""
    return gettext("Yes") if value else gettext("No")


@register.filter
def fact_sentence(name: str, value) -> str:
    """What an explanation read, as a sentence (本人名下有住房 / 最高学历：硕士), never ``name = value``."""
    return wording.fact_sentence(name, value)


@register.simple_tag(takes_context=True)
def explanation(context, x, show_detail=None):
    """One explained verdict (``policies.explanation_html``); the facts' names are the page's ``fact_labels``, and
    ``show_detail`` (every fact and parameter read) defaults to the page's own."""
    detail = context.get("show_detail") if show_detail is None else show_detail
    return explanation_html(x, fact_labels=context.get("fact_labels"), show_detail=bool(detail))


@register.filter
def param_value(value, name: str = "") -> str:
    """A parameter's value with its unit (¥10,000.00, 36 个月, 是/否)."""
    return wording.parameter_value_text(name, value)


@register.filter
def rule_words(expression: str, parameters=None) -> str:
    """A rule expression read out in the reader's language (parameters named by their labels)."""
    return wording.rule_words(expression, parameters if isinstance(parameters, dict) else None)


@register.filter
def type_name(kind: str) -> str:
    """A value type as a reader knows it (金额, 日期, 整数 …), never ``money`` or ``int``."""
    return wording.type_name(kind)
