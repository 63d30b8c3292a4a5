"""Background tasks of the registry. With the default ImmediateBackend they run in-process on enqueue; with a
worker backend they run there. Either way they are safe to run twice (see ``import_job_run``)."""

from __future__ import annotations

from django_tasks import task

from .importing import import_job_run


@task()
def import_job_run_task(job_id: int) -> dict:
    job = import_job_run(job_id=job_id)
    return {"id": job.pk, "status": job.status, "summary": job.summary_line}
