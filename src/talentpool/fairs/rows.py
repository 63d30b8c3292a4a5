"""Table rows of the fair pages made in Python, once per page: the enterprise's booth queue (a row per interview,
with the intent form) and the officer's booths of a fair (a row per booth, with the approval form). Rendered by the
template language, each row's tags, filters and translations made most of these pages' time (the queue: ~500
template nodes for 28 rows). The HTML is the one the templates' row loops wrote (tests/integration/fairs/
test_rows.py renders both and compares them); every value is escaped by ``format_html``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Booth, BoothStatus, IntentLevel, Slot

# what a queue row shows: the slot, the registrant's name and arrival, the intent recorded
QUEUE_COLUMNS = ("id", "starts_at", "registration__checked_in_at", "registration__talent__name", "intent__level",
                 "intent__note")
# what a booth row shows: the booth and its enterprise's name
BOOTH_COLUMNS = ("id", "interviewers", "opens_at", "closes_at", "slot_minutes", "video_link", "status",
                 "enterprise__name")


def _hm(value: dt.datetime | None) -> str:
    """As the template's ``|date:"H:i"``: the local time, empty for none."""
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def _csrf(token: str) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def booth_queue_rows(slots: Iterable[Slot], *, csrf_token: str) -> list[SafeString]:
    """Each interview's row of the booth queue: the intent recorded, or the form recording one."""
    levels = {v: str(label) for v, label in IntentLevel.choices}  # each translated once per page
    options = mark_safe("".join(format_html('<option value="{}">{}</option>', v, label) for v, label in levels.items()))
    form_head = format_html('<form method="post">{}<input type="hidden" name="slot" value="', _csrf(csrf_token))
    form_tail = format_html('"><select name="level">{}</select> <input name="note" maxlength="300" placeholder="{}"> '
                            '<button type="submit">{}</button></form>', options, _("note"), _("Record"))
    rows = []
    for s in slots:
        intent = getattr(s, "intent", None)
        if intent is not None:
            cell = format_html('<span class="badge">{}</span> {}', levels.get(intent.level, intent.level), intent.note)
        else:
            cell = mark_safe(f"{form_head}{int(s.pk)}{form_tail}")
        rows.append(format_html('<tr data-slot="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n', s.pk,
                                _hm(s.starts_at), s.registration.talent.name,
                                "✓" if s.registration.checked_in_at else "", cell))
    return rows


def office_booth_rows(booths: Iterable[Booth], *, action_url: str, csrf_token: str) -> list[SafeString]:
    """Each booth's row of the officer's fair page: hours, interview length, video link, status, approval form."""
    statuses = {v: str(label) for v, label in BoothStatus.choices}  # each translated once per page
    video = _("video link")
    form_head = format_html('<form method="post" action="{}">{}<input type="hidden" name="booth" value="', action_url,
                            _csrf(csrf_token))
    form_tail = format_html('"><button name="action" value="approve">{}</button> <button name="action" '
                            'value="reject">{}</button></form>', _("Approve"), _("Reject"))
    rows = []
    for b in booths:
        hours = [format_html("{}–{}", _hm(b.opens_at), _hm(b.closes_at))]
        if b.slot_minutes:
            hours.append(format_html(" · {}", _("%(n)s-minute interviews") % {"n": b.slot_minutes}))
        if b.video_link:
            hours.append(format_html(' · <a href="{}" rel="noopener noreferrer">{}</a>', b.video_link, video))
        rows.append(format_html(
            '<tr data-booth="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n', b.pk,
            b.enterprise.name, b.interviewers, mark_safe("".join(hours)), statuses.get(b.status, b.status),
            mark_safe(f"{form_head}{int(b.pk)}{form_tail}") if b.status == BoothStatus.PENDING else ""))
    return rows
