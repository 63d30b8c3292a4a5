"""``talentpool bookings tick [--at 2025-03-03T22:00+08:00]``: expire waitlist offers past their time (the places go
to the next in line) and mark no-shows; safe to run twice. Schedule it every few minutes (cron or a timer)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from talentpool.bookings.services import no_shows_mark, offers_expire


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Bookings upkeep: `tick` expires waitlist offers past their time and marks no-shows."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["tick"])
        parser.add_argument("--at", default=None, help="the moment to act as of (ISO 8601; default now)")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["at"]:
            try:
                now = dt.datetime.fromisoformat(options["at"])
            except ValueError as exc:
                raise CommandError(f"--at: not an ISO 8601 moment: {options['at']}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        expired, no_shows = offers_expire(now=now), no_shows_mark(now=now)
        self.stdout.write(f"{expired} offers expired, {no_shows} no-shows marked")
