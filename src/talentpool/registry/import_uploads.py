"""The uploaded files of imports: kept while their job may still run, deleted when it ends.

An upload holds ID numbers in clear. ``import_job_end`` is the one place a job becomes done, failed or cancelled,
and it deletes the job's file then (the counts and the row errors, ID numbers masked, stay with the job). An
unfinished job keeps its file so that it can resume after a crash. ``import_files_purge`` (``talentpool
imports purge``) deletes what older versions left behind: files of finished jobs and files no job refers to.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from .models import ImportJob

log = logging.getLogger(__name__)


def import_job_end(job: ImportJob, *, status: str, file_error: str = "") -> ImportJob:
    """Record that a job is over (done, failed or cancelled) and delete its uploaded file, which holds ID numbers
    in clear. The job's counts and its row errors (ID numbers masked) stay."""
    job.status, job.finished_at = status, timezone.now()
    fields = ["status", "finished_at"]
    if file_error:
        job.file_error = file_error
        fields.append("file_error")
    job.save(update_fields=fields)
    import_job_discard_file(job)
    return job


def import_job_discard_file(job: ImportJob) -> bool:
    """Delete the stored upload of a job, if it still has one; True when a file went."""
    if not job.file:
        return False
    try:
        job.file.storage.delete(job.file.name)
    except OSError:
        log.warning("the upload of import %s could not be deleted", job.pk)
        return False
    ImportJob.objects.filter(pk=job.pk).update(file="")
    job.file = ""
    return True


def import_files_purge() -> int:
    """Delete the uploads that should not be kept: those of finished jobs (stored before uploads were deleted at
    the end of their job) and files under ``imports/`` that no job refers to. Unfinished jobs keep theirs."""
    deleted = 0
    for job in ImportJob.objects.filter(finished_at__isnull=False).exclude(file=""):
        deleted += import_job_discard_file(job)
    kept = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    storage = ImportJob._meta.get_field("file").storage
    pending = ["imports"]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        pending += [f"{folder}/{name}" for name in folders]
        for name in files:
            if f"{folder}/{name}" not in kept:
                storage.delete(f"{folder}/{name}")
                deleted += 1
    return deleted
