"""The attendance certificate of an event: a one-page PDF with the talent's name, the event and its date."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.engines.pdf import Gap, Heading, Text, render_pdf

from .models import Booking


def certificate_pdf(booking: Booking) -> bytes:
    event = booking.resource
    day = timezone.localtime(event.starts_at).strftime("%Y-%m-%d") if event.starts_at else booking.first_day
    blocks = [
        Heading(_("Certificate of attendance"), level=0),
        Text(_("%(name)s attended %(event)s on %(day)s.") % {
            "name": booking.talent.name, "event": event.name, "day": day}, centred=True),
        Gap(10),
        Text(event.series or event.get_category_display(), centred=True),
        Text(event.address, centred=True, small=True),
        Gap(16),
        Text(_("Certificate no. %(n)s") % {"n": f"E{event.pk}-{booking.pk}"}, small=True, centred=True),
    ]
    return render_pdf(_("Certificate of attendance"), blocks, author=event.name)
