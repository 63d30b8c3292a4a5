"""The service desk's permission matrix: every API operation and every page × every role (talent 李明, the
district's officer, another district's officer, an enterprise, an administrator, anonymous). An allowed role gets
exactly its status; a denied one 401/403 (404 for a ticket out of reach) with the ticket's secret text nowhere in
the answer and nothing changed. A talent never sees an internal note, nor its file.

The office's forms (teams, one-to-one officers by hand, calendar days, reassigning from the dashboard) × the same
roles and the office head: who changes something, and that a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from factories.matrix import check_page_headers

from talentpool.core.models import AuditEvent, Notice
from talentpool.servicedesk import services
from talentpool.servicedesk.models import (
    Attachment,
    CalendarException,
    DeskOfficer,
    OneToOne,
    Service,
    Team,
    Ticket,
    TicketMessage,
)

from .conftest import NOW

API = "/api/v1/services"
ROLES = ["anonymous", "talent", "enterprise", "officer", "officer_other", "admin"]
SECRET = "机密内部备注XYZ"
SECRET_JSON = json.dumps(SECRET)[1:-1]  # as the API writes it
UPLOAD = "multipart upload"
OFFICERS = {"officer": 200, "officer_other": 200}
OWN = {"talent": 200, "officer": 200, "officer_other": 404}

OPERATIONS = [
    ("get", "/catalogue", None, {"talent": 200, **OFFICERS}),
    ("get", "/me/officer", None, {"talent": 200}),
    ("get", "/me/tickets", None, {"talent": 200}),
    ("get", "/tickets", None, OFFICERS),
    ("get", "/tickets/{ticket}", None, OWN),
    ("post", "/tickets", {"service": "resume-clinic", "body": "请帮忙", "talent_id": "{talent}"},
     {"talent": 201, "officer": 201, "officer_other": 404}),
    ("post", "/tickets/{ticket}/replies", {"body": "补充说明"}, {"talent": 201, "officer": 201,
                                                                  "officer_other": 404}),
    ("post", "/tickets/{resolved}/close", {"rating": 4}, {"talent": 200, "officer": 403, "officer_other": 403}),
    ("post", "/tickets/{resolved}/reopen", {"body": "还有问题"}, {"talent": 200, "officer": 200,
                                                                   "officer_other": 404}),
    ("post", "/tickets/{ticket}/priority", {"priority": "high"}, {"officer": 200, "officer_other": 404}),
    ("get", "/tickets/{ticket}/attachments", None, OWN),
    ("post", "/tickets/{ticket}/attachments", UPLOAD, {"talent": 201, "officer": 201, "officer_other": 404}),
    ("get", "/attachments/{file}", None, OWN),
    ("get", "/attachments/{note_file}", None, {"talent": 404, "officer": 200, "officer_other": 404}),
]

PAGES = [
    ("/services/", {"talent": 200}),
    ("/services/ask/resume-clinic/", {"talent": 200}),
    ("/services/mine/", {"talent": 200}),
    ("/services/mine/{ticket}/", {"talent": 200}),
    ("/services/files/{file}/", {"talent": 200, "officer": 200, "officer_other": 404}),
    ("/services/files/{note_file}/", {"talent": 404, "officer": 200, "officer_other": 404}),
    ("/services/console/", OFFICERS),
    ("/services/console/new/", OFFICERS),
    ("/services/console/{ticket}/", {"officer": 200, "officer_other": 404}),
    ("/services/dashboard/", OFFICERS),
    ("/services/catalogue/", OFFICERS),
    ("/services/catalogue/{service}/", OFFICERS),
    ("/services/teams/", {**OFFICERS, "admin": 200}),
    ("/services/teams/{team}/", {**OFFICERS, "admin": 200}),
    ("/services/one-to-one/", OFFICERS),
    ("/services/calendar/", {**OFFICERS, "admin": 200}),
]


@pytest.fixture
def matrix(desk):
    from talentpool.servicedesk.assignment import one_to_one_fill
    from talentpool.servicedesk.models import OneToOne

    one_to_one_fill()
    OneToOne.objects.create(talent=desk.world.talent, officer=desk.second, backup=desk.lead)
    pdf = services.Upload("cv.pdf", b"%PDF-1.4 test")
    me = desk.world.talent_user
    ticket = services.ticket_raise(actor=me, talent=desk.world.talent, service=Service.objects.get(code="resume-clinic"),
                                   subject="", body="请帮我", uploads=[pdf], now=NOW)
    services.ticket_reply(actor=desk.world.officer, ticket=ticket, body=SECRET, internal=True, now=NOW,
                          uploads=[services.Upload("note.pdf", b"%PDF-1.4 " + SECRET.encode())])
    resolved = services.ticket_raise(actor=me, talent=desk.world.talent, subject="", body="居住证",
                                     service=Service.objects.get(code="residence-permit"), now=NOW)
    services.ticket_resolve(actor=desk.world.officer, ticket=resolved, body="已办结", now=NOW)
    DeskOfficer.objects.get_or_create(user=desk.world.officer_other)
    day = CalendarException.objects.create(office=desk.lead.teams.first().office, day=dt.date(2027, 1, 1),
                                           kind="holiday", name="元旦", updated_at=NOW)
    return {"ticket": ticket.pk, "resolved": resolved.pk, "talent": desk.world.talent.pk,
            "file": Attachment.objects.get(internal=False).pk, "note_file": Attachment.objects.get(internal=True).pk,
            "service": Service.objects.get(code="resume-clinic").pk, "team": Team.objects.get(code="youth").pk,
            "day": day.pk, "lead": desk.lead.pk, "second": desk.second.pk}


def _state():
    return (list(Ticket.objects.order_by("pk").values_list("pk", "status", "priority", "rating", "reopened")),
            TicketMessage.objects.count(), Attachment.objects.count(), Notice.objects.count(),
            AuditEvent.objects.count())


def _fill(value, ids):
    if isinstance(value, str) and "{" in value:
        text = value.format(**ids)
        return int(text) if text.isdigit() else text
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _client(desk, role: str) -> Client:
    w = desk.world
    users = {"talent": w.talent_user, "enterprise": w.hr, "officer": w.officer, "officer_other": w.officer_other,
             "admin": w.admin, "head": desk.head}
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(desk, matrix, clock, role):
    client, problems = _client(desk, role), []
    for method, template, body, allowed in OPERATIONS:
        path = API + template.format(**matrix)
        with transaction.atomic():
            before = _state()
            kwargs = {"data": _fill(body, matrix), "content_type": "application/json"} if body is not None else {}
            if body == UPLOAD:
                kwargs = {"data": {"files": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", "application/pdf")}}
            response = getattr(client, method)(path, **kwargs)
            expected = allowed.get(role, 401 if role == "anonymous" else 403)
            if response.status_code != expected:
                problems.append(f"{role} {method} {path}: {response.status_code} (expected {expected}) "
                                f"{response.content[:200]!r}")
            elif role not in allowed or allowed[role] >= 400:
                if _state() != before:
                    problems.append(f"{role} {method} {path}: changed something")
            text = response.content.decode(errors="replace")
            if role != "officer" and (SECRET in text or SECRET_JSON in text):
                problems.append(f"{role} {method} {path}: leaked the internal note")
            transaction.set_rollback(True)
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(desk, matrix, clock, role):
    client, problems = _client(desk, role), []
    for template, allowed in PAGES:
        path = template.format(**matrix)
        response = client.get(path)
        check_page_headers(response)
        expected = allowed.get(role, 302 if role == "anonymous" else 403)
        if response.status_code != expected:
            problems.append(f"{role} {path}: {response.status_code} (expected {expected})")
        if role != "officer" and SECRET in response.content.decode(errors="replace"):
            problems.append(f"{role} {path}: leaked the internal note")
    assert problems == []


def test_every_servicedesk_operation_is_in_the_matrix():
    from talentpool.api import api

    schema = api.get_openapi_schema()
    operations = {(m, re.sub(r"\{\w+\}", "{}", p)) for p, ops in schema["paths"].items()
                  if p.startswith(API + "/") for m in ops}
    assert operations == {(m, re.sub(r"\{\w+\}", "{}", API + t)) for m, t, _b, _a in OPERATIONS}


def test_every_servicedesk_page_is_in_the_matrix():
    from django.urls import get_resolver

    from talentpool.servicedesk import urls

    assert get_resolver()  # the URLconf loads
    names = {p.name for p in urls.urlpatterns} - {"officer-action"}  # POST only
    listed = {"catalogue", "ask", "mine", "my-ticket", "attachment", "console", "raise", "ticket", "dashboard",
              "services", "service-edit", "teams", "team-edit", "one-to-one", "calendar"}
    assert names == listed


def test_the_officer_sees_the_note_and_the_talent_does_not(desk, matrix, clock):
    officer = _client(desk, "officer").get(f"/services/console/{matrix['ticket']}/").content.decode()
    talent = _client(desk, "talent").get(f"/services/mine/{matrix['ticket']}/").content.decode()
    assert SECRET in officer and SECRET not in talent
    assert "note.pdf" in officer and "note.pdf" not in talent
    assert "cv.pdf" in talent


# the office's forms: (path, data, {role: (status, changes something)}); a role not listed: anonymous to the login
# (302), talent and enterprise 403, an officer refused by the service (302 back with the reason, nothing changed)
MANAGERS = {"admin": (302, True), "head": (302, True)}
FORMS = [
    ("/services/teams/", {"code": "ip-desk", "name": "知识产权窗口"}, MANAGERS),
    ("/services/teams/{team}/", {"action": "rename", "name": "就业指导组", "lead": "head"}, MANAGERS),
    ("/services/teams/{team}/", {"action": "members", "member": ["{lead}"], "skills-{lead}": ["legal"]},
     {**MANAGERS, "officer": (302, True)}),  # the team's lead sets its members
    ("/services/one-to-one/", {"talent": "{talent}", "officer": "{lead}", "backup": "{second}"},
     {"officer": (302, True), "head": (302, True), "admin": (403, False)}),
    ("/services/calendar/", {"first": "2027-02-05", "last": "2027-02-13", "kind": "holiday", "name": "春节"},
     MANAGERS),
    ("/services/calendar/", {"action": "delete", "day": "{day}"}, MANAGERS),
    ("/services/dashboard/", {"action": "assign", "ticket": "{ticket}", "officer": "{lead}"},
     {"officer": (302, True), "head": (302, True), "officer_other": (404, False), "admin": (403, False)}),
]


def _office_state():
    return (list(Team.objects.order_by("pk").values_list("code", "name", "lead_id")),
            sorted(Team.officers.through.objects.values_list("team_id", "deskofficer_id")),
            list(DeskOfficer.objects.order_by("pk").values_list("pk", "skills")),
            list(OneToOne.objects.order_by("pk").values_list("talent_id", "officer_id", "backup_id", "manual")),
            list(CalendarException.objects.order_by("day").values_list("day", "kind", "name")),
            list(Ticket.objects.order_by("pk").values_list("pk", "assignee_id")), AuditEvent.objects.count())


def _form(value, ids):
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return _fill(value, ids)


@pytest.mark.parametrize("role", [*ROLES, "head"])
def test_office_form_matrix(desk, matrix, clock, role):
    client, problems = _client(desk, role), []
    for template, data, allowed in FORMS:
        path = template.format(**matrix)
        posted = {k.format(**matrix): _form(v, matrix) for k, v in data.items()}
        with transaction.atomic():
            before = _office_state()
            response = client.post(path, posted)
            default = {"anonymous": (302, False), "talent": (403, False), "enterprise": (403, False)}
            status, changes = allowed.get(role, default.get(role, (302, False)))
            changed = _office_state() != before
            if response.status_code != status or changed != changes:
                problems.append(f"{role} POST {path} {data}: {response.status_code}, changed {changed} "
                                f"(expected {status}, {changes})")
            transaction.set_rollback(True)
    assert problems == []
