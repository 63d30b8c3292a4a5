"""An import whose worker dies shows as interrupted a minute after its last heartbeat, on the import pages, in the
progress JSON and the API, and on the command line, and an officer resumes it (audited): it continues from the last
committed row and ends as an import that was never interrupted.

The worker is killed in-process: an exception that is not an ``Exception`` ends it after its first committed
chunk, as a SIGKILL would. Time is moved with time-machine."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from import_helpers import TALENT_HEADER, rid, talent_row
from test_import_pages_and_api import upload

from talentpool.core.models import AuditEvent
from talentpool.registry.importing import import_job_create, import_job_run
from talentpool.registry.models import ImportJob, Talent

KILLED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ALIVE = KILLED_AT + dt.timedelta(seconds=30)
GONE = KILLED_AT + dt.timedelta(seconds=61)


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing of the import's own handling runs on the way out."""


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def killed(references, officer, tmp_path, settings):
    """Three rows imported one per chunk; the worker dies at KILLED_AT after the first chunk committed."""
    settings.TALENTPOOL_IMPORT_CHUNK_ROWS = 1
    rows = [TALENT_HEADER] + [talent_row(name, rid()) for name in ("张三", "李四", "王五")]

    def die(current: ImportJob) -> None:
        if current.rows_done >= 1:
            raise Killed

    with time_machine.travel(KILLED_AT, tick=False):
        job = import_job_create(actor=officer, kind="talents", upload=upload(tmp_path, rows), filename="t.xlsx")
        with pytest.raises(Killed):
            import_job_run(job_id=job.pk, progress=die)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.total_rows, job.heartbeat_at) == ("running", 1, 3, KILLED_AT)
    return job


def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _resumed_events(job: ImportJob) -> int:
    return AuditEvent.objects.filter(action="import", target=f"import:{job.pk}", detail__resumed=True).count()


def test_an_import_whose_heartbeat_stopped_shows_as_interrupted_after_a_minute(killed, officer, client_for):
    client = _english(client_for(officer))
    with time_machine.travel(ALIVE, tick=False):
        page = client.get(f"/registry/imports/{killed.pk}/").content.decode()
        assert 'data-state="running"' in page and 'id="import-interrupted"' not in page
        assert "data-poll" in page  # a live import is watched
        assert client.get(f"/api/v1/imports/{killed.pk}").json()["status"] == "running"
    with time_machine.travel(GONE, tick=False):
        page = client.get(f"/registry/imports/{killed.pk}/").content.decode()
        assert 'data-state="interrupted"' in page and 'id="import-interrupted"' in page
        assert "stopped at row 1 of 3" in page and "2026-03-02 17:00:00" in page
        assert "data-poll" not in page  # nothing left to watch (and no reload loop)
        listed = client.get("/registry/imports/").content.decode()
        assert 'data-state="interrupted"' in listed and f'action="/registry/imports/{killed.pk}/resume/"' in listed
        progress = client.get(f"/registry/imports/{killed.pk}/progress.json").json()
        assert (progress["status"], progress["interrupted"], progress["finished"]) == ("interrupted", True, False)
        api = client.get(f"/api/v1/imports/{killed.pk}").json()
        assert api["status"] == "interrupted" and api["heartbeat_at"].startswith("2026-03-02T")
        assert [j["status"] for j in client.get("/api/v1/imports/").json()] == ["interrupted"]
        out = io.StringIO()
        call_command("imports", stdout=out)
        lines = out.getvalue().splitlines()
    assert lines[0].split()[:6] == [str(killed.pk), "2026-03-02", "17:00", "talents", "interrupted", "1/3"]
    assert lines[1].strip() == f"no heartbeat since 2026-03-02T17:00:00+08:00: press Resume on /registry/imports/{killed.pk}/"


def test_an_officer_resumes_it_from_the_last_committed_row(killed, officer, client_for,
                                                           django_capture_on_commit_callbacks):
    client = client_for(officer)
    with time_machine.travel(GONE, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{killed.pk}/resume")
    assert response.status_code == 200 and response.json()["status"] == "pending"  # the task starts on commit
    job = ImportJob.objects.get(pk=killed.pk)
    assert (job.status, job.rows_done, job.new, job.rejected) == ("done", 3, 3, 0)
    assert sorted(Talent.objects.values_list("name", flat=True)) == ["张三", "李四", "王五"]
    assert _resumed_events(killed) == 1
    assert AuditEvent.objects.get(target=f"import:{killed.pk}", detail__resumed=True).actor == officer


def test_resume_is_refused_while_the_worker_lives_once_it_ended_and_to_other_districts(
        killed, officer, make_user, client_for):
    client = _english(client_for(officer))
    other = client_for(make_user("officer", scope_division="330110"))
    with time_machine.travel(ALIVE, tick=False):
        refused = client.post(f"/api/v1/imports/{killed.pk}/resume")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_interrupted"
        page = client.post(f"/registry/imports/{killed.pk}/resume/", follow=True).content.decode()
        assert "still running" in page
    with time_machine.travel(GONE, tick=False):
        assert other.post(f"/api/v1/imports/{killed.pk}/resume").status_code == 404
        assert other.post(f"/registry/imports/{killed.pk}/resume/").status_code == 404
        assert ImportJob.objects.get(pk=killed.pk).status == "running" and _resumed_events(killed) == 0
        resumed = client.post(f"/api/v1/imports/{killed.pk}/resume")  # the task waits for the commit
        assert resumed.status_code == 200 and resumed.json()["status"] == "pending"
        import_job_run(job_id=killed.pk)
        ended = client.post(f"/api/v1/imports/{killed.pk}/resume")
        assert ended.status_code == 400 and ended.json()["error"]["code"] == "finished"
    assert _resumed_events(killed) == 1
