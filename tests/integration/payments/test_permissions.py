"""The permission matrix of the payment pages: every page × every role, with a ledger line of a 330106 talent,
a run, a batch and a review route in place. A talent sees only its own lines, an enterprise none, an officer
only its district; denied reads leak no name and denied writes change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from factories.matrix import check_page_headers

from talentpool.core.crypto import encrypt_text
from talentpool.core.models import AuditEvent, Notice
from talentpool.eligibility.models import Entitlement, ReviewRoute, Run, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.eligibility.services import review_route_set
from talentpool.payments.models import BankAccount, PaymentBatch
from talentpool.payments.services import batch_create, entitlements_approve

ROLES = ["anonymous", "talent", "enterprise", "officer", "officer_other", "admin"]
OFFICERS = {"officer": 200, "officer_other": 200}

PAGES = [
    ("get", "/payments/runs/", OFFICERS),
    ("post", "/payments/runs/", {"officer": 302, "officer_other": 302}),
    ("get", "/payments/runs/{run}/", {"officer": 200, "officer_other": 404}),
    ("post", "/payments/runs/{run}/resume/", {"officer": 302, "officer_other": 404}),
    ("get", "/payments/queue/", OFFICERS),
    ("post", "/payments/queue/decide/", {"officer": 302, "officer_other": 302}),
    ("get", "/payments/lines/{line}/", {"officer": 200, "officer_other": 404, "talent": 200}),
    ("post", "/payments/lines/{line}/correct/", {"officer": 302, "officer_other": 404}),
    ("get", "/payments/batches/", OFFICERS),
    ("post", "/payments/batches/new/", {"officer": 302, "officer_other": 302}),
    ("get", "/payments/batches/{batch}/", {"officer": 200, "officer_other": 404}),
    ("get", "/payments/batches/{batch}/file.csv", {"officer": 200, "officer_other": 404}),
    ("post", "/payments/batches/{batch}/return/", {"officer": 302, "officer_other": 404}),
    ("post", "/payments/batches/{batch}/sent/", {"officer": 302, "officer_other": 404}),
    ("post", "/payments/batches/{batch}/cancel/", {"officer": 302, "officer_other": 404}),
    ("get", "/payments/report/", OFFICERS),
    ("get", "/payments/routes/", OFFICERS),
    ("post", "/payments/routes/", {"officer": 302, "officer_other": 302}),
    ("post", "/payments/routes/{route}/delete/", {"officer": 302, "officer_other": 404}),
    ("get", "/payments/mine/", {"talent": 200}),
    ("post", "/payments/mine/", {"talent": 302}),
    ("get", "/notices/", {r: 200 for r in ROLES if r != "anonymous"}),
    ("post", "/notices/", {r: 302 for r in ROLES if r != "anonymous"}),
]

BODIES = {
    "/payments/queue/decide/": lambda w: {"action": "reject", "reason": "核查", "line": str(w["line"].pk)},
    "/payments/lines/{line}/correct/": lambda w: {"amount": "99999.00", "reason": "补发"},
    "/payments/mine/": lambda w: {"holder": "李明", "bank_name": "杭州银行", "number": "6212345678901234569"},
    "/payments/routes/": lambda w: {"policy": "", "tier": "A", "officer": "officer"},
    "/payments/runs/": lambda w: {"as_of": "2025-03-01"},
}


@pytest.fixture
def ledger(world, living):
    """A run of the living subsidy over the world: 李明's first line approved and in a batch, a candidate line
    of a colleague, a review route and an account on file."""
    world.officer.is_payment_officer = True
    world.officer.save()
    BankAccount.objects.create(talent=world.talent, holder="李明", bank_name="杭州银行",
                               number_encrypted=encrypt_text("6212345678901234569"), number_masked="6212 **** **** 4569")
    run = run_execute(run_create(as_of=date(2025, 3, 1), scope="330106").pk)
    lines = list(Entitlement.objects.filter(talent=world.talent).order_by("pk"))
    assert lines
    other = Entitlement.objects.get(pk=lines[0].pk)
    other.pk, other.talent, other.subject = None, world.colleague, f"t{world.colleague.pk}"
    other.save()
    entitlements_approve(actor=world.officer, ids=[lines[0].pk])
    batch = batch_create(actor=world.officer, ids=[lines[0].pk])
    route = review_route_set(actor=world.officer, policy_code="", tier="B", officer_username=world.officer.username)
    return {"run": run, "line": lines[0], "batch": batch, "route": route}


def _client(client, world, role):
    users = {"talent": world.talent_user, "enterprise": world.hr, "officer": world.officer,
             "officer_other": world.officer_other, "admin": world.admin}
    if role != "anonymous":
        client.force_login(users[role])
    return client


def _state():
    return (list(Entitlement.objects.order_by("pk").values_list("status", "amount")), Run.objects.count(),
            list(PaymentBatch.objects.order_by("pk").values_list("status", flat=True)),
            list(ReviewRoute.objects.order_by("pk").values_list("tier", "officer_id")),
            list(BankAccount.objects.values_list("number_masked", flat=True)),
            AuditEvent.objects.exclude(action="search_registry").count(), Notice.objects.filter(read_at=None).count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), PAGES, ids=[p[1] + ":" + p[0] for p in PAGES])
def test_page_matrix(client, world, ledger, role, method, template, allowed):
    c = _client(client, world, role)
    path = template.format(run=ledger["run"].pk, line=ledger["line"].pk, batch=ledger["batch"].pk,
                           route=ledger["route"].pk)
    body = BODIES[template](ledger) if template in BODIES else {}
    before = _state()
    response = getattr(c, method)(path, body)
    check_page_headers(response)
    if role in allowed:
        assert response.status_code == allowed[role], (role, path, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (role, path, response.status_code)
    if role not in allowed or allowed[role] == 404:
        assert world.talent.name not in response.content.decode()
        assert _state() == before


def test_another_district_sees_and_moves_none_of_the_lines(client, world, ledger):
    client.force_login(world.officer_other)
    body = client.get("/payments/queue/?status=").content.decode()
    assert world.talent.name not in body
    candidate = Entitlement.objects.filter(status=Status.CANDIDATE, talent__district="330106").first()
    client.post("/payments/queue/decide/", {"action": "approve", "line": str(candidate.pk)})
    client.post("/payments/queue/decide/", {"action": "approve", "scope": "all", "query": "status=candidate"})
    assert Entitlement.objects.filter(talent__district="330106", status=Status.APPROVED).count() == 0
    client.post("/payments/routes/1/delete/")
    client.post(f"/payments/routes/{ledger['route'].pk}/delete/")
    assert ReviewRoute.objects.filter(pk=ledger["route"].pk).exists()


def test_a_talent_sees_only_its_own_lines(client, world, ledger):
    client.force_login(world.talent_user)
    other = Entitlement.objects.exclude(talent=world.talent).first()
    assert other is not None
    assert client.get(f"/payments/lines/{other.pk}/").status_code == 404
    page = client.get("/payments/mine/").content.decode()
    assert f'id="line-{ledger["line"].pk}"' in page and other.talent.name not in page


def test_every_payment_page_is_in_the_matrix():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    listed = {t.strip("/") for _, t, _ in PAGES}
    names = {"<int:pk>": ("{run}", "{line}", "{batch}", "{route}"), "<str:fmt>": ("csv",),
             "<str:action>": ("cancel",)}
    missing = []
    for route in walk(get_resolver()):
        if not route.startswith(("payments/", "notices/")):
            continue
        forms = {route}
        for token, values in names.items():
            forms = {f.replace(token, v) for f in forms for v in values} if any(token in f for f in forms) else forms
        if not {f.strip("/") for f in forms} & listed:
            missing.append(route)
    assert missing == []
