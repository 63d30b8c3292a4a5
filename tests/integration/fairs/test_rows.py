"""The fair pages' rows made in Python (fairs.rows) are the HTML the templates' row loops wrote, for rows that
exercise every branch: an intent recorded or the form to record one, checked in or not, a pending booth (its
approval form) and decided ones, an interview length and a video link or none, text that must be escaped, both
languages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from talentpool.fairs.models import Booth, Intent, IntentLevel, Registration, Slot
from talentpool.fairs.rows import booth_queue_rows, office_booth_rows
from talentpool.registry.models import Enterprise, Talent

TOKEN = "tok3n"
CN = ZoneInfo("Asia/Shanghai")

# the row loop of fairs/booth_queue.html before the rows were made in Python
OLD_QUEUE = """{% load i18n %}{% for s in slots %}<tr data-slot="{{ s.pk }}"><td>{{ s.starts_at|date:"H:i" }}</td><td>{{ s.registration.talent.name }}</td><td>{% if s.registration.checked_in_at %}✓{% endif %}</td><td>{% if s.intent %}<span class="badge">{{ s.intent.get_level_display }}</span> {{ s.intent.note }}{% else %}<form method="post">{% csrf_token %}<input type="hidden" name="slot" value="{{ s.pk }}"><select name="level">{% for v, l in levels %}<option value="{{ v }}">{{ l }}</option>{% endfor %}</select> <input name="note" maxlength="300" placeholder="{% translate 'note' %}"> <button type="submit">{% translate "Record" %}</button></form>{% endif %}</td></tr>
{% endfor %}"""  # noqa: E501

# the row loop of fairs/office_fair.html
OLD_BOOTHS = """{% load i18n %}{% for b in booths %}<tr data-booth="{{ b.pk }}"><td>{{ b.enterprise.name }}</td><td>{{ b.interviewers }}</td><td>{{ b.opens_at|date:"H:i" }}–{{ b.closes_at|date:"H:i" }}{% if b.slot_minutes %} · {% blocktranslate with n=b.slot_minutes %}{{ n }}-minute interviews{% endblocktranslate %}{% endif %}{% if b.video_link %} · <a href="{{ b.video_link }}" rel="noopener noreferrer">{% translate "video link" %}</a>{% endif %}</td><td>{{ b.get_status_display }}</td><td>{% if b.status == "pending" %}<form method="post" action="{% url 'fairs:office-action' fair.pk %}">{% csrf_token %}<input type="hidden" name="booth" value="{{ b.pk }}"><button name="action" value="approve">{% translate "Approve" %}</button> <button name="action" value="reject">{% translate "Reject" %}</button></form>{% endif %}</td></tr>
{% endfor %}"""  # noqa: E501


def _slots() -> list[Slot]:
    people = [Talent(pk=1, name="张三"), Talent(pk=2, name="<b>O'Neil</b> & co")]
    slots = []
    for i in range(6):
        reg = Registration(pk=10 + i, talent=people[i % 2],
                           checked_in_at=dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC) if i % 3 == 0 else None)
        slot = Slot(pk=100 + i, registration=reg, starts_at=dt.datetime(2026, 11, 20, 8 + i, 5 * i, tzinfo=CN))
        level = (None, IntentLevel.STRONG, IntentLevel.NO, None, IntentLevel.MAYBE, "odd")[i]
        Slot.intent.related.set_cached_value(slot, None)  # no intent: none to look up
        if level is not None:
            slot.intent = Intent(level=level, note="" if i == 2 else "<i>会</i> \"good\"")
        slots.append(slot)
    return slots


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_booth_queue_rows_are_the_template_rows(language):
    with translation.override(language):
        old = engines["django"].from_string(OLD_QUEUE).render({"slots": _slots(), "levels": IntentLevel.choices,
                                                                "csrf_token": TOKEN})
        new = "".join(booth_queue_rows(_slots(), csrf_token=TOKEN))
    assert new == old
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt; &amp; co" in new and "&lt;i&gt;会&lt;/i&gt; &quot;good&quot;" in new
    assert new.count("<form") == 2 and new.count("✓") == 2


def _booths() -> list[Booth]:
    firms = [Enterprise(pk=1, name="西湖<科技>"), Enterprise(pk=2, name="A & B")]
    out = []
    for i in range(5):
        out.append(Booth(pk=20 + i, enterprise=firms[i % 2], interviewers=i + 1,
                         opens_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=CN),
                         closes_at=dt.datetime(2026, 11, 20, 17, 30, tzinfo=CN),
                         slot_minutes=(None, 20, None, 45, 30)[i],
                         video_link=("", "https://meet.example.com/a?x=1&y=\"2\"", "", "", "https://v.example.cn/")[i],
                         status=("pending", "approved", "rejected", "pending", "approved")[i]))
    return out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_office_booth_rows_are_the_template_rows(language):
    class Fair:
        pk = 7

    with translation.override(language):
        old = engines["django"].from_string(OLD_BOOTHS).render({"booths": _booths(), "fair": Fair(),
                                                                 "csrf_token": TOKEN})
        new = "".join(office_booth_rows(_booths(), action_url="/fairs/office/7/action/", csrf_token=TOKEN))
    assert new == old
    assert new.count("<form") == 2 and "x=1&amp;y=&quot;2&quot;" in new and "西湖&lt;科技&gt;" in new
