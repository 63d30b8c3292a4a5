"""SLA clocks counted in working time: start, pause, resume, stop, restart (reopen), change of target.

A clock keeps the working seconds it has consumed up to its last pause and, while running, the instant it was last
started; the time paused is therefore never counted, whatever holidays it spans. Its deadlines (warning, breach,
second-level escalation) are instants computed from the running start, so a sweep only compares them with now;
they are recomputed whenever the clock changes (pause, resume, reopen, new target for a new priority).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from .calendar import CalendarRangeError, WorkingCalendar


class ClockState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class Escalation:
    """When to warn and escalate, as shares of the target: warn at ``warn_share`` of it used; level 1 (team lead)
    at the breach; level 2 (office head) once a further ``second_share`` of it has passed beyond the breach."""

    warn_share: float = 0.75
    second_share: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.warn_share < 1:
            raise ValueError(f"warning share {self.warn_share}: must be between 0 and 1")
        if self.second_share <= 0:
            raise ValueError(f"second-level share {self.second_share}: must be above 0")


@dataclass(frozen=True)
class Clock:
    target: int  # working seconds allowed
    consumed: int = 0  # working seconds used before ``running_since``
    running_since: dt.datetime | None = None  # None while paused or stopped
    stopped: bool = False

    @classmethod
    def started(cls, at: dt.datetime, target: int) -> Clock:
        if target <= 0:
            raise ValueError(f"SLA target {target} s: must be positive")
        return cls(target=target, running_since=at)

    def used(self, now: dt.datetime, calendar: WorkingCalendar) -> int:
        if self.running_since is None:
            return self.consumed
        return self.consumed + max(calendar.between(self.running_since, now), 0)

    def pause(self, at: dt.datetime, calendar: WorkingCalendar) -> Clock:
        if self.running_since is None:
            return self
        return replace(self, consumed=self.used(at, calendar), running_since=None)

    def resume(self, at: dt.datetime) -> Clock:
        if self.running_since is not None or self.stopped:
            return self
        return replace(self, running_since=at)

    def stop(self, at: dt.datetime, calendar: WorkingCalendar) -> Clock:
        return replace(self.pause(at, calendar), stopped=True)

    def restart(self, at: dt.datetime) -> Clock:
        """Reopen: the clock runs again from ``at`` with what it had used; the time it stood still is not counted."""
        return replace(self, stopped=False, running_since=at if self.running_since is None else self.running_since)

    def retarget(self, target: int) -> Clock:
        """A new target (the priority changed): the time used so far stays used."""
        if target <= 0:
            raise ValueError(f"SLA target {target} s: must be positive")
        return replace(self, target=target)


@dataclass(frozen=True)
class Assessment:
    state: ClockState
    used: int
    remaining: int  # negative once breached
    level: int  # escalation level reached: 0, 1 (team lead) or 2 (office head)
    warn_at: dt.datetime | None  # None while paused or stopped
    due_at: dt.datetime | None
    escalate_at: dt.datetime | None
    beyond_calendar: bool = False  # a running clock's instant falls after the calendar's last year: unknown


def _share(target: int, share: float) -> int:
    return int(round(target * share))


def assess(clock: Clock, now: dt.datetime, calendar: WorkingCalendar,
           escalation: Escalation = Escalation()) -> Assessment:
    """Where the clock stands at ``now`` and, while it runs, the instants of its warning, breach and escalation.
    A running clock whose start or ``now`` the calendar does not know is assessed as far as it can be: the time
    used before it ran, no instants, ``beyond_calendar`` set (nothing is guessed)."""
    try:
        used = clock.used(now, calendar)
        if clock.running_since is not None and not clock.stopped:
            calendar.working_index(clock.running_since)
    except CalendarRangeError:
        state = ClockState.PAUSED if clock.running_since is None else ClockState.OK
        return Assessment(state=state, used=clock.consumed, remaining=clock.target - clock.consumed, level=0,
                          warn_at=None, due_at=None, escalate_at=None, beyond_calendar=True)
    second = clock.target + _share(clock.target, escalation.second_share)
    level = 2 if used >= second else 1 if used >= clock.target else 0
    warn_at = due_at = escalate_at = None
    beyond = False
    if clock.stopped:
        state = ClockState.MET if used <= clock.target else ClockState.MISSED
        level = 0
    elif clock.running_since is None:
        state = ClockState.PAUSED
    else:
        since = calendar.working_index(clock.running_since)
        base = since - clock.consumed

        def instant(index: int) -> dt.datetime | None:
            nonlocal beyond
            if index <= since:  # a point already passed when the clock resumed: the resumption
                return clock.running_since.astimezone(calendar.tzinfo)
            try:
                return calendar.instant_at(index)
            except CalendarRangeError:  # not guessed: unknown until the calendar knows that year
                beyond = True
                return None

        warn_at = instant(base + _share(clock.target, escalation.warn_share))
        due_at = instant(base + clock.target)
        escalate_at = instant(base + second)
        if used >= clock.target:
            state = ClockState.BREACHED
        elif used >= _share(clock.target, escalation.warn_share):
            state = ClockState.WARNING
        else:
            state = ClockState.OK
    return Assessment(state=state, used=used, remaining=clock.target - used, level=level,
                      warn_at=warn_at, due_at=due_at, escalate_at=escalate_at, beyond_calendar=beyond)
