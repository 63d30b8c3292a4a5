"""An explained verdict made in Python (policies.explanation_html) is the HTML the template
``policies/_explanation.html`` wrote, for explanations that exercise every branch: each verdict, an amount shown
or not, missing facts named or not, instalments ready, not ready and undated, each criterion status, facts and
parameters of every kind (a flag, money, a date, a division, unknown), text that must be escaped, the detail
shown or not, both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from talentpool.engines.policy import Explanation
from talentpool.engines.policy.evaluate import CriterionTrace, InstalmentLine
from talentpool.policies.explanation_html import explanation_html

# policies/_explanation.html before the explanation was made in Python
OLD = """{% load i18n talentpool %}
<div class="explanation verdict-{{ x.verdict }}">
  <p class="verdict"><strong>
    {% if x.verdict == "yes" %}<span class="ok">{% translate "Eligible" %}</span>
    {% elif x.verdict == "review" %}<span class="warn">{% translate "Eligible, decided case by case by the office" %}</span>
    {% elif x.verdict == "unknown" %}<span class="warn">{% translate "Cannot decide yet" %}</span>
    {% elif x.verdict == "excluded" %}<span class="muted">{% translate "Not paid together with another subsidy you receive" %}</span>
    {% else %}<span class="bad">{% translate "Not eligible" %}</span>{% endif %}</strong>
    {% if x.amount is not None and x.verdict == "yes" or x.amount is not None and x.verdict == "review" %} · <span class="amount">{{ x.amount|yuan }}</span>{% endif %}
  </p>
  {% if x.missing %}<p class="warn">{% translate "Missing information:" %} {% for m in x.missing %}{{ fact_labels|get_item:m|default:m }}{% if not forloop.last %}、{% endif %}{% endfor %}</p>{% endif %}
  {% if x.instalments %}<table class="instalments"><thead><tr><th>{% translate "Instalment" %}</th><th>{% translate "Amount" %}</th><th>{% translate "When" %}</th><th></th></tr></thead>
  <tbody>{% for i in x.instalments %}<tr><td>{{ i|lang }}</td><td>{{ i.amount|yuan }}</td><td>{{ i.due|date:"Y-m-d" }}</td><td>{% if i.ready %}<span class="ok">{% translate "conditions met" %}</span>{% else %}<span class="muted">{% translate "conditions not yet met" %}</span>{% endif %}</td></tr>{% endfor %}</tbody></table>{% endif %}
  <ul class="trace">{% for c in x.criteria %}<li class="criterion-{{ c.status }}" data-criterion="{{ c.id }}">
    {% if c.status == "pass" %}<span class="ok">✓</span>{% elif c.status == "fail" %}<span class="bad">✗</span>{% else %}<span class="warn">?</span>{% endif %}
    {{ c|lang }}
    {% if show_detail %}<div class="muted small">{% for k, v in c.facts.items %}{{ k|fact_sentence:v }}{% if not forloop.last %}；{% endif %}{% endfor %}{% for k, p in c.params.items %}；{% blocktranslate with name=p|lang value=p.value|param_value:k since=p.since|date:"Y-m-d" %}{{ name }}: {{ value }} (since {{ since }}){% endblocktranslate %}{% endfor %}</div>{% endif %}
  </li>{% endfor %}</ul>
</div>
"""

DAY = dt.date(2026, 3, 1)


def _criteria() -> list[CriterionTrace]:
    return [
        CriterionTrace("degree", "学历<本科>", "Degree & \"bachelor\"", "pass", "degree_rank >= 2",
                       {"degree_rank": 3, "full_time": True, "graduation_date": dt.date(2025, 6, 30)},
                       {"min_rank": {"value": 2, "since": dt.date(2024, 1, 1), "zh": "最低学历", "en": "Lowest <degree>"}},
                       []),
        CriterionTrace("home", "无房", "", "fail", "not owns_property",
                       {"owns_property": True, "house_price": Decimal("2500000"), "hukou_division": "330106"},
                       {"monthly_amount": {"value": Decimal("2500.00"), "since": None, "zh": "月额", "en": "Monthly"},
                        "needs_flag": {"value": False, "since": DAY, "zh": "需要", "en": ""}}, []),
        CriterionTrace("insured", "社保", "Insured", "unknown", "hangzhou_run_months >= 6",
                       {"hangzhou_run_months": None, "employer_cluster": "digital"}, {}, ["hangzhou_run_months"]),
        CriterionTrace("odd", "其他", "Other", "pass", "true", {}, {"waiting_months": {"value": 6, "since": DAY,
                                                                                       "zh": "等待", "en": "Wait"}}, []),
    ]


def _explanations() -> list[Explanation]:
    instalments = [InstalmentLine("y1", "第一年", "Year 1", Decimal("12000"), dt.date(2026, 4, 30), True),
                   InstalmentLine("y2", "第二年<", "", Decimal("-1234567.5"), None, False),
                   InstalmentLine("y3", "第三年", "Year 3 & last", None, dt.date(2028, 4, 30), None)]
    out = []
    for verdict in ("yes", "review", "unknown", "excluded", "no", "<odd>"):
        for amount in (Decimal("36000.00"), None):
            out.append(Explanation("hz-living", 2, DAY, verdict, amount, _criteria(), instalments,
                                   missing=["hangzhou_run_months", "no_such_fact", "degree<"] if amount else []))
    out.append(Explanation("empty", 1, DAY, "no", None, [], []))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("show_detail", [True, False])
@pytest.mark.parametrize("labels", [{"hangzhou_run_months": "杭州连续<参保>月数", "degree<": ""}, None])
def test_the_explanation_is_the_template_explanation(language, show_detail, labels):
    with translation.override(language):
        template = engines["django"].from_string(OLD)
        for x in _explanations():
            old = template.render({"x": x, "show_detail": show_detail, "fact_labels": labels})
            assert explanation_html(x, fact_labels=labels, show_detail=show_detail) == old


@pytest.mark.django_db
def test_the_template_tag_reads_the_pages_labels_and_detail():
    x = _explanations()[0]
    tag = engines["django"].from_string("{% load talentpool %}{% explanation x %}|{% explanation x show_detail=False %}")
    with translation.override("en"):
        shown = tag.render({"x": x, "show_detail": True, "fact_labels": {"hangzhou_run_months": "Months insured"}})
        detailed, plain = shown.split("|")
        assert detailed == explanation_html(x, fact_labels={"hangzhou_run_months": "Months insured"}, show_detail=True)
        assert "Months insured" in detailed and 'class="muted small"' in detailed
        assert 'class="muted small"' not in plain
