"""Interview invitations as iCalendar (RFC 5545) files, made with ``icalendar``.

One VEVENT per interview with a stable UID; a reschedule sends the same UID with a higher SEQUENCE, so calendar
programs move the event instead of adding a second one (RFC 5546: METHOD:REQUEST); a cancellation sends
METHOD:CANCEL with STATUS:CANCELLED. Times are written in the interview's time zone (Asia/Shanghai) with its
VTIMEZONE. The video link of a remote interview is the event's URL (and in the description, which every client
shows). Texts are in the language active when the file is made (the reader's). The talent is the ATTENDEE when an email address is known; the organizer is the enterprise (the HR user's
address, or the platform's sender address).
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from .models import Interview, InterviewStatus

PRODID = "-//talentpool//recruitment//ZH"


@functools.lru_cache(maxsize=32)
def _vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE of a zone, worked out once per process: icalendar finds its transitions by testing the offset
    of every hour from 1970 to 2038 (about 30 ms), over a fixed date range, so it is the same for every file. The
    component is shared and only ever serialised, never changed. An unknown zone raises ValueError (not cached)."""
    return Timezone.from_tzid(tzid)


def _add_missing_timezones(cal: Calendar) -> None:
    """What ``Calendar.add_missing_timezones`` does, with each zone's VTIMEZONE from the cache above."""
    for tzid in sorted(cal.get_missing_tzids()):
        try:
            component = _vtimezone(tzid)
        except ValueError:
            continue
        cal.subcomponents.insert(len(cal.timezones), component)


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def interview_ics(interview: Interview, *, now: dt.datetime | None = None) -> bytes:
    """The invitation as the talent's calendar should see it now: REQUEST while scheduled (or done), CANCEL once
    cancelled."""
    application = interview.application
    job = application.job
    talent = application.talent
    tz = ZoneInfo(interview.timezone or "Asia/Shanghai")
    cancelled = interview.status == InterviewStatus.CANCELLED

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")

    event = Event()
    event.add("uid", interview.uid)
    event.add("sequence", interview.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", interview.starts_at.astimezone(tz))
    event.add("dtend", interview.ends_at.astimezone(tz))
    params = {"title": job.title, "enterprise": job.enterprise.name, "n": interview.round}
    event.add("summary", _("Interview: %(title)s at %(enterprise)s (round %(n)s)") % params)
    lines = [f"{job.enterprise.name} · {job.title}", _("Interview round %(n)s") % params]
    if interview.interviewers:
        lines.append(_("Interviewers: %(names)s") % {"names": "、".join(interview.interviewers)})
    if interview.video_link:
        lines.append(_("Video meeting: %(link)s") % {"link": interview.video_link})
    if interview.location:
        lines.append(_("Place: %(place)s") % {"place": interview.location})
    event.add("description", "\n".join(lines))
    if interview.location:
        event.add("location", interview.location)
    elif interview.video_link:
        event.add("location", interview.video_link)
    if interview.video_link:
        event.add("url", interview.video_link)
    organizer = interview.organizer
    event.add("organizer", _address(getattr(organizer, "email", "") or settings.DEFAULT_FROM_EMAIL,
                                     job.enterprise.name))
    email = (talent.user.email if talent.user_id and talent.user.email else "") or talent.email
    if email:
        attendee = _address(email, talent.name)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        accepted = interview.confirmed_at is not None and not cancelled
        attendee.params["PARTSTAT"] = "ACCEPTED" if accepted else "NEEDS-ACTION"
        attendee.params["RSVP"] = "FALSE" if accepted else "TRUE"
        event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    _add_missing_timezones(cal)
    return cal.to_ical()


def interview_ics_filename(interview: Interview) -> str:
    return f"interview-{interview.pk}-{interview.sequence}.ics"
