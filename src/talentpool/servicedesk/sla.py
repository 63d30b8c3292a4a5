"""The SLA engine meets the ticket: an office's calendar (chinesecalendar with the office's own exceptions), a
ticket's two clocks read from and written to its fields, and the sweep's marks (earliest warning, breach and
escalation of the clocks still running, and the next of them the sweep has to act on)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.utils.translation import gettext as _

from talentpool.core.errors import ConflictError
from talentpool.engines.sla import (
    Assessment,
    CalendarRangeError,
    Clock,
    ClockState,
    Escalation,
    Exceptions,
    WorkingCalendar,
    assess,
    china_calendar,
    parse_hours,
)

from .models import CalendarException, DayKind, Office, SlaState, Ticket

CLOCKS = ("response", "resolution")
MARKS = ("response_due_at", "resolution_due_at", "warn_at", "due_at", "escalate_at", "next_check_at", "sla_state",
         "escalation")
_RANK = {ClockState.MET: 0, ClockState.OK: 1, ClockState.PAUSED: 1, ClockState.WARNING: 2, ClockState.MISSED: 3,
         ClockState.BREACHED: 4}


def office_exceptions(office: Office) -> Exceptions:
    """The office's entered holidays and make-up days as (date, is a working day), read once per office object."""
    cached = getattr(office, "_calendar_exceptions", None)
    if cached is None:
        rows = CalendarException.objects.filter(office=office).order_by("day").values_list("day", "kind")
        cached = tuple((day, kind == DayKind.WORKDAY) for day, kind in rows) if office.pk else ()
        office._calendar_exceptions = cached
    return cached


def office_calendar(office: Office) -> WorkingCalendar:
    return china_calendar(zone=office.zone, hours=parse_hours(office.working_hours),
                          exceptions=office_exceptions(office))


def office_escalation(office: Office) -> Escalation:
    return Escalation(warn_share=float(office.warn_share), second_share=float(office.second_share))


def clock_get(ticket: Ticket, name: str) -> Clock:
    return Clock(target=getattr(ticket, f"{name}_target"), consumed=getattr(ticket, f"{name}_consumed"),
                 running_since=getattr(ticket, f"{name}_since"), stopped=getattr(ticket, f"{name}_stopped"))


def clock_put(ticket: Ticket, name: str, clock: Clock) -> None:
    setattr(ticket, f"{name}_target", clock.target)
    setattr(ticket, f"{name}_consumed", clock.consumed)
    setattr(ticket, f"{name}_since", clock.running_since)
    setattr(ticket, f"{name}_stopped", clock.stopped)


def clocks_assess(ticket: Ticket, now: dt.datetime, office: Office) -> dict[str, Assessment]:
    calendar, escalation = office_calendar(office), office_escalation(office)
    return {name: assess(clock_get(ticket, name), now, calendar, escalation) for name in CLOCKS}


def marks_update(ticket: Ticket, now: dt.datetime, office: Office) -> dict[str, Assessment]:
    """Recompute the ticket's due instants, SLA state and escalation level after its clocks changed."""
    result = clocks_assess(ticket, now, office)
    running = [a for a in result.values() if a.due_at is not None or a.beyond_calendar]
    ticket.response_due_at = result["response"].due_at
    ticket.resolution_due_at = result["resolution"].due_at
    ticket.warn_at = min((a.warn_at for a in running if a.warn_at), default=None)
    ticket.due_at = min((a.due_at for a in running if a.due_at), default=None)
    ticket.escalate_at = min((a.escalate_at for a in running if a.escalate_at), default=None)
    states = [a.state for a in result.values()]
    if running:
        worst = max((a.state for a in running), key=_RANK.__getitem__)
    elif ClockState.PAUSED in states:
        worst = ClockState.PAUSED
    else:
        worst = max(states, key=_RANK.__getitem__)
    ticket.sla_state = SlaState(worst.value)
    if running:  # raising the level is the sweep's (it tells the lead and the head); a change may lower it
        ticket.escalation = min(ticket.escalation, max(a.level for a in running))
    ticket.next_check_at = next_check(ticket)
    return result


def next_check(ticket: Ticket) -> dt.datetime | None:
    """The first instant at which the sweep has something to do for this ticket: warn while it is on time, mark it
    breached (and call the lead) at its due instant, call the office head at its escalation instant. As warning <=
    due <= escalation, the first that still applies is the earliest (``tasks.sla_sweep`` moves it on in SQL)."""
    if ticket.status not in ("new", "open"):
        return None
    if ticket.sla_state == SlaState.OK and ticket.warn_at is not None:
        return ticket.warn_at
    if (ticket.escalation == 0 or ticket.sla_state in (SlaState.OK, SlaState.WARNING)) and ticket.due_at:
        return ticket.due_at
    if ticket.escalation < 2:
        return ticket.escalate_at
    return None


@contextmanager
def calendar_known():
    """Stopping or pausing a clock needs the working time up to now: beyond the calendar's years it is refused
    with the reason (the office head enters that year's days on the office calendar page)."""
    try:
        yield
    except CalendarRangeError as exc:
        raise ConflictError(_("The office calendar cannot count working time here: %(reason)s") % {"reason": exc},
                            code="calendar_unknown") from None
