"""The permission matrix: every registry, account, audit and reference endpoint × every role.

For an allowed role the exact status is asserted; for a denied role the status, that no personal data leaked
into the body, and (for writes) that nothing was stored.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from factories.matrix import check_api_outcome, check_page_headers

from talentpool.accounts.models import User
from talentpool.api import api
from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.policies.approvals import policy_retire_request
from talentpool.policies.models import Objection, Policy, PolicyVersion
from talentpool.registry.models import CorrectionRequest, HouseholdMember, ImportJob, PropertyRecord

ROLES = ["anonymous", "talent", "enterprise", "officer", "officer_other", "admin"]

# (method, path template, {role: expected status}); roles not listed expect the page default denial.
PAGES = [
    ("get", "/registry/talents/", {"officer": 200, "officer_other": 200}),
    ("post", "/registry/talents/", {"officer": 302, "officer_other": 302}),
    ("get", "/registry/talents/{talent}/", {"officer": 200, "officer_other": 404}),
    ("post", "/registry/talents/{talent}/reveal/", {"officer": 302, "officer_other": 404}),
    ("get", "/registry/talents/{talent}/household/", {"officer": 200, "officer_other": 404}),
    ("post", "/registry/talents/{talent}/household/", {"officer": 302, "officer_other": 404}),
    ("post", "/registry/talents/{talent}/household/members/", {"officer": 302, "officer_other": 404}),
    ("post", "/registry/talents/{talent}/household/members/{member}/remove/", {"officer": 302, "officer_other": 404}),
    ("post", "/registry/talents/{talent}/household/properties/", {"officer": 302, "officer_other": 404}),
    ("post", "/registry/talents/{talent}/household/properties/{property}/remove/",
     {"officer": 302, "officer_other": 404}),
    ("get", "/registry/enterprises/", {"officer": 200, "officer_other": 200}),
    ("get", "/registry/enterprises/{enterprise}/", {"officer": 200, "officer_other": 404}),
    ("get", "/registry/me/", {"talent": 200}),
    ("get", "/registry/corrections/", {"officer": 200, "officer_other": 200}),
    ("get", "/registry/enterprises/pick.json", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/registry/talents/pick.json", {"admin": 200}),
    ("get", "/registry/accounts/{user}/link/", {"admin": 200}),
    ("post", "/registry/accounts/{user}/link/", {"admin": 302}),
    ("get", "/registry/corrections/{correction}/", {"officer": 200, "officer_other": 404}),
    ("post", "/registry/corrections/{correction}/", {"officer": 302, "officer_other": 404}),
    ("get", "/registry/my-enterprise/", {"enterprise": 200}),
    ("post", "/registry/my-enterprise/staff/{employment}/certify/", {"enterprise": 302}),
    ("get", "/registry/imports/", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/registry/imports/{job}/", {"officer": 200, "officer_other": 404, "admin": 200}),
    ("get", "/registry/imports/{job}/errors.xlsx", {"officer": 200, "officer_other": 404, "admin": 200}),
    ("get", "/registry/imports/{job}/progress.json", {"officer": 200, "officer_other": 404, "admin": 200}),
    ("post", "/registry/imports/{job}/resume/", {"officer": 302, "officer_other": 404, "admin": 302}),
    ("get", "/registry/imports/latest.json", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/registry/imports/template/talents.xlsx", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/policies/", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/policies/mine/", {"talent": 200}),
    ("post", "/policies/mine/{code}/object/", {"talent": 302}),
    ("get", "/policies/objections/", {"officer": 200, "officer_other": 200}),
    ("post", "/policies/objections/{objection}/answer/", {"officer": 302, "officer_other": 404}),
    ("get", "/policies/drafts/{draft}/", {"officer": 200, "officer_other": 200, "admin": 200}),
    # the living subsidy is owned by Xihu here (_policy_rows): the Yuhang officer reads it but may not change it
    ("post", "/policies/drafts/{draft}/publish/", {"officer": 302, "officer_other": 403}),
    ("post", "/policies/drafts/{draft}/discard/", {"officer": 302, "officer_other": 403}),
    ("post", "/policies/drafts/{draft}/check/", {"officer": 302, "officer_other": 403}),
    ("post", "/policies/versions/{version}/retire/", {"officer": 302, "officer_other": 403}),
    ("post", "/policies/approvals/{approval}/approve/", {"officer": 302, "officer_other": 404}),
    ("post", "/policies/approvals/{approval}/decline/", {"officer": 302, "officer_other": 404}),
    ("get", "/policies/explain/{talent}/{code}/", {"officer": 200, "officer_other": 404}),
    ("get", "/policies/in-kind/", {"officer": 200, "officer_other": 200}),
    ("get", "/policies/past-payments/", {"officer": 200, "officer_other": 200}),
    ("get", "/policies/past-payments/template.csv", {"officer": 200, "officer_other": 200}),
    ("get", "/policies/{code}/", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/policies/{code}/drafts/new/", {"officer": 200, "officer_other": 403}),
    ("get", "/accounts/users/", {"admin": 200}),
    ("get", "/accounts/users/new/", {"admin": 200}),
    ("get", "/accounts/users/{user}/", {"admin": 200}),
    ("post", "/accounts/users/{user}/password/", {"admin": 200}),
    ("post", "/accounts/users/{user}/unlock/", {"admin": 302}),
    ("get", "/audit/", {"admin": 200}),
    ("get", "/reference/", {"admin": 200}),
    ("post", "/reference/load/", {"admin": 302}),
    ("get", "/accounts/password/", {r: 200 for r in ROLES if r != "anonymous"}),
]

API = [
    ("get", "/api/v1/registry/talents", {"officer": 200, "officer_other": 200}),
    ("post", "/api/v1/registry/talents/search", {"officer": 200, "officer_other": 200}),
    ("get", "/api/v1/registry/talents/{talent}", {"officer": 200, "officer_other": 404}),
    ("post", "/api/v1/registry/talents/{talent}/reveal", {"officer": 200, "officer_other": 404}),
    ("get", "/api/v1/registry/me", {"talent": 200}),
    ("post", "/api/v1/registry/me/corrections", {"talent": 201}),
    ("get", "/api/v1/registry/enterprises", {"officer": 200, "officer_other": 200}),
    ("get", "/api/v1/registry/enterprises/{enterprise}", {"officer": 200, "officer_other": 404, "enterprise": 200}),
    ("get", "/api/v1/registry/my-enterprise/staff", {"enterprise": 200}),
    ("post", "/api/v1/registry/my-enterprise/staff/{employment}/certify", {"enterprise": 200}),
    ("post", "/api/v1/imports/", {"officer": 201, "officer_other": 201, "admin": 201}),
    ("get", "/api/v1/imports/", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", "/api/v1/imports/{job}", {"officer": 200, "officer_other": 404, "admin": 200}),
    ("get", "/api/v1/imports/{job}/errors", {"officer": 200, "officer_other": 404, "admin": 200}),
    ("post", "/api/v1/imports/{job}/resume", {"officer": 400, "officer_other": 404, "admin": 400}),  # finished
    ("get", "/api/v1/accounts/me", {r: 200 for r in ROLES if r != "anonymous"}),
    ("get", "/api/v1/audit/events", {"admin": 200}),
    ("get", "/api/v1/reference/divisions", {r: 200 for r in ROLES if r != "anonymous"}),
    ("get", "/api/v1/reference/universities", {r: 200 for r in ROLES if r != "anonymous"}),
    ("get", "/api/v1/reference/majors", {r: 200 for r in ROLES if r != "anonymous"}),
    ("get", "/api/v1/reference/industries", {r: 200 for r in ROLES if r != "anonymous"}),
    ("get", "/api/v1/reference/occupations", {r: 200 for r in ROLES if r != "anonymous"}),
    ("get", "/api/v1/reference/sources", {r: 200 for r in ROLES if r != "anonymous"}),
]

BODIES = {
    "/registry/talents/{talent}/household/members/": {"relation": "child", "name": "李小", "birth_date": "2020-01-01"},
    "/registry/talents/{talent}/household/properties/": {"division": "330106", "acquired_on": "2020-01-01"},
    "/registry/talents/{talent}/reveal/": {"reason": "核对身份"},
    "/api/v1/registry/talents/{talent}/reveal": {"reason": "核对身份"},
    "/api/v1/registry/me/corrections": {"message": "学历信息有误"},
    "/registry/corrections/{correction}/": {"decision": "reject", "answer": "证明材料不足"},
    "/registry/enterprises/pick.json": {"q": "西湖"},
    "/registry/talents/pick.json": {"q": "李"},
    "/registry/accounts/{user}/link/": {"talent": "{talent}"},
    "/api/v1/registry/talents/search": {"q": "李"},
    "/policies/mine/{code}/object/": {"message": "我认为我符合条件"},
    "/policies/objections/{objection}/answer/": {"answer": "已核实"},
    "/policies/approvals/{approval}/decline/": {"reason": "尚需核实"},
}


def _client(client, world, role):
    users = {"talent": world.talent_user, "enterprise": world.hr, "officer": world.officer,
             "officer_other": world.officer_other, "admin": world.admin}
    if role != "anonymous":
        client.force_login(users[role])
    return client


MULTIPART = {"/api/v1/imports/"}


def _path(template, world):
    employment = world.colleague.employments.get()
    job = ImportJob.objects.get_or_create(kind="talents", filename="人才.csv", sha256="0" * 64, district="330106",
                                          created_by=world.officer, status="done")[0]
    version, draft, objection = _policy_rows(world)
    approval = None
    if "{approval}" in template:  # a second Xihu officer asked to retire the version; the officer decides
        second = User.objects.create(username="officer_xh2", role="officer", scope_division="330106")
        approval = policy_retire_request(actor=second, version=version).pk
    correction = CorrectionRequest.objects.get_or_create(talent=world.talent, field="phone",
                                                         defaults={"requested_value": "13900000000"})[0]
    member = HouseholdMember.objects.get_or_create(talent=world.talent, relation="child", member_key="李大|2019-01-01",
                                                   defaults={"name": "李大", "birth_date": "2019-01-01"})[0]
    home = PropertyRecord.objects.get_or_create(talent=world.talent, division="330106", acquired_on="2019-01-01")[0]
    return template.format(member=member.pk, property=home.pk, correction=correction.pk, talent=world.talent.pk, enterprise=employment.enterprise_id, employment=employment.pk,
                           user=world.talent_user.pk, job=job.pk, code=version.policy.code, draft=draft.pk,
                           version=version.pk, objection=objection.pk, approval=approval)


def _policy_rows(world):
    """The living subsidy stored as published (its cases not run: fast), a draft of it and an objection."""
    from talentpool.policies.documents import SHIPPED_DIR, _split_documents

    if PolicyVersion.objects.exists():
        return (PolicyVersion.objects.get(version=2), PolicyVersion.objects.get(version=3), Objection.objects.get())
    text = _split_documents((SHIPPED_DIR / "hz-graduate-living.yaml").read_text(encoding="utf-8"))[-1]  # v2, in force
    text = text.replace("owner: 330100", "owner: 330106", 1)  # owned by Xihu here, so scope shows in the matrix
    policy = Policy.objects.create(code="hz-graduate-living", title_zh="杭州市应届高校毕业生生活补贴",
                                   owner_division="330106")
    version = PolicyVersion.objects.create(policy=policy, version=2, status="published", source=text,
                                           effective_from="2021-10-15", tests_passed=True)
    draft = PolicyVersion.objects.create(policy=policy, version=3, status="draft", based_on=version,
                                         source=text.replace("version: 2", "version: 3", 1),
                                         effective_from="2021-10-15", tests_passed=True)
    objection = Objection.objects.create(talent=world.talent, policy=policy, as_of="2025-01-01", message="我符合",
                                         explanation={"policy": "hz-graduate-living", "verdict": "no"})
    return version, draft, objection


def _state():
    return (ChangeRecord.objects.count(), CorrectionRequest.objects.count(),
            CorrectionRequest.objects.filter(status="open").count(), ImportJob.objects.count(),
            Objection.objects.count(), list(PolicyVersion.objects.order_by("pk").values_list("status", flat=True)),
            Objection.objects.filter(status="answered").count(),
            AuditEvent.objects.exclude(action="search_registry").count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), PAGES, ids=[p[1] + ":" + p[0] for p in PAGES])
def test_page_matrix(client, world, role, method, template, allowed):
    c = _client(client, world, role)
    path = _path(template, world)
    before = _state()
    body = {k: _path(v, world) for k, v in BODIES.get(template, {}).items()}
    response = getattr(c, method)(path, body)
    check_page_headers(response)
    if role in allowed:
        assert response.status_code == allowed[role], (role, path, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (role, path, response.status_code)
    if role not in allowed or allowed[role] == 404:
        body = response.content.decode()
        assert world.talent.name not in body and world.talent.id_masked not in body
        assert _state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), API, ids=[p[1] + ":" + p[0] for p in API])
def test_api_matrix(client, world, role, method, template, allowed):
    c = _client(client, world, role)
    path = _path(template, world)
    before = _state()
    kwargs = {"data": BODIES[template], "content_type": "application/json"} if template in BODIES else {}
    if template in MULTIPART:
        csv = SimpleUploadedFile("人才.csv", "姓名,证件号码\n".encode())
        kwargs = {"data": {"kind": "talents", "file": csv}}
    response = getattr(c, method)(path, **kwargs)
    check_api_outcome(response, role=role, allowed=allowed, path=path, secret=world.talent.name, before=before,
                      state=_state)


def _url_patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _url_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_every_page_and_endpoint_is_in_the_matrix():
    """A new URL or API operation must be added to the matrix above (or to the public list) to pass."""
    public = {"accounts/login/", "accounts/logout/", "accounts/password/done/", "i18n/setlang/", "", "healthz",
              "favicon.ico"}
    listed = {t.strip("/").replace("{talent}", "<int:pk>").replace("{enterprise}", "<int:pk>")
              .replace("{user}", "<int:pk>").replace("{employment}", "<int:employment_id>").replace("{job}", "<int:pk>")
              .replace("template/talents.xlsx", "template/<str:kind>.xlsx").replace("{code}", "<str:code>")
              .replace("{draft}", "<int:pk>").replace("{version}", "<int:pk>").replace("{objection}", "<int:pk>")
              .replace("{approval}", "<int:pk>").replace("{correction}", "<int:pk>")
              .replace("{member}", "<int:member_id>").replace("{property}", "<int:record_id>")
              .replace("explain/<int:pk>/", "explain/<int:talent_pk>/") for _, t, _ in PAGES}
    missing = []
    for route, _pattern in _url_patterns(get_resolver()):
        if route.startswith("api/v1/") or route in public:
            continue
        if route.strip("/") not in listed and route not in OTHER_APPS_ROUTES and not route.startswith(OTHER_APPS_PREFIXES):
            missing.append(route)
    assert missing == []
    schema = api.get_openapi_schema()
    operations = {(m, path) for path, ops in schema["paths"].items() for m in ops}
    listed_api = {(m, t.replace("{talent}", "{pk}").replace("{enterprise}", "{pk}").replace("{job}", "{pk}")
                   .replace("{employment}", "{employment_id}")) for m, t, _ in API}
    assert {op for op in operations if op not in listed_api and op[1] not in OTHER_APPS_API
            and not op[1].startswith(OTHER_APPS_PREFIXES)} == set()


# Routes whose permission matrices live with their own apps' tests (which check they list every one of them).
OTHER_APPS_PREFIXES = ("payments/", "notices/", "recruitment/", "/api/v1/payments/", "/api/v1/recruitment/",
                       "fairs/", "services/", "bookings/", "insights/", "/api/v1/fairs/", "/api/v1/services/",
                       "/api/v1/bookings/", "/api/v1/insights/")
OTHER_APPS_ROUTES: set[str] = set()
OTHER_APPS_API: set[str] = {  # tests/integration/policies/test_api_and_cli.py holds their matrix
    "/api/v1/policies/", "/api/v1/policies/me", "/api/v1/policies/me/objections", "/api/v1/policies/objections",
    "/api/v1/policies/objections/{pk}/answer", "/api/v1/policies/drafts/{pk}/publish", "/api/v1/policies/drafts/{pk}",
    "/api/v1/policies/drafts/{pk}/check",
    "/api/v1/policies/versions/{pk}/retire", "/api/v1/policies/{code}", "/api/v1/policies/{code}/drafts",
    "/api/v1/policies/{code}/whatif", "/api/v1/policies/{code}/explain", "/api/v1/policies/approvals",
    "/api/v1/policies/approvals/{pk}/approve", "/api/v1/policies/approvals/{pk}/decline",
    "/api/v1/policies/in-kind", "/api/v1/policies/in-kind/issue",  # tests/integration/payments/test_in_kind.py
    "/api/v1/policies/past-payments",  # tests/integration/payments/test_past_payments.py
}
