"""Tickets through the services: who may ask, SLA clocks through pause, reply, resolve, reopen and a new
priority, internal notes, attachments, objections and failed payments, and the sweep's escalation."""

from __future__ import annotations

import pytest
from django.utils import translation

from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditEvent
from talentpool.core.notices import Notice
from talentpool.servicedesk import services
from talentpool.servicedesk.attachments import unseal
from talentpool.servicedesk.models import Service, SlaState, Ticket, TicketStatus
from talentpool.servicedesk.services import Upload
from talentpool.servicedesk.tasks import sla_sweep

from .conftest import NOW, at

PDF = b"%PDF-1.4\n%test\n"


def raise_one(desk, code="resume-clinic", **kw) -> Ticket:
    return services.ticket_raise(actor=desk.world.talent_user, talent=desk.world.talent,
                                 service=Service.objects.get(code=code), subject="", body="请帮我看看简历", now=NOW,
                                 **kw)


def test_the_catalogue_ships_37_or_more_services_in_every_life_stage(db):
    assert Service.objects.count() >= 37
    stages = set(Service.objects.values_list("life_stage", flat=True))
    assert {"internship", "graduation", "promotion", "startup", "housing", "children", "medical", "hukou", "ip",
            "legal", "business"} <= stages


def test_a_talent_asks_and_the_clocks_run_in_working_time(desk):
    ticket = raise_one(desk)
    assert ticket.status == TicketStatus.NEW and ticket.assignee is not None
    # normal: 8 working hours to respond -> after National Day; 80 hours to resolve
    assert ticket.response_due_at == at("2024-10-08T17:00")
    assert ticket.subject == "简历诊断"
    assert AuditEvent.objects.filter(target=f"ticket:{ticket.pk}", detail__op="ticket_raise").exists()


def test_who_may_ask_is_the_services_criterion(desk):
    may = services.may_ask(desk.world.talent, list(Service.objects.filter(code__in=["school-enrolment",
                                                                                  "tier-recognition"])), NOW.date())
    by_code = {Service.objects.get(pk=k).code: v for k, v in may.items()}
    assert by_code == {"school-enrolment": False, "tier-recognition": True}  # 李明: master's, no tier
    with pytest.raises(ApplicationError, match="A–E类高层次人才") as err:
        raise_one(desk, "school-enrolment")
    assert err.value.code == "not_allowed"
    assert not Ticket.objects.exists()


def test_a_talent_cannot_raise_for_someone_else_nor_an_internal_service(desk):
    with pytest.raises(PermissionDeniedError):
        services.ticket_raise(actor=desk.world.talent_user, talent=desk.world.colleague,
                              service=Service.objects.get(code="resume-clinic"), subject="", body="x", now=NOW)
    with pytest.raises(ApplicationError) as err:
        raise_one(desk, "payment-failure")
    assert err.value.code == "not_open"


def test_pause_over_the_holiday_reply_resolve_reopen_keep_the_clock_right(desk):
    ticket = raise_one(desk)
    officer = desk.world.officer
    services.ticket_pause(actor=officer, ticket=ticket, body="请上传简历", now=at("2024-09-30T17:00"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.sla_state == SlaState.PAUSED
    assert ticket.first_response_at == at("2024-09-30T17:00") and ticket.resolution_consumed == 3600
    assert ticket.due_at is None
    services.ticket_reply(actor=desk.world.talent_user, ticket=ticket, body="已上传", now=at("2024-10-09T09:00"),
                          uploads=[Upload("cv.pdf", PDF)])
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.resolution_due_at == at("2024-10-23T11:00")  # 79 h left from 9 October 09:00 (12 Oct works)
    assert unseal(ticket.attachments.get().sealed) == PDF
    services.ticket_resolve(actor=officer, ticket=ticket, body="已修改", now=at("2024-10-09T11:00"))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_consumed, ticket.sla_state) == ("resolved", 3 * 3600, SlaState.MET)
    services.ticket_close(actor=desk.world.talent_user, ticket=ticket, rating=5, comment="很好",
                          now=at("2024-10-10T09:00"))
    services.ticket_reopen(actor=desk.world.talent_user, ticket=ticket, body="还有问题", now=at("2024-10-14T09:00"))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopened, ticket.rating) == ("open", 1, None)
    # 77 working hours left (11 days), counted from the reopening, not from the resolution
    assert ticket.resolution_due_at == at("2024-10-28T17:30")


