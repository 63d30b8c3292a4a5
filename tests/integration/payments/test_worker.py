"""Production runs tasks in a worker: a run started from the console is queued in the database and a
`talentpool db_worker` process (here: one batch in-process) picks it up and finishes it."""

from datetime import date

import pytest
from django.core.management import call_command

from talentpool.eligibility.models import Entitlement, Run, RunStatus
from talentpool.eligibility.services import run_start


@pytest.mark.django_db(transaction=True)
def test_a_run_queued_for_the_worker_is_done_by_it(settings, living):
    from factories.world import build_world

    world = build_world()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = run_start(actor=world.officer, as_of=date(2025, 3, 1), codes=None, trigger="console")
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and not Entitlement.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.new == Entitlement.objects.count() > 0
    assert Run.objects.count() == 1
