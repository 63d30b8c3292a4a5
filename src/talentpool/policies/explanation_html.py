"""One explained verdict as HTML, made in Python: the talent's policy page shows nine of them and the officer's
explain page one with every fact and parameter; rendering them through the template language cost ~1,100
variable look-ups and filter calls per page (about 40% of the explain page's CPU). The HTML is the one the
template ``policies/_explanation.html`` wrote (tests/integration/policies/test_explanation_html.py compares them
on every branch, in both languages); every value is escaped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from talentpool.core.i18n import bilingual
from talentpool.engines.policy import Explanation

from .wording import fact_sentence, parameter_value_text


def _yuan(amount) -> str:
    if amount is None or amount == "":
        return ""
    return f"¥{Decimal(amount).quantize(Decimal('0.01')):,.2f}"


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else ""


def _verdict(verdict: str) -> str:
    line = "\n    "
    if verdict == "yes":
        return f'<span class="ok">{escape(_("Eligible"))}</span>{line}'
    if verdict == "review":
        return f'<span class="warn">{escape(_("Eligible, decided case by case by the office"))}</span>{line}'
    if verdict == "unknown":
        return f'<span class="warn">{escape(_("Cannot decide yet"))}</span>{line}'
    if verdict == "excluded":
        return f'<span class="muted">{escape(_("Not paid together with another subsidy you receive"))}</span>{line}'
    return f'<span class="bad">{escape(_("Not eligible"))}</span>'


def _instalments(x: Explanation) -> str:
    if not x.instalments:
        return ""
    met = f'<span class="ok">{escape(_("conditions met"))}</span>'
    not_met = f'<span class="muted">{escape(_("conditions not yet met"))}</span>'
    rows = "".join(f"<tr><td>{escape(bilingual(i))}</td><td>{escape(_yuan(i.amount))}</td><td>{_day(i.due)}</td>"
                   f"<td>{met if i.ready else not_met}</td></tr>" for i in x.instalments)
    return (f'<table class="instalments"><thead><tr><th>{escape(_("Instalment"))}</th><th>{escape(_("Amount"))}'
            f'</th><th>{escape(_("When"))}</th><th></th></tr></thead>\n  <tbody>{rows}</tbody></table>')


def _detail(c) -> str:
    facts = "；".join(escape(fact_sentence(k, v)) for k, v in c.facts.items())
    since = _("%(name)s: %(value)s (since %(since)s)")
    params = "".join("；" + since % {"name": escape(bilingual(p)), "value": escape(parameter_value_text(k, p.get("value"))),
                                     "since": _day(p.get("since"))} for k, p in c.params.items())
    return f'<div class="muted small">{facts}{params}</div>'


_MARKS = {"pass": '<span class="ok">✓</span>', "fail": '<span class="bad">✗</span>'}
_UNKNOWN = '<span class="warn">?</span>'


def explanation_html(x: Explanation, *, fact_labels: dict[str, str] | None, show_detail: bool) -> SafeString:
    """The verdict, the amount, missing facts, instalments and each criterion (with the facts it read and the
    parameters in force when ``show_detail``), as ``policies/_explanation.html`` wrote them."""
    labels = fact_labels if isinstance(fact_labels, dict) else {}
    amount = ""
    if x.amount is not None and x.verdict in ("yes", "review"):
        amount = f' · <span class="amount">{escape(_yuan(x.amount))}</span>'
    missing = ""
    if x.missing:
        names = "、".join(escape(labels.get(m) or m) for m in x.missing)
        missing = f'<p class="warn">{escape(_("Missing information:"))} {names}</p>'
    criteria = "".join(
        f'<li class="criterion-{escape(c.status)}" data-criterion="{escape(c.id)}">\n'
        f'    {_MARKS.get(c.status, _UNKNOWN)}\n'
        f"    {escape(bilingual(c))}\n"
        f"    {_detail(c) if show_detail else ''}\n"
        "  </li>" for c in x.criteria)
    return mark_safe(
        f'\n<div class="explanation verdict-{escape(x.verdict)}">\n'
        f'  <p class="verdict"><strong>\n    {_verdict(x.verdict)}</strong>\n'
        f"    {amount}\n"
        "  </p>\n"
        f"  {missing}\n"
        f"  {_instalments(x)}\n"
        f'  <ul class="trace">{criteria}</ul>\n'
        "</div>\n")
