"""The office's working calendar: which instants are working time, and arithmetic in working time.

A working day is a make-up working day (调休), or a weekday of the office's working week that is not a public
holiday; every working day has the same working hours (by default 09:00–12:00 and 13:30–17:30). The calendar is
laid out once as sorted working intervals (epoch seconds) with the working time accumulated before each, so that
"working time between two instants" and "the instant N working seconds after this one" are a bisection each.

China's holidays and make-up days come from the ``chinesecalendar`` package (``china_calendar``), which knows the
years 2004–2026; an office's own exceptions (holidays and make-up days entered per date) override it on their dates
and extend it to their years, as long as the years follow on without a gap. An instant beyond the calendar's years
raises ``CalendarRangeError`` rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

DEFAULT_ZONE = "Asia/Shanghai"
DEFAULT_HOURS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9, 0), dt.time(12, 0)),
    (dt.time(13, 30), dt.time(17, 30)),
)
DEFAULT_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday to Friday


class CalendarError(ValueError):
    """The calendar cannot be built as asked (hours overlapping, unknown zone, ...)."""


class CalendarRangeError(CalendarError):
    """An instant outside the years the calendar knows the holidays of."""


def parse_hours(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """``"09:00-12:00,13:30-17:30"`` as working hours; raises CalendarError naming the bad part."""
    hours = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            start, end = (dt.time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError:
            raise CalendarError(f"working hours {part!r}: expected HH:MM-HH:MM") from None
        hours.append((start, end))
    return _checked_hours(hours)


def _checked_hours(hours: Iterable[tuple[dt.time, dt.time]]) -> tuple[tuple[dt.time, dt.time], ...]:
    checked = tuple(sorted(hours))
    if not checked:
        raise CalendarError("working hours: at least one period is needed")
    for i, (start, end) in enumerate(checked):
        if end <= start:
            raise CalendarError(f"working hours {start:%H:%M}-{end:%H:%M}: the end must come after the start")
        if i and start < checked[i - 1][1]:
            raise CalendarError(f"working hours {start:%H:%M}-{end:%H:%M} overlap the period before")
    return checked


@dataclass(frozen=True)
class WorkingCalendar:
    """Working time of one office between ``first`` and ``last`` (dates, inclusive)."""

    first: dt.date
    last: dt.date
    holidays: frozenset[dt.date]
    makeup_days: frozenset[dt.date]
    zone: str = DEFAULT_ZONE
    hours: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_HOURS
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    source: str = ""
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)
    _ends: list[int] = field(default_factory=list, repr=False, compare=False)
    _cum: list[int] = field(default_factory=list, repr=False, compare=False)  # working seconds before interval i
    _cum_end: list[int] = field(default_factory=list, repr=False, compare=False)  # ... up to its end

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.zone)
        except Exception:  # noqa: BLE001 - zoneinfo raises several kinds for a bad key
            raise CalendarError(f"time zone {self.zone!r} is unknown") from None
        object.__setattr__(self, "hours", _checked_hours(self.hours))
        day, total = self.first, 0
        while day <= self.last:
            if self.is_working_day(day):
                for start, end in self.hours:
                    a = int(dt.datetime.combine(day, start, tzinfo=tz).timestamp())
                    b = int(dt.datetime.combine(day, end, tzinfo=tz).timestamp())
                    self._starts.append(a)
                    self._ends.append(b)
                    self._cum.append(total)
                    total += b - a
                    self._cum_end.append(total)
            day += dt.timedelta(days=1)
        object.__setattr__(self, "_lo", int(dt.datetime.combine(self.first, dt.time(0), tzinfo=tz).timestamp()))
        object.__setattr__(self, "_hi", int(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0),
                                                                tzinfo=tz).timestamp()))

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def describe(self) -> dict:
        return {"zone": self.zone, "first": self.first.isoformat(), "last": self.last.isoformat(),
                "hours": [f"{a:%H:%M}-{b:%H:%M}" for a, b in self.hours],
                "weekdays": sorted(self.weekdays), "source": self.source}

    # -- instants <-> working seconds -------------------------------------------------------------------------
    def _seconds(self, when: dt.datetime) -> int:
        if when.tzinfo is None:
            raise CalendarError(f"{when.isoformat()}: an instant needs its time zone")
        ts = int(when.timestamp())
        if not self._lo <= ts <= self._hi:
            local = when.astimezone(self.tzinfo).date()
            raise CalendarRangeError(self._range_message(local))
        return ts

    def _range_message(self, day: dt.date) -> str:
        return (f"{day.isoformat()} is outside the working calendar, which knows the holidays of "
                f"{self.first.year}–{self.last.year}{f' ({self.source})' if self.source else ''}; "
                "enter that year's holidays and make-up working days in the office calendar (or install a newer "
                "chinesecalendar) to count working time there")

    def working_index(self, when: dt.datetime) -> int:
        """Working seconds from the start of the calendar to ``when``."""
        ts = self._seconds(when)
        i = bisect_right(self._starts, ts) - 1
        if i < 0:
            return 0
        return self._cum[i] + min(ts, self._ends[i]) - self._starts[i]

    def instant_at(self, index: int) -> dt.datetime:
        """The earliest instant whose working index is ``index``."""
        if index <= 0:
            if index < 0 or not self._starts:
                raise CalendarRangeError(self._range_message(self.first - dt.timedelta(days=1)))
            return dt.datetime.fromtimestamp(self._starts[0], self.tzinfo)
        j = bisect_left(self._cum_end, index)
        if j >= len(self._cum_end):
            raise CalendarRangeError(self._range_message(self.last + dt.timedelta(days=1)))
        return dt.datetime.fromtimestamp(self._starts[j] + index - self._cum[j], self.tzinfo)

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working seconds from ``start`` to ``end`` (negative when ``end`` comes first)."""
        return self.working_index(end) - self.working_index(start)

    def add(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The instant ``seconds`` of working time after ``start`` (before it when negative); ``start`` itself
        for zero. Ending exactly at the end of a period gives that end (12:00, not 13:30)."""
        if seconds == 0:
            self._seconds(start)
            return start.astimezone(self.tzinfo)
        return self.instant_at(self.working_index(start) + seconds)

    def elapsed(self, start: dt.datetime, end: dt.datetime,
                pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = ()) -> int:
        """Working seconds from ``start`` to ``end`` less the working time inside ``pauses`` (a pause still open
        counts up to ``end``; the parts of pauses outside start..end do not count)."""
        a, b = self.working_index(start), self.working_index(end)
        total = b - a
        for p_start, p_end in pauses:
            pa = max(a, self.working_index(p_start))
            pb = min(b, self.working_index(p_end) if p_end is not None else b)
            if pb > pa:
                total -= pb - pa
        return max(total, 0)


def _china_days(first_year: int, last_year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    holidays = frozenset(d for d in chinese_calendar.holidays if first_year <= d.year <= last_year)
    makeup = frozenset(d for d in chinese_calendar.workdays if first_year <= d.year <= last_year)
    return holidays, makeup


def china_years() -> tuple[int, int]:
    """The first and last year chinesecalendar knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


Exceptions = tuple[tuple[dt.date, bool], ...]  # (date, is a working day), sorted by date


def known_years(exceptions: Exceptions = ()) -> tuple[int, int]:
    """The years the calendar counts: chinesecalendar's, extended by the years of the entered exceptions that
    follow on from them without a gap (a year with neither is unknown, so nothing after it is guessed either)."""
    first, last = china_years()
    entered = {day.year for day, _working in exceptions}
    while first - 1 in entered:
        first -= 1
    while last + 1 in entered:
        last += 1
    return first, last


@lru_cache(maxsize=32)
def china_calendar(*, zone: str = DEFAULT_ZONE, hours: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_HOURS,
                   weekdays: frozenset[int] = DEFAULT_WEEKDAYS, exceptions: Exceptions = ()) -> WorkingCalendar:
    """China's public holidays and make-up working days (chinesecalendar), with the given working hours; an
    office's ``exceptions`` (date, is a working day) override it on their dates and extend it to their years."""
    first, last = known_years(exceptions)
    holidays, makeup = _china_days(first, last)
    off = {day for day, working in exceptions if not working and first <= day.year <= last}
    on = {day for day, working in exceptions if working and first <= day.year <= last}
    version = getattr(chinese_calendar, "__version__", "?")
    source = f"chinesecalendar {version}" + (f" and {len(off) + len(on)} office exceptions" if off or on else "")
    return WorkingCalendar(first=dt.date(first, 1, 1), last=dt.date(last, 12, 31),
                           holidays=frozenset((holidays - on) | off), makeup_days=frozenset((makeup - off) | on),
                           zone=zone, hours=hours, weekdays=weekdays, source=source)
