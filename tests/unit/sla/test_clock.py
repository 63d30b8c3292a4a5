"""SLA clocks: pause, reopen and a change of priority keep the clock right; warning, breach and escalation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from talentpool.engines.sla import Clock, ClockState, Escalation, assess, china_calendar

SH = ZoneInfo("Asia/Shanghai")
CAL = china_calendar()
H = 3600


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def test_a_running_clock_warns_then_breaches_then_escalates():
    clock = Clock.started(at("2024-10-08T09:00"), 4 * H)  # due 14:30 (lunch), warn at 3 h = 12:00
    esc = Escalation(warn_share=0.75, second_share=0.5)
    first = assess(clock, at("2024-10-08T10:00"), CAL, esc)
    assert (first.state, first.used, first.level) == (ClockState.OK, H, 0)
    assert (first.warn_at, first.due_at, first.escalate_at) == (at("2024-10-08T12:00"), at("2024-10-08T14:30"),
                                                               at("2024-10-08T16:30"))
    assert assess(clock, at("2024-10-08T13:00"), CAL, esc).state is ClockState.WARNING  # lunch: still 3 h used
    late = assess(clock, at("2024-10-08T15:00"), CAL, esc)
    assert (late.state, late.remaining, late.level) == (ClockState.BREACHED, -H // 2, 1)
    assert assess(clock, at("2024-10-09T09:00"), CAL, esc).level == 2


def test_a_pause_over_national_day_is_not_counted():
    clock = Clock.started(at("2024-09-30T16:00"), 8 * H)
    clock = clock.pause(at("2024-09-30T17:00"), CAL)  # 1 h used, waiting for the talent
    paused = assess(clock, at("2024-10-09T10:00"), CAL)
    assert (paused.state, paused.used, paused.due_at) == (ClockState.PAUSED, H, None)
    clock = clock.resume(at("2024-10-09T10:00"))
    running = assess(clock, at("2024-10-09T10:00"), CAL)
    assert running.due_at == at("2024-10-10T10:00")  # 7 h left: 2 h + 4 h on the 9th, 1 h on the 10th


def test_reopen_runs_on_from_what_was_used_and_not_the_time_closed():
    clock = Clock.started(at("2024-10-08T09:00"), 8 * H).stop(at("2024-10-08T11:00"), CAL)
    assert assess(clock, at("2024-10-10T09:00"), CAL).state is ClockState.MET
    reopened = clock.restart(at("2024-10-10T09:00"))
    now = assess(reopened, at("2024-10-10T09:00"), CAL)
    assert (now.state, now.used, now.due_at) == (ClockState.OK, 2 * H, at("2024-10-10T16:30"))


def test_a_higher_priority_shortens_the_deadline_and_keeps_the_time_used():
    clock = Clock.started(at("2024-10-08T09:00"), 16 * H)
    assert assess(clock, at("2024-10-08T11:00"), CAL).due_at == at("2024-10-10T11:00")
    urgent = clock.retarget(4 * H)
    now = assess(urgent, at("2024-10-08T11:00"), CAL)
    assert (now.used, now.due_at) == (2 * H, at("2024-10-08T14:30"))
    # the same after a pause: consumed time is kept through the retarget
    paused = clock.pause(at("2024-10-08T11:00"), CAL).retarget(2 * H).resume(at("2024-10-09T09:00"))
    again = assess(paused, at("2024-10-09T09:00"), CAL)
    assert (again.state, again.due_at) == (ClockState.BREACHED, at("2024-10-09T09:00"))


def test_a_clock_stopped_late_is_missed():
    clock = Clock.started(at("2024-10-08T09:00"), H).stop(at("2024-10-08T11:00"), CAL)
    result = assess(clock, at("2024-10-09T09:00"), CAL)
    assert (result.state, result.level, result.due_at) == (ClockState.MISSED, 0, None)


def test_started_outside_hours_counts_from_the_next_opening():
    clock = Clock.started(at("2024-10-07T22:00"), H)  # a holiday evening
    assert assess(clock, at("2024-10-07T23:00"), CAL).due_at == at("2024-10-08T10:00")


@pytest.mark.parametrize("kwargs", [{"warn_share": 0}, {"warn_share": 1.2}, {"second_share": 0}])
def test_bad_escalation_shares_are_refused(kwargs):
    with pytest.raises(ValueError, match="share"):
        Escalation(**kwargs)


def test_a_target_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        Clock.started(at("2024-10-08T09:00"), 0)


def test_deadlines_beyond_the_calendar_are_unknown_not_guessed():
    clock = Clock.started(at("2026-12-28T09:00"), 35 * H)  # five working days: into 2027
    result = assess(clock, at("2026-12-28T10:00"), CAL)
    assert result.beyond_calendar is True
    assert (result.state, result.used, result.due_at) == (ClockState.OK, H, None)
    assert result.warn_at == at("2026-12-31T15:45")  # 26.25 h of the 28 h left in 2026 is known
