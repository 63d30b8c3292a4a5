"""The policy API by role (allowed result exactly; for a denial, nothing changed and nothing leaked) and the
CLI's exit codes and summary line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from factories.matrix import check_api_outcome
from factories.policies import publish_living_policy, run_draft_checks

from talentpool.core.crypto import decrypt_text
from talentpool.core.models import AuditEvent
from talentpool.engines.policy import parse_documents
from talentpool.policies.models import Objection, PolicyApproval, PolicyVersion

CODE = "hz-graduate-living"
ROLES = ["anonymous", "talent", "enterprise", "officer", "officer_other", "admin"]
API = [
    ("get", "/api/v1/policies/", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("get", f"/api/v1/policies/{CODE}", {"officer": 200, "officer_other": 200}),
    # the living subsidy is owned by Xihu here (living fixture): the Yuhang officer may read it, not change it
    ("post", f"/api/v1/policies/{CODE}/drafts", {"officer": 201, "officer_other": 403}),
    ("post", "/api/v1/policies/drafts/{draft}/publish", {"officer": 202, "officer_other": 403}),
    ("put", "/api/v1/policies/drafts/{draft}", {"officer": 200, "officer_other": 403}),
    ("get", "/api/v1/policies/drafts/{draft}/check", {"officer": 200, "officer_other": 200, "admin": 200}),
    ("post", "/api/v1/policies/drafts/{draft}/check", {"officer": 202, "officer_other": 403}),
    ("post", "/api/v1/policies/versions/{v1}/retire", {"officer": 202, "officer_other": 403}),
    ("get", "/api/v1/policies/approvals", {"officer": 200, "officer_other": 200}),
    ("post", "/api/v1/policies/approvals/{approval}/approve", {"officer": 200, "officer_other": 404}),
    ("post", "/api/v1/policies/approvals/{approval}/decline", {"officer": 200, "officer_other": 404}),
    ("post", f"/api/v1/policies/{CODE}/whatif", {"officer": 200, "officer_other": 200}),
    ("get", f"/api/v1/policies/{CODE}/explain?talent_id={{talent}}&as_of=2025-03-01", {"officer": 200, "officer_other": 404}),
    ("get", "/api/v1/policies/me?as_of=2025-03-01", {"talent": 200}),
    ("post", "/api/v1/policies/me/objections", {"talent": 201}),
    ("get", "/api/v1/policies/objections", {"officer": 200, "officer_other": 200}),
    ("post", "/api/v1/policies/objections/{objection}/answer", {"officer": 200, "officer_other": 404}),
]
BODIES = {
    f"/api/v1/policies/{CODE}/drafts": {"parameter_values": {"age_limit": [{"from": "2019-06-03", "value": 36}]}},
    f"/api/v1/policies/{CODE}/whatif": {"as_of": "2025-03-01",
                                       "parameter_values": {"window_months": [{"from": "2019-06-03", "value": 36}]}},
    "/api/v1/policies/me/objections": {"policy": CODE, "message": "我认为我符合条件", "as_of": "2025-03-01"},
    "/api/v1/policies/objections/{objection}/answer": {"answer": "已核实"},
    "/api/v1/policies/approvals/{approval}/decline": {"reason": "尚需核实"},
}


def _state():
    return (list(PolicyVersion.objects.order_by("pk").values_list("pk", "status", "source")),
            list(Objection.objects.values_list("pk", "status")),
            list(PolicyApproval.objects.values_list("pk", "status")), AuditEvent.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), API, ids=[a[1] + ":" + a[0] for a in API])
def test_api_matrix(client, world, make_user, role, method, template, allowed):
    from talentpool.eligibility.services import objection_raise
    from talentpool.policies.approvals import policy_retire_request
    from talentpool.policies.services import policy_draft_create

    v1 = publish_living_policy(owner="330106")
    draft = policy_draft_create(actor=world.officer, version=v1)
    if "/drafts/{draft}/" in template:  # its checks and publishing read the checks' outcome
        run_draft_checks()  # as the task does once the draft's transaction commits
    approval = None
    if "{approval}" in template:  # a second Xihu officer asked to retire v1; the officer decides
        approval = policy_retire_request(actor=make_user("officer", scope_division="330106"), version=v1).pk
    objection = objection_raise(talent=world.talent, policy_code=CODE, message="请核实",
                                as_of=__import__("datetime").date(2025, 3, 1))
    users = {"talent": world.talent_user, "enterprise": world.hr, "officer": world.officer,
             "officer_other": world.officer_other, "admin": world.admin}
    if role != "anonymous":
        client.force_login(users[role])
    path = template.format(draft=draft.pk, v1=v1.pk, talent=world.talent.pk, objection=objection.pk,
                           approval=approval)
    body = BODIES.get(template)
    if template.endswith("/drafts/{draft}"):
        body = {"source": draft.source.replace("value: 35", "value: 37")}
    before = _state()
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(path, **kwargs)
    check_api_outcome(response, role=role, allowed=allowed, path=path, secret=world.talent.name, before=before,
                      state=_state)


@pytest.mark.django_db
def test_api_results(client, world, shipped, make_user):
    city = make_user("officer", scope_division="330100")  # the city's policies are changed by city officers
    client.force_login(city)
    v1 = PolicyVersion.objects.get(policy__code=CODE, version=2)  # the version in force (v1 ended 2021-10-14)
    rows = client.get("/api/v1/policies/").json()
    assert {r["code"]: r["current"]["version"] for r in rows}[CODE] == 2
    detail = client.get(f"/api/v1/policies/{CODE}").json()
    assert detail["current"]["parameters"][0]["values"][0]["from"] == "2019-06-03"
    assert sorted(v["version"] for v in detail["versions"]) == [1, 2]
    bad = client.post(f"/api/v1/policies/{CODE}/drafts", {"source": v1.source.replace("degree_rank >= 2", "salary > 1")},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "policy_invalid"
    assert bad.json()["error"]["problems"][0]["line"] > 1 and "salary" in bad.json()["error"]["problems"][0]["message"]
    explained = client.get(f"/api/v1/policies/{CODE}/explain?talent_id={world.talent.pk}&as_of=2025-03-01").json()
    assert (explained["verdict"], explained["amount"]) == ("yes", "30000.00")
    assert AuditEvent.objects.filter(action="view_person", subject_talent_id=world.talent.pk,
                                     detail__channel="api:policy-explain", actor=city).count() == 1
    w = client.post(f"/api/v1/policies/{CODE}/whatif", {"as_of": "2025-03-01", "parameter_values": {
        "graduated_on_or_after": [{"from": "2019-06-03", "value": "2024-07-01"}]}}, content_type="application/json").json()
    assert (w["lost"], w["budget_change"]) == (1, "-30000.00")
    # the what-if for one person: explain as if a parameter had another value (nothing stored)
    url = f"/api/v1/policies/{CODE}/explain?talent_id={world.talent.pk}&as_of=2025-03-01"
    what = client.get(url + "&set=graduated_on_or_after=2024-07-01").json()
    assert (what["verdict"], what["overrides"]) == ("no", {"graduated_on_or_after": "2024-07-01"})
    assert next(c for c in what["criteria"] if c["id"] == "graduated_since")["status"] == "fail"
    assert client.get(url).json()["verdict"] == "yes"
    bad = client.get(url + "&set=no_such_parameter=1")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "parameter_unknown"
    bad = client.get(url + "&set=part_time_postgrad_counts=perhaps")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "parameter_invalid"
    page = client.get(f"/policies/explain/{world.talent.pk}/{CODE}/?as_of=2025-03-01&set=graduated_on_or_after=2024-07-01")
    assert page.status_code == 200 and page.context["x"].verdict == "no"
    assert "graduated_on_or_after=2024-07-01" in page.content.decode()
    page = client.get(f"/policies/explain/{world.talent.pk}/{CODE}/?as_of=2025-03-01&set=oops")
    assert page.status_code == 200 and page.context["override_error"] and page.context["x"].verdict == "yes"
    # the page lists the policy's parameters with the values in force as the what-if's inputs
    base = f"/policies/explain/{world.talent.pk}/{CODE}/?as_of=2025-03-01"
    page = client.get(base)
    listed = {p["name"]: p for p in page.context["parameters"]}
    assert (listed["amount_master"]["current"], listed["amount_master"]["unit"]) == ("30000.00", "元")
    assert listed["part_time_postgrad_counts"]["current"] == "false" and 'id="whatif-parameters"' in page.content.decode()
    page = client.get(base + "&p_graduated_on_or_after=2024-07-01&p_amount_master=30000.00&p_window_months=")
    assert page.context["x"].verdict == "no" and page.context["x"].overrides == {"graduated_on_or_after": "2024-07-01"}
    assert {p["name"]: p["set"] for p in page.context["parameters"]}["graduated_on_or_after"] == "2024-07-01"
    page = client.get(base + "&p_amount_master=45000")
    assert (page.context["x"].verdict, str(page.context["x"].amount)) == ("yes", "45000.00")
    client.force_login(world.talent_user)
    mine = client.get("/api/v1/policies/me?as_of=2025-03-01").json()
    assert next(p for p in mine["policies"] if p["policy"] == CODE)["verdict"] == "yes"


def _run(*args):
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


@pytest.mark.django_db
def test_cli_test_sync_whatif_and_explain(world, shipped):
    code, out = _run("policies", "test", CODE)
    assert code == 0 and out.strip().splitlines()[-1].endswith(" passed, 0 failed")
    passed = int(out.strip().splitlines()[-1].split()[0])
    # a published version with a failing case fails the run, naming policy, version and case
    v1 = PolicyVersion.objects.get(policy__code=CODE, version=2)
    v1.source = v1.source.replace('value: "10000.00"', 'value: "12000.00"')
    v1.save()
    code, out = _run("policies", "test", CODE)
    lines = out.strip().splitlines()
    cases = len(parse_documents(v1.source)[0].tests)
    # the shipped cases, plus the changed published version's (one of them now failing)
    assert code == 1 and lines[-1] == f"{passed + cases - 1} passed, 1 failed"
    assert lines[0].startswith(f"FAIL {CODE} v2 (published)") and "amount 12000.00 (expected 10000.00)" in out
    code, out = _run("policies", "sync")
    # the changed stored text was not the one the sync stored: the shipped text waits as a draft instead
    assert code == 0 and "1 drafted" in out.strip().splitlines()[-1] and "updated" not in out.splitlines()[0]
    code, out = _run("policies", "whatif", CODE, "--set", "graduated_on_or_after=2024-07-01", "--as-of", "2025-03-01",
                     "--json")
    assert code == 0 and json.loads(out)["lost"] == 1
    number = decrypt_text(world.talent.id_number_encrypted)
    code, out = _run("eligibility", "explain", "--talent", number, "--policy", CODE, "--as-of", "2025-03-01")
    assert code == 0 and "结论: 符合" in out and "30,000.00 元" in out and number not in out
    code, out = _run("eligibility", "explain", "--talent", number, "--policy", CODE, "--as-of", "2025-03-01",
                     "--lang", "en")
    assert "Verdict: eligible" in out and "[pass] bachelor's degree or higher" in out
    code, out = _run("eligibility", "explain", "--talent", number, "--policy", CODE, "--as-of", "2025-03-01", "--json")
    assert json.loads(out)["verdict"] == "yes" and json.loads(out)["arose_on"] == "2024-07-01"
    code, out = _run("eligibility", "explain", "--talent", number, "--policy", CODE, "--as-of", "2025-03-01", "--json",
                     "--set", "graduated_on_or_after=2024-07-01")
    assert (json.loads(out)["verdict"], json.loads(out)["overrides"]) == ("no", {"graduated_on_or_after": "2024-07-01"})
