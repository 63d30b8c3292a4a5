"""``talentpool imports purge``: delete the uploaded import files that should not be kept.

A job's upload is deleted when the job ends; this removes what is left over from before that (files of finished
jobs) and files under ``imports/`` that no job refers to. Unfinished jobs keep their file, to resume.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from talentpool.registry.import_uploads import import_files_purge


class Command(BaseCommand):
    help = ("Delete uploaded import files that are no longer needed (they hold ID numbers in clear): those of "
            "finished imports and those no import refers to. Unfinished imports keep theirs.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{purge}")
        sub.add_parser("purge", help="delete the files of finished imports and files no import refers to")

    def handle(self, *args, action: str, **options):
        self.stdout.write(f"{import_files_purge()} file(s) deleted")
