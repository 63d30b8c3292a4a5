"""The shared heartbeat (``talentpool.core.heartbeat``): when a job counts as interrupted, the thread that stamps a
job's row while it works and stops with it, the stamp through the caller's own connection inside a transaction,
and a stamp that cannot be written, which never stops the job it watches."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
import time_machine
from django.db import OperationalError
from django.db.models import QuerySet

from talentpool.core.heartbeat import Heartbeat, heartbeat_stale, heartbeat_stale_q
from talentpool.registry.models import ImportJob

T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _job(status: str = "running") -> ImportJob:
    return ImportJob.objects.create(kind="talents", filename="人才.csv", sha256="0" * 64, status=status)


@pytest.mark.parametrize(("age", "stale"), [(None, True), (0, False), (59, False), (60, False), (61, True)])
def test_a_job_is_stale_once_its_last_heartbeat_is_more_than_a_minute_old(age, stale):
    beat = None if age is None else T - dt.timedelta(seconds=age)
    assert heartbeat_stale(beat, now=T) is stale


def test_the_queryset_filter_agrees_with_the_test_on_one_row(db):
    ages = {"never": None, "fresh": 59, "old": 61}
    jobs = {}
    for name, age in ages.items():
        jobs[name] = _job()
        ImportJob.objects.filter(pk=jobs[name].pk).update(
            heartbeat_at=None if age is None else T - dt.timedelta(seconds=age))
    stale = set(ImportJob.objects.filter(heartbeat_stale_q(now=T)).values_list("pk", flat=True))
    assert stale == {jobs["never"].pk, jobs["old"].pk}


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_a_thread_stamps_the_row_again_and_again_while_the_job_works_and_stops_with_it():
    job = _job()
    rows = ImportJob.objects.filter(pk=job.pk, status="running")
    with time_machine.travel(T, tick=False):
        with Heartbeat(rows, every=0.01, threaded=True) as beat:  # threaded: the test database is in memory
            assert beat._thread is not None and beat._thread.is_alive()
            _wait_for(lambda: beat.beats >= 3)  # the job itself does nothing meanwhile: the thread beats alone
        assert not beat._thread.is_alive()
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at == T
    stopped_at = beat.beats
    time.sleep(0.05)
    assert beat.beats == stopped_at


@pytest.mark.django_db(transaction=True)
def test_a_job_that_has_moved_on_is_not_stamped():
    job = _job(status="done")
    with Heartbeat(ImportJob.objects.filter(pk=job.pk, status="running"), every=0.01, threaded=True) as beat:
        _wait_for(lambda: beat.beats >= 2)
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at is None


def test_inside_a_transaction_the_row_is_stamped_once_through_the_callers_connection(db):
    """The test's own transaction holds the row: another connection could not see it, so no thread starts."""
    job = _job()
    with time_machine.travel(T, tick=False), Heartbeat(ImportJob.objects.filter(pk=job.pk), every=0.01) as beat:
        assert beat._thread is None
    assert beat.beats == 1 and ImportJob.objects.get(pk=job.pk).heartbeat_at == T


def test_a_stamp_that_cannot_be_written_is_skipped_and_the_job_goes_on(db, monkeypatch, caplog):
    job = _job()

    def locked(self, **fields):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    with caplog.at_level(logging.WARNING, logger="talentpool.core.heartbeat"):
        with Heartbeat(ImportJob.objects.filter(pk=job.pk)) as beat:
            done = "the job's own work"
    assert done and beat.beats == 0
    assert "heartbeat of registry.ImportJob skipped: database is locked" in caplog.text
    monkeypatch.undo()
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at is None
