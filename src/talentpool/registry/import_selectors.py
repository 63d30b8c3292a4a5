"""Reading import jobs: who sees which jobs, an unfinished job for the same file, and a job's error report."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from talentpool.accounts.models import Role
from talentpool.core.errors import NotFoundError, PermissionDeniedError

from .models import ImportJob, ImportRowError, ImportStatus

OFFICE_ROLES = (Role.OFFICER, Role.ADMIN)
UNFINISHED = (ImportStatus.PENDING, ImportStatus.RUNNING)


# --- who sees which jobs ------------------------------------------------------------------------------------------

def import_job_visible_to(user) -> QuerySet[ImportJob]:
    """Administrators: every job. Officers: jobs of their district scope and their own. Others: none."""
    qs = ImportJob.objects.select_related("created_by")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(Q(district__startswith=user.scope_prefix) | Q(created_by=user))
    return qs.none()


def import_job_get(*, user, pk: int) -> ImportJob:
    if not (user and user.is_authenticated and user.role in OFFICE_ROLES):
        raise PermissionDeniedError()
    job = import_job_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise NotFoundError()
    return job


def import_job_unfinished_for_file(*, kind: str, sha256: str, actor=None) -> ImportJob | None:
    return (ImportJob.objects.filter(kind=kind, sha256=sha256, status__in=UNFINISHED, created_by=actor)
            .order_by("-id").first())


# --- error report -------------------------------------------------------------------------------------------------

def import_error_headers() -> list[str]:
    return [gettext("Row"), gettext("Column"), gettext("Value"), gettext("Reason")]


def import_error_rows(job: ImportJob) -> Iterator[tuple[int, str, str, str]]:
    yield from ImportRowError.objects.filter(job=job).order_by("row", "id").values_list(
        "row", "column", "value", "reason").iterator(chunk_size=2000)


def import_file_problem_rows(job: ImportJob) -> list[tuple[int, str, str, str]]:
    return [(0, "", job.filename, job.file_error)] if job.file_error else []
