"""Template filters: codes shown as names, money in yuan, masked contact details."""

from decimal import Decimal

from django import template

register = template.Library()


def _names(kind: str) -> dict[str, str]:
    from talentpool.reference.selectors import reference_names

    return reference_names(kind)


@register.filter
def division_name(code: str) -> str:
    if not code:
        return ""
    from talentpool.reference.selectors import division_name as full_name

    return full_name(code) or code


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
    from talentpool.accounts.models import Role

    return Role(role).label if role in Role.values else role


@register.filter
def lang(obj, field: str = "") -> str:
    """The Chinese or English side of a bilingual text (an object or dict with zh/en, or ``<field>_zh``)."""
    from django.utils.translation import get_language

    side = "en" if (get_language() or "").startswith("en") else "zh"
    if obj is None:
        return ""
    if field:
        return getattr(obj, f"{field}_{side}", "") or getattr(obj, f"{field}_zh", "")
    if isinstance(obj, dict):
        return obj.get(side) or obj.get("zh", "")
    return getattr(obj, side, "") or getattr(obj, "zh", "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def verdict_label(verdict: str) -> str:
    from django.utils.translation import gettext

    labels = {"yes": gettext("Eligible"), "no": gettext("Not eligible"), "unknown": gettext("Cannot decide yet"),
              "review": gettext("Eligible, decided case by case by the office"),
              "excluded": gettext("Not paid together with another subsidy you receive")}
    return labels.get(verdict, verdict)


@register.filter
def status_label(value: str) -> str:
    """A payment line's status in the reader's language."""
    from talentpool.payments.models import Status

    return str(dict(Status.choices).get(value, value))
