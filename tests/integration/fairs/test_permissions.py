"""The permission matrix of the fair pages and API: every page and operation × every role (the talent 李明
registered at the Xihu station fair, the enterprise with the approved booth, another enterprise, the district's
officer, another district's officer, an administrator, anonymous). An allowed role gets exactly its status; a
denied one gets 302 to the login / 403 (404 outside its reach) with 李明's name nowhere and nothing changed. Each
request runs in a savepoint rolled back afterwards, so one world serves every row."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from factories.matrix import check_page_headers

from talentpool.core.models import AuditEvent, Notice
from talentpool.fairs import cloud, scheduling, services
from talentpool.fairs.models import (
    Booth,
    BoothStatus,
    Choice,
    Fair,
    FairKind,
    FairStatus,
    Intent,
    Registration,
    Slot,
)

from .conftest import NOW, at

ROLES = ["anonymous", "talent", "enterprise", "enterprise_other", "officer", "officer_other", "admin"]
OFFICE = {"officer": 200, "officer_other": 200, "admin": 200}
OWN_FAIR = {"officer": 200, "officer_other": 404, "admin": 200}
SESSIONS = {r: 200 for r in ROLES[1:]}

PAGES = [
    ("get", "/fairs/office/", None, OFFICE),
    ("post", "/fairs/office/", {"kind": "cloud", "title": "云", "starts_at": "2026-04-01T09:00",
                                "ends_at": "2026-04-01T12:00"}, {"officer": 302, "officer_other": 302, "admin": 302}),
    ("get", "/fairs/office/tours/", None, OFFICE),
    ("post", "/fairs/office/tours/", {"title": "巡回", "university": "浙江大学", "city": "杭州", "date": "2026-04-01"},
     {"officer": 302, "officer_other": 302, "admin": 302}),
    ("get", "/fairs/office/{fair}/", None, OWN_FAIR),
    ("post", "/fairs/office/{fair}/action/", {"action": "approve", "booth": "{pending}"},
     {"officer": 302, "officer_other": 404, "admin": 302}),
    ("get", "/fairs/office/{fair}/live/", None, OWN_FAIR),
    ("get", "/fairs/office/{fair}/report/", None, OWN_FAIR),
    ("get", "/fairs/booths/", None, {"enterprise": 200, "enterprise_other": 200}),
    ("post", "/fairs/booths/", {"fair": "{fair}", "interviewers": "2"}, {"enterprise": 400, "enterprise_other": 400}),
    ("get", "/fairs/booths/{booth}/", None, {"enterprise": 200, "enterprise_other": 404}),
    ("post", "/fairs/booths/{booth}/", {"slot": "{slot}", "level": "strong"},
     {"enterprise": 302, "enterprise_other": 404}),
    ("get", "/fairs/mine/", None, {"talent": 200}),
    ("post", "/fairs/{fair}/register/", {"consent": "1"}, {"talent": 302}),
    ("get", "/fairs/mine/{registration}/", None, {"talent": 200}),
    ("post", "/fairs/mine/{registration}/", {"action": "check_in"}, {"talent": 302}),
    ("get", "/fairs/mine/{cloud_registration}/", None, {"talent": 200}),
    ("post", "/fairs/mine/{cloud_registration}/", {"action": "book", "booth": "{cloud_other_booth}",
                                                   "starts_at": "2026-03-12T10:20:00+08:00"}, {"talent": 302}),
    ("post", "/fairs/mine/{cloud_registration}/", {"action": "unbook", "slot": "{cloud_slot}"}, {"talent": 302}),
    ("get", "/fairs/booths/{cloud_booth}/", None, {"enterprise": 200, "enterprise_other": 404}),
    ("get", "/fairs/check-in/{ticket}/", None, {"talent": 200, "officer": 200, "officer_other": 404, "admin": 200}),
    ("post", "/fairs/check-in/{ticket}/", None, {"talent": 200, "officer": 200, "officer_other": 404, "admin": 200}),
]

API = "/api/v1/fairs"
OPERATIONS = [
    ("get", "/", None, SESSIONS),
    ("get", "/{fair}/live", None, OWN_FAIR),
    ("post", "/{fair}/schedule", {"time_limit": 1}, OWN_FAIR),
    ("post", "/{fair}/registrations", {"consent": True}, {"talent": 201}),
    ("get", "/registrations/{registration}", None, {"talent": 200}),
    ("post", "/registrations/{registration}/arrival", {"arrival_at": "2026-03-12T10:00:00+08:00"}, {"talent": 200}),
    ("get", "/registrations/{cloud_registration}/openings", None, {"talent": 200}),
    ("post", "/registrations/{cloud_registration}/bookings", {"booth": "{cloud_other_booth}",
                                                              "starts_at": "2026-03-12T10:20:00+08:00"}, {"talent": 201}),
    ("post", "/registrations/{cloud_registration}/bookings/{cloud_slot}/cancel", None, {"talent": 200}),
    ("post", "/check-in", {"token": "{ticket}"}, {"talent": 200, "officer": 200, "officer_other": 404, "admin": 200}),
    ("post", "/slots/{slot}/intent", {"level": "maybe"}, {"enterprise": 200, "enterprise_other": 404}),
]


@pytest.fixture
def planned(fw):
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk, "score": 0.7}])
    scheduling.fair_schedule(actor=fw.world.officer, fair_id=fw.fair.pk, time_limit=1, now=NOW)
    slot = Slot.objects.get()
    online = Fair.objects.create(kind=FairKind.CLOUD, title="云端双选会", division="330106", starts_at=at(10),
                                 ends_at=at(12), status=FairStatus.PUBLISHED, created_by=fw.world.officer)
    booth, other = (Booth.objects.create(fair=online, enterprise=hr.enterprise, status=BoothStatus.APPROVED,
                                         opens_at=at(10), closes_at=at(12), video_link="https://meet.example.cn/x")
                    for hr in (fw.world.hr, fw.world.hr_other))
    booth.jobs.set([fw.job])
    reg = services.register(actor=fw.world.talent_user, fair_id=online.pk, consent=True)
    booked = cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk,
                             starts_at=at(10, 0))
    return fw, {"fair": fw.fair.pk, "booth": fw.booth.pk, "pending": fw.pending.pk, "slot": slot.pk,
                "registration": fw.registration.pk, "ticket": fw.registration.qr_token,
                "cloud_registration": reg.pk, "cloud_booth": booth.pk, "cloud_other_booth": other.pk,
                "cloud_slot": booked.pk}


def _state():
    return (list(Fair.objects.order_by("pk").values_list("pk", "status", "confirmed_count")),
            list(Booth.objects.order_by("pk").values_list("pk", "status")),
            list(Registration.objects.order_by("pk").values_list("pk", "state", "arrival_at", "checked_in_at")),
            list(Slot.objects.order_by("pk").values_list("pk", "starts_at", "status")),
            Choice.objects.count(), Intent.objects.count(), Notice.objects.count(), AuditEvent.objects.count())


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _client(fw, role):
    w = fw.world
    users = {"talent": w.talent_user, "enterprise": w.hr, "enterprise_other": w.hr_other, "officer": w.officer,
             "officer_other": w.officer_other, "admin": w.admin}
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(planned, role):
    fw, ids = planned
    client = _client(fw, role)
    problems = []
    for method, template, body, allowed in PAGES:
        path = template.format(**ids)
        with transaction.atomic():
            before = _state()
            response = getattr(client, method)(path, _fill(body or {}, ids))
            check_page_headers(response)
            status = response.status_code
            expected = allowed.get(role, 302 if role == "anonymous" else 403)
            if status != expected:
                problems.append(f"{role} {method} {path}: {status} (expected {expected})")
            elif role == "anonymous" and "/accounts/login/" not in response["Location"]:
                problems.append(f"{role} {method} {path}: not sent to the login")
            elif role not in allowed or allowed[role] == 404:
                # (the talent's own name is in the header of every page it sees, a refusal too)
                if role != "talent" and fw.world.talent.name in response.content.decode():
                    problems.append(f"{role} {method} {path}: leaked the talent's name")
                if _state() != before:
                    problems.append(f"{role} {method} {path}: changed something")
            transaction.set_rollback(True)
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(planned, role):
    fw, ids = planned
    client = _client(fw, role)
    problems = []
    for method, template, body, allowed in OPERATIONS:
        path = API + template.format(**ids)
        with transaction.atomic():
            before = _state()
            kwargs = {"data": _fill(body, ids), "content_type": "application/json"} if body is not None else {}
            response = getattr(client, method)(path, **kwargs)
            expected = allowed.get(role, 401 if role == "anonymous" else 403)
            if response.status_code != expected:
                problems.append(f"{role} {method} {path}: {response.status_code} (expected {expected}) "
                                f"{response.content[:200]!r}")
            elif role not in allowed or allowed[role] == 404:
                if response.json()["error"]["code"] not in {"unauthenticated", "forbidden", "not_found"}:
                    problems.append(f"{role} {method} {path}: error code")
                if fw.world.talent.name in response.content.decode():
                    problems.append(f"{role} {method} {path}: leaked the talent's name")
                if _state() != before:
                    problems.append(f"{role} {method} {path}: changed something")
            transaction.set_rollback(True)
    assert problems == []


def test_every_fair_page_and_operation_is_in_the_matrix():
    from django.urls import get_resolver

    from talentpool.api import api

    fairs = get_resolver().url_patterns
    routes = set()
    for p in fairs:
        if getattr(p, "namespace", None) == "fairs":
            routes |= {"/fairs/" + re.sub(r"<[^>]+>", "{}", str(q.pattern)) for q in p.url_patterns}
    listed = {re.sub(r"\{\w+\}", "{}", t) for _m, t, _b, _a in PAGES}
    assert routes == listed
    schema = api.get_openapi_schema()
    operations = {(m, re.sub(r"\{\w+\}", "{}", p)) for p, ops in schema["paths"].items()
                  if p.startswith(API + "/") for m in ops}
    assert operations == {(m, re.sub(r"\{\w+\}", "{}", API + t)) for m, t, _b, _a in OPERATIONS}
