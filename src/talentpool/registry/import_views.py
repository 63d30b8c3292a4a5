"""Import pages of the officer console: upload and history, job detail with live progress, error report,
templates. Thin: each view checks the role, calls ``registry.importing`` and renders."""

from __future__ import annotations

import functools
import io

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role
from talentpool.engines.tabular import KINDS
from talentpool.engines.tabular.writing import errors_xlsx_bytes, write_template

from .import_selectors import (
    UNFINISHED,
    import_error_headers,
    import_error_rows,
    import_file_problem_rows,
    import_job_visible_to,
)
from .importing import import_job_create, import_job_enqueue, import_job_resume
from .models import ImportJob, ImportKind

OFFICE = (Role.OFFICER, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (XLSX, XLS, ODS or CSV)"))


def _wants_json(request) -> bool:
    return request.headers.get("x-requested-with") == "fetch" or "application/json" in request.headers.get("accept", "")


def import_job_progress(job: ImportJob) -> dict:
    """What the progress line shows; the same shape as the API's job (a subset)."""
    return {
        "id": job.pk, "kind": job.kind, "filename": job.filename, "status": job.state,
        "status_label": job.get_state_display(), "interrupted": job.interrupted,
        "total_rows": job.total_rows, "rows_done": job.rows_done,
        "percent": job.percent, "new": job.new, "updated": job.updated, "unchanged": job.unchanged,
        "rejected": job.rejected, "file_error": job.file_error, "summary": job.summary_text, "summary_line": job.summary_line,
        "finished": job.status not in UNFINISHED, "url": reverse("registry:import-detail", args=[job.pk]),
    }


@require_role(*OFFICE)
def import_list(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                job = import_job_create(actor=request.user, kind=form.cleaned_data["kind"],
                                        upload=form.cleaned_data["file"], filename=form.cleaned_data["file"].name,
                                        request=request)
            except ApplicationError as exc:
                form.add_error("file" if exc.field == "file" else None, exc.message)
            else:
                import_job_enqueue(job)  # runs after this view's writes commit (in-process with ImmediateBackend)
                if _wants_json(request):
                    job.refresh_from_db()
                    return JsonResponse(import_job_progress(job), status=201)
                return redirect("registry:import-detail", pk=job.pk)
        if _wants_json(request):
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            return JsonResponse({"error": {"code": "validation", "message": gettext("The upload was refused."),
                                           "problems": errors}}, status=400)
    jobs = import_job_visible_to(request.user)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    latest = jobs.values_list("id", flat=True).first() or 0
    kinds = [(k.kind, ImportKind(k.kind).label) for k in KINDS.values()]
    return render(request, "registry/import_list.html",
                  {"form": form, "page": page, "kinds": kinds, "latest_id": latest})


@require_role(*OFFICE)
def import_detail(request, pk: int):
    job = _job_or_404(request, pk)
    errors = Paginator(job.row_errors.all(), 50).get_page(request.GET.get("page"))
    return render(request, "registry/import_detail.html",
                  {"job": job, "errors": errors, "unfinished": job.status in UNFINISHED,
                   "polling": job.status in UNFINISHED and not job.interrupted})


@require_role(*OFFICE)
def import_progress(request, pk: int):
    return JsonResponse(import_job_progress(_job_or_404(request, pk)))


@require_role(*OFFICE)
def import_latest(request):
    """The newest job of this user after ``after`` (the page polls this while its upload is still running)."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    job = (import_job_visible_to(request.user).filter(created_by=request.user, pk__gt=after).order_by("-id").first())
    return JsonResponse({"job": import_job_progress(job) if job else None})


@require_POST
@require_role(*OFFICE)
def import_resume(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        import_job_resume(actor=request.user, job=job, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("The import continues from the last committed row."))
    return redirect("registry:import-detail", pk=job.pk)


@require_role(*OFFICE)
def import_errors_download(request, pk: int):
    job = _job_or_404(request, pk)
    rows = import_file_problem_rows(job) or import_error_rows(job)
    data = errors_xlsx_bytes(rows, import_error_headers())
    return file_response(data, filename=f"import-{job.pk}-errors.xlsx", content_type=XLSX)


@require_role(*OFFICE)
def import_template(request, kind: str):
    if kind not in KINDS:
        raise Http404
    data = _template_bytes(kind, get_language() or "")
    return file_response(data, filename=f"talentpool-{kind}-template.xlsx", content_type=XLSX,
                         kept=True)  # headings and examples


@functools.lru_cache(maxsize=64)
def _template_bytes(kind: str, language: str) -> bytes:
    """The empty workbook of one kind in one language, built once per process: it depends only on the kind's
    column list (module constants of engines.tabular) and the translation catalogue, both fixed for the life of
    the process, so nothing invalidates it but a restart (a deploy). ``language`` is part of the key because
    ``gettext`` translates into the active one."""
    buf = io.BytesIO()
    write_template(KINDS[kind], buf, gettext)
    return buf.getvalue()


def _job_or_404(request, pk: int) -> ImportJob:
    job = import_job_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job

