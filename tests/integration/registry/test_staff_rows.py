"""The staff rows of an enterprise's page, made in Python (registry.rows), are the HTML the template's loop wrote:
for the office (a link to each record, "not yet") and for the enterprise itself (a certify form with the CSRF
token), escaped, with a certification moment shown as the day in the reader's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from talentpool.registry.models import Employment, Talent
from talentpool.registry.rows import staff_rows

# the row loop of registry/enterprise_detail.html before the rows were made in Python
OLD_ROWS = """{% load i18n %}{% for j in page %}<tr>
  <td>{% if portal %}{{ j.talent.name }}{% else %}<a href="{% url 'registry:talent-detail' j.talent_id %}">{{ j.talent.name }}</a>{% endif %}</td>
  <td><code>{{ j.talent.id_masked }}</code></td><td>{{ j.position }}</td><td>{{ j.start_date|date:"Y-m-d" }}</td>
  <td>{% if j.certified_at %}<span class="ok">✓ {{ j.certified_at|date:"Y-m-d" }}</span>{% elif portal %}<form method="post" action="{% url 'registry:my-enterprise-certify' j.pk %}">{% csrf_token %}<button type="submit" class="secondary certify">{% translate "Certify" %}</button></form>{% else %}<span class="muted">{% translate "not yet" %}</span>{% endif %}</td>
</tr>{% endfor %}"""

# 20:30 UTC is the next morning in Shanghai: the day shown is the reader's
LATE = dt.datetime(2025, 3, 1, 20, 30, tzinfo=ZoneInfo("UTC"))


def _jobs() -> list[Employment]:
    people = [Talent(pk=7, name="张三", id_masked="3301**********1234"), Talent(pk=8, name="<b>O'Neil</b>", id_masked="")]
    return [Employment(pk=30 + i, talent=people[i % 2], position=("工程师", "R&D <lead>", "")[i % 3],
                       start_date=dt.date(2024, 1 + i, 2), certified_at=(LATE, None)[i % 2]) for i in range(5)]


def _values(jobs: list[Employment]) -> list[dict]:
    return [{"pk": j.pk, "talent_id": j.talent_id, "talent__name": j.talent.name, "talent__id_masked": j.talent.id_masked,
             "position": j.position, "start_date": j.start_date, "certified_at": j.certified_at} for j in jobs]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("portal", [False, True])
def test_staff_rows_are_the_template_rows(language, portal):
    with translation.override(language):
        old = engines["django"].from_string(OLD_ROWS).render({"page": _jobs(), "portal": portal, "csrf_token": "TOKEN"})
        new = "".join(staff_rows(_values(_jobs()), portal=portal, csrf_token=lambda: "TOKEN"))
    assert new == old
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in new and "R&amp;D &lt;lead&gt;" in new and "✓ 2025-03-02" in new
    assert ('value="TOKEN"' in new) == portal


def test_the_page_asks_for_one_csrf_token_and_only_when_a_form_is_shown():
    asked = []

    def token():
        asked.append(1)
        return f"T{len(asked)}"

    rows = "".join(staff_rows(_values(_jobs()), portal=True, csrf_token=token))
    assert asked == [1] and rows.count('value="T1"') == 2
    staff_rows(_values(_jobs()), portal=False, csrf_token=token)
    assert asked == [1]
