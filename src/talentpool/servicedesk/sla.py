"""The SLA engine meets the ticket: an office's calendar, a ticket's two clocks read from and written to its
fields, and the sweep's marks (earliest warning, breach and escalation of the clocks still running)."""

from __future__ import annotations

import datetime as dt

from talentpool.engines.sla import (
    Assessment,
    Clock,
    ClockState,
    Escalation,
    WorkingCalendar,
    assess,
    china_calendar,
    parse_hours,
)

from .models import Office, SlaState, Ticket

CLOCKS = ("response", "resolution")
_RANK = {ClockState.MET: 0, ClockState.OK: 1, ClockState.PAUSED: 1, ClockState.WARNING: 2, ClockState.MISSED: 3,
         ClockState.BREACHED: 4}


def office_calendar(office: Office) -> WorkingCalendar:
    return china_calendar(zone=office.zone, hours=parse_hours(office.working_hours))


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
    if running:
        ticket.escalation = max(a.level for a in running)
    return result
