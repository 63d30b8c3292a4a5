"""The one-to-one page's rows made in Python are the HTML the template's row loop wrote: with the forms naming
officers by hand (the office head) and without (any other officer), text that must be escaped (a name, the filter
typed), both languages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from talentpool.servicedesk.views_office import _one_to_one_rows

# the row loop of servicedesk/one_to_one.html before the rows were made in Python
OLD_ROWS = """{% load i18n %}{% translate "Service officer" as l_officer %}{% translate "Backup" as l_backup %}{% translate "Name by hand" as l_name %}
{% for t in rows %}<tr data-talent="{{ t.pk }}"><td><a href="{{ t.url }}">{{ t.name }}</a> · {{ t.pk }}</td><td>{{ t.tier_label }}</td>
{% if may_name %}<td colspan="2"><form method="post" class="inline" id="pair-{{ t.pk }}"><input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf_token }}"><input type="hidden" name="talent" value="{{ t.pk }}"><input type="hidden" name="q" value="{{ q }}">
<select name="officer" aria-label="{{ l_officer }}">{{ t.officer_options }}</select>
<select name="backup" aria-label="{{ l_backup }}"><option value="">—</option>{{ t.backup_options }}</select>
<button type="submit">{{ l_name }}</button></form></td>
{% else %}<td>{{ t.officer_name }}</td><td>{{ t.backup_name }}</td>{% endif %}
<td data-named="{{ t.named }}">{{ t.named_label }}</td></tr>
{% endfor %}"""  # noqa: E501


def _rows() -> list[SimpleNamespace]:
    options = mark_safe('<option value="1" selected>王 &amp; 李</option><option value="2">赵</option>')
    return [SimpleNamespace(pk=40 + i, url=f"/registry/talents/{40 + i}/?a=1&b=2", name=("张三", "<b>O'Neil</b>")[i % 2],
                            tier_label=("A", "—")[i % 2], officer_name=("王 & 李", "—")[i % 2],
                            backup_name=("—", "<赵>")[i % 2], named=("hand", "rules", "")[i % 3],
                            named_label=("by hand", "by the rules", "—")[i % 3], officer_options=options,
                            backup_options=options if i else "")
            for i in range(4)]


@pytest.mark.parametrize("may_name", [True, False])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_one_to_one_rows_are_the_template_rows(language, may_name):
    q = '"王" & <x>'
    with translation.override(language):
        old = engines["django"].from_string(OLD_ROWS).render({"rows": _rows(), "q": q, "may_name": may_name,
                                                              "csrf_token": "tok3n"})
        new = "".join(_one_to_one_rows(_rows(), q=q, may_name=may_name, csrf_token="tok3n"))
    assert "\n" + new == old  # the template's translations above the loop left a line of their own
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in new and ("&quot;王&quot; &amp; &lt;x&gt;" in new) == may_name
    assert new.count("<form") == (4 if may_name else 0)
