"""The working calendar: China's holidays and make-up days of 2023–2026 (typed here from the State Council's
notices, independent of the package), working hours with the lunch break, instants outside hours and range errors."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from talentpool.engines.sla import (
    CalendarError,
    CalendarRangeError,
    WorkingCalendar,
    china_calendar,
    parse_hours,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = china_calendar()


def at(text: str, zone=SH) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def _days(ranges: list[tuple[str, str]]) -> list[dt.date]:
    out = []
    for a, b in ranges:
        day, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
        while day <= end:
            out.append(day)
            day += dt.timedelta(days=1)
    return out


# the State Council's holiday arrangements (放假安排) and make-up working days (调休上班)
HOLIDAYS = _days([
    ("2022-12-31", "2023-01-02"), ("2023-01-21", "2023-01-27"), ("2023-04-05", "2023-04-05"),
    ("2023-04-29", "2023-05-03"), ("2023-06-22", "2023-06-24"), ("2023-09-29", "2023-10-06"),
    ("2023-12-30", "2024-01-01"), ("2024-02-10", "2024-02-17"), ("2024-04-04", "2024-04-06"),
    ("2024-05-01", "2024-05-05"), ("2024-06-10", "2024-06-10"), ("2024-09-15", "2024-09-17"),
    ("2024-10-01", "2024-10-07"), ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"),
    ("2025-04-04", "2025-04-06"), ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"),
    ("2025-10-01", "2025-10-08"), ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"), ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"), ("2026-10-01", "2026-10-07"),
])
MAKEUP = [dt.date.fromisoformat(d) for d in (
    "2023-01-28 2023-01-29 2023-04-23 2023-05-06 2023-06-25 2023-10-07 2023-10-08 "
    "2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 2024-10-12 "
    "2025-01-26 2025-02-08 2025-04-27 2025-09-28 2025-10-11 "
    "2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10").split()]
DAY = 7 * 3600  # 3 h in the morning, 4 h in the afternoon


@pytest.mark.parametrize("day", [d for d in HOLIDAYS if d.year >= 2023], ids=str)
def test_a_public_holiday_has_no_working_time(day):
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SH)
    assert not CAL.is_working_day(day)
    assert CAL.between(start, start + dt.timedelta(days=1)) == 0


@pytest.mark.parametrize("day", MAKEUP, ids=str)
def test_a_makeup_saturday_or_sunday_is_a_full_working_day(day):
    assert day.weekday() >= 5
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SH)
    assert CAL.between(start, start + dt.timedelta(days=1)) == DAY
    # two hours from 11:00 on that day: one before lunch, one after it
    assert CAL.add(start.replace(hour=11), 2 * 3600) == start.replace(hour=14, minute=30)


def test_every_other_weekend_day_of_2023_to_2026_is_off_and_every_other_weekday_works():
    day = dt.date(2023, 1, 1)
    while day.year <= 2026:
        expected = day in MAKEUP or (day.weekday() < 5 and day not in HOLIDAYS)
        assert CAL.is_working_day(day) is expected, day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(("start", "hours", "deadline"), [
    ("2024-09-30T16:00", 8, "2024-10-08T17:00"),  # National Day skipped
    ("2024-09-27T17:00", 1, "2024-09-29T09:30"),  # Sunday 29 September is a make-up day
    ("2024-10-11T17:00", 1, "2024-10-12T09:30"),  # and so is Saturday 12 October
    ("2024-10-08T11:00", 1, "2024-10-08T12:00"),  # ends at the lunch break, not after it
    ("2024-10-08T11:00", 2, "2024-10-08T14:30"),  # goes over lunch
    ("2024-10-08T12:30", 1, "2024-10-08T14:30"),  # started during lunch
    ("2024-10-08T06:00", 1, "2024-10-08T10:00"),  # started before hours
    ("2024-10-08T20:00", 1, "2024-10-09T10:00"),  # started after hours
    ("2024-10-19T10:00", 1, "2024-10-21T10:00"),  # started on an ordinary Saturday
    ("2025-01-27T17:00", 1, "2025-02-05T09:30"),  # Spring Festival 2025 (26 Jan was a make-up Sunday)
    ("2026-02-13T17:00", 1, "2026-02-14T09:30"),  # 2026: make-up Saturday before the Spring Festival
    ("2026-02-14T17:00", 1, "2026-02-24T09:30"),
])
def test_deadline(start, hours, deadline):
    assert CAL.add(at(start), hours * 3600) == at(deadline)
    assert CAL.between(at(start), at(deadline)) == hours * 3600


def test_adding_zero_keeps_the_instant_and_negative_goes_back():
    assert CAL.add(at("2024-10-08T20:00"), 0) == at("2024-10-08T20:00")
    assert CAL.add(at("2024-10-08T14:30"), -2 * 3600) == at("2024-10-08T11:00")


def test_instants_in_another_zone_are_the_same_instants():
    utc = dt.datetime(2024, 9, 30, 8, 0, tzinfo=dt.UTC)  # 16:00 in Shanghai
    assert CAL.add(utc, 8 * 3600) == at("2024-10-08T17:00")


def test_elapsed_less_pauses_spanning_a_holiday():
    start, end = at("2024-09-30T09:00"), at("2024-10-09T09:00")
    assert CAL.elapsed(start, end) == 2 * DAY  # 30 September and 8 October
    pause = (at("2024-09-30T17:00"), at("2024-10-08T10:00"))  # half an hour on the 30th, an hour on the 8th
    assert CAL.elapsed(start, end, [pause]) == 2 * DAY - 5400
    # a pause still open counts up to the end; parts outside start..end do not count
    assert CAL.elapsed(start, end, [(at("2024-10-08T17:00"), None)]) == 2 * DAY - 1800
    assert CAL.elapsed(start, end, [(at("2024-09-29T09:00"), at("2024-09-30T10:00"))]) == 2 * DAY - 3600


def test_beyond_the_known_years_it_refuses_and_says_why():
    with pytest.raises(CalendarRangeError, match=r"2027-01-04 is outside .* 2004–2026 \(chinesecalendar"):
        CAL.add(at("2027-01-04T10:00"), 3600)
    with pytest.raises(CalendarRangeError, match="outside"):
        CAL.add(at("2026-12-31T17:00"), 3600)  # the answer would fall in 2027


def test_configurable_hours_weekdays_and_a_zone_with_summer_time():
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkingCalendar(first=dt.date(2024, 3, 1), last=dt.date(2024, 4, 30), holidays=frozenset(),
                          makeup_days=frozenset(), zone="Europe/Berlin", hours=parse_hours("08:00-16:00"),
                          weekdays=frozenset({0, 1, 2, 3, 4, 5}))
    # Saturday works here; summer time starts on Sunday 31 March, the hours stay 08:00-16:00 local
    assert cal.add(at("2024-03-30T15:00", berlin), 2 * 3600) == at("2024-04-01T09:00", berlin)
    assert cal.between(at("2024-03-29T00:00", berlin), at("2024-04-02T00:00", berlin)) == 3 * 8 * 3600


@pytest.mark.parametrize(("text", "message"), [
    ("09:00-12:00,11:00-13:00", "overlap"), ("12:00-09:00", "after the start"), ("nine to five", "HH:MM"),
    ("", "at least one"),
])
def test_bad_working_hours_are_refused_with_the_reason(text, message):
    with pytest.raises(CalendarError, match=message):
        parse_hours(text)


def test_an_instant_without_zone_is_refused():
    with pytest.raises(CalendarError, match="time zone"):
        CAL.working_index(dt.datetime(2024, 10, 8, 10))
