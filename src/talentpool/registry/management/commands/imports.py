"""``talentpool imports [--limit N]``: the newest import jobs, one line each, newest first.

Columns: id, created, kind, status, rows done / total, file. The status is ``interrupted`` for a job whose
worker stopped (no heartbeat for a minute, see ``talentpool.core.heartbeat``); the line under it says how to
resume it: the same ``talentpool import`` command again for a job started on the command line, the Resume button
on its page (or ``POST /api/v1/imports/ID/resume``) for an upload.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from talentpool.registry.models import ImportJob


class Command(BaseCommand):
    help = "List the newest import jobs with their status (interrupted: the worker running it stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20, help="how many jobs (default 20)")

    def handle(self, *args, **options):
        for job in ImportJob.objects.select_related("created_by")[:max(1, options["limit"])]:
            created = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"{job.pk:>6}  {created}  {job.kind:<11}  {job.state:<11}  "
                              f"{job.rows_done}/{job.total_rows}  {job.filename}")
            if job.interrupted:
                since = (timezone.localtime(job.heartbeat_at).isoformat(timespec="seconds") if job.heartbeat_at
                         else "never")
                how = (f"run the same command again: talentpool import {job.kind} {job.filename}"
                       if job.created_by is None else f"press Resume on /registry/imports/{job.pk}/")
                self.stdout.write(f"        no heartbeat since {since}: {how}")
