"""The desk's cheap reads give what the full reads gave (issue 12): the officer's ticket API queue from plain values,
"who may ask" from criteria compiled once and answers kept per facts, the calendar's years counted from the days the
page lists, the teams' members read with their accounts, a ticket's files checked by the ticket's id."""

from __future__ import annotations

import datetime as dt
import json

from django.template import Context, Template
from django.test import Client
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from talentpool.accounts.models import User
from talentpool.servicedesk import api, selectors, services, views, workdays
from talentpool.servicedesk.catalogue import criteria_evaluate
from talentpool.servicedesk.models import CalendarException, Office, Service, Team, Ticket
from talentpool.servicedesk.schemas import OfficerTicketOut, ServiceOut

from .conftest import NOW, at


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _raise(desk, talent, actor, code="resume-clinic") -> Ticket:
    return services.ticket_raise(actor=actor, talent=talent, service=Service.objects.get(code=code), subject="",
                                 body="请帮我看看", now=NOW)


def test_the_queue_api_rows_are_the_tickets_as_the_full_read_gives_them(desk, clock):
    mine = _raise(desk, desk.world.talent, desk.world.talent_user)
    other = _raise(desk, desk.star, desk.world.officer, code="tier-recognition")
    alone = _raise(desk, desk.star, desk.world.officer, code="talent-apartment")
    Ticket.objects.filter(pk=mine.pk).update(assignee=desk.second)
    Ticket.objects.filter(pk=other.pk).update(assignee=desk.lead)
    Ticket.objects.filter(pk=alone.pk).update(assignee=None)
    User.objects.filter(pk=desk.world.officer.pk).update(display_name="")  # named by the username instead
    body = login(desk.world.officer).get("/api/v1/services/tickets").json()
    assert body["count"] == 3 and not body["count_estimated"]
    expected = {t.pk: OfficerTicketOut(**api._ticket(t, True)).model_dump(mode="json")
                for t in Ticket.objects.select_related("service", "assignee__user")}
    assert {item["id"]: item for item in body["items"]} == expected
    names = {item["id"]: item["assignee"] for item in body["items"]}
    assert names == {mine.pk: "周敏", other.pk: desk.world.officer.username, alone.pk: None}
    assert {item["id"]: item["service"] for item in body["items"]}[other.pk] == "tier-recognition"
    mine_only = login(desk.world.officer).get("/api/v1/services/tickets?mine=1").json()
    assert [item["id"] for item in mine_only["items"]] == [other.pk] and mine_only["count"] == 1


def test_kept_answers_follow_the_facts_and_the_criterion():
    criteria = {"a": "degree_rank >= 3", "b": "tier IN ('A','B')", "c": "", "d": "no_such_fact > 1"}
    day = dt.date(2024, 9, 30)
    master = {"degree_rank": 3, "tier": ""}
    bachelor = {"degree_rank": 2, "tier": "B"}
    for _ in range(2):  # the second time from the kept answers and compiled criteria: the same
        assert criteria_evaluate(criteria, master, day) == {"a": True, "b": False, "c": True, "d": None}
        assert criteria_evaluate(criteria, bachelor, day) == {"a": False, "b": True, "c": True, "d": None}
    assert criteria_evaluate({"a": "degree_rank >= 2"}, master, day) == {"a": True}  # another criterion
    assert criteria_evaluate({"a": "degree_rank >= 4"}, master, day) == {"a": False}
    assert criteria_evaluate({"a": "degree_rank >= 3"}, {"tier": "A"}, day) == {"a": None}  # unknown fact
    assert criteria_evaluate({"a": "degree_rank >= 3"}, None, day) == {"a": None}  # no registry record


def test_the_calendar_page_counts_each_year_from_the_days_it_lists(desk):
    office = Office.objects.get()
    save = workdays.calendar_days_save
    late = at("2026-12-30T10:00")
    save(actor=desk.head, office=office, first=dt.date(2027, 2, 5), last=dt.date(2027, 2, 13), kind="holiday",
         name="春节", now=late)
    save(actor=desk.head, office=office, first=dt.date(2027, 2, 20), kind="workday", name="春节调休", now=late)
    page = login(desk.head).get("/services/calendar/").content.decode()
    assert ('<tr data-year="2027" data-source="entered"><td>2027</td><td>entered days only</td><td>9</td><td>1</td>'
            in page)
    assert page.count('data-kind="holiday"') == 9 and page.count('data-kind="workday"') == 1
    workdays.calendar_day_delete(actor=desk.head, office=office, now=late,
                                 pk=CalendarException.objects.get(day=dt.date(2027, 2, 5)).pk)
    page = login(desk.head).get("/services/calendar/").content.decode()
    assert '<td>2027</td><td>entered days only</td><td>8</td><td>1</td>' in page
    days = selectors.calendar_days(office)
    assert office._calendar_exceptions == tuple((d.day, d.kind == "workday") for d in days)