def test_a_higher_priority_shortens_the_deadlines_keeping_the_time_used(desk):
    ticket = raise_one(desk)
    services.ticket_set_priority(actor=desk.world.officer, ticket=ticket, priority="urgent",
                                 now=at("2024-10-08T09:30"))
    ticket.refresh_from_db()
    # urgent: 1 h to respond; 1.5 h already used (30 Sep 16:00-17:30): breached and half as much again; the
    # sweep raises both levels at once, telling the team lead and the office head
    assert ticket.sla_state == SlaState.BREACHED and ticket.escalation == 0
    swept = sla_sweep(at("2024-10-08T09:30"))
    assert (swept["escalated_1"], swept["escalated_2"]) == (1, 1)
    ticket.refresh_from_db()
    assert ticket.escalation == 2
    assert ticket.response_due_at == at("2024-09-30T17:00")  # the hour ran out before the holiday
    assert ticket.resolution_due_at == at("2024-10-08T17:00")  # 8 h from the start, as the CLI says


def test_internal_notes_are_for_officers_only(desk):
    ticket = raise_one(desk)
    with pytest.raises(PermissionDeniedError):
        services.ticket_reply(actor=desk.world.talent_user, ticket=ticket, body="x", internal=True, now=NOW)
    services.ticket_reply(actor=desk.world.officer, ticket=ticket, body="内部：先查档案", internal=True, now=NOW)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # a note is no response


def test_an_officer_of_another_district_cannot_touch_the_ticket(desk):
    ticket = raise_one(desk)
    with pytest.raises(NotFoundError):
        services.ticket_reply(actor=desk.world.officer_other, ticket=ticket, body="x", now=NOW)
    assert ticket.messages.count() == 1


@pytest.mark.parametrize(("name", "data", "code"), [
    ("cv.pdf", b"MZ\x90\x00", "bad_type"), ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "too_large"),
    ("empty.png", b"", "empty"),
])
def test_attachments_are_checked_by_content_and_size(desk, name, data, code):
    with pytest.raises(ApplicationError) as err:
        raise_one(desk, uploads=[Upload(name, data)])
    assert err.value.code == code and name in str(err.value.message)
    assert not Ticket.objects.exists()


@translation.override("en")
def test_the_sweep_warns_breaches_and_escalates_once(desk):
    ticket = raise_one(desk, priority="normal")
    services.ticket_set_priority(actor=desk.world.officer, ticket=ticket, priority="high", now=NOW)
    ticket.refresh_from_db()
    assert ticket.response_due_at == at("2024-10-08T11:30")  # 4 h: 1.5 h on 30 Sep, 2.5 h on 8 Oct
    assert sla_sweep(at("2024-10-08T10:29"))["warned"] == 0
    assert sla_sweep(at("2024-10-08T10:30"))["warned"] == 1  # 3 h of 4 used
    first = sla_sweep(at("2024-10-08T11:30"))
    assert first["escalated_1"] == 1
    assert Notice.objects.filter(user=desk.world.officer, title__contains="breached").count() == 1
    assert sla_sweep(at("2024-10-08T12:00"))["escalated_1"] == 0  # once
    assert sla_sweep(at("2024-10-08T14:59"))["escalated_2"] == 0
    second = sla_sweep(at("2024-10-08T15:00"))  # a further half of 4 h
    assert second["escalated_2"] == 1
    assert Notice.objects.filter(user=desk.head).count() == 1
    ticket.refresh_from_db()
    assert (ticket.sla_state, ticket.escalation) == (SlaState.BREACHED, 2)
    assert ticket.escalated_at == at("2024-10-08T15:00") and ticket.next_check_at is None  # nothing left to do
    sweeps = AuditEvent.objects.filter(target="servicedesk:sla-sweep").order_by("pk")
    assert [(e.detail["warned"], e.detail["escalated_1"], e.detail["escalated_2"], e.detail["tickets"])
            for e in sweeps] == [(1, 0, 0, 1), (0, 1, 0, 1), (0, 0, 1, 1)]  # sweeps that did nothing leave none
    assert sweeps.last().detail["at"] == at("2024-10-08T15:00").isoformat()


