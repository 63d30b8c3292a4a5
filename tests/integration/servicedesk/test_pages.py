"""The pages end to end: the talent asks from the catalogue with a file, the officer replies, pauses, resolves,
the talent rates and reopens; the officer raises for a talent, changes priority, assigns; the lead marks an
officer away and retires another; catalogue editing refuses a criterion the policy engine cannot read."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from talentpool.servicedesk.models import DeskOfficer, Office, Service, Ticket

from .conftest import NOW


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_catalogue_shows_by_life_stage_what_the_talent_may_ask(desk, clock):
    page = login(desk.world.talent_user).get("/services/").content.decode()
    assert 'data-service="resume-clinic" data-may="yes"' in page
    assert 'data-service="school-enrolment" data-may="no"' in page  # tier A–E only
    assert 'data-service="payment-failure"' not in page  # raised by the office only
    only = login(desk.world.talent_user).get("/services/?stage=ip").content.decode()
    assert 'data-stage="ip"' in only and 'data-stage="housing"' not in only


def test_ask_reply_pause_resolve_rate_reopen(desk, clock):
    talent, officer = login(desk.world.talent_user), login(desk.world.officer)
    response = talent.post("/services/ask/resume-clinic/", {
        "body": "请帮我看看简历", "files": SimpleUploadedFile("cv.pdf", b"%PDF-1.4 x", "application/pdf")})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/services/mine/{ticket.pk}/"
    assert ticket.attachments.count() == 1
    download = talent.get(f"/services/files/{ticket.attachments.get().pk}/")
    assert download.content == b"%PDF-1.4 x" and download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"].startswith("attachment;")
    base = f"/services/console/{ticket.pk}/"
    officer.post(base, {"action": "pause", "body": "请补充成绩单"})
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    talent.post(f"/services/mine/{ticket.pk}/", {"action": "reply", "body": "已补充"})
    ticket.refresh_from_db()
    assert ticket.status == "open"
    officer.post(base, {"action": "resolve", "body": "已完成"})
    talent.post(f"/services/mine/{ticket.pk}/", {"action": "close", "rating": "4", "comment": "好"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == ("closed", 4)
    talent.post(f"/services/mine/{ticket.pk}/", {"action": "reopen", "body": "还有问题"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopened) == ("open", 1)


def test_a_bad_file_is_refused_with_its_name(desk, clock):
    response = login(desk.world.talent_user).post("/services/ask/resume-clinic/", {
        "body": "x", "files": SimpleUploadedFile("virus.pdf", b"MZ\x90", "application/pdf")}, follow=True)
    assert "virus.pdf" in response.content.decode()
    assert not Ticket.objects.exists()


def test_officer_raises_for_a_talent_changes_priority_and_assigns(desk, clock):
    officer = login(desk.world.officer)
    response = officer.post("/services/console/new/", {"talent": desk.world.colleague.pk, "service": "legal-aid",
                                                        "priority": "high", "body": "电话来访"})
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/services/console/{ticket.pk}/"
    assert (ticket.origin, ticket.priority, ticket.raised_by) == ("officer", "high", desk.world.officer)
    officer.post(f"/services/console/{ticket.pk}/", {"action": "priority", "priority": "urgent"})
    officer.post(f"/services/console/{ticket.pk}/", {"action": "assign", "officer": desk.second.pk})
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee) == ("urgent", desk.second)
    other = login(desk.world.officer_other).post("/services/console/new/", {
        "talent": desk.world.colleague.pk, "service": "legal-aid", "body": "x"})
    assert other.status_code == 400 and Ticket.objects.count() == 1  # not of their district


def test_the_queue_is_sorted_by_time_to_breach(desk, clock):
    from talentpool.servicedesk import services

    slow = services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, priority="low", subject="慢",
                                 body="x", service=Service.objects.get(code="legal-aid"), now=NOW)
    fast = services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, priority="urgent",
                                 subject="急", body="x", service=Service.objects.get(code="legal-aid"), now=NOW)
    page = login(desk.world.officer).get("/services/console/").content.decode()
    assert page.index(f'data-ticket="{fast.pk}"') < page.index(f'data-ticket="{slow.pk}"')


def test_lead_marks_away_and_retires_with_hand_over(desk, clock):
    lead = login(desk.world.officer)
    lead.post(f"/services/officers/{desk.second.pk}/", {"action": "away"})
    desk.second.refresh_from_db()
    assert desk.second.away is True
    third = DeskOfficer.objects.create(user=desk.head)
    for team in desk.lead.teams.all():
        team.officers.add(third)
    response = lead.post(f"/services/officers/{desk.lead.pk}/", {"action": "retire"}, follow=True)
    desk.lead.refresh_from_db()
    assert desk.lead.active is False and response.status_code == 200
    assert "workload" in lead.get("/services/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode().lower()


def test_catalogue_editing_checks_the_criterion(desk, clock):
    officer = login(desk.world.officer)
    service = Service.objects.get(code="resume-clinic")
    form = {"name_zh": "简历诊断", "name_en": "CV review", "criterion": "salary > 1", "active": "1",
            **{f"sla-{code}-{part}": minutes for code in ("low", "normal", "high", "urgent")
               for part, minutes in (("response", "1"), ("resolution", "2"))},
            "materials": "简历 | CV", "team": service.team_id}
    response = officer.post(f"/services/catalogue/{service.pk}/", form, follow=True)
    assert "salary" in response.content.decode()
    service.refresh_from_db()
    assert service.criterion == ""
    officer.post(f"/services/catalogue/{service.pk}/", {**form, "criterion": "degree_rank >= 2"})
    service.refresh_from_db()
    assert (service.criterion, service.materials, service.sla["urgent"]) == (
        "degree_rank >= 2", [{"zh": "简历", "en": "CV"}], {"response": 1, "resolution": 2})
    # a time left empty or not a whole number is refused naming the priority, and nothing changes
    for bad in ({"sla-low-response": ""}, {"sla-high-response": "一小时"}):
        refused = officer.post(f"/services/catalogue/{service.pk}/", {**form, **bad, "name_zh": "改名"}, follow=True,
                               HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        service.refresh_from_db()
        assert service.name_zh == "简历诊断" and ("低" in refused or "高" in refused)
    page = officer.get(f"/services/catalogue/{service.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="sla-urgent-resolution"' in page and "urgent" not in page.replace('name="sla-urgent', "")


@pytest.mark.usefixtures("no_page_cache")
def test_list_pages_do_not_query_per_ticket(desk, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from talentpool.servicedesk import services

    service = Service.objects.get(code="legal-aid")
    officer, talent = login(desk.world.officer), login(desk.world.talent_user)

    def counts() -> tuple[int, int]:
        out = []
        for client, path in ((officer, "/services/console/"), (talent, "/services/mine/")):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200
            out.append(len(ctx.captured_queries))
        return tuple(out)

    def add(n: int) -> None:
        for _ in range(n):
            services.ticket_raise(actor=desk.world.talent_user, talent=desk.world.talent, service=service,
                                  subject="", body="x", now=NOW)

    add(2)
    few = counts()
    add(10)
    assert counts() == few


def test_new_office_hours_recompute_open_deadlines(desk, clock):
    from talentpool.servicedesk import services

    from .conftest import at

    ticket = services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, subject="", body="x",
                                   service=Service.objects.get(code="legal-aid"), now=NOW)
    assert ticket.response_due_at == at("2024-10-08T17:00")
    longer = {"working_hours": "08:00-12:00,13:00-18:00", "zone": "Asia/Shanghai", "warn_share": "0.75",
              "second_share": "0.5"}
    refused = login(desk.world.officer).post("/services/catalogue/", longer, follow=True)  # not the office head
    assert Office.objects.get().working_hours != longer["working_hours"]
    assert "只有中心主任或管理员可以修改此项" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.response_due_at == at("2024-10-08T17:00")
    officer = login(desk.head)
    officer.post("/services/catalogue/", longer)
    ticket.refresh_from_db()
    # 8 h from 30 Sep 16:00: 2 h that day (to 18:00), then 4 h + 2 h on 8 October
    assert ticket.response_due_at == at("2024-10-08T15:00")
    bad = officer.post("/services/catalogue/", {"working_hours": "18:00-08:00", "zone": "Asia/Shanghai",
                                                "warn_share": "0.75", "second_share": "0.5"}, follow=True)
    assert "18:00-08:00" in bad.content.decode()
    ticket.refresh_from_db()
    assert ticket.response_due_at == at("2024-10-08T15:00")
