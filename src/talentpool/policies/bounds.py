"""Parameter bounds and units in the reader's language (the ranges themselves: ``engines.policy.bounds``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.engines.policy.bounds import Bound, parameter_bound, parameter_bound_problems
from talentpool.engines.policy.document import Parameter, PolicyVersion

UNITS = {
    "yuan": gettext_lazy("yuan"), "months": gettext_lazy("months"), "years": gettext_lazy("years"),
    "age": gettext_lazy("years of age"), "days": gettext_lazy("days"), "rank": gettext_lazy("degree rank"),
    "count": gettext_lazy("count"), "date": gettext_lazy("date"), "share": gettext_lazy("share (0 to 1)"),
}


def _show(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else f"{value:,}" if not isinstance(value, str) else value


def bound_text(bound: Bound) -> str:
    """``more than 0 and at most 100,000,000 yuan`` / ``0 to 600 months``, in the reader's language."""
    unit = str(UNITS.get(bound.unit, bound.unit))
    if not bound.minimum_included:
        return _("more than %(min)s and at most %(max)s %(unit)s") % {
            "min": _show(bound.minimum), "max": _show(bound.maximum), "unit": unit}
    return _("%(min)s to %(max)s %(unit)s") % {"min": _show(bound.minimum), "max": _show(bound.maximum),
                                               "unit": unit}


def parameter_hint(parameter: Parameter) -> str:
    """The unit and range shown beside a parameter's field ('' for text and yes/no parameters)."""
    bound = parameter_bound(parameter)
    return bound_text(bound) if bound else ""


def parameter_unit(parameter: Parameter) -> str:
    """The unit written after a parameter's field (元, 个月, 日期, 比例…; '' for text and yes/no parameters)."""
    bound = parameter_bound(parameter)
    return str(UNITS.get(bound.unit, bound.unit)) if bound else ""


def parameter_limits(parameter: Parameter) -> tuple[str, str]:
    """The ``min``/``max`` attributes of a date parameter's field (ISO dates; empty for other types)."""
    bound = parameter_bound(parameter)
    if bound is None or bound.unit != "date":
        return "", ""
    return bound.minimum.isoformat(), bound.maximum.isoformat()


def parameter_bound_report(version: PolicyVersion) -> list[dict]:
    """Problems in the shape of the policy check's report: ``{line, message}``."""
    return [{"line": p.line, "message": _("parameter %(name)s: %(value)s is out of range; it must be %(range)s.")
             % {"name": p.parameter, "value": _show(p.value), "range": bound_text(p.bound)}}
            for p in parameter_bound_problems(version.parameters)]
