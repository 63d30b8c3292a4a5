"""Bulk-import endpoints (/api/v1/imports/): the same service as the import pages. Officers and administrators."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from talentpool.core.errors import NotFoundError
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Limit, Offset, limit_at_most

from .import_selectors import OFFICE_ROLES, import_job_visible_to
from .importing import import_job_create, import_job_enqueue, import_job_resume
from .models import ImportJob, ImportRowError

router = Router(tags=["imports"])


class ImportJobOut(Schema):
    id: int
    kind: str
    filename: str
    status: str = Field(description="pending, running, done, failed, or interrupted: running but its worker "
                                    "stopped (no heartbeat for a minute); resume it with POST /imports/{id}/resume")
    heartbeat_at: datetime | None = Field(None, description="the last sign of life of the worker running it")
    file_error: str
    created_at: datetime
    finished_at: datetime | None
    created_by: str | None
    total_rows: int
    rows_done: int
    percent: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    summary: str

    @staticmethod
    def resolve_created_by(obj: ImportJob) -> str | None:
        return obj.created_by.get_username() if obj.created_by else None

    @staticmethod
    def resolve_summary(obj: ImportJob) -> str:
        return obj.summary_line

    @staticmethod
    def resolve_status(obj: ImportJob) -> str:
        return obj.state


class ImportRowErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class ImportErrorPage(Schema):
    count: int
    items: list[ImportRowErrorOut]


def _job(request, pk: int) -> ImportJob:
    ensure_role(request.user, *OFFICE_ROLES)
    job = import_job_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise NotFoundError()
    return job


@router.post("/", response={201: ImportJobOut}, summary="Upload a file and import it (officers, administrators)")
def import_create(request, kind: Form[str], file: File[UploadedFile]):
    """The file: XLSX, XLS, ODS or CSV. Runs as a background task; with the default in-process backend the
    response comes when the import is done. Poll ``GET /imports/{id}`` for progress otherwise."""
    ensure_role(request.user, *OFFICE_ROLES)
    job = import_job_create(actor=request.user, kind=kind, upload=file, filename=file.name or "upload",
                            request=request)
    import_job_enqueue(job)
    job.refresh_from_db()
    return Status(201, job)


@router.get("/", response=list[ImportJobOut], summary="Import jobs I may see, newest first")
def import_list(request, limit: Limit = 50, offset: Offset = 0):
    ensure_role(request.user, *OFFICE_ROLES)
    limit = max(1, min(limit, 200))
    return list(import_job_visible_to(request.user)[offset: offset + limit])


@router.get("/{pk}", response=ImportJobOut, summary="Status and counts of one import")
def import_detail(request, pk: int):
    return _job(request, pk)


@router.post("/{pk}/resume", response=ImportJobOut,
             summary="Continue an interrupted or waiting import from its last committed row")
def import_resume(request, pk: int):
    """Refused (400, code ``not_interrupted``) while the job's worker is alive, and (``finished``) once it ended.
    The job continues as a background task: poll ``GET /imports/{id}``."""
    job = import_job_resume(actor=request.user, job=_job(request, pk), request=request)
    job.refresh_from_db()
    return job


@router.get("/{pk}/errors", response=ImportErrorPage, summary="Rejected rows: row, column, value, reason")
def import_errors(request, pk: int, limit: limit_at_most(1000) = 100, offset: Offset = 0):
    job = _job(request, pk)
    limit = max(1, min(limit, 1000))
    qs = ImportRowError.objects.filter(job=job).order_by("row", "id")
    return {"count": qs.count(), "items": list(qs[offset: offset + limit])}
