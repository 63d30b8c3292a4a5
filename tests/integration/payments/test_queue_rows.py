"""The queue's rows made in Python (payments.rows) are the HTML the template's row loop wrote, for lines that
exercise every branch: a correction, each flag, review with and without an officer, the bank's and the office's
reasons, unknown degree and district codes, text that must be escaped, both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from talentpool.accounts.models import User
from talentpool.eligibility.models import Entitlement, Status
from talentpool.payments.models import BankAccount
from talentpool.payments.rows import batch_rows, queue_rows
from talentpool.policies.models import Policy
from talentpool.registry.models import Degree, Talent

# the row loop of payments/queue.html before the rows were made in Python
OLD_ROWS = """{% load i18n talentpool %}{% for e in page %}<tr data-line="{{ e.pk }}"><td><input type="checkbox" name="line" value="{{ e.pk }}" aria-label="{{ e.talent.name }}"></td>
<td><a href="{{ line_url }}{{ e.pk }}/">{{ e.talent.name }}</a> <span class="muted small">{{ e.talent.id_masked }}</span></td>
<td>{{ e.policy|lang:"title" }}</td><td>{{ e.instalment }}{% if e.kind == "correction" %} <span class="badge">{% translate "correction" %}</span>{% endif %}</td><td class="num">{{ e.amount|yuan }}</td><td>{{ e.due.isoformat }}</td>
<td>{{ degree_names|get_item:e.degree|default:e.degree }}</td><td>{{ district_names|get_item:e.district|default:e.district }}</td>
<td class="small">{% if e.first_time %}<span class="badge">{% translate "first time" %}</span> {% endif %}{% if e.changed %}<span class="badge warn">{% translate "changed" %}</span> {% endif %}{% if e.review_required %}<span class="badge warn">{% translate "manual review" %}{% if e.assigned_to %}: {{ e.assigned_to }}{% endif %}</span>{% endif %}{% if e.flag %}<div class="muted">{{ e.flag }}</div>{% endif %}</td>
<td><span class="badge">{{ status_names|get_item:e.status }}</span>{% if e.bank_reason %}<div class="small bad">{{ e.bank_reason }}</div>{% endif %}{% if e.reason %}<div class="small muted">{{ e.reason }}</div>{% endif %}</td></tr>
{% endfor %}"""


def _lines() -> list[Entitlement]:
    living = Policy(pk=1, code="living", title_zh="生活补贴", title_en="Living allowance")
    house = Policy(pk=2, code="house", title_zh="购房<补贴>", title_en="")
    officer = User(pk=5, username="wang", display_name="王 & 李")
    plain = User(pk=6, username="zhao", display_name="")
    people = [Talent(pk=1, name="张三", id_masked="3301**********1234"), Talent(pk=2, name="<b>O'Neil</b>",
                                                                          id_masked="")]
    lines = []
    for i in range(8):
        lines.append(Entitlement(
            pk=100 + i, talent=people[i % 2], policy=(living, house)[i % 2], instalment=i + 1,
            kind="correction" if i == 3 else "entitlement", amount=Decimal("-1234567.50") if i == 3 else
            Decimal("2000.00") * i, due=dt.date(2026, 1 + i, 28), degree=("master", "", "nope")[i % 3],
            district=("330106", "", "999999")[i % 3], first_time=i % 2 == 0, changed=i % 3 == 0,
            review_required=i in (2, 5, 6), assigned_to=(officer, None, plain)[i % 3] if i in (2, 5, 6) else None,
            flag="ID \"changed\" <x>" if i == 4 else "", status=list(Status.values)[i % len(Status.values)],
            bank_reason="账户已销户" if i == 5 else "", reason="duplicate & late" if i == 6 else ""))
    return lines


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_queue_rows_are_the_template_rows(language):
    with translation.override(language):
        degrees = {v: str(label) for v, label in Degree.choices}
        statuses = {v: str(label) for v, label in Status.choices}
        names = {"330106": "西湖区"}
        context = {"page": _lines(), "line_url": "/payments/lines/", "degree_names": degrees,
                   "district_names": names, "status_names": statuses}
        old = engines["django"].from_string(OLD_ROWS).render(context)
        new = "".join(queue_rows(_lines(), line_url="/payments/lines/", degree_names=degrees,
                                 district_names=names, status_names=statuses))
    assert new == old
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in new and "王 &amp; 李" in new and "购房&lt;补贴&gt;" in new


OLD_BATCH_ROWS = """{% load i18n talentpool %}{% for e in page %}<tr data-line="{{ e.pk }}"><td><a href="{% url 'payments:line-detail' e.pk %}">{{ e.reference }}</a></td><td>{{ e.talent.name }}</td><td>{{ e.policy|lang:"title" }} · {{ e.instalment }}</td><td class="num">{{ e.amount|yuan }}</td><td>{{ e.talent.bank_account.number_masked }}</td><td><span class="badge">{{ e.get_status_display }}</span>{% if e.bank_reason %} <span class="small bad">{{ e.bank_reason }}</span>{% endif %}</td></tr>{% endfor %}"""


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_batch_rows_are_the_template_rows(language):
    """A person without a bank account on record (the template showed nothing) and one with one."""
    def lines():
        out = _lines()
        out[0].talent.bank_account = BankAccount(number_masked="6222 **** 9876 <", talent_id=1)
        out[1].bank_reason = "户名不符 <b>"
        return out

    with translation.override(language):
        old = engines["django"].from_string(OLD_BATCH_ROWS).render({"page": lines()})
        new = "".join(batch_rows(lines(), line_url="/payments/lines/"))
    assert new == old
    assert "6222 **** 9876 &lt;" in new and "E0000000101" in new and "户名不符 &lt;b&gt;" in new
