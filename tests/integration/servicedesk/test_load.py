"""The open tickets' maintained counts (``servicedesk.load``, kept by triggers): after every kind of write they
equal a direct count of the open tickets, and the dashboard shows a new, reassigned or resolved ticket at once."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Count

from talentpool.registry.models import Talent
from talentpool.servicedesk import services
from talentpool.servicedesk.load import desk_load_compact, desk_load_rebuild, open_load
from talentpool.servicedesk.models import OPEN_STATUSES, DeskLoad, Service, SlaState, Ticket, TicketStatus
from talentpool.servicedesk.tasks import sla_sweep

from .conftest import NOW, at
from .test_pages import login

XIHU = "330106"


def _direct(prefix: str) -> list[tuple]:
    rows = (Ticket.objects.filter(status__in=OPEN_STATUSES, talent__district__startswith=prefix).order_by()
            .values("assignee_id", "team_id", "sla_state").annotate(n=Count("pk")))
    return sorted((r["assignee_id"] or 0, r["team_id"], r["sla_state"], r["n"]) for r in rows)  # 0: unassigned


def _kept(prefix: str) -> list[tuple]:
    return sorted((r["assignee_id"] or 0, r["team_id"], r["sla_state"], r["n"]) for r in open_load(prefix))


def _same(expected_open: int) -> None:
    for prefix in (XIHU, "3301", "330110"):
        assert _kept(prefix) == _direct(prefix), prefix
    assert sum(r[3] for r in _kept(XIHU)) == expected_open


def _raise(desk, talent=None) -> Ticket:
    return services.ticket_raise(actor=desk.world.officer, talent=talent or desk.world.colleague, subject="",
                                 body="x", service=Service.objects.get(code="legal-aid"), now=NOW)


def test_counts_follow_every_kind_of_write(desk, clock):
    _same(0)
    first, second, third = _raise(desk), _raise(desk), _raise(desk, desk.star)
    _same(3)
    services.ticket_assign(actor=desk.world.officer, ticket=first, officer=desk.second)
    _same(3)
    services.ticket_resolve(actor=desk.world.officer, ticket=second, body="done", now=NOW)
    _same(2)  # resolved: no longer open
    services.ticket_reopen(actor=desk.world.officer, ticket=Ticket.objects.get(pk=second.pk), body="again", now=NOW)
    _same(3)
    swept = sla_sweep(at("2024-12-31T17:00"))  # the sweep's single UPDATE of many tickets
    assert swept["breached"] + swept["escalated_1"] >= 1, swept
    assert any(r[2] == SlaState.BREACHED for r in _kept(XIHU))
    _same(3)
    Ticket.objects.filter(pk=first.pk).update(assignee=None)  # a bulk write bypassing the services
    _same(3)
    assert DeskLoad.objects.exists() and any(r["assignee_id"] is None for r in open_load(XIHU))
    with connection.cursor() as cursor:  # raw SQL, as the deadline recompute writes
        cursor.execute("UPDATE servicedesk_ticket SET status = %s WHERE id = %s", [TicketStatus.CLOSED, third.pk])
    _same(2)
    star = Talent.objects.get(pk=desk.star.pk)
    star.district = "330110"  # the talent moves: their open tickets move with them
    Ticket.objects.filter(pk=third.pk).update(status=TicketStatus.OPEN)
    star.save()
    _same(2)
    assert sum(r["n"] for r in open_load("330110")) == 1
    Talent.objects.filter(pk=star.pk).update(district=XIHU)
    _same(3)
    Ticket.objects.filter(pk=first.pk).delete()
    _same(2)
    Talent.objects.filter(pk=desk.world.colleague.pk).delete()  # the cascade deletes their tickets first
    _same(1)  # the star's ticket is left


def test_compact_and_rebuild_keep_the_figures(desk, clock):
    for _ in range(3):
        _raise(desk)
    services.ticket_assign(actor=desk.world.officer, ticket=Ticket.objects.first(), officer=desk.second)
    before = _kept(XIHU)
    assert desk_load_compact() == DeskLoad.objects.count()
    assert _kept(XIHU) == before and not DeskLoad.objects.filter(tickets=0).exists()
    DeskLoad.objects.all().delete()  # emptied out of step, as a flush leaves it
    assert _kept(XIHU) == []
    desk_load_rebuild()
    assert _kept(XIHU) == before == _direct(XIHU)


def _open_of(page: str, officer_pk: int) -> int:
    row = re.search(rf'<tr data-officer="{officer_pk}"><td>[^<]*</td><td>(\d+)</td>', page)
    assert row, "the officer's row on the dashboard"
    return int(row.group(1))


def test_the_dashboard_shows_a_new_or_closed_ticket_at_once(desk, clock):
    lead = login(desk.world.officer)

    def shown() -> tuple[int, int, str]:
        page = lead.get("/services/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        unassigned = re.search(r"unassigned: (\d+)", page)
        return _open_of(page, desk.lead.pk), _open_of(page, desk.second.pk), unassigned.group(1)

    assert shown() == (0, 0, "0")
    ticket = _raise(desk)
    services.ticket_assign(actor=desk.world.officer, ticket=ticket, officer=desk.second)
    assert shown() == (0, 1, "0")
    other = _raise(desk)
    Ticket.objects.filter(pk=other.pk).update(assignee=None)
    assert shown() == (0, 1, "1")
    services.ticket_resolve(actor=desk.world.officer, ticket=Ticket.objects.get(pk=ticket.pk), body="done", now=NOW)
    assert shown() == (0, 0, "1")


def test_a_read_over_many_rows_folds_them(desk, clock, monkeypatch):
    from talentpool.servicedesk import load

    first = _raise(desk)
    _raise(desk)
    services.ticket_assign(actor=desk.world.officer, ticket=first, officer=desk.second)
    services.ticket_resolve(actor=desk.world.officer, ticket=Ticket.objects.get(pk=first.pk), body="done", now=NOW)
    before = _kept(XIHU)
    monkeypatch.setattr(load, "FOLD_ABOVE", 0)
    assert _kept(XIHU) == before == _direct(XIHU)  # this read folds; the figures are the same
    keys = DeskLoad.objects.values_list("district", "assignee_id", "team_id", "sla_state")
    assert len(keys) == len(set(keys)) and not DeskLoad.objects.filter(tickets=0).exists()
