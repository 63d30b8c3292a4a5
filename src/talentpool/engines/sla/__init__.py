"""SLA engine: the office's working calendar (China's public holidays and make-up working days) and SLA clocks
counted in working time, with warning and two-level escalation. Plain Python: no Django, no clock reading."""

from .calendar import (
    DEFAULT_HOURS,
    DEFAULT_WEEKDAYS,
    DEFAULT_ZONE,
    CalendarError,
    CalendarRangeError,
    Exceptions,
    WorkingCalendar,
    china_calendar,
    china_years,
    known_years,
    parse_hours,
)
from .clock import Assessment, Clock, ClockState, Escalation, assess

__all__ = [
    "DEFAULT_HOURS", "DEFAULT_WEEKDAYS", "DEFAULT_ZONE", "Assessment", "CalendarError", "CalendarRangeError", "Exceptions",
    "Clock", "ClockState", "Escalation", "WorkingCalendar", "assess", "china_calendar", "china_years", "known_years",
    "parse_hours",
]
