"""``talentpool import KIND FILE [--errors OUT] [--user USERNAME]``.

Exit status: 0 when every row was accepted, 1 when some were rejected, 2 when the file itself is unusable.
The last line printed is the summary scripts read: ``N rows: N new, N updated, N unchanged, N rejected``.
Running the same command again after an interruption resumes the unfinished job of the same file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from talentpool.core.errors import ApplicationError
from talentpool.engines.tabular.writing import write_errors_csv, write_errors_xlsx
from talentpool.registry.import_selectors import (
    OFFICE_ROLES,
    import_error_headers,
    import_error_rows,
    import_file_problem_rows,
)
from talentpool.registry.importing import import_job_create_from_path, import_job_run
from talentpool.registry.models import ImportJob, ImportKind, ImportStatus

EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = ("Import talents, education, employment, insurance or enterprises from an XLSX, XLS, ODS or CSV file. "
            "Exit 0 when every row was accepted, 1 when some were rejected, 2 when the file is unusable. Re-running "
            "an interrupted import of the same file resumes it.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument("--errors", metavar="OUT", help="write the row errors to OUT (.xlsx or .csv)")
        parser.add_argument("--user", metavar="USERNAME",
                            help="import as this officer (their district scope applies); default: no scope")

    def handle(self, *args, **options):
        code = self.run(options)
        sys.stdout.flush()
        if code:
            raise SystemExit(code)

    def run(self, options) -> int:
        path = Path(options["file"])
        out_path = Path(options["errors"]) if options["errors"] else None
        if out_path is not None and out_path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("--errors must end in .xlsx or .csv")
        if not path.is_file():
            self.stderr.write(f"{path}: no such file")
            return EXIT_UNUSABLE
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"], role__in=OFFICE_ROLES).first()
            if actor is None:
                raise CommandError(f"no officer or administrator named {options['user']!r}")
        try:
            job = import_job_create_from_path(actor=actor, kind=options["kind"], path=path)
        except ApplicationError as exc:
            self.stderr.write(f"{path}: {exc.message}")
            self.stdout.write("0 rows: 0 new, 0 updated, 0 unchanged, 0 rejected")
            return EXIT_UNUSABLE
        if job.rows_done:
            self.stderr.write(f"Resuming import {job.pk} of {job.filename} at row {job.rows_done} of {job.total_rows}.")
        job = self._run_with_progress(job, options["verbosity"])
        if out_path is not None:
            self._write_errors(job, out_path)
        if job.status == ImportStatus.FAILED:
            self.stderr.write(f"{path}: {job.file_error}")
            self.stdout.write(job.summary_line)
            return EXIT_UNUSABLE
        if job.status != ImportStatus.DONE:
            self.stderr.write(f"Import {job.pk} was taken over by another run; it is at row {job.rows_done}.")
        self.stdout.write(job.summary_line)
        return EXIT_REJECTED if job.rejected else EXIT_OK

    def _run_with_progress(self, job: ImportJob, verbosity: int) -> ImportJob:
        console = Console(stderr=True)
        progress = Progress(TextColumn(f"[bold]import[/] {job.kind}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rejected]} rejected"), TimeElapsedColumn(),
                            TimeRemainingColumn(), console=console, disable=verbosity == 0)
        task = progress.add_task(job.kind, total=job.total_rows or None, completed=job.rows_done, rejected=job.rejected)

        def report(current: ImportJob) -> None:
            progress.update(task, total=current.total_rows or None, completed=current.rows_done,
                            rejected=current.rejected)

        with progress:
            return import_job_run(job_id=job.pk, progress=report)

    def _write_errors(self, job: ImportJob, out: Path) -> None:
        rows = list(import_file_problem_rows(job)) or import_error_rows(job)
        headers = import_error_headers()
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8-sig", newline="") as fh:
                write_errors_csv(rows, fh, headers)
        else:
            with out.open("wb") as fh:
                write_errors_xlsx(rows, fh, headers)
        self.stderr.write(f"Row errors written to {out}.")
