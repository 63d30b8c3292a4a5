"""The office's own settings through the services and pages: calendar days entered beyond chinesecalendar (2027)
move open tickets' deadlines and the ``sla deadline`` command; teams created, renamed, led and staffed; one-to-one
officers named by hand and kept by the rules; reassigning from the lead's dashboard. Each refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from factories.registry import make_talent

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditEvent
from talentpool.servicedesk import assignment, selectors, services, teams, workdays
from talentpool.servicedesk.models import (
    CalendarException,
    DeadlineRecompute,
    DeskOfficer,
    Office,
    OneToOne,
    Service,
    Team,
    Ticket,
)
from talentpool.servicedesk.tasks import sla_sweep

from .conftest import at

LATE_2026 = at("2026-12-30T10:00")


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def spring_2027(desk) -> None:
    office = Office.objects.get()
    workdays.calendar_days_save(actor=desk.head, office=office, first=dt.date(2027, 1, 1), kind="holiday",
                                name="元旦", now=LATE_2026)
    workdays.calendar_days_save(actor=desk.head, office=office, first=dt.date(2027, 2, 5),
                                last=dt.date(2027, 2, 13), kind="holiday", name="春节", now=LATE_2026)
    for day in (dt.date(2027, 1, 31), dt.date(2027, 2, 20)):
        workdays.calendar_days_save(actor=desk.head, office=office, first=day, kind="workday", name="春节调休",
                                    now=LATE_2026)


def deadline(*args) -> str:
    out = StringIO()
    call_command("sla", "deadline", *args, stdout=out)
    return out.getvalue().strip()


def test_entered_2027_days_give_open_tickets_their_deadlines(desk):
    ticket = services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, subject="", body="x",
                                   service=Service.objects.get(code="legal-aid"), now=LATE_2026)
    assert ticket.response_due_at == at("2026-12-31T11:00")  # 8 h, inside 2026
    assert ticket.resolution_due_at is None  # 80 h: into 2027, which nobody knows yet
    with pytest.raises(CommandError, match="2027-01-01 is outside the working calendar"):
        deadline("--start", "2026-12-31T16:00", "--hours", "8")

    spring_2027(desk)
    ticket.refresh_from_db()
    # 13 h by New Year's Eve, 1 January off, 35 h a week: 83 h on Friday 15 January, 80 h at 14:30
    assert ticket.resolution_due_at == at("2027-01-15T14:30")
    assert deadline("--start", "2026-12-31T16:00", "--hours", "8") == "2027-01-04T17:00+08:00"
    assert deadline("--start", "2027-02-04T16:00", "--hours", "8") == "2027-02-15T17:00+08:00"
    event = AuditEvent.objects.filter(detail__op="calendar_days_save").order_by("pk").first()
    job = DeadlineRecompute.objects.get(pk=event.detail["recompute"])
    assert (job.status, job.progress_done, job.progress_total) == ("done", 1, 1) and event.detail["name"] == "元旦"

    day = CalendarException.objects.get(day=dt.date(2027, 1, 1))
    workdays.calendar_day_delete(actor=desk.world.admin, office=Office.objects.get(), pk=day.pk, now=LATE_2026)
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == at("2027-01-14T14:30")  # New Year's Day worked: 7 h earlier


def test_the_calendar_page_lists_years_and_days(desk):
    spring_2027(desk)
    page = login(desk.head).get("/services/calendar/").content.decode()
    assert 'data-year="2026" data-source="package"' in page and 'data-year="2027" data-source="entered"' in page
    assert 'data-day="2027-02-05" data-kind="holiday"' in page and 'data-day="2027-02-20" data-kind="workday"' in page
    assert 'id="day-form"' in page
    assert 'id="day-form"' not in login(desk.world.officer).get("/services/calendar/").content.decode()
    workdays.calendar_days_save(actor=desk.head, office=Office.objects.get(), first=dt.date(2029, 1, 1),
                                kind="holiday", name="元旦", now=LATE_2026)
    page = login(desk.world.admin).get("/services/calendar/").content.decode()
    assert 'data-year="2029" data-source="gap"' in page  # 2028 is unknown: 2029 does not count yet


def test_the_head_enters_a_range_from_the_page_and_a_bad_one_is_refused_with_the_reason(desk):
    head = login(desk.head)
    head.post("/services/calendar/", {"first": "2027-04-05", "kind": "holiday", "name": "清明节"})
    assert list(CalendarException.objects.values_list("day", "name")) == [(dt.date(2027, 4, 5), "清明节")]
    for data, words in (({"first": "2027-05-05", "last": "2027-05-01", "kind": "holiday", "name": "劳动节"},
                         "comes before"),
                        ({"first": "2027-05-01", "last": "2027-06-05", "kind": "holiday", "name": "劳动节"},
                         "At most 31 days"),
                        ({"first": "2027-05-01", "kind": "weekend", "name": "劳动节"}, "make-up working day"),
                        ({"first": "2027-05-01", "kind": "holiday", "name": " "}, "Name the day"),
                        ({"first": "5/1/2027", "kind": "holiday", "name": "劳动节"}, "is not a date")):
        page = head.post("/services/calendar/", data, follow=True).content.decode()
        assert words in page, data
    assert CalendarException.objects.count() == 1


@pytest.mark.parametrize("who", ["officer", "talent"])
def test_only_the_head_or_an_administrator_enters_days(desk, who):
    user = {"officer": desk.world.officer, "talent": desk.world.talent_user}[who]
    with pytest.raises(PermissionDeniedError):
        workdays.calendar_days_save(actor=user, office=Office.objects.get(), first=dt.date(2027, 1, 1),
                                    kind="holiday", name="元旦", now=LATE_2026)
    assert not CalendarException.objects.exists()


def test_the_head_creates_and_renames_a_team_and_its_lead_staffs_it(desk):
    office = Office.objects.get()
    team = teams.team_create(actor=desk.head, office=office, code="ip-desk", name="知识产权窗口",
                             lead_username="desk2")
    assert (team.name, team.lead) == ("知识产权窗口", desk.second.user)
    with pytest.raises(PermissionDeniedError):  # a lead does not rename
        teams.team_update(actor=desk.second.user, team=team, name="别的名字", lead_username="desk2")
    teams.team_members_set(actor=desk.second.user, team=team, members={desk.lead.pk: ["ip", "legal"],
                                                                        desk.second.pk: []})
    assert set(team.officers.all()) == {desk.lead, desk.second}
    desk.lead.refresh_from_db()
    assert desk.lead.skills == ["ip", "legal"]
    teams.team_update(actor=desk.world.admin, team=team, name="知识产权服务窗口", lead_username="")
    team.refresh_from_db()
    assert (team.name, team.lead) == ("知识产权服务窗口", None)
    with pytest.raises(PermissionDeniedError):  # no longer its lead
        teams.team_members_set(actor=desk.second.user, team=team, members={})
    ops = list(AuditEvent.objects.filter(target="team:ip-desk").order_by("pk").values_list("detail__op", flat=True))
    assert ops == ["team_create", "team_members", "team_update"]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"code": "Bad Code", "name": "x"}, "bad_code"),
    ({"code": "youth", "name": "x"}, "taken"),
    ({"code": "new-team", "name": ""}, "bad_name"),
    ({"code": "new-team", "name": "x", "lead_username": "nobody"}, "no_officer"),
])
def test_a_bad_team_is_refused_naming_the_field(desk, kwargs, code):
    count = Team.objects.count()
    with pytest.raises(ApplicationError) as err:
        teams.team_create(actor=desk.head, office=Office.objects.get(), **kwargs)
    assert err.value.code == code
    assert Team.objects.count() == count


def test_an_unknown_skill_is_refused(desk):
    team = Team.objects.get(code="youth")
    with pytest.raises(ApplicationError) as err:
        teams.team_members_set(actor=desk.head, team=team, members={desk.lead.pk: ["cooking"]})
    assert err.value.code == "bad_skill" and "cooking" in str(err.value.message)
    assert set(team.officers.all()) == {desk.lead, desk.second}


def test_officers_named_by_hand_override_the_rules_until_one_retires(desk):
    assignment.one_to_one_fill()
    third = DeskOfficer.objects.create(user=desk.head)
    pair = teams.one_to_one_set(actor=desk.head, talent=desk.star, officer=third, backup=desk.second)
    assert (pair.officer, pair.backup, pair.manual) == (third, desk.second, True)
    assert assignment.one_to_one_fill() == 0
    pair.refresh_from_db()
    assert (pair.officer, pair.backup) == (third, desk.second)
    ticket = services.ticket_raise(actor=desk.world.officer, talent=desk.star, subject="", body="x",
                                   service=Service.objects.get(code="legal-aid"), now=at("2024-10-08T09:00"))
    assert ticket.assignee == third  # not in the legal team: named by hand all the same
    with pytest.raises(ApplicationError) as err:
        teams.one_to_one_set(actor=desk.head, talent=desk.star, officer=third, backup=third)
    assert err.value.code == "same_officer"
    with pytest.raises(PermissionDeniedError):  # an officer who leads no high-level team and heads no office
        teams.one_to_one_set(actor=desk.second.user, talent=desk.star, officer=desk.second, backup=None)
    assignment.officer_retire(actor=desk.world.officer, officer=third)
    pair.refresh_from_db()
    assert pair.officer == desk.second and pair.manual is False


def test_the_one_to_one_page_names_officers_by_hand(desk):
    assignment.one_to_one_fill()
    lead = login(desk.world.officer)
    page = lead.get("/services/one-to-one/?q=钱院士").content.decode()
    assert f'data-talent="{desk.star.pk}"' in page and "by the rules" in page
    lead.post("/services/one-to-one/", {"talent": desk.star.pk, "officer": desk.second.pk, "backup": desk.lead.pk})
    pair = OneToOne.objects.get(talent=desk.star)
    assert (pair.officer, pair.backup, pair.manual) == (desk.second, desk.lead, True)
    assert "by hand" in lead.get("/services/one-to-one/").content.decode()


def test_the_one_to_one_list_shows_tiered_talents_by_tier_then_those_named_without_a_tier(desk):
    first_e = make_talent(name="E甲", district="330106", tier="E")
    a = make_talent(name="A乙", district="330106", tier="A")
    second_e = make_talent(name="E丙", district="330106", tier="E")
    make_talent(name="无级", district="330106")  # neither tiered nor named: not listed
    assignment.one_to_one_fill()
    untiered = make_talent(name="手选", district="330106")
    teams.one_to_one_set(actor=desk.head, talent=untiered, officer=desk.second, backup=desk.lead)
    rows = selectors.one_to_one_rows(desk.world.officer)
    assert [t.pk for t in rows] == [a.pk, desk.star.pk, first_e.pk, second_e.pk, untiered.pk]
    assert [t.pk for t in selectors.one_to_one_rows(desk.world.officer, limit=2)] == [a.pk, desk.star.pk]
    page = login(desk.head).get("/services/one-to-one/").content.decode()
    row = page[page.index(f'data-talent="{untiered.pk}"'):]
    officer = row[row.index('name="officer"'):row.index("</select>")]
    backup = row[row.index('name="backup"'):]
    backup = backup[:backup.index("</select>")]
    assert f'<option value="{desk.second.pk}" selected>' in officer and officer.count(" selected") == 1
    assert f'<option value="{desk.lead.pk}" selected>' in backup and backup.count(" selected") == 1


def test_the_lead_reassigns_a_ticket_at_risk_from_the_dashboard(desk):
    with time_machine.travel(at("2024-10-08T09:00"), tick=False):
        ticket = services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, subject="", body="x",
                                       service=Service.objects.get(code="legal-aid"), priority="urgent")
    other = desk.second if ticket.assignee == desk.lead else desk.lead
    with time_machine.travel(at("2024-10-08T10:30"), tick=False):
        sla_sweep()
        lead = login(desk.world.officer)
        page = lead.get("/services/dashboard/").content.decode()
        assert f'<tr data-ticket="{ticket.pk}" data-sla="breached">' in page
        lead.post("/services/dashboard/", {"action": "assign", "ticket": ticket.pk, "officer": other.pk})
    assert Ticket.objects.get(pk=ticket.pk).assignee == other
    assert AuditEvent.objects.filter(target=f"ticket:{ticket.pk}", detail__op="assign").exists()


def test_in_a_year_nobody_knows_a_ticket_is_raised_without_deadlines_and_a_reply_waits_for_the_calendar(desk):
    january = at("2027-01-05T10:00")
    ticket = services.ticket_raise(actor=desk.world.talent_user, talent=desk.world.talent, subject="", body="x",
                                   service=Service.objects.get(code="resume-clinic"), now=january)
    assert (ticket.response_due_at, ticket.resolution_due_at, ticket.sla_state) == (None, None, "ok")
    with pytest.raises(ApplicationError) as err:
        services.ticket_reply(actor=desk.world.officer, ticket=ticket, body="收到", now=january)
    assert err.value.code == "calendar_unknown" and "2027-01-05 is outside the working calendar" in str(
        err.value.message)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None and ticket.messages.count() == 1
    spring_2027(desk)
    ticket.refresh_from_db()
    assert ticket.response_due_at == at("2027-01-06T11:00")  # 8 h from Tuesday 10:00
    services.ticket_reply(actor=desk.world.officer, ticket=ticket, body="收到", now=at("2027-01-05T11:00"))
    ticket.refresh_from_db()
    assert ticket.response_consumed == 3600 and ticket.response_stopped


@pytest.mark.usefixtures("no_page_cache")
def test_the_one_to_one_rows_show_names_tier_link_and_how_named_in_a_fixed_number_of_queries(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assignment.one_to_one_fill()
    teams.one_to_one_set(actor=desk.head, talent=desk.star, officer=desk.second, backup=desk.lead)
    reader = login(desk.second.user)  # sees the pairs, may not name them

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            text = reader.get("/services/one-to-one/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return text, len(ctx.captured_queries)

    text, few = page()
    row = text[text.index(f'<tr data-talent="{desk.star.pk}">'):]
    row = row[:row.index("</tr>")]
    assert f'<a href="/registry/talents/{desk.star.pk}/">钱院士</a>' in row and "<td>B</td>" in row
    assert f"<td>{desk.second}</td><td>{desk.lead}</td>" in row and 'data-named="hand">by hand<' in row
    assert "<form" not in row
    for n in range(5):
        teams.one_to_one_set(actor=desk.head, talent=make_talent(name=f"甲{n}", district="330106", tier="C"),
                             officer=desk.lead, backup=None)
    text, more = page()
    assert text.count("<tr data-talent=") == 6 and more == few
    assert text.count('data-named="hand">by hand<') == 6 and text.count("<td>—</td>") >= 5  # no backup named
