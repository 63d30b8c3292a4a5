"""The permission matrix of the recruitment API: every operation × every role (talent 李明, the enterprise 李明
applied to, another enterprise, the district's officer, another district's officer, an administrator,
anonymous). An allowed role gets exactly its status; a denied one gets 401/403 (404 when the record is outside
its reach) with 李明's name nowhere in the answer and nothing changed. Each operation runs in a savepoint rolled
back afterwards, so one world serves every operation of a role.

The partner API answers to a partner key, not to a session: every session role gets 401 there (its key scopes
are tested in test_partner.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client

from talentpool.core.models import AuditEvent, Notice
from talentpool.recruitment.matching import index_reset
from talentpool.recruitment.models import (
    Application,
    ApplicationNote,
    Interview,
    Job,
    JobProfile,
    Partner,
    PipelineSettings,
    StageChange,
)
from talentpool.registry.models import Employment

from .conftest import SOFTWARE_JOB, TODAY, future

API = "/api/v1/recruitment"
ROLES = ["anonymous", "talent", "enterprise", "enterprise_other", "officer", "officer_other", "admin"]
SESSION_ROLES = ROLES[1:]
FIRMS = {"enterprise": 200, "enterprise_other": 200}
OWN = {"enterprise": 200, "enterprise_other": 404}
KEY_ONLY: dict[str, int] = {}  # partner API: 401 for every session


def _soon(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


STAGES = {"stages": [{"code": "applied", "zh": "已投递", "en": "Applied"},
                     {"code": "interview", "zh": "面试", "en": "Interview"},
                     {"code": "offer", "zh": "录用通知", "en": "Offer"},
                     {"code": "hired", "zh": "已入职", "en": "Hired"}]}

# (method, path, body, allowed statuses by role)
OPERATIONS = [
    ("get", "/jobs", None, {"talent": 200, **FIRMS, "officer": 200, "officer_other": 200}),
    ("post", "/jobs", SOFTWARE_JOB | {"title": "新岗位"}, {"enterprise": 201, "enterprise_other": 201}),
    ("get", "/jobs/{job}", None, {"talent": 200, **OWN, "officer": 200, "officer_other": 404}),
    ("patch", "/jobs/{job}", {"title": "改过的标题"}, OWN),
    ("post", "/jobs/{job}/status", {"status": "paused"}, OWN),
    ("post", "/jobs/{job}/moderate", {"hidden": True, "note": "信息不实"}, {"officer": 200, "officer_other": 404}),
    ("get", "/jobs/{job}/candidates", None, OWN),
    ("get", "/jobs/{job}/pipeline", None, OWN),
    ("post", "/jobs/{job_open}/apply", {"message": "你好"}, {"talent": 201}),
    ("get", "/pipeline-stages", None, FIRMS),
    ("put", "/pipeline-stages", STAGES, FIRMS),
    ("get", "/me/profile", None, {"talent": 200}),
    ("put", "/me/profile", {"resume": "熟悉Java", "consent_search": True}, {"talent": 200}),
    ("get", "/me/recommended", None, {"talent": 200}),
    ("get", "/me/applications", None, {"talent": 200}),
    ("get", "/me/interviews", None, {"talent": 200}),
    ("post", "/me/applications/{app}/withdraw", {"reason": "已找到工作"}, {"talent": 200}),
    ("post", "/me/applications/{offer_app}/accept-offer", None, {"talent": 200}),
    ("post", "/me/interviews/{interview}/accept", None, {"talent": 200}),
    ("get", "/applications", None, {**FIRMS, "officer": 200, "officer_other": 200}),
    ("get", "/applications/{app}", None, {"talent": 200, **OWN, "officer": 200, "officer_other": 404}),
    ("post", "/applications/{app}/move", {"to": "offer"}, OWN),
    ("post", "/applications/{app}/notes", {"text": "沟通顺畅"}, {"enterprise": 201, "enterprise_other": 404}),
    ("post", "/applications/{app}/interviews",
     {"starts_at": "{t1}", "ends_at": "{t2}", "video_link": "https://meet.example.com/x"},
     {"enterprise": 201, "enterprise_other": 404}),
    ("post", "/applications/{app}/offer", {"start_date": "{d20}", "salary": 16000}, OWN),
    ("post", "/applications/{offer_app}/hire", {}, OWN),
    ("post", "/interviews/{interview}/reschedule", {"starts_at": "{t1}", "ends_at": "{t2}"}, OWN),
    ("post", "/interviews/{interview}/cancel", {"reason": "改期"}, OWN),
    ("post", "/interviews/{interview}/complete", None, OWN),
    ("get", "/interviews/{interview}.ics", None, {"talent": 200, **OWN}),
    ("get", "/candidates", None, FIRMS),
    ("get", "/candidates/{talent}", None, OWN),
    ("get", "/overview", None, {"officer": 200, "officer_other": 200}),
    ("get", "/partners", None, {"admin": 200}),
    ("post", "/partners", {"name": "猎头公司", "scopes": ["jobs:read"]}, {"admin": 201}),
    ("post", "/partners/{partner}/deactivate", None, {"admin": 200}),
    ("get", "/partners/{partner}/exchanges", None, {"admin": 200}),
    ("get", "/partner/jobs", None, KEY_ONLY),
    ("post", "/partner/jobs", SOFTWARE_JOB, KEY_ONLY),
    ("get", "/partner/jobs/{job}", None, KEY_ONLY),
    ("patch", "/partner/jobs/{job}", {"title": "x"}, KEY_ONLY),
    ("get", "/partner/candidates", None, KEY_ONLY),
]


def _state():
    return (
        list(Job.objects.order_by("pk").values_list("pk", "title", "status", "hidden")),
        list(Application.objects.order_by("pk").values_list("pk", "stage", "outcome", "offer_sent_at",
                                                            "offer_accepted_at")),
        StageChange.objects.count(), ApplicationNote.objects.count(),
        list(Interview.objects.order_by("pk").values_list("pk", "status", "sequence", "starts_at")),
        Employment.objects.count(),
        list(JobProfile.objects.order_by("pk").values_list("pk", "resume", "consent_search")),
        PipelineSettings.objects.count(),
        list(Partner.objects.order_by("pk").values_list("pk", "active")),
        Notice.objects.count(),
        AuditEvent.objects.count(),
    )


def _fill(value, ids: dict):
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(rec, role):
    w = rec.world
    users = {"talent": w.talent_user, "enterprise": w.hr, "enterprise_other": w.hr_other, "officer": w.officer,
             "officer_other": w.officer_other, "admin": w.admin}
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(users[role])
    ids = {"job": rec.job.pk, "job_open": rec.job_open.pk, "app": rec.application.pk,
           "offer_app": rec.offer_application.pk, "interview": rec.interview.pk, "talent": w.talent.pk,
           "partner": rec.partner.pk, "t1": future(4, 14).isoformat(), "t2": future(4, 15).isoformat(),
           "d20": _soon(20)}
    secret = w.talent.name
    problems = []
    for method, template, body, allowed in OPERATIONS:
        path = API + template.format(**ids)
        index_reset()  # the rolled-back savepoints would confuse a process-wide index
        with transaction.atomic():
            before = _state()
            kwargs = {"data": _fill(body, ids), "content_type": "application/json"} if body is not None else {}
            response = getattr(client, method)(path, **kwargs)
            status = response.status_code
            if template.startswith("/partner/"):
                expected = 401
            elif role in allowed:
                expected = allowed[role]
            else:
                expected = 401 if role == "anonymous" else 403
            if status != expected:
                problems.append(f"{role} {method} {path}: {status} (expected {expected}) {response.content[:200]!r}")
            elif role not in allowed or allowed[role] == 404:
                error = response.json()["error"]["code"]
                if error not in {"unauthenticated", "forbidden", "not_found"}:
                    problems.append(f"{role} {method} {path}: error code {error}")
                if secret in response.content.decode():
                    problems.append(f"{role} {method} {path}: leaked the talent's name")
                if _state() != before:
                    problems.append(f"{role} {method} {path}: changed something")
            transaction.set_rollback(True)
    assert problems == []


def test_every_recruitment_operation_is_in_the_matrix():
    """A new recruitment endpoint must be added to OPERATIONS above to pass."""
    from talentpool.api import api

    schema = api.get_openapi_schema()
    operations = {(m, re.sub(r"\{\w+\}", "{}", p)) for p, ops in schema["paths"].items()
                  if p.startswith(API + "/") for m in ops}
    listed = {(m, re.sub(r"\{\w+\}", "{}", API + t)) for m, t, _b, _a in OPERATIONS}
    assert operations == listed


def test_an_enterprise_never_reaches_a_talent_who_neither_consented_nor_applied(rec):
    """王芳 has a profile without consent and applied nowhere; 李明 applied only to 西湖智造."""
    w = rec.world
    other = Client()
    other.force_login(w.hr_other)
    assert other.get(f"{API}/candidates/{w.talent.pk}").status_code == 404
    assert other.get(f"{API}/candidates/{w.colleague.pk}").status_code == 404
    listed = other.get(f"{API}/candidates").json()
    assert {c["id"] for c in listed["items"]} == {w.talent_other_district.pk}
    ranked = other.get(f"{API}/jobs/{rec.job_other.pk}/candidates").json()
    assert {c["talent"]["id"] for c in ranked} <= {w.talent_other_district.pk}
    assert w.talent.name not in str(ranked) and w.colleague.name not in str(listed)
    own = Client()
    own.force_login(w.hr)
    assert own.get(f"{API}/candidates/{w.talent.pk}").status_code == 200
    assert own.get(f"{API}/candidates/{w.colleague.pk}").status_code == 404
    listed = own.get(f"{API}/candidates").json()
    assert {c["id"] for c in listed["items"]} == {w.talent.pk, w.talent_other_district.pk}
    assert own.get(f"{API}/applications?job={rec.job_other.pk}").json()["count"] == 0  # another firm's job
