"""One-to-one service officers and assignment: named officer first, then backup, skipping whoever is away;
otherwise the least loaded of the team; retiring an officer hands on every ticket and talent."""

from __future__ import annotations

import pytest

from talentpool.core.errors import PermissionDeniedError
from talentpool.servicedesk import assignment, services
from talentpool.servicedesk.models import DeskOfficer, OneToOne, Service, Ticket

from .conftest import NOW


def raise_for(desk, talent, code="one-to-one") -> Ticket:
    return services.ticket_raise(actor=desk.world.officer, talent=talent, service=Service.objects.get(code=code),
                                 subject="", body="请跟进", now=NOW)


def test_every_tier_talent_gets_a_named_officer_and_a_backup_once(desk):
    assert assignment.one_to_one_fill() == 1  # only the tier-B talent
    pair = OneToOne.objects.get(talent=desk.star)
    assert {pair.officer, pair.backup} == {desk.lead, desk.second}
    assert assignment.one_to_one_fill() == 0


def test_the_named_officer_takes_the_ticket_then_the_backup_when_away(desk):
    assignment.one_to_one_fill()
    pair = OneToOne.objects.get(talent=desk.star)
    assert raise_for(desk, desk.star).assignee == pair.officer
    assignment.officer_set_away(actor=desk.world.officer, officer=pair.officer, away=True)
    assert raise_for(desk, desk.star).assignee == pair.backup


def test_others_go_to_the_least_loaded_officer_not_away(desk):
    first = raise_for(desk, desk.world.talent, "resume-clinic").assignee
    second = raise_for(desk, desk.world.colleague, "resume-clinic").assignee
    assert first != second  # least load, then round robin
    assignment.officer_set_away(actor=desk.world.officer, officer=desk.second, away=True)
    assert {raise_for(desk, desk.world.talent, "career-coaching").assignee for _ in range(2)} == {desk.lead}


def test_retiring_an_officer_hands_on_their_tickets_and_talents(desk):
    assignment.one_to_one_fill()
    third = DeskOfficer.objects.create(user=desk.head)
    for team in desk.lead.teams.all():
        team.officers.add(third)
    pair = OneToOne.objects.get(talent=desk.star)
    leaving = pair.officer
    tickets = [raise_for(desk, desk.star) for _ in range(2)]
    moved = assignment.officer_retire(actor=desk.world.officer, officer=leaving)
    assert moved == {"tickets": 2, "talents": 1}
    pair.refresh_from_db()
    assert pair.officer != leaving and pair.backup not in (leaving, None) and pair.backup != pair.officer
    assert not Ticket.objects.filter(pk__in=[t.pk for t in tickets], assignee=leaving).exists()
    assert Ticket.objects.filter(assignee__isnull=True).count() == 0


def test_a_talent_cannot_mark_an_officer_away(desk):
    with pytest.raises(PermissionDeniedError):
        assignment.officer_set_away(actor=desk.world.talent_user, officer=desk.lead, away=True)
    desk.lead.refresh_from_db()
    assert desk.lead.away is False
