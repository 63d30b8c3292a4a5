"""``talentpool sla deadline --start 2024-09-30T16:00 --hours 8 [--minutes N] [--json]``: the instant that much
working time after the start on the office calendar (China's public holidays and make-up days, Monday–Friday
09:00–12:00 and 13:30–17:30 Asia/Shanghai unless ``--working-hours`` and ``--zone`` say otherwise). A start without
offset is read in the calendar's zone. A date beyond the years the calendar knows is refused with the reason.
``talentpool sla elapsed --start ... --end ...`` prints the working time between two instants.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from talentpool.engines.sla import DEFAULT_HOURS, DEFAULT_ZONE, CalendarError, china_calendar, parse_hours


def _instant(text: str, zone) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r}: expected a date and time such as 2024-09-30T16:00") from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


class Command(BaseCommand):
    help = "Working-time arithmetic on the office calendar (SLA deadlines)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{deadline,elapsed}")
        for name, text in (("deadline", "the instant N working hours after --start"),
                           ("elapsed", "the working time between --start and --end")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--start", required=True, help="YYYY-MM-DDTHH:MM (in --zone unless it has an offset)")
            if name == "deadline":
                p.add_argument("--hours", default="0", help="working hours to add (may be decimal, e.g. 1.5)")
                p.add_argument("--minutes", type=int, default=0, help="working minutes to add")
            else:
                p.add_argument("--end", required=True)
            p.add_argument("--zone", default=DEFAULT_ZONE)
            p.add_argument("--working-hours", default="",
                           help="e.g. 09:00-12:00,13:30-17:30 (the default)")
            p.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action, zone, working_hours, **options):
        try:
            hours = parse_hours(working_hours) if working_hours else DEFAULT_HOURS
            calendar = china_calendar(zone=zone, hours=hours)
            start = _instant(options["start"], calendar.tzinfo)
            if action == "deadline":
                try:
                    seconds = int(Decimal(options["hours"]) * 3600) + options["minutes"] * 60
                except InvalidOperation:
                    raise CommandError(f"--hours {options['hours']!r}: expected a number") from None
                result = {"start": start.isoformat(timespec="minutes"), "working_minutes": seconds // 60,
                          "deadline": calendar.add(start, seconds).isoformat(timespec="minutes")}
                line = result["deadline"]
            else:
                end = _instant(options["end"], calendar.tzinfo)
                minutes = calendar.between(start, end) // 60
                result = {"start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes"),
                          "working_minutes": minutes}
                line = f"{minutes // 60}:{minutes % 60:02d}"
        except CalendarError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            result["calendar"] = calendar.describe()
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(line)
