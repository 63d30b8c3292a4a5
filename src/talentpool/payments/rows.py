"""Rows of the officer's payment pages made in Python, once per page: the queue shows 50 lines of ten cells, and
rendering them through the template language cost ~900 variable look-ups and filter calls per page (60% of the
request). The HTML is the one the template wrote (tests/integration/payments/test_queue_rows.py compares them);
every value is escaped by ``format_html``."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from talentpool.core.i18n import bilingual
from talentpool.eligibility.models import Entitlement

from .models import BankAccount

# the queue reads only what its cells show (the selector's queryset also serves the totals and "decide all")
QUEUE_COLUMNS = ("id", "talent__name", "talent__id_masked", "policy__title_zh", "policy__title_en", "instalment",
                 "kind", "amount", "due", "degree", "district", "first_time", "changed", "review_required",
                 "assigned_to__display_name", "assigned_to__username", "flag", "status", "bank_reason", "reason")

_ROW = ('<tr data-line="{pk}"><td><input type="checkbox" name="line" value="{pk}" aria-label="{name}"></td>\n'
        '<td><a href="{url}{pk}/">{name}</a> <span class="muted small">{masked}</span></td>\n'
        '<td>{policy}</td><td>{instalment}{correction}</td><td class="num">{amount}</td><td>{due}</td>\n'
        '<td>{degree}</td><td>{district}</td>\n'
        '<td class="small">{flags}</td>\n'
        '<td><span class="badge">{status}</span>{bank_reason}{reason}</td></tr>\n')


def queue_rows(lines: Iterable[Entitlement], *, line_url: str, degree_names: dict[str, str],
               district_names: dict[str, str], status_names: dict[str, str]) -> list[SafeString]:
    """Each line's table row; the words the rows share (badges, policy titles) are translated once."""
    correction = format_html(' <span class="badge">{}</span>', _("correction"))
    first = format_html('<span class="badge">{}</span> ', _("first time"))
    changed = format_html('<span class="badge warn">{}</span> ', _("changed"))
    review = _("manual review")
    titles: dict[int, str] = {}
    rows = []
    for e in lines:
        if e.policy_id not in titles:
            titles[e.policy_id] = bilingual(e.policy, "title")
        flags = [first if e.first_time else "", changed if e.changed else ""]
        if e.review_required:
            flags.append(format_html('<span class="badge warn">{}{}</span>', review,
                                     format_html(": {}", e.assigned_to) if e.assigned_to else ""))
        if e.flag:
            flags.append(format_html('<div class="muted">{}</div>', e.flag))
        rows.append(format_html(
            _ROW, pk=e.pk, name=e.talent.name, url=line_url, masked=e.talent.id_masked, policy=titles[e.policy_id],
            instalment=e.instalment, correction=correction if e.kind == "correction" else "", amount=f"¥{e.amount:,.2f}",
            due=e.due.isoformat(), degree=degree_names.get(e.degree) or e.degree,
            district=district_names.get(e.district) or e.district, flags=mark_safe("".join(flags)),
            status=status_names.get(e.status),
            bank_reason=format_html('<div class="small bad">{}</div>', e.bank_reason) if e.bank_reason else "",
            reason=format_html('<div class="small muted">{}</div>', e.reason) if e.reason else ""))
    return rows


# a batch's page shows the line's reference, person, policy, amount, masked account and status
BATCH_COLUMNS = ("id", "batch", "talent__name", "talent__bank_account__number_masked", "policy__title_zh", "policy__title_en",
                 "instalment", "amount", "status", "bank_reason")

_BATCH_ROW = ('<tr data-line="{pk}"><td><a href="{url}{pk}/">{reference}</a></td><td>{name}</td>'
              '<td>{policy} · {instalment}</td><td class="num">{amount}</td><td>{account}</td>'
              '<td><span class="badge">{status}</span>{bank_reason}</td></tr>')


def batch_rows(lines: Iterable[Entitlement], *, line_url: str) -> list[SafeString]:
    """Each line of a payment batch's page as a table row (the template's loop wrote the same HTML)."""
    statuses = {value: str(label) for value, label in Entitlement._meta.get_field("status").flatchoices}
    titles: dict[int, str] = {}
    rows = []
    for e in lines:
        if e.policy_id not in titles:
            titles[e.policy_id] = bilingual(e.policy, "title")
        try:
            account = e.talent.bank_account.number_masked
        except BankAccount.DoesNotExist:
            account = ""
        rows.append(format_html(
            _BATCH_ROW, pk=e.pk, url=line_url, reference=e.reference, name=e.talent.name, policy=titles[e.policy_id],
            instalment=e.instalment, amount=f"¥{e.amount:,.2f}", account=account,
            status=statuses.get(e.status, e.status),
            bank_reason=format_html(' <span class="small bad">{}</span>', e.bank_reason) if e.bank_reason else ""))
    return rows
