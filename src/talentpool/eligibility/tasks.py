"""Background tasks of eligibility runs. Safe to run twice: a run that is already done is returned as it is."""

from __future__ import annotations

from django_tasks import task

from .runs import run_execute


@task()
def run_execute_task(run_id: int) -> dict:
    run = run_execute(run_id)
    return {"id": run.pk, "status": run.status, "summary": run.summary_line}
