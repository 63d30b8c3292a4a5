"""The permission matrix of bookings: every page and API operation × every role (talent 李明, the enterprise
that is a programme partner, another enterprise, the district's officer, another district's officer, an
administrator, anonymous). An allowed role gets exactly its status; a denied one gets 302 to the login
(anonymous pages), 401, 403 or 404, and nothing changed: the bookings, slots, referrals and audit trail are as
they were. Each operation runs in a savepoint rolled back afterwards, so one world serves every operation."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver

from talentpool.api import api
from talentpool.bookings import capacity, resources, services
from talentpool.bookings.models import Booking, PartnerKind, Referral, Slot
from talentpool.core.models import AuditEvent
from talentpool.fairs.models import Fair, Registration
from talentpool.registry.models import Education

from .conftest import TODAY

ROLES = ["anonymous", "talent", "enterprise", "enterprise_other", "officer", "officer_other", "admin"]
API = "/api/v1/bookings"
OFFICE = {"officer": 200, "admin": 200}
FIRMS = {"enterprise": 200, "enterprise_other": 200}
DAY = (TODAY + dt.timedelta(days=2)).isoformat()

# (method, path, body, allowed statuses by role); pages: a POST's success is a redirect (302)
PAGE_OPS = [
    ("get", "/bookings/lodging/", None, {"talent": 200}),
    ("get", "/bookings/lodging/{station}/", None, {"talent": 200}),
    ("post", "/bookings/lodging/{station}/book/", {"first_day": DAY, "nights": "1"}, {"talent": 302}),
    ("get", "/bookings/events/", None, {"talent": 200, **FIRMS, "officer": 200, "officer_other": 200}),
    ("get", "/bookings/events/{event}/", None, {"talent": 200, **FIRMS, "officer": 200, "officer_other": 200}),
    ("post", "/bookings/events/{open_event}/register/", {}, {"talent": 302}),
    ("get", "/bookings/mine/", None, {"talent": 200}),
    ("get", "/bookings/mine/{stay}/", None, {"talent": 200}),
    ("get", "/bookings/mine/{space_booking}/", None, {"enterprise": 200}),
    ("get", "/bookings/mine/{attended}/certificate.pdf", None, {"talent": 200}),
    ("post", "/bookings/mine/{stay}/cancel/", {}, {"talent": 302}),
    ("post", "/bookings/mine/{space_booking}/cancel/", {}, {"enterprise": 302}),
    ("post", "/bookings/mine/{offered}/accept/", {}, {"talent": 302}),
    ("post", "/bookings/mine/{attended}/feedback/", {"rating": "5"}, {"talent": 302}),
    ("post", "/bookings/referrals/{referral}/answer/", {"accept": "0"}, {"talent": 302}),
    ("get", "/bookings/lodging/fair/{fair_registration}/", None, {"talent": 200}),
    ("get", "/bookings/journey/", None, {"talent": 200}),
    ("get", "/bookings/journey/{talent}/", None, {"officer": 200}),
    ("get", "/bookings/spaces/", None, FIRMS),
    ("get", "/bookings/spaces/{space}/", None, FIRMS),
    ("post", "/bookings/spaces/{space}/book/", {"day": DAY, "hour": "9", "hours": "1"}, FIRMS | {
        "enterprise": 302, "enterprise_other": 302}),
    ("get", "/bookings/partner/", None, {"enterprise": 200, "enterprise_other": 404}),
    ("post", "/bookings/partner/", {"name": "李明", "phone": "13800000001", "target": "service", "service": "落户"},
     {"enterprise": 302, "enterprise_other": 404}),
    ("get", "/bookings/console/", None, OFFICE | {"officer_other": 200}),
    ("post", "/bookings/console/new/", {"kind": "space", "name": "直播间"}, {"officer": 302, "admin": 302,
                                                                           "officer_other": 302}),
    ("get", "/bookings/console/resources/{station}/", None, OFFICE | {"officer_other": 404}),
    ("post", "/bookings/console/resources/{station}/", {"room": "102", "beds": "2"},
     {"officer": 302, "admin": 302, "officer_other": 404}),
    ("post", "/bookings/console/resources/{station}/check-in/", {"token": "{token}"},
     {"officer": 302, "admin": 302, "officer_other": 404}),
    ("post", "/bookings/console/bookings/{pending}/decide/", {"approve": "1"},
     {"officer": 302, "admin": 302, "officer_other": 404}),
    ("post", "/bookings/console/bookings/{checked_in}/check-out/", {},
     {"officer": 302, "admin": 302, "officer_other": 404}),
    ("get", "/bookings/console/report/", None, OFFICE | {"officer_other": 200}),
    ("get", "/bookings/console/partners/", None, OFFICE | {"officer_other": 200}),
    ("post", "/bookings/console/partners/", {"credit_code": "{other_credit}", "kind": "chamber"},
     {"officer": 302, "admin": 302, "officer_other": 302}),
]
API_OPS = [
    ("get", "/stations", None, {"talent": 200, **OFFICE, "officer_other": 200}),
    ("get", "/stations/{station}/availability?month=2025-03", None, {"talent": 200, **OFFICE, "officer_other": 200}),
    ("get", "/events", None, {"talent": 200, **FIRMS, **OFFICE, "officer_other": 200}),
    ("get", "/spaces", None, {**FIRMS, **OFFICE, "officer_other": 200}),
    ("get", "/me/bookings", None, {"talent": 200, **FIRMS}),
    ("post", "/lodging", {"station": "{station}", "first_day": DAY, "nights": 1}, {"talent": 201}),
    ("post", "/events/{open_event}/registrations", None, {"talent": 201}),
    ("post", "/spaces/{space}/bookings", {"day": DAY, "hour": 9, "hours": 1}, {"enterprise": 201,
                                                                               "enterprise_other": 201}),
    ("post", "/bookings/{stay}/cancel", {"reason": ""}, {"talent": 200, "officer": 200, "admin": 200,
                                                          "enterprise": 404, "enterprise_other": 404,
                                                          "officer_other": 404}),
    ("post", "/bookings/{offered}/accept", None, {"talent": 200}),
    ("post", "/bookings/{pending}/decide", {"approve": True}, {"officer": 200, "admin": 200, "officer_other": 404}),
    ("post", "/resources/{station}/check-in", {"token": "{token}"}, {"officer": 200, "admin": 200,
                                                                     "officer_other": 404}),
    ("get", "/reports/stations", None, {**OFFICE, "officer_other": 200}),
    ("get", "/journey/me", None, {"talent": 200}),
    ("get", "/journey/{talent}", None, {"officer": 200}),
]


@pytest.fixture
def matrix(world, places, make_user):
    talent, station, event = world.talent_user, places["station"], places["event"]
    stay = services.lodging_book(actor=talent, station=station, first_day=TODAY, nights=1)
    other = make_user("talent", username="wf")
    from factories.registry import make_talent

    eligible = make_talent(name="王芳", user=other, hukou_division="420102")
    Education.objects.create(talent=eligible, degree="bachelor", graduation_date=dt.date(2024, 6, 30))
    taken = services.event_register(actor=other, event=event)
    offered = services.event_register(actor=talent, event=event)
    services.booking_cancel(actor=other, booking=taken)
    pending = services.lodging_book(actor=talent, station=places["manual"], first_day=TODAY + dt.timedelta(days=3),
                                    nights=1)
    attended = services.event_register(actor=other, event=resources.resource_create(
        actor=world.officer, kind="event", name="沙龙", capacity=5, auto_confirm=True,
        starts_at=places["event"].starts_at))
    Booking.objects.filter(pk=attended.pk).update(status="attended", talent=world.talent)
    partner = resources.partner_create(actor=world.officer, name="协会", kind=PartnerKind.ASSOCIATION,
                                       enterprise=world.hr.enterprise)
    referral = resources.referral_create(actor=world.hr, name="李明", phone="13800000001", target="service",
                                         service="落户")
    checked_in = services.lodging_book(actor=other, station=station, first_day=TODAY, nights=1)
    checked_in, _new = services.check_in(actor=world.officer, resource=station, token=capacity.ticket_token(checked_in))
    space_booking = services.space_book(actor=world.hr, space=places["space"], day=TODAY + dt.timedelta(days=1),
                                        hour=10, hours=1)
    open_event = resources.resource_create(actor=world.officer, kind="event", name="学术交流", capacity=50,
                                           starts_at=places["event"].starts_at)
    offered.refresh_from_db()
    assert offered.status == "offered"
    start = places["event"].starts_at
    fair = Fair.objects.create(kind="station", title="驿站招聘会", division="330106", starts_at=start,
                               ends_at=start + dt.timedelta(hours=8), status="published")
    fair_registration = Registration.objects.create(fair=fair, talent=world.talent, state="confirmed",
                                                    consent_at=start, qr_token="q" * 16)
    return {"station": station.pk, "event": event.pk, "space": places["space"].pk, "stay": stay.pk,
            "offered": offered.pk, "pending": pending.pk, "attended": attended.pk, "referral": referral.pk,
            "checked_in": checked_in.pk, "token": capacity.ticket_token(stay), "partner": partner.pk,
            "other_credit": world.hr_other.enterprise.credit_code, "space_booking": space_booking.pk,
            "open_event": open_event.pk, "fair_registration": fair_registration.pk, "talent": world.talent.pk}


def _fill(text: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), text)


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users()[role], backend="talentpool.accounts.backends.AccountBackend")
    return client


def _state():
    return (list(Booking.objects.order_by("pk").values_list("pk", "status", "updated_at")),
            list(Slot.objects.order_by("pk").values_list("taken", "capacity")),
            list(Referral.objects.values_list("pk", "status")), AuditEvent.objects.count())


def _run(world, role, method, path, body, *, api: bool):
    client = _client(world, role)
    if method == "get":
        return client.get(path)
    if api:
        return client.post(path, json.dumps(body or {}), content_type="application/json")
    return client.post(path, body or {})


def _check(world, matrix, role, method, template, body, allowed, *, api: bool):
    path = _fill(template, matrix)
    if body:
        body = json.loads(_fill(json.dumps(body, ensure_ascii=False), matrix))
        if api:
            body = {k: (int(v) if k == "station" else v) for k, v in body.items()}
    before = _state()
    sid = transaction.savepoint()
    try:
        response = _run(world, role, method, path, body, api=api)
        expected = allowed.get(role)
        if expected is not None:
            assert response.status_code == expected, (role, method, path, response.content[:300])
        else:
            denied = {302, 403, 404} if not api else {401, 403, 404}
            if role == "anonymous" and not api:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                assert response.status_code in denied, (role, method, path, response.status_code)
            if role != "talent":  # 李明's own pages name him in the header
                assert "李明" not in response.content.decode(errors="replace")
            assert _state() == before, (role, method, path)
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("role", ROLES)
def test_pages(world, matrix, role):
    for method, template, body, allowed in PAGE_OPS:
        _check(world, matrix, role, method, template, body, allowed, api=False)


@pytest.mark.parametrize("role", ROLES)
def test_api(world, matrix, role):
    for method, template, body, allowed in API_OPS:
        _check(world, matrix, role, method, API + template, body, allowed, api=True)


def test_every_bookings_route_is_in_the_matrix():
    routes = {str(p.pattern) for p in get_resolver().url_patterns if str(p.pattern) == "bookings/"}
    assert routes
    resolver = next(p for p in get_resolver().url_patterns if str(p.pattern) == "bookings/")
    patterns = {re.sub(r"<int:\w+>", "{}", "/bookings/" + str(p.pattern)) for p in resolver.url_patterns}
    listed = {re.sub(r"\{\w+\}", "{}", t) for _m, t, _b, _a in PAGE_OPS}
    assert patterns - listed == set()


def test_every_bookings_api_operation_is_in_the_matrix():
    schema = api.get_openapi_schema()
    operations = {(m, re.sub(r"\{\w+\}", "{}", p)) for p, ops in schema["paths"].items()
                  if p.startswith(API + "/") for m in ops}
    listed = {(m, re.sub(r"\{\w+\}", "{}", API + t.split("?", 1)[0])) for m, t, _b, _a in API_OPS}
    assert operations and operations - listed == set()
