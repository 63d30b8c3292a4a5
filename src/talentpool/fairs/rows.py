"""Table rows of the fair pages made in Python, once per page: the enterprise's booth queue (a row per interview,
with the intent form) and the officer's booths of a fair (a row per booth, with the approval form). Rendered by the
template language, each row's tags, filters and translations made most of these pages' time (the queue: ~500
template nodes for 28 rows). The HTML is the one the templates' row loops wrote (tests/integration/fairs/
test_rows.py renders both and compares them); every text is escaped as the template escaped it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape

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


class _Clock:
    """As the template's ``|date:"H:i"``: the local time, empty for none; each instant formatted once per page (a
    fair's booths and slots share a few opening hours)."""

    def __init__(self):
        self.made: dict[dt.datetime, str] = {}

    def __call__(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        text = self.made.get(value)
        if text is None:
            text = self.made[value] = timezone.localtime(value).strftime("%H:%M")
        return text


def _csrf(token: str) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def booth_queue_rows(slots: Iterable[Slot], *, csrf_token: str) -> list[SafeString]:
    """Each interview's row of the booth queue: the intent recorded, or the form recording one. What the rows
    share is made once by ``format_html``; each row's texts escaped as the template escaped them."""
    levels = {v: escape(str(label)) for v, label in IntentLevel.choices}  # each translated once per page
    options = mark_safe("".join(format_html('<option value="{}">{}</option>', v, label)
                                for v, label in IntentLevel.choices))
    form_head = format_html('<form method="post">{}<input type="hidden" name="slot" value="', _csrf(csrf_token))
    form_tail = format_html('"><select name="level">{}</select> <input name="note" maxlength="300" placeholder="{}"> '
                            '<button type="submit">{}</button></form>', options, _("note"), _("Record"))
    hm = _Clock()
    rows = []
    for s in slots:
        pk = int(s.pk)
        intent = getattr(s, "intent", None)
        if intent is not None:
            cell = f'<span class="badge">{levels.get(intent.level) or escape(intent.level)}</span> {escape(intent.note)}'
        else:
            cell = f"{form_head}{pk}{form_tail}"
        rows.append(mark_safe(  # every text escaped above
            f'<tr data-slot="{pk}"><td>{hm(s.starts_at)}</td><td>{escape(s.registration.talent.name)}</td><td>'
            f'{"✓" if s.registration.checked_in_at else ""}</td><td>{cell}</td></tr>\n'))
    return rows


def office_booth_rows(booths: Iterable[Booth], *, action_url: str, csrf_token: str) -> list[SafeString]:
    """Each booth's row of the officer's fair page: hours, interview length, video link, status, approval form.
    What the rows share is made once by ``format_html``; each row's texts escaped as the template escaped them."""
    statuses = {v: escape(str(label)) for v, label in BoothStatus.choices}  # each translated once per page
    video = escape(_("video link"))
    minutes: dict[int, str] = {}
    form_head = format_html('<form method="post" action="{}">{}<input type="hidden" name="booth" value="', action_url,
                            _csrf(csrf_token))
    form_tail = format_html('"><button name="action" value="approve">{}</button> <button name="action" '
                            'value="reject">{}</button></form>', _("Approve"), _("Reject"))
    hm = _Clock()
    rows = []
    for b in booths:
        pk = int(b.pk)
        hours = f"{hm(b.opens_at)}–{hm(b.closes_at)}"
        if b.slot_minutes:
            if b.slot_minutes not in minutes:
                minutes[b.slot_minutes] = escape(_("%(n)s-minute interviews") % {"n": b.slot_minutes})
            hours += f" · {minutes[b.slot_minutes]}"
        if b.video_link:
            hours += f' · <a href="{escape(b.video_link)}" rel="noopener noreferrer">{video}</a>'
        decide = f"{form_head}{pk}{form_tail}" if b.status == BoothStatus.PENDING else ""
        rows.append(mark_safe(  # every text escaped above
            f'<tr data-booth="{pk}"><td>{escape(b.enterprise.name)}</td><td>{int(b.interviewers)}</td><td>{hours}</td>'
            f'<td>{statuses.get(b.status) or escape(b.status)}</td><td>{decide}</td></tr>\n'))
    return rows
