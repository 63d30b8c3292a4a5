"""The service desk's permission matrix: every API operation and every page × every role (talent 李明, the
district's officer, another district's officer, an enterprise, an administrator, anonymous). An allowed role gets
exactly its status; a denied one 401/403 (404 for a ticket out of reach) with the ticket's secret text nowhere in
the answer and nothing changed. A talent never sees an internal note."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from factories.matrix import check_page_headers

from talentpool.core.models import AuditEvent, Notice
from talentpool.servicedesk import services
from talentpool.servicedesk.models import Attachment, DeskOfficer, Service, Ticket, TicketMessage

from .conftest import NOW

API = "/api/v1/services"
ROLES = ["anonymous", "talent", "enterprise", "officer", "officer_other", "admin"]
SECRET = "机密内部备注XYZ"
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
                          uploads=[services.Upload("note.pdf", b"%PDF-1.4 internal")])
    resolved = services.ticket_raise(actor=me, talent=desk.world.talent, subject="", body="居住证",
                                     service=Service.objects.get(code="residence-permit"), now=NOW)
    services.ticket_resolve(actor=desk.world.officer, ticket=resolved, body="已办结", now=NOW)
    DeskOfficer.objects.get_or_create(user=desk.world.officer_other)
    return {"ticket": ticket.pk, "resolved": resolved.pk, "talent": desk.world.talent.pk,
            "file": Attachment.objects.get(internal=False).pk, "note_file": Attachment.objects.get(internal=True).pk,
            "service": Service.objects.get(code="resume-clinic").pk}


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
             "admin": w.admin}
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
            response = getattr(client, method)(path, **kwargs)
            expected = allowed.get(role, 401 if role == "anonymous" else 403)
            if response.status_code != expected:
                problems.append(f"{role} {method} {path}: {response.status_code} (expected {expected}) "
                                f"{response.content[:200]!r}")
            elif role not in allowed or allowed[role] >= 400:
                if _state() != before:
                    problems.append(f"{role} {method} {path}: changed something")
            if role != "officer" and SECRET in response.content.decode():
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
              "services", "service-edit"}
    assert names == listed


def test_the_officer_sees_the_note_and_the_talent_does_not(desk, matrix, clock):
    officer = _client(desk, "officer").get(f"/services/console/{matrix['ticket']}/").content.decode()
    talent = _client(desk, "talent").get(f"/services/mine/{matrix['ticket']}/").content.decode()
    assert SECRET in officer and SECRET not in talent
    assert "note.pdf" in officer and "note.pdf" not in talent
    assert "cv.pdf" in talent
