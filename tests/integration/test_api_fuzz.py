"""Schemathesis over every operation of /api/v1/, as each role: no server error, no status the document does not
list. In-process through Django's WSGI handler (no network); a bounded, derandomised number of examples so the run
is the same each time and stays short.

The figures (operations, requests, failures) are printed at the end of the run (``pytest -s`` shows them)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from factories.world import build_world
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import status_code_conformance

from talentpool.recruitment.services import partner_create

SCHEMA_PATH = "/api/v1/openapi.json"
CSRF = "fuzzcsrftokenfuzzcsrftokenfuzzcs"  # 32 characters: a valid unmasked CSRF secret, sent as cookie and header
CHECKS = [not_a_server_error, status_code_conformance]
ROLES = ("anonymous", "talent", "enterprise", "officer", "admin", "partner")
# examples per operation for each role (generating them costs more than answering them). An anonymous call, a
# session on a partner operation and a partner key elsewhere are turned away before the input is read: one each.
EXAMPLES = {"anonymous": 1, "talent": 6, "enterprise": 6, "officer": 10, "admin": 4, "partner": 10}
PARTNER_PATH = "/api/v1/recruitment/partner/"


@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)  # (role, status class): e.g. ("officer", "2xx")
    failures: Counter = field(default_factory=Counter)
    samples: dict[tuple[str, str, str], str] = field(default_factory=dict)


@pytest.fixture
def wsgi_app(db):
    """Django's own WSGI handler, on the test's database connection: the per-request connection clean-up is off
    while it runs (as Django's test client does), so every request sees the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # thousands of 4xx warnings say nothing; a 5xx is still logged
    try:
        yield WSGIHandler()
    finally:
        quiet.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _credentials(world) -> dict[str, tuple[dict, dict]]:
    """(headers, cookies) of each role: a signed-in session with its CSRF token, or the partner's key."""
    out: dict[str, tuple[dict, dict]] = {"anonymous": ({}, {})}
    users = {"talent": world.talent_user, "enterprise": world.hr, "officer": world.officer, "admin": world.admin}
    for role, user in users.items():
        client = Client()
        client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
        out[role] = ({"X-CSRFToken": CSRF}, {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF})
    _, key = partner_create(actor=world.admin, name="fuzz partner", enterprise_id=world.hr.enterprise_id,
                            scopes=["jobs:read", "jobs:write", "candidates:read"])
    out["partner"] = ({"X-Partner-Key": key}, {})
    return out


def _reason(exc: BaseException) -> str:
    failures = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
    return "; ".join(getattr(f, "title", type(f).__name__) for f in failures)


def _examples(operation, role: str) -> int:
    if role == "anonymous" or (role == "partner") != operation.path.startswith(PARTNER_PATH):
        return 1
    return EXAMPLES[role]


def _fuzz(operation, strategy, role: str, headers: dict, cookies: dict, tally: Tally) -> None:
    label = operation.label

    @hypothesis.settings(max_examples=_examples(operation, role), derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def run(case):
        # the role's credentials replace whatever the case generated for them
        case.headers = {k: v for k, v in (case.headers or {}).items()
                        if k.lower() not in ("x-partner-key", "x-csrftoken", "cookie")}
        case.cookies = {}
        response = case.call(headers=headers, cookies=cookies)
        tally.requests += 1
        tally.statuses[role, f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as exc:  # count it and go on: no shrinking, the sample says enough
            key = (label, role, str(response.status_code))
            tally.failures[key] += 1
            tally.samples.setdefault(key, f"{case.method} {case.formatted_path} {case.query or ''} "
                                          f"{str(case.body)[:120]} -> {_reason(exc)}")

    run()


def test_every_operation_as_every_role_answers_without_server_error_or_undocumented_status(wsgi_app):
    world = build_world()
    credentials = _credentials(world)
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    strategies = {op.label: st.one_of(op.as_strategy(schemathesis.GenerationMode.POSITIVE),
                                      op.as_strategy(schemathesis.GenerationMode.NEGATIVE)) for op in operations}
    tally = Tally()
    for role in ROLES:
        headers, cookies = credentials[role]
        for operation in operations:
            tally.operations.add(operation.label)
            _fuzz(operation, strategies[operation.label], role, headers, cookies, tally)
    print(f"\napi fuzz: {len(tally.operations)} operations, {len(ROLES)} roles, {tally.requests} requests, "
          f"{sum(tally.failures.values())} failures in {len(tally.failures)} (operation, role, status)")
    print("  answers:", ", ".join(f"{role} {cls} {n}" for (role, cls), n in sorted(tally.statuses.items())))
    for key, count in sorted(tally.failures.items()):
        print(f"  {count:4d}  {key[1]:10s} {key[2]} {tally.samples[key]}")
    assert len(tally.operations) >= 100
    for role in ROLES[1:]:  # each set of credentials got past the door somewhere (or the run proves little)
        assert tally.statuses[role, "2xx"] > 0, role
    assert not tally.failures, "\n".join(f"{k}: {v}" for k, v in sorted(tally.samples.items()))
