"""``talentpool reference load [--only divisions,universities]`` and ``talentpool reference status``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from talentpool.core.errors import ApplicationError
from talentpool.reference.selectors import reference_status
from talentpool.reference.services import TABLES, reference_load_tables


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Load the shipped reference data (GB/T 2260, universities, majors, GB/T 4754, occupations) or show it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{load,status}")
        load = sub.add_parser("load", help="upsert the tables from the shipped CSV files (idempotent)")
        load.add_argument(
            "--only",
            default="",
            help=f"comma-separated tables to load (default: all): {','.join(TABLES)}",
        )
        sub.add_parser("status", help="show each table's source, version, rows and load time")

    def handle(self, *args, action: str, **options):
        if action == "status":
            for s in reference_status():
                state = "up to date" if s.up_to_date else ("outdated" if s.loaded else "not loaded")
                when = timezone.localtime(s.loaded_at).strftime("%Y-%m-%d %H:%M") if s.loaded_at else "-"
                self.stdout.write(f"{s.key:<13} {s.rows:>6} rows  {state:<10}  {when}  {s.version}")
            return
        only = [k.strip() for k in options["only"].split(",") if k.strip()] or None
        started = time.monotonic()
        try:
            results = reference_load_tables(only=only)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for r in results:
            self.stdout.write(
                f"{r.key:<13} {r.rows:>6} rows  ({r.created} new, {r.updated} updated, {r.deleted} removed)"
            )
        self.stdout.write(f"loaded {len(results)} table(s) in {time.monotonic() - started:.1f} s")
