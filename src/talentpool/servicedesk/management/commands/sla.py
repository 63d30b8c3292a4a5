"""``talentpool sla deadline --start 2024-09-30T16:00 --hours 8 [--minutes N] [--json]``: the instant that much
working time after the start on the office calendar (China's public holidays and make-up days, Monday–Friday
09:00–12:00 and 13:30–17:30 Asia/Shanghai unless ``--working-hours`` and ``--zone`` say otherwise), with the days the
office entered beyond chinesecalendar (``--office``, by default the first office). A start without offset is read in
the calendar's zone. A date beyond the years the calendar knows is refused with the reason.
``talentpool sla elapsed --start ... --end ...`` prints the working time between two instants.
``talentpool sla sweep`` takes up again the deadline recomputes whose worker died (``servicedesk.recompute``), opens
tickets for new objections and failed payments, then brings every open ticket's SLA state up to now (warnings,
breaches, escalations); meant for cron every few minutes. Prints one line of counts.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from talentpool.engines.sla import DEFAULT_HOURS, DEFAULT_ZONE, CalendarError, china_calendar, parse_hours
from talentpool.servicedesk.models import Office
from talentpool.servicedesk.recompute import recompute_resume
from talentpool.servicedesk.sla import office_exceptions
from talentpool.servicedesk.tasks import inbound_tickets, one_to_one_keep, sla_sweep


def _instant(text: str, zone) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r}: expected a date and time such as 2024-09-30T16:00") from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Working-time arithmetic on the office calendar (SLA deadlines)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{deadline,elapsed,sweep}")
        sub.add_parser("sweep", help="tickets for objections and failed payments, then every open ticket's SLA state")
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
            p.add_argument("--office", default="", help="the office whose entered calendar days count (its code; "
                                                        "by default the first office)")
            p.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action, **options):
        if action == "sweep":
            resumed = recompute_resume()
            now = timezone.now()
            try:
                made = inbound_tickets(now)
                named = one_to_one_keep()
                counts = sla_sweep(now)
            except CalendarError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{resumed} deadline recomputes resumed; "
                              f"{made} new from objections and payments; {named} talents given an officer; "
                              f"{counts['open']} open: {counts['warned']} "
                              f"warned, {counts['escalated_1']} to team leads, {counts['escalated_2']} to the "
                              "office head")
            return
        self._arithmetic(action, options["zone"], options["working_hours"], options)

    def _exceptions(self, code: str):
        offices = Office.objects.order_by("pk")
        office = offices.filter(code=code).first() if code else offices.first()
        if code and office is None:
            raise CommandError(f"--office {code!r}: no such office")
        return office_exceptions(office) if office is not None else ()

    def _arithmetic(self, action, zone, working_hours, options):
        exceptions = self._exceptions(options["office"])
        try:
            hours = parse_hours(working_hours) if working_hours else DEFAULT_HOURS
            calendar = china_calendar(zone=zone, hours=hours, exceptions=exceptions)
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
