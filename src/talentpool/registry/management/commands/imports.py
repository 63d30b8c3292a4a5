"""``talentpool imports [--limit N]``: the newest import jobs, one line each, newest first.
``talentpool imports purge``: delete the uploaded import files that should not be kept.

Listing columns: id, created, kind, status, rows done / total, file. The status is ``interrupted`` for a job
whose worker stopped (no heartbeat for a minute, see ``talentpool.core.heartbeat``); the line under it says how to
resume it: the same ``talentpool import`` command again for a job started on the command line, the Resume button
on its page (or ``POST /api/v1/imports/ID/resume``) for an upload.

Purging: a job's upload is deleted when the job ends; ``purge`` removes what is left over from before that (files
of finished jobs) and files under ``imports/`` that no job refers to. Unfinished jobs keep their file, to resume.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from talentpool.registry.import_uploads import import_files_purge
from talentpool.registry.models import ImportJob


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = ("List the newest import jobs with their status (interrupted: the worker running it stopped); "
            "'purge' deletes uploaded files no longer needed (they hold ID numbers in clear): those of finished "
            "imports and those no import refers to.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["purge"], help="purge: delete files no longer needed")
        parser.add_argument("--limit", type=int, default=20, help="how many jobs to list (default 20)")

    def handle(self, *args, action: str | None = None, **options):
        if action == "purge":
            self.stdout.write(f"{import_files_purge()} file(s) deleted")
            return
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
