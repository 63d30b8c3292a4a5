"""The desk at scale: the officer's queue read page by page after a ticket (keyset, no sort of every open ticket),
the same tickets in the same order as the whole queue; the lead's dashboard counted in grouped queries; the open
tickets' deadlines recomputed by a task after an office change (the request only queues it), equal to a fresh
computation, safe to run twice, and a second change made while the first runs is not lost."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from talentpool.servicedesk import recompute, selectors, services, workdays
from talentpool.servicedesk.models import DeadlineRecompute, Office, Service, Ticket
from talentpool.servicedesk.sla import MARKS, marks_update

from .conftest import at

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LATE_2026 = at("2026-12-28T10:00")


@pytest.fixture
def late():
    with time_machine.travel(LATE_2026, tick=False):
        yield


def _raise(desk, n: int, start: dt.datetime, *, code: str = "legal-aid") -> list[Ticket]:
    service = Service.objects.get(code=code)
    return [services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, subject=f"t{i}", body="x",
                                  service=service, now=start + dt.timedelta(minutes=7 * (i % 3)))
            for i in range(n)]


def _marks(ticket_ids) -> dict[int, tuple]:
    return {t.pk: tuple(getattr(t, f) for f in MARKS) for t in Ticket.objects.filter(pk__in=ticket_ids)}


def _fresh(ticket_ids, now: dt.datetime) -> dict[int, tuple]:
    office = Office.objects.get()
    out = {}
    for t in Ticket.objects.filter(pk__in=ticket_ids):
        marks_update(t, now, office)
        out[t.pk] = tuple(getattr(t, f) for f in MARKS)
    return out


def test_the_queue_pages_after_a_ticket_give_the_whole_queue_in_order(desk):
    tickets = _raise(desk, 7, at("2024-09-30T09:00"))
    services.ticket_pause(actor=desk.world.officer, ticket=tickets[2], body="请补充", now=at("2024-09-30T10:00"))
    services.ticket_resolve(actor=desk.world.officer, ticket=tickets[3], body="好", now=at("2024-09-30T10:00"))
    whole = list(selectors.queue_for(desk.world.officer))
    assert whole[-1].pk == tickets[2].pk and tickets[3].pk not in {t.pk for t in whole}  # paused last, done out
    seen, after, pages = [], None, 0
    while True:
        page, after = selectors.queue_page(desk.world.officer, after=after, size=2)
        seen += [t.pk for t in page]
        pages += 1
        if after is None:
            break
    assert seen == [t.pk for t in whole] and pages == 3
    assert [t.pk for t in selectors.queue_page(desk.world.officer, scope="all", size=10)[0]] == sorted(
        [t.pk for t in tickets], reverse=True)
    mine, _next = selectors.queue_page(desk.world.officer, mine=True)
    assert {t.assignee.user_id for t in mine} <= {desk.world.officer.pk}


def test_the_console_and_dashboard_make_as_many_queries_with_more_tickets(desk):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(desk.world.officer)
    _raise(desk, 3, at("2024-09-30T09:00"))

    def counted(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = ("/services/console/", "/services/console/?scope=all", "/services/dashboard/")
    before = [counted(url) for url in urls]
    tickets = _raise(desk, 60, at("2024-09-30T09:30"), code="resume-clinic")
    after = [counted(url) for url in urls]
    # the open queue reads the tickets without a deadline only when those with one do not fill the page
    assert all(a <= b for a, b in zip(after, before, strict=True)) and after[0] <= 5, (before, after)
    page = client.get("/services/console/")
    assert page.content.count(b"data-ticket=") == selectors.QUEUE_PAGE and b'rel="next"' in page.content
    last = client.get(f"/services/console/?after={tickets[30].pk}")
    assert last.status_code == 200 and b"data-ticket=" in last.content


@pytest.mark.parametrize("change", ["hours", "day"])
def test_an_office_change_only_queues_the_recompute_and_the_task_gives_fresh_deadlines(desk, settings, change,
                                                                                      late):
    tickets = [t.pk for t in _raise(desk, 5, at("2026-12-28T09:00"))]
    before = _marks(tickets)
    office = Office.objects.get()
    settings.TASKS = DUMMY
    if change == "hours":
        job = services.office_update(actor=desk.head, office=office, working_hours="08:00-12:00,13:00-18:00",
                                     zone=office.zone, warn_share="0.75", second_share="0.5", now=LATE_2026)
    else:
        job = workdays.calendar_days_save(actor=desk.head, office=office, first=dt.date(2026, 12, 29),
                                          kind="holiday", name="补休", now=LATE_2026)["recompute"]
    assert _marks(tickets) == before  # the request recomputed nothing
    assert job.status == "queued" and [r.pk for r in recompute.recomputes_active(office)] == [job.pk]
    done = recompute.recompute_run(job.pk)
    assert (done.status, done.progress_done, done.progress_total) == ("done", 5, 5)
    after = _marks(tickets)
    assert after != before and after == _fresh(tickets, LATE_2026)
    assert recompute.recompute_run(job.pk).progress_done == 5  # done: run again, nothing happens
    assert _marks(tickets) == after and recompute.recomputes_active(office) == []


def test_a_change_made_while_a_recompute_runs_is_not_lost(desk, settings, monkeypatch, late):
    tickets = [t.pk for t in _raise(desk, 5, at("2026-12-28T09:00"))]
    office = Office.objects.get()
    settings.TASKS = DUMMY
    first = services.office_update(actor=desk.head, office=office, working_hours="08:00-12:00,13:00-18:00",
                                   zone=office.zone, warn_share="0.75", second_share="0.5", now=LATE_2026)
    monkeypatch.setattr(recompute, "CHUNK", 2)
    real_chunk, calls = recompute._chunk, []

    def chunk_then_change(row):
        done = real_chunk(row)
        if not calls:  # the head changes the hours again after the first chunk of the first recompute
            services.office_update(actor=desk.head, office=Office.objects.get(), working_hours="09:00-17:00",
                                   zone=office.zone, warn_share="0.75", second_share="0.5", now=LATE_2026)
        calls.append(done)
        return done

    monkeypatch.setattr(recompute, "_chunk", chunk_then_change)
    recompute.recompute_run(first.pk)
    second = DeadlineRecompute.objects.exclude(pk=first.pk).get()
    assert second.status == "queued"
    recompute.recompute_run(second.pk)
    assert Office.objects.get().working_hours == "09:00-17:00"
    assert _marks(tickets) == _fresh(tickets, LATE_2026)


def test_a_recompute_whose_worker_died_is_resumed_by_the_sweep_task(desk, settings, late):
    tickets = [t.pk for t in _raise(desk, 3, at("2026-12-28T09:00"))]
    office = Office.objects.get()
    settings.TASKS = DUMMY
    job = services.office_update(actor=desk.head, office=office, working_hours="08:00-12:00,13:00-18:00",
                                 zone=office.zone, warn_share="0.75", second_share="0.5", now=LATE_2026)
    first = _marks(tickets[:1])
    DeadlineRecompute.objects.filter(pk=job.pk).update(status="running", heartbeat_at=at("2026-12-28T10:00"),
                                                       last_pk=tickets[0], progress_done=1, progress_total=3)
    with time_machine.travel(at("2026-12-28T10:30"), tick=False):
        assert recompute.recompute_resume() == 1
    job.refresh_from_db()
    assert (job.status, job.progress_done) == ("done", 3)
    # it went on after the last ticket it had recorded
    assert _marks(tickets[:1]) == first and _marks(tickets[1:]) == _fresh(tickets[1:], at("2026-12-28T10:30"))


def test_the_office_pages_show_a_running_recompute(desk, settings, late):
    _raise(desk, 2, at("2026-12-28T09:00"))
    office = Office.objects.get()
    settings.TASKS = DUMMY
    job = services.office_update(actor=desk.head, office=office, working_hours="08:00-12:00,13:00-18:00",
                                 zone=office.zone, warn_share="0.75", second_share="0.5", now=LATE_2026)
    DeadlineRecompute.objects.filter(pk=job.pk).update(status="running", heartbeat_at=LATE_2026, progress_done=1,
                                                       progress_total=2)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(desk.head)
    for url in ("/services/calendar/", "/services/catalogue/"):
        page = client.get(url).content.decode()
        assert f'id="recompute-{job.pk}"' in page