@translation.override("en")
def test_a_ticket_two_levels_late_at_once_goes_to_the_lead_and_the_head_in_one_sweep(desk):
    ticket = raise_one(desk, priority="normal")
    assert sla_sweep(at("2024-10-31T09:00")) | {"open": 0} == {"warned": 0, "escalated_1": 1, "escalated_2": 1,
                                                               "breached": 0, "open": 0}
    assert Notice.objects.filter(user=desk.world.officer, title__contains="breached").count() == 1
    assert Notice.objects.filter(user=desk.head).count() == 1
    ticket.refresh_from_db()
    assert (ticket.escalation, ticket.sla_state, ticket.next_check_at) == (2, SlaState.BREACHED, None)
    assert sla_sweep(at("2024-11-30T09:00"))["escalated_2"] == 0


def test_objections_and_failed_payments_become_tickets_once(desk):
    from factories.policies import publish_living_policy

    from talentpool.eligibility.models import Entitlement
    from talentpool.policies.models import Objection
    from talentpool.servicedesk.tasks import inbound_tickets

    version = publish_living_policy()
    objection = Objection.objects.create(talent=desk.world.talent, policy=version.policy, as_of=NOW.date(),
                                         message="我认为我符合条件")
    line = Entitlement.objects.create(subject=f"t{desk.star.pk}", talent=desk.star, policy=version.policy,
                                      policy_version=version, instalment=1, amount="10000.00", due=NOW.date(),
                                      status="failed", bank_reason="账户已销户")
    assert inbound_tickets(NOW) == 2
    assert inbound_tickets(NOW) == 0
    by_origin = {t.origin: t for t in Ticket.objects.all()}
    assert by_origin["objection"].origin_ref == f"objection:{objection.pk}"
    assert by_origin["objection"].messages.get().body == "我认为我符合条件"
    payment = by_origin["payment"]
    assert (payment.priority, payment.origin_ref, payment.service.code) == ("high", f"entitlement:{line.pk}",
                                                                            "payment-failure")
    assert "账户已销户" in payment.messages.get().body


def test_a_refused_pause_leaves_no_half_written_reply(desk):
    from talentpool.core.errors import ConflictError

    ticket = raise_one(desk)
    services.ticket_pause(actor=desk.world.officer, ticket=ticket, body="请补充", now=at("2024-10-08T09:00"))
    before = (ticket.messages.count(), AuditEvent.objects.count())
    with pytest.raises(ConflictError):
        services.ticket_pause(actor=desk.world.officer, ticket=ticket, body="再问一次", now=at("2024-10-08T10:00"))
    assert (ticket.messages.count(), AuditEvent.objects.count()) == before


def test_the_sweep_reads_only_the_next_instant_index(desk):
    """Each of the sweep's statements over the tickets is a range of the next-instant index, never a walk of the
    whole table (on SQLite, whose planner would otherwise group along a foreign-key index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plans")
    raise_one(desk, priority="urgent")
    with CaptureQueriesContext(connection) as ctx:
        sla_sweep(at("2024-10-31T09:00"))
    swept = [q["sql"] for q in ctx.captured_queries
             if 'FROM "servicedesk_ticket"' in q["sql"] and "next_check_at" in q["sql"]
             or q["sql"].startswith('UPDATE "servicedesk_ticket"')]
    assert len(swept) == 2  # the grouped count and the one UPDATE
    with connection.cursor() as cursor:
        for sql in swept:
            plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            assert "desk_ticket_next_check" in plan, (sql, plan)