def test_the_teams_page_names_each_member_in_the_order_they_joined(desk):
    teams = selectors.teams_with_members()
    assert {t.code for t in teams} == set(Team.objects.values_list("code", flat=True))
    for team in teams:
        assert [o.pk for o in team.officers.all()] == [desk.lead.pk, desk.second.pk]
        assert [str(o) for o in team.officers.all()] == [str(desk.lead), "周敏"]
    page = login(desk.world.admin).get("/services/teams/").content.decode()
    assert f"{desk.lead} (Housing) · 周敏" in page


def test_a_tickets_files_are_listed_to_its_readers_only(desk, clock):
    ticket = _raise(desk, desk.world.talent, desk.world.talent_user)
    assert selectors.ticket_reachable(desk.world.talent_user, ticket.pk) == ticket.pk
    assert login(desk.world.talent_user).get(f"/api/v1/services/tickets/{ticket.pk}/attachments").json() == []
    assert login(desk.world.officer).get(f"/api/v1/services/tickets/{ticket.pk + 99}/attachments").status_code == 404


# the catalogue's service loop as the template had it before the cards were made in Python
TEMPLATE_CARDS = """{% load i18n talentpool %}{% for s, may in services %}<div class="card service" \
data-service="{{ s.code }}" data-may="{{ may|yesno:'yes,no,unknown' }}"><h3>{{ s|lang:"name" }}</h3><p>\
{{ s|lang:"description" }}</p>
{% if s.criterion %}<p class="muted">{% translate "Who may ask" %}: {{ s|lang:"criterion" }}</p>{% endif %}
{% if may %}<p><a class="button" href="{% url 'servicedesk:ask' s.code %}">{% translate "Ask for this" %}</a></p>\
{% elif may is None %}<p class="muted">{% translate "Your record does not say whether you may ask; an officer can \
raise it for you." %}</p>{% else %}<p class="muted">{% translate "Not open to you" %}</p>{% endif %}</div>{% endfor %}"""


def test_the_catalogues_cards_are_the_templates_html(desk, clock):
    Service.objects.filter(code="resume-clinic").update(name_en='CV <b>"clinic"</b> & more',
                                                        description_zh="简历<i>诊断</i>")
    Service.objects.filter(code="tier-recognition").update(criterion="no_such_fact > 1")  # may: unknown
    for language in ("en", "zh-hans"):
        with translation.override(language):
            groups = selectors.catalogue_for(desk.world.talent_user, as_of=NOW.date())
            views._service_cards(groups)
            pairs = [pair for g in groups for pair in g.services]
            assert {may for _s, may in pairs} == {True, False, None}
            expected = Template(TEMPLATE_CARDS).render(Context({"services": pairs}))
            assert "".join(s.card for s, _may in pairs) == expected
            page = Client(HTTP_ACCEPT_LANGUAGE=language)
            page.force_login(desk.world.talent_user)
            assert pairs[0][0].card in page.get("/services/").content.decode()


def test_the_catalogue_answer_is_the_schema_checked_one_and_shows_an_edit_at_once(desk, clock):
    """The catalogue's JSON is made without ninja's check: the same text as the schema-checked answer (every field
    of ``ServiceOut``, in its order, of its type), for a talent (may ask: yes, no, unknown) and an officer."""
    Service.objects.filter(code="resume-clinic").update(name_en='CV <b>"clinic"</b> & more',
                                                        materials=[{"zh": "简历", "en": "CV & \"letter\""}])
    Service.objects.filter(code="tier-recognition").update(criterion="no_such_fact > 1")  # may: unknown
    for user in (desk.world.talent_user, desk.world.officer):
        response = login(user).get("/api/v1/services/catalogue")
        assert response["Content-Type"] == "application/json; charset=utf-8"
        checked = [ServiceOut.model_validate(item).model_dump() for item in response.json()]
        assert json.dumps(checked, cls=NinjaJSONEncoder).encode() == response.content
    assert {item["may_ask"] for item in login(desk.world.talent_user).get("/api/v1/services/catalogue").json()} == {
        True, False, None}
    clinic = next(i for i in response.json() if i["code"] == "resume-clinic")
    assert clinic["name_en"] == 'CV <b>"clinic"</b> & more' and clinic["materials"][0]["en"] == 'CV & "letter"'
    Service.objects.filter(code="resume-clinic").update(name_en="Resume clinic")
    answer = login(desk.world.officer).get("/api/v1/services/catalogue?stage=" + clinic["life_stage"]).json()
    assert next(i for i in answer if i["code"] == "resume-clinic")["name_en"] == "Resume clinic"
