"""Rows of an enterprise's staff table made in Python, once per page: 50 rows of five cells through the template
language cost ~80% of the page (variable look-ups, ``url`` and ``date`` per row). The HTML is the one the template
wrote (tests/integration/registry/test_staff_rows.py compares them); every value is escaped by ``format_html``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

# the staff table reads only what its cells show
STAFF_COLUMNS = ("pk", "talent_id", "talent__name", "talent__id_masked", "position", "start_date", "certified_at")

_ROW = ('<tr>\n  <td>{name}</td>\n  <td><code>{masked}</code></td><td>{position}</td><td>{since}</td>\n'
        '  <td>{certified}</td>\n</tr>')
_CERTIFY = ('<form method="post" action="{action}"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<button type="submit" class="secondary certify">{label}</button></form>')


def _day(value) -> str:
    """A date as the template's ``date:"Y-m-d"`` wrote it (a moment in the reader's time zone)."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


def staff_rows(jobs: Iterable[dict[str, Any]], *, portal: bool, csrf_token: Callable[[], str]) -> list[str]:
    """Each current job's row (``jobs``: dicts of ``STAFF_COLUMNS``): the office links the person's record, the
    enterprise's own page offers to certify a job not yet certified (``csrf_token`` is asked once, then)."""
    talent_url = reverse("registry:talent-detail", args=[0])[:-2]  # ".../talents/" (the id and a slash follow)
    certify_head, certify_tail = reverse("registry:my-enterprise-certify", args=[0]).rsplit("/0/", 1)
    not_yet, certify = _("not yet"), _("Certify")
    token = ""
    rows = []
    for j in jobs:
        name = j["talent__name"]
        if not portal:
            name = format_html('<a href="{}{}/">{}</a>', talent_url, j["talent_id"], name)
        if j["certified_at"]:
            certified = format_html('<span class="ok">✓ {}</span>', _day(j["certified_at"]))
        elif portal:
            token = token or csrf_token()  # one token for the page, as the template's context gave
            certified = format_html(_CERTIFY, action=f"{certify_head}/{j['pk']}/{certify_tail}",
                                    token=token, label=certify)
        else:
            certified = format_html('<span class="muted">{}</span>', not_yet)
        rows.append(format_html(_ROW, name=name, masked=j["talent__id_masked"], position=j["position"],
                                since=_day(j["start_date"]), certified=certified))
    return rows
