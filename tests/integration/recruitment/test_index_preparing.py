"""The match index is never built inside a request (issue 10, item 13): with no saved index the recommendation
page and API answer at once ("being prepared", 503 with Retry-After) and a background task is enqueued; once it
has run, recommendations show, in this process and (from the saved copy) in any other."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from django_tasks import task_backends

from talentpool.core.pagecache import page_cache_clear
from talentpool.recruitment import matching
from talentpool.recruitment.models import ChangeKind, MatchChange
from talentpool.recruitment.tasks import match_index_build_task
from talentpool.registry.models import ImportJob
from talentpool.registry.signals import import_finished

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings):
    """Tasks are queued, not run (as with a worker): the test runs them itself."""
    settings.TASKS = DUMMY
    backend = task_backends["default"]
    backend.clear()
    return backend


def _builds(backend) -> list:
    return [r for r in backend.results if r.task.name == match_index_build_task.name]


def test_with_no_saved_index_the_page_answers_at_once_and_a_task_builds_it(rec, client_for, queued):
    w = rec.world
    talent, hr = client_for(w.talent_user), client_for(w.hr)
    page = talent.get("/recruitment/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="preparing"' in html and 'id="recommended"' not in html
    assert not matching.live_index().built  # nothing was built in the request
    assert len(_builds(queued)) == 1
    api = talent.get("/api/v1/recruitment/me/recommended")
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json()["error"]["code"] == "index_preparing"
    candidates = hr.get(f"/api/v1/recruitment/jobs/{rec.job.pk}/candidates")
    assert candidates.status_code == 503 and candidates["Retry-After"] == "30"
    assert 'id="preparing"' in hr.get(f"/recruitment/jobs/{rec.job.pk}/").content.decode()
    assert len(_builds(queued)) == 1  # asked for once, however many requests wait for it

    match_index_build_task.call()  # the worker runs it
    html = talent.get("/recruitment/jobs/").content.decode()
    assert 'id="preparing"' not in html and f'data-job="{rec.job.pk}"' in html
    assert talent.get("/api/v1/recruitment/me/recommended").status_code == 200
    assert (matching.matching_dir() / "index" / "watermark.json").exists()
    assert not (matching.matching_dir() / "build.claimed").exists()  # released

    matching.index_reset()  # another web process: it loads the saved copy, builds nothing
    page_cache_clear()  # (and has kept no page of its own)
    assert f'data-job="{rec.job.pk}"' in talent.get("/recruitment/jobs/").content.decode()
    assert matching.live_index().last_build.source == "saved"
    assert len(_builds(queued)) == 1


def test_a_rebuild_request_keeps_the_served_index_until_the_new_copy_is_saved(rec, client_for, queued):
    w = rec.world
    match_index_build_task.call()
    talent = client_for(w.talent_user)
    assert f'data-job="{rec.job.pk}"' in talent.get("/recruitment/jobs/").content.decode()
    served = matching.live_index().ready_index()[0]
    matching.rebuild_requested()  # a bulk change behind the change log
    html = talent.get("/recruitment/jobs/").content.decode()
    assert f'data-job="{rec.job.pk}"' in html  # still answered, from the index it has
    assert matching.live_index().ready_index()[0] is served and len(_builds(queued)) == 1
    match_index_build_task.call()
    index, stale = matching.live_index().ready_index()
    assert index is not served and stale is False


def test_a_finished_import_asks_for_a_rebuild(rec, queued, django_capture_on_commit_callbacks):
    top = MatchChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        import_finished.send(sender=ImportJob, job=SimpleNamespace(pk=7, new=0, updated=0))  # nothing changed
    assert _builds(queued) == []
    with django_capture_on_commit_callbacks(execute=True):
        import_finished.send(sender=ImportJob, job=SimpleNamespace(pk=8, new=3, updated=1))
    assert len(_builds(queued)) == 1
    assert MatchChange.objects.filter(id__gt=top, kind=ChangeKind.ALL).count() == 1


def test_one_build_claim_at_a_time_and_a_dead_claim_expires(rec):
    assert matching.build_claim() is True
    assert matching.build_claim() is False
    marker = matching.matching_dir() / "build.claimed"
    os.utime(marker, (0, 0))  # claimed in 1970: its process died long ago
    assert matching.build_claim() is True
    matching.build_release()
    assert matching.build_claim() is True
