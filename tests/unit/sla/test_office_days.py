"""The office's own calendar days on top of chinesecalendar (which stops at 2026): a 2027 Spring Festival
arrangement as an office would enter it (New Year's Day, 5–13 February off, Sunday 31 January and Saturday
20 February worked: an assumed arrangement, typed here, not the State Council's), overrides of 2026 dates, and
years known neither way refused with the reason."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from talentpool.engines.sla import CalendarRangeError, Clock, ClockState, assess, china_calendar, known_years

SH = ZoneInfo("Asia/Shanghai")
DAY = 7 * 3600


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


HOLIDAYS_2027 = [d("2027-01-01")] + [d("2027-02-05") + dt.timedelta(days=i) for i in range(9)]
MAKEUP_2027 = [d("2027-01-31"), d("2027-02-20")]
EXCEPTIONS = tuple(sorted([(day, False) for day in HOLIDAYS_2027] + [(day, True) for day in MAKEUP_2027]))
CAL = china_calendar(exceptions=EXCEPTIONS)


def test_without_entered_days_2027_is_refused():
    with pytest.raises(CalendarRangeError, match="2027-01-01 is outside the working calendar.*2004–2026.*office "
                                                  "calendar"):
        china_calendar().add(at("2026-12-31T16:00"), 8 * 3600)


def test_entered_days_extend_the_calendar_to_their_year():
    assert (CAL.first, CAL.last) == (d("2004-01-01"), d("2027-12-31"))
    assert known_years(EXCEPTIONS) == (2004, 2027)
    assert "12 office exceptions" in CAL.source


@pytest.mark.parametrize("day", HOLIDAYS_2027, ids=str)
def test_an_entered_holiday_has_no_working_time(day):
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SH)
    assert not CAL.is_working_day(day)
    assert CAL.between(start, start + dt.timedelta(days=1)) == 0


@pytest.mark.parametrize("day", MAKEUP_2027, ids=str)
def test_an_entered_makeup_day_is_a_full_working_day(day):
    assert day.weekday() >= 5  # a weekend day worked
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SH)
    assert CAL.is_working_day(day)
    assert CAL.between(start, start + dt.timedelta(days=1)) == DAY


@pytest.mark.parametrize("day", [d("2027-01-04"), d("2027-02-04"), d("2027-02-15"), d("2027-10-01")], ids=str)
def test_other_weekdays_of_an_entered_year_are_working_days(day):
    assert CAL.is_working_day(day)


@pytest.mark.parametrize(("start", "minutes", "deadline"), [
    ("2026-12-31T16:00", 8 * 60, "2027-01-04T17:00"),  # Thursday → New Year's Day off → Monday
    ("2027-02-04T16:00", 8 * 60, "2027-02-15T17:00"),  # across the whole Spring Festival
    ("2027-01-29T17:00", 2 * 60, "2027-01-31T10:30"),  # the make-up Sunday
    ("2027-02-19T17:00", 60, "2027-02-20T09:30"),  # the make-up Saturday
    ("2027-02-07T10:00", 1, "2027-02-15T09:01"),  # a start inside the holiday waits for the first working minute
])
def test_deadlines_across_the_2027_spring_festival(start, minutes, deadline):
    assert CAL.add(at(start), minutes * 60) == at(deadline)


def test_a_pause_spanning_the_2027_spring_festival_costs_nothing():
    clock = Clock.started(at("2027-02-04T09:00"), 14 * 3600)  # two working days
    clock = clock.pause(at("2027-02-04T17:30"), CAL)  # 7 h used
    clock = clock.resume(at("2027-02-15T09:00"))
    result = assess(clock, at("2027-02-15T12:00"), CAL)
    assert (result.state, result.used) == (ClockState.OK, 10 * 3600)
    assert result.due_at == at("2027-02-15T17:30")


def test_2028_is_still_refused_with_the_years_known():
    with pytest.raises(CalendarRangeError, match="2028-01-01 is outside the working calendar.*2004–2027"):
        CAL.add(at("2027-12-31T16:00"), 8 * 3600)


def test_a_year_after_a_gap_is_not_counted():
    only_2028 = ((d("2028-01-31"), False),)
    cal = china_calendar(exceptions=only_2028)
    assert known_years(only_2028) == (2004, 2026)
    assert cal.last == d("2026-12-31")
    with pytest.raises(CalendarRangeError, match="2027-01-01"):
        cal.add(at("2026-12-31T16:00"), 8 * 3600)


@pytest.mark.parametrize(("day", "working", "package_says"), [
    (d("2026-10-07"), True, False),  # a National Day holiday worked after all
    (d("2026-12-31"), False, True),  # an ordinary Thursday given off
    (d("2026-10-10"), False, True),  # a make-up Saturday cancelled
])
def test_an_entered_day_overrides_chinesecalendar(day, working, package_says):
    assert china_calendar().is_working_day(day) is package_says
    assert china_calendar(exceptions=((day, working),)).is_working_day(day) is working
