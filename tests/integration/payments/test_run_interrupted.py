"""A run whose worker dies shows as interrupted a minute after its last heartbeat, on the run pages, in the API and
on the command line, and an officer of its district resumes it (audited): it keeps the lines already written,
writes the rest, and ends with the counts of a run that was never interrupted.

The worker is killed in-process: an exception that is not an ``Exception`` (as a SIGKILL, nothing of the run's
own failure handling runs) ends it after its first committed chunk. Time is moved with time-machine."""

from __future__ import annotations

import datetime as dt
import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent
from talentpool.eligibility import runs
from talentpool.eligibility.models import Entitlement, Run, RunStatus
from talentpool.eligibility.runs import run_execute
from talentpool.eligibility.services import run_resume, run_start

AS_OF = date(2025, 7, 15)  # two instalments of the living subsidy are due: the run has two lines to write
KILLED_AT = dt.datetime(2025, 3, 2, 9, 0, tzinfo=dt.UTC)
ALIVE = KILLED_AT + dt.timedelta(seconds=30)
GONE = KILLED_AT + dt.timedelta(seconds=61)


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so the run is not marked failed on its way out."""


@pytest.fixture
def killed(world, living, monkeypatch):
    """A run of the officer's district killed at KILLED_AT, after its first line (chunks of one line) committed."""
    monkeypatch.setattr(runs, "CHUNK", 1)

    def die(phase: str, done: int, total: int) -> None:
        if phase == "write" and done >= 1:
            raise Killed

    with time_machine.travel(KILLED_AT, tick=False):
        run = run_start(actor=world.officer, as_of=AS_OF, codes=None, trigger="console")
        with pytest.raises(Killed):
            run_execute(run.pk, on_progress=die)
    run.refresh_from_db()
    assert (run.status, run.heartbeat_at, Entitlement.objects.count()) == (RunStatus.RUNNING, KILLED_AT, 1)
    assert run.progress_total > 1  # lines were left to write
    return run


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
    return client


def _resumed_events(run: Run) -> int:
    return AuditEvent.objects.filter(action="eligibility_run", target=f"run:{run.pk}", detail__resumed=True).count()


def test_a_run_whose_heartbeat_stopped_shows_as_interrupted_after_a_minute(world, killed):
    officer = _client(world.officer)
    with time_machine.travel(ALIVE, tick=False):
        page = officer.get(f"/payments/runs/{killed.pk}/").content.decode()
        assert 'data-status="running"' in page and 'id="run-interrupted"' not in page
        assert officer.get(f"/api/v1/payments/runs/{killed.pk}").json()["status"] == "running"
    with time_machine.travel(GONE, tick=False):
        page = officer.get(f"/payments/runs/{killed.pk}/").content.decode()
        assert 'data-status="interrupted"' in page and 'id="run-interrupted"' in page
        assert f'action="/payments/runs/{killed.pk}/resume/"' in page
        assert 'http-equiv="refresh"' not in page  # nothing to watch: the page stops refreshing itself
        listed = officer.get("/payments/runs/").content.decode()
        assert 'data-status="interrupted"' in listed and f'action="/payments/runs/{killed.pk}/resume/"' in listed
        assert officer.get(f"/payments/runs/{killed.pk}/?format=json").json()["status"] == "interrupted"
        api = officer.get(f"/api/v1/payments/runs/{killed.pk}").json()
        assert api["status"] == "interrupted" and api["heartbeat_at"].startswith("2025-03-02T")
        assert [r["status"] for r in officer.get("/api/v1/payments/runs").json()] == ["interrupted"]
        out = io.StringIO()
        call_command("eligibility", "runs", stdout=out)
        lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == [str(killed.pk), "2025-07-15", "330106", "interrupted"]
    assert lines[1].strip() == (f"no heartbeat since 2025-03-02T17:00:00+08:00: "
                                f"talentpool eligibility resume {killed.pk}")


def test_an_officer_resumes_it_and_it_ends_as_an_uninterrupted_run(world, killed, django_capture_on_commit_callbacks):
    officer = _client(world.officer)
    with time_machine.travel(GONE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = officer.post(f"/payments/runs/{killed.pk}/resume/")
    assert response.status_code == 302 and response["Location"] == f"/payments/runs/{killed.pk}/"
    run = Run.objects.get(pk=killed.pk)
    total = Entitlement.objects.count()
    assert run.status == RunStatus.DONE and total == run.progress_total
    assert (run.new, run.unchanged) == (total, 0)  # the line written before the kill counts as new, as in one run
    assert set(Entitlement.objects.values_list("run_id", flat=True)) == {run.pk}
    assert _resumed_events(run) == 1
    event = AuditEvent.objects.get(target=f"run:{run.pk}", detail__resumed=True)
    assert event.actor == world.officer


def test_resume_is_refused_while_the_worker_lives_once_it_ended_and_outside_the_district(world, killed):
    officer, other = _client(world.officer), _client(world.officer_other)
    with time_machine.travel(ALIVE, tick=False):
        refused = officer.post(f"/api/v1/payments/runs/{killed.pk}/resume")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_interrupted"
        page = officer.post(f"/payments/runs/{killed.pk}/resume/", follow=True).content.decode()
        assert "still going" in page
    with time_machine.travel(GONE, tick=False):
        assert other.post(f"/api/v1/payments/runs/{killed.pk}/resume").status_code == 404
        assert other.post(f"/payments/runs/{killed.pk}/resume/").status_code == 404
        assert Run.objects.get(pk=killed.pk).status == RunStatus.RUNNING and _resumed_events(killed) == 0
        resumed = officer.post(f"/api/v1/payments/runs/{killed.pk}/resume")  # the task waits for the commit
        assert resumed.status_code == 200 and resumed.json()["status"] == "queued"
        again = officer.post(f"/api/v1/payments/runs/{killed.pk}/resume")
        assert again.status_code == 400 and again.json()["error"]["code"] == "not_interrupted"
        run_execute(killed.pk)
        ended = officer.post(f"/api/v1/payments/runs/{killed.pk}/resume")
        assert ended.status_code == 400 and ended.json()["error"]["code"] == "finished"
    assert _resumed_events(killed) == 1


def test_the_command_line_resumes_an_interrupted_run_itself(world, killed):
    out = io.StringIO()
    with time_machine.travel(GONE, tick=False):
        call_command("eligibility", "resume", str(killed.pk), stdout=out)
    run = Run.objects.get(pk=killed.pk)
    assert run.status == RunStatus.DONE and out.getvalue().splitlines()[-1] == run.summary_line
    assert run.new == Entitlement.objects.count() and run.unchanged == 0
    event = AuditEvent.objects.get(target=f"run:{run.pk}", detail__resumed=True)
    assert event.actor is None
    with pytest.raises(ApplicationError) as ended:  # by its code: the message is in the active language
        run_resume(actor=None, run_id=run.pk, enqueue=False)
    assert ended.value.code == "finished"
