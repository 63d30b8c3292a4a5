"""The payments API end to end, through the real endpoints: a run over the shipped living subsidy, decisions,
a batch under the two-person rule, the bank file, the bank's return file, retries, corrections, review routes,
the talent's own page and notices, and what other roles and other districts cannot see or do.

The module runs with real transactions (``transaction=True``): a run and the notice emails start on commit, as
in production, and the test settings' in-process task runner finishes them before the response is written."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories.policies import publish_living_policy
from factories.registry import make_talent
from factories.world import build_world
from openpyxl import load_workbook
from stdnum import luhn

from talentpool.accounts.models import Role, User
from talentpool.core.crypto import decrypt_text
from talentpool.core.models import AuditEvent, Notice
from talentpool.eligibility.models import Entitlement, ReviewRoute, Run
from talentpool.payments.models import BankAccount, PaymentBatch, ReturnImport
from talentpool.policies.selectors import policy_cache_clear
from talentpool.registry.models import Education, Employment, Enterprise, InsuranceRecord, Talent

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/payments"
LIVING = "hz-graduate-living"
AS_OF = "2025-03-01"  # the first half of the living subsidy (due 2025-01-01) is ready for July 2024 starters


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    policy_cache_clear()
    yield
    policy_cache_clear()


def _account_number(prefix: str) -> str:
    """A 19-digit card number with a valid check digit."""
    return prefix + luhn.calc_check_digit(prefix)


@dataclass
class People:
    officer: User
    officer2: User  # a second officer of the same district
    officer_other: User
    admin: User
    hr: User
    liming: Talent  # master: 15,000.00 now (half of 30,000), has an account with an email
    liming_user: User
    chenjing: Talent  # tier A: her line needs manual review
    chenjing_user: User
    sunlei: Talent
    sunlei_user: User
    zhouyang: Talent  # no account
    wangfang: Talent  # no education on file: the run cannot decide
    other: Talent  # another district


def _graduate(name: str, *, degree: str = "bachelor", tier: str = "", user: User | None = None) -> Talent:
    employer = Enterprise.objects.get(name="西湖智造科技有限公司")
    talent = make_talent(
        name=name,
        district="330106",
        birth=date(2000, 1, 5),
        tier=tier,
        user=user,
        arrival_date=date(2024, 7, 1),
    )
    Education.objects.create(
        talent=talent,
        degree=degree,
        university_code="4133010335",
        major_code="080901",
        graduation_date=date(2024, 6, 30),
    )
    Employment.objects.create(
        talent=talent, enterprise=employer, start_date=date(2024, 7, 15), position="工程师"
    )
    InsuranceRecord.objects.create(
        talent=talent, from_month=date(2024, 7, 1), to_month=date(2025, 6, 1), division="330106"
    )
    return talent


@pytest.fixture
def people(transactional_db, make_user) -> People:
    world = build_world()
    publish_living_policy()
    world.talent_user.email = "grad@example.com"
    world.talent_user.save(update_fields=["email"])
    chenjing_user = make_user(Role.TALENT, username="chenjing", email="chenjing@example.com")
    sunlei_user = make_user(Role.TALENT, username="sunlei", email="")
    return People(
        officer=world.officer,
        officer2=make_user(Role.OFFICER, username="officer2"),
        officer_other=world.officer_other,
        admin=world.admin,
        hr=world.hr,
        liming=world.talent,
        liming_user=world.talent_user,
        chenjing=_graduate("陈静", tier="A", user=chenjing_user),
        chenjing_user=chenjing_user,
        sunlei=_graduate("孙磊", user=sunlei_user),
        sunlei_user=sunlei_user,
        zhouyang=_graduate("周洋"),
        wangfang=world.colleague,
        other=world.talent_other_district,
    )


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
    return client


def _post(client: Client, path: str, body: dict | None = None):
    return client.post(API + path, body or {}, content_type="application/json")


def _put(client: Client, path: str, body: dict):
    return client.put(API + path, body, content_type="application/json")


def _run(client: Client) -> dict:
    response = _post(client, "/runs", {"as_of": AS_OF, "policies": [LIVING]})
    assert response.status_code == 201, response.content
    return response.json()


def _lines(client: Client, **filters) -> dict[str, dict]:
    """The officer's lines of every status, by talent name."""
    query = "&".join(f"{k}={v}" for k, v in {"status": "", **filters}.items())
    body = client.get(f"{API}/entitlements?{query}").json()
    return {item["talent"]["name"]: item for item in body["items"]}


def _error(response) -> dict:
    return response.json()["error"]


def _set_account(user: User, talent: Talent, number: str) -> dict:
    response = _put(
        _client(user),
        "/me/bank-account",
        {"holder": talent.name, "bank_name": "中国银行杭州西湖支行", "number": number},
    )
    assert response.status_code == 200, response.content
    return response.json()


def _return_csv(rows: list[list[str]]) -> SimpleUploadedFile:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["参考号", "金额", "结果", "原因", "日期"])
    writer.writerows(rows)
    return SimpleUploadedFile("return.csv", buf.getvalue().encode("utf-8"), content_type="text/csv")


def _approved_batch_ready(people: People, settings) -> tuple[Client, dict[str, dict], dict]:
    """Run, approve 李明, 陈静 and 孙磊, give them bank accounts, batch them, second approval, export the file.
    Returns the payment officer's client, the lines by name and the batch."""
    settings.TALENTPOOL_TWO_PERSON_ABOVE = "10000.00"
    officer = _client(people.officer)
    _run(officer)
    lines = _lines(officer)
    assert (
        _post(officer, "/entitlements/approve", {"ids": [lines["李明"]["id"], lines["孙磊"]["id"]]}).json()[
            "done"
        ]
        == 2
    )
    assert _post(officer, "/entitlements/approve", {"ids": [lines["陈静"]["id"]]}).json()["done"] == 1
    for user, talent, prefix in (
        (people.liming_user, people.liming, "621700123456789012"),
        (people.chenjing_user, people.chenjing, "621700123456789034"),
        (people.sunlei_user, people.sunlei, "621700123456789056"),
    ):
        _set_account(user, talent, _account_number(prefix))
    batch = _post(officer, "/batches", {}).json()
    assert batch["status"] == "awaiting"
    people.officer2.is_payment_officer = True
    people.officer2.save(update_fields=["is_payment_officer"])
    payer = _client(people.officer2)
    assert _post(payer, f"/batches/{batch['id']}/approve").status_code == 200
    assert payer.get(f"{API}/batches/{batch['id']}/file?format=csv").status_code == 200
    assert _post(payer, f"/batches/{batch['id']}/sent").status_code == 200
    return payer, _lines(officer), payer.get(f"{API}/batches/{batch['id']}").json()


# --- runs -----------------------------------------------------------------------------------------------------------


def test_a_run_through_the_api_counts_the_new_lines_and_a_rerun_finds_them_unchanged(people):
    officer = _client(people.officer)
    run = _run(officer)
    # five people in 西湖区: four graduates are due the first half, 王芳 has no education on file
    assert (run["status"], run["trigger"], run["scope"], run["policies"]) == (
        "done",
        "api",
        "330106",
        [LIVING],
    )
    assert run["summary_line"] == "5 evaluated: 4 new, 0 unchanged, 0 withdrawn, 1 cannot decide"
    assert (run["evaluated"], run["new"], run["unchanged"], run["undecided"]) == (5, 4, 0, 1)
    assert run["as_of"] == AS_OF and run["started_by"] == "officer" and run["finished_at"] is not None
    (policy,) = run["report"]["policies"]
    assert (policy["code"], policy["new"], policy["amount_new"]) == (LIVING, 4, "30000.00")
    again = _run(officer)
    assert again["summary_line"] == "5 evaluated: 0 new, 4 unchanged, 0 withdrawn, 1 cannot decide"
    assert again["report"]["previous_run"] == run["id"]
    listed = officer.get(f"{API}/runs").json()
    assert [r["id"] for r in listed] == [again["id"], run["id"]]
    assert "report" not in listed[0]
    assert officer.get(f"{API}/runs/{run['id']}").json()["report"]["policies"][0]["evaluated"] == 5
    assert Entitlement.objects.count() == 4


def test_a_run_refuses_a_policy_not_in_force_and_other_districts_do_not_see_runs(people):
    officer = _client(people.officer)
    bad = _post(officer, "/runs", {"as_of": AS_OF, "policies": ["no-such-policy"]})
    assert bad.status_code == 400
    assert (_error(bad)["code"], _error(bad)["field"]) == ("policy_not_in_force", "policy")
    assert Run.objects.count() == 0
    run = _run(officer)
    other = _client(people.officer_other)
    assert other.get(f"{API}/runs").json() == []
    assert other.get(f"{API}/runs/{run['id']}").status_code == 404
    # officer_other's own run covers 330110 only: 赵强 there, and none of 西湖区's lines
    theirs = _run(other)
    assert (theirs["scope"], theirs["evaluated"]) == ("330110", 1)
    assert not Entitlement.objects.filter(talent=people.other).exists()


# --- the queue and decisions ----------------------------------------------------------------------------------------


def test_the_queue_filters_and_shows_masked_ids_only(people):
    officer = _client(people.officer)
    _run(officer)
    page = officer.get(f"{API}/entitlements").json()  # candidates by default
    assert (page["count"], page["amount_total"], page["review"]) == (4, "30000.00", 1)
    by_name = {i["talent"]["name"]: i for i in page["items"]}
    assert set(by_name) == {"李明", "陈静", "孙磊", "周洋"}
    liming = by_name["李明"]
    assert (liming["policy"], liming["version"], liming["instalment"], liming["amount"], liming["due"]) == (
        LIVING,
        2,
        1,
        "15000.00",
        "2025-01-01",
    )
    assert liming["talent"] == {"id": people.liming.pk, "name": "李明", "id_masked": people.liming.id_masked}
    assert liming["flags"] == {
        "first_time": True,
        "changed": False,
        "review_required": False,
        "assigned_to": None,
        "flag": "",
        "imported": False,
    }
    assert liming["reference"] == f"E{liming['id']:010d}" and liming["batch"] is None
    assert by_name["陈静"]["flags"]["review_required"] is True
    for talent in (people.liming, people.chenjing, people.sunlei, people.zhouyang):
        assert (
            decrypt_text(talent.id_number_encrypted)
            not in officer.get(f"{API}/entitlements").content.decode()
        )
    only_review = officer.get(f"{API}/entitlements?review=yes").json()
    assert [i["talent"]["name"] for i in only_review["items"]] == ["陈静"]
    assert officer.get(f"{API}/entitlements?review=no").json()["count"] == 3
    assert [i["talent"]["name"] for i in officer.get(f"{API}/entitlements?q=李").json()["items"]] == ["李明"]
    assert officer.get(f"{API}/entitlements?degree=master").json()["count"] == 1
    assert officer.get(f"{API}/entitlements?amount_min=10000").json()["amount_total"] == "15000.00"
    assert officer.get(f"{API}/entitlements?amount_max=5000").json()["count"] == 3
    assert officer.get(f"{API}/entitlements?status=approved").json() == {
        "count": 0,
        "amount_total": "0.00",
        "review": 0,
        "items": [],
    }
    limited = officer.get(f"{API}/entitlements?limit=2&offset=1").json()
    assert limited["count"] == 4 and len(limited["items"]) == 2
    bad = officer.get(f"{API}/entitlements?status=owed")
    assert bad.status_code == 400 and _error(bad)["field"] == "status"


def test_bulk_approval_skips_manual_review_and_rejection_needs_a_reason(people):
    officer = _client(people.officer)
    _run(officer)
    lines = _lines(officer)
    bulk = _post(officer, "/entitlements/approve", {"ids": [lines["李明"]["id"], lines["陈静"]["id"]]})
    assert bulk.status_code == 200
    assert (bulk.json()["done"], bulk.json()["skipped"]) == (1, 1) and bulk.json()["note"]
    no_reason = _post(officer, "/entitlements/reject", {"ids": [lines["周洋"]["id"]], "reason": "  "})
    assert no_reason.status_code == 400
    assert (_error(no_reason)["code"], _error(no_reason)["field"]) == ("reason_required", "reason")
    assert Entitlement.objects.get(pk=lines["周洋"]["id"]).status == "candidate"
    rejected = _post(officer, "/entitlements/reject", {"ids": [lines["周洋"]["id"]], "reason": "学历存疑"})
    assert (rejected.status_code, rejected.json()["done"]) == (200, 1)
    single = _post(officer, "/entitlements/approve", {"ids": [lines["陈静"]["id"]]})
    assert (single.json()["done"], single.json()["skipped"]) == (1, 0)
    after = _lines(officer)
    assert {n: (i["status"], i["reason"]) for n, i in after.items()} == {
        "李明": ("approved", ""),
        "陈静": ("approved", ""),
        "孙磊": ("candidate", ""),
        "周洋": ("rejected", "学历存疑"),
    }
    assert _post(officer, "/entitlements/approve", {"ids": []}).status_code == 422


def test_a_line_in_detail_has_its_history_and_explanation_and_the_read_is_audited(people):
    officer = _client(people.officer)
    _run(officer)
    line_id = _lines(officer)["李明"]["id"]
    _post(officer, "/entitlements/approve", {"ids": [line_id]})
    response = officer.get(f"{API}/entitlements/{line_id}")
    assert response.status_code == 200
    detail = response.json()
    assert (detail["status"], detail["decided_by"], detail["amount"]) == ("approved", "officer", "15000.00")
    assert [(e["from"], e["to"], e["actor"]) for e in detail["history"]] == [
        ("candidate", "approved", "officer")
    ]
    explanation = detail["explanation"]
    assert (explanation["policy"], explanation["verdict"], explanation["as_of"]) == (LIVING, "yes", AS_OF)
    assert explanation["amount"] == "30000.00"
    assert {c["id"]: c["status"] for c in explanation["criteria"]}["degree"] == "pass"
    assert decrypt_text(people.liming.id_number_encrypted) not in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            action="view_person",
            actor=people.officer,
            subject_talent_id=people.liming.pk,
            detail__channel="api",
        ).count()
        == 1
    )


def test_another_district_sees_none_of_the_lines_and_cannot_decide_them(people):
    officer = _client(people.officer)
    _run(officer)
    ids = [i["id"] for i in _lines(officer).values()]
    other = _client(people.officer_other)
    assert other.get(f"{API}/entitlements?status=").json() == {
        "count": 0,
        "amount_total": "0.00",
        "review": 0,
        "items": [],
    }
    assert other.get(f"{API}/entitlements/{ids[0]}").status_code == 404
    assert _post(other, "/entitlements/approve", {"ids": ids}).json()["done"] == 0
    assert _post(other, "/entitlements/reject", {"ids": ids, "reason": "x"}).json()["done"] == 0
    assert set(Entitlement.objects.values_list("status", flat=True)) == {"candidate"}
    assert not AuditEvent.objects.filter(actor=people.officer_other, action="view_person").exists()


# --- review routes --------------------------------------------------------------------------------------------------


def test_review_routes_send_manual_review_to_a_named_officer(people):
    officer = _client(people.officer)
    bad = _post(officer, "/review-routes", {"policy": LIVING, "tier": "A", "officer": "nobody"})
    assert bad.status_code == 400 and _error(bad)["field"] == "officer"
    made = _post(officer, "/review-routes", {"policy": LIVING, "tier": "A", "officer": "officer2"})
    assert made.status_code == 201
    route = made.json()
    assert (route["policy"], route["tier"], route["officer"]) == (LIVING, "A", "officer2")
    assert [r["id"] for r in officer.get(f"{API}/review-routes").json()] == [route["id"]]
    other = _client(people.officer_other)
    assert other.get(f"{API}/review-routes").json() == []
    assert other.delete(f"{API}/review-routes/{route['id']}").status_code == 404
    foreign = _post(officer, "/review-routes", {"policy": LIVING, "tier": "A", "officer": "officer_yh"})
    assert foreign.status_code == 400 and _error(foreign)["field"] == "officer"
    assert list(ReviewRoute.objects.values_list("officer__username", flat=True)) == ["officer2"]
    _run(officer)
    chenjing = _lines(officer)["陈静"]
    assert chenjing["flags"]["assigned_to"] == "officer2"
    refused = _post(officer, "/entitlements/approve", {"ids": [chenjing["id"]]})
    assert refused.status_code == 403 and Entitlement.objects.get(pk=chenjing["id"]).status == "candidate"
    second = _client(people.officer2)
    mine = second.get(f"{API}/entitlements?mine=true").json()
    assert [i["id"] for i in mine["items"]] == [chenjing["id"]]
    assert _post(second, "/entitlements/approve", {"ids": [chenjing["id"]]}).json()["done"] == 1
    assert officer.delete(f"{API}/review-routes/{route['id']}").status_code == 204
    assert officer.get(f"{API}/review-routes").json() == [] and not ReviewRoute.objects.exists()
    assert officer.delete(f"{API}/review-routes/{route['id']}").status_code == 404


# --- batches, the bank file, the return file ----------------------------------------------------------------------


def test_a_batch_above_the_limit_needs_a_second_officer(people, settings):
    settings.TALENTPOOL_TWO_PERSON_ABOVE = "10000.00"
    officer = _client(people.officer)
    _run(officer)
    lines = _lines(officer)
    _post(officer, "/entitlements/approve", {"ids": [lines["李明"]["id"], lines["孙磊"]["id"]]})
    nothing = _post(officer, "/batches", {})  # no bank accounts yet
    assert nothing.status_code == 400 and _error(nothing)["code"] == "nothing_to_batch"
    _set_account(people.liming_user, people.liming, _account_number("621700123456789012"))
    _set_account(people.sunlei_user, people.sunlei, _account_number("621700123456789056"))
    created = _post(officer, "/batches", {"policy": LIVING})
    assert created.status_code == 201
    batch = created.json()
    assert (batch["status"], batch["line_count"], batch["total"], batch["created_by"]) == (
        "awaiting",
        2,
        "20000.00",
        "officer",
    )
    assert batch["number"].startswith("PB") and batch["returns"] == []
    assert _lines(officer)["李明"]["batch"] == batch["number"]
    own = _post(officer, f"/batches/{batch['id']}/approve")
    assert own.status_code == 403 and _error(own)["code"] == "two_person_rule"
    assert PaymentBatch.objects.get(pk=batch["id"]).status == "awaiting"
    blocked = officer.get(f"{API}/batches/{batch['id']}/file?format=csv")  # not a payment officer either
    assert blocked.status_code == 403 and _error(blocked)["code"] == "not_payment_officer"
    other = _client(people.officer_other)
    assert _post(other, f"/batches/{batch['id']}/approve").status_code == 404
    assert other.get(f"{API}/batches").json() == []
    approved = _post(_client(people.officer2), f"/batches/{batch['id']}/approve")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("ready", "officer2")
    assert [b["number"] for b in officer.get(f"{API}/batches").json()] == [batch["number"]]


def test_the_bank_file_is_for_payment_officers_and_carries_the_full_account(people, settings):
    settings.TALENTPOOL_TWO_PERSON_ABOVE = "100000.00"
    officer = _client(people.officer)
    _run(officer)
    line_id = _lines(officer)["李明"]["id"]
    _post(officer, "/entitlements/approve", {"ids": [line_id]})
    number = _account_number("621700123456789012")
    _set_account(people.liming_user, people.liming, number)
    batch = _post(officer, "/batches", {"ids": [line_id]}).json()
    assert batch["status"] == "ready"  # 15,000 is under the two-person amount
    denied = officer.get(f"{API}/batches/{batch['id']}/file?format=csv")
    assert denied.status_code == 403 and number not in denied.content.decode()
    assert PaymentBatch.objects.get(pk=batch["id"]).status == "ready"
    people.officer.is_payment_officer = True
    people.officer.save(update_fields=["is_payment_officer"])
    assert officer.get(f"{API}/batches/{batch['id']}/file?format=pdf").status_code == 400
    response = officer.get(f"{API}/batches/{batch['id']}/file?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{batch["number"]}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["参考号", "户名", "账号", "开户行", "金额", "用途", "批次号"]
    assert rows[1][:5] == [f"E{line_id:010d}", "李明", number, "中国银行杭州西湖支行", "15000.00"]
    assert response["Cache-Control"] == "no-store"
    assert officer.get(f"{API}/batches/{batch['id']}").json()["status"] == "ready"  # a download changes nothing
    sent = _post(officer, f"/batches/{batch['id']}/sent").json()
    assert (sent["status"], sent["sent_by"]) == ("sent", "officer")
    again = _post(officer, f"/batches/{batch['id']}/sent")
    assert again.status_code == 400 and _error(again)["code"] == "batch_state"
    xlsx = officer.get(f"{API}/batches/{batch['id']}/file")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    (header, row) = list(sheet.iter_rows(values_only=True))
    assert header[4] == "金额" and row[:3] == (f"E{line_id:010d}", "李明", number) and float(row[4]) == 15000
    assert xlsx["Content-Disposition"].endswith(f'{batch["number"]}.xlsx"')
    cancel = _post(officer, f"/batches/{batch['id']}/cancel")
    assert cancel.status_code == 400 and _error(cancel)["code"] == "batch_state"


def test_cancelling_a_batch_puts_its_lines_back_to_approved(people):
    officer = _client(people.officer)
    _run(officer)
    line_id = _lines(officer)["李明"]["id"]
    _post(officer, "/entitlements/approve", {"ids": [line_id]})
    _set_account(people.liming_user, people.liming, _account_number("621700123456789012"))
    batch = _post(officer, "/batches", {}).json()
    cancelled = _post(officer, f"/batches/{batch['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    line = Entitlement.objects.get(pk=line_id)
    assert (line.status, line.batch_id) == ("approved", None)


def test_the_return_file_pays_fails_and_rejects_rows_and_never_unpays(people, settings):
    payer, lines, batch = _approved_batch_ready(people, settings)
    liming, chenjing, sunlei = lines["李明"], lines["陈静"], lines["孙磊"]
    upload = _return_csv(
        [
            [liming["reference"], "15000.00", "成功", "", "2025-03-20"],
            [chenjing["reference"], "5000.00", "失败", "账户已销户", ""],
            ["E9999999999", "100.00", "成功", "", ""],
            [liming["reference"], "15000.00", "成功", "", ""],
            [sunlei["reference"], "5500.00", "成功", "", ""],
        ]
    )
    response = payer.post(f"{API}/batches/{batch['id']}/return", {"file": upload})
    assert response.status_code == 201, response.content
    result = response.json()
    assert (result["paid"], result["failed"], result["unchanged"], result["rejected"]) == (1, 1, 0, 3)
    problems = {p["row"]: p for p in result["problems"]}
    assert set(problems) == {4, 5, 6}  # the header is row 1
    assert (problems[4]["column"], problems[4]["value"]) == ("参考号", "E9999999999")
    assert "no such line" in problems[4]["reason"]
    assert "appears again" in problems[5]["reason"] and "row 2" in problems[5]["reason"]
    assert (problems[6]["column"], problems[6]["value"]) == ("金额", "5500.00")
    assert "5500.00 does not match" in problems[6]["reason"]
    status = {n: Entitlement.objects.get(pk=lines[n]["id"]) for n in ("李明", "陈静", "孙磊")}
    assert (status["李明"].status, status["李明"].paid_on) == ("paid", date(2025, 3, 20))
    assert (status["陈静"].status, status["陈静"].bank_reason) == ("failed", "账户已销户")
    assert status["孙磊"].status == "batched"
    detail = payer.get(f"{API}/batches/{batch['id']}").json()
    assert (detail["status"], detail["paid_count"], detail["failed_count"]) == ("sent", 1, 1)
    assert [(r["rejected"], r["imported_by"]) for r in detail["returns"]] == [(3, "officer2")]
    # a second file that says the paid line failed is rejected; the line stays paid
    second = payer.post(
        f"{API}/batches/{batch['id']}/return",
        {
            "file": _return_csv(
                [
                    [liming["reference"], "15000.00", "失败", "账户冻结", ""],
                    [sunlei["reference"], "5000.00", "成功", "", "2025-03-21"],
                ]
            )
        },
    ).json()
    assert (second["paid"], second["failed"], second["rejected"]) == (1, 0, 1)
    assert second["problems"][0]["row"] == 2 and "already recorded" in second["problems"][0]["reason"]
    assert Entitlement.objects.get(pk=liming["id"]).status == "paid"
    assert payer.get(f"{API}/batches/{batch['id']}").json()["status"] == "closed"
    assert ReturnImport.objects.filter(batch_id=batch["id"]).count() == 2
    report = payer.get(f"{API}/report?year=2025").json()
    assert report["total"] == [{"key": "", "headcount": 2, "lines": 2, "amount": "20000.00"}]
    assert report["degree"] == [
        {"key": "bachelor", "headcount": 1, "lines": 1, "amount": "5000.00"},
        {"key": "master", "headcount": 1, "lines": 1, "amount": "15000.00"},
    ]
    assert payer.get(f"{API}/report?year=2024").json()["total"][0]["lines"] == 0


def test_a_failed_line_is_retried_only_after_the_talent_updates_the_account(people, settings):
    payer, lines, batch = _approved_batch_ready(people, settings)
    chenjing = lines["陈静"]
    payer.post(
        f"{API}/batches/{batch['id']}/return",
        {"file": _return_csv([[chenjing["reference"], "5000.00", "失败", "账户已销户", ""]])},
    )
    refused = _post(payer, "/entitlements/retry", {"ids": [chenjing["id"]]}).json()
    assert (refused["done"], refused["skipped"]) == (0, 1) and refused["note"]
    assert Entitlement.objects.get(pk=chenjing["id"]).status == "failed"
    account = _set_account(people.chenjing_user, people.chenjing, _account_number("622848001234567890"))
    assert account["number_masked"].endswith(_account_number("622848001234567890")[-4:])
    allowed = _post(payer, "/entitlements/retry", {"ids": [chenjing["id"]]}).json()
    assert (allowed["done"], allowed["skipped"]) == (1, 0)
    line = Entitlement.objects.get(pk=chenjing["id"])
    assert (line.status, line.batch_id) == ("approved", None)
    history = payer.get(f"{API}/entitlements/{chenjing['id']}").json()["history"]
    assert [(e["from"], e["to"]) for e in history] == [
        ("candidate", "approved"),
        ("approved", "batched"),
        ("batched", "failed"),
        ("failed", "approved"),
    ]


def test_a_paid_line_is_corrected_by_a_new_line_for_the_difference(people, settings):
    payer, lines, batch = _approved_batch_ready(people, settings)
    liming = lines["李明"]
    payer.post(
        f"{API}/batches/{batch['id']}/return",
        {"file": _return_csv([[liming["reference"], "15000.00", "成功", "", ""]])},
    )
    no_reason = _post(payer, f"/entitlements/{liming['id']}/correct", {"amount": "16000.00"})
    assert no_reason.status_code == 400 and _error(no_reason)["field"] == "reason"
    lower = _post(payer, f"/entitlements/{liming['id']}/correct", {"amount": "14000.00", "reason": "多发"})
    assert lower.status_code == 400 and _error(lower)["code"] == "negative_correction"
    fixed = _post(
        payer, f"/entitlements/{liming['id']}/correct", {"amount": "16000.00", "reason": "金额少算"}
    )
    assert fixed.status_code == 201
    fix = fixed.json()
    assert (fix["kind"], fix["amount"], fix["status"], fix["flags"]["review_required"]) == (
        "correction",
        "1000.00",
        "candidate",
        True,
    )
    assert Entitlement.objects.get(pk=liming["id"]).status == "paid"
    other = _post(
        _client(people.officer_other),
        f"/entitlements/{liming['id']}/correct",
        {"amount": "20000.00", "reason": "x"},
    )
    assert other.status_code == 404 and Entitlement.objects.count() == 5


# --- the talent's own -----------------------------------------------------------------------------------------------


def test_a_talent_sees_own_lines_and_notices_and_gets_emails(people, settings):
    payer, lines, batch = _approved_batch_ready(people, settings)
    payer.post(
        f"{API}/batches/{batch['id']}/return",
        {
            "file": _return_csv(
                [
                    [lines["李明"]["reference"], "15000.00", "成功", "", "2025-03-20"],
                    [lines["陈静"]["reference"], "5000.00", "失败", "账户已销户", ""],
                ]
            )
        },
    )
    me = _client(people.liming_user)
    mine = me.get(f"{API}/me").json()
    assert mine["count"] == 1
    (line,) = mine["items"]
    assert (line["id"], line["policy"], line["status"], line["amount"], line["due"], line["paid_on"]) == (
        lines["李明"]["id"],
        LIVING,
        "paid",
        "15000.00",
        "2025-01-01",
        "2025-03-20",
    )
    assert [(e["from"], e["to"]) for e in line["history"]] == [
        ("candidate", "approved"),
        ("approved", "batched"),
        ("batched", "paid"),
    ]
    assert "actor" not in line["history"][0] and "officer" not in me.get(f"{API}/me").content.decode()
    notices = me.get(f"{API}/notices").json()
    assert [n["kind"] for n in notices["items"]] == ["entitlement_paid", "entitlement_approved"]
    assert (notices["count"], notices["unread"]) == (2, 2)
    assert "15,000.00" in notices["items"][0]["title"]
    assert sorted((m.to[0], m.subject) for m in mail.outbox if m.to[0] == "grad@example.com") == sorted(
        ("grad@example.com", n["title"]) for n in notices["items"]
    )
    # 陈静's failure notice went to her, with the bank's reason; 孙磊 has no email, so no mail, but a notice
    to_her = [m for m in mail.outbox if m.to == ["chenjing@example.com"]]
    failed = Notice.objects.get(user=people.chenjing_user, kind="entitlement_failed")
    assert len(to_her) == 2 and failed.title in [m.subject for m in to_her] and "账户已销户" in failed.body
    assert Notice.objects.filter(user=people.sunlei_user, kind="entitlement_approved").count() == 1
    assert not [m for m in mail.outbox if not m.to or m.to == [""]]
    theirs = _client(people.chenjing_user).get(f"{API}/me").json()
    assert [(i["status"], i["bank_reason"]) for i in theirs["items"]] == [("failed", "账户已销户")]
    assert lines["陈静"]["reference"] not in me.get(f"{API}/me").content.decode()
    marked = _post(
        me,
        "/notices/read",
        {"ids": [notices["items"][1]["id"], Notice.objects.filter(user=people.chenjing_user).first().pk]},
    ).json()
    assert marked == {"marked": 1, "unread": 1}
    assert Notice.objects.filter(user=people.chenjing_user, read_at__isnull=False).count() == 0
    assert _post(me, "/notices/read").json() == {"marked": 1, "unread": 0}
    assert me.get(f"{API}/notices?unread=true").json()["items"] == []


def test_the_bank_account_is_set_by_its_holder_and_shown_masked(people):
    me = _client(people.liming_user)
    assert me.get(f"{API}/me/bank-account").status_code == 404
    number = _account_number("621700123456789012")
    wrong_holder = _put(me, "/me/bank-account", {"holder": "王芳", "bank_name": "工商银行", "number": number})
    assert wrong_holder.status_code == 400 and _error(wrong_holder)["field"] == "holder"
    bad_digit = _put(
        me,
        "/me/bank-account",
        {"holder": "李明", "bank_name": "工商银行", "number": number[:-1] + str((int(number[-1]) + 1) % 10)},
    )
    assert bad_digit.status_code == 400 and _error(bad_digit)["code"] == "account_invalid"
    assert not BankAccount.objects.exists()
    saved = _put(me, "/me/bank-account", {"holder": "李明", "bank_name": "工商银行", "number": number})
    assert saved.status_code == 200 and number not in saved.content.decode()
    assert saved.json()["number_masked"] == f"{number[:4]} **** **** {number[-4:]}"
    shown = me.get(f"{API}/me/bank-account")
    assert shown.json()["holder"] == "李明" and number not in shown.content.decode()
    assert decrypt_text(BankAccount.objects.get(talent=people.liming).number_encrypted) == number


# --- roles ----------------------------------------------------------------------------------------------------------

OFFICER_ENDPOINTS = [
    ("get", "/runs", None),
    ("post", "/runs", {"as_of": AS_OF}),
    ("get", "/runs/{run}", None),
    ("post", "/runs/{run}/resume", None),
    ("get", "/entitlements", None),
    ("get", "/entitlements/{line}", None),
    ("post", "/entitlements/approve", {"ids": ["{line}"]}),
    ("post", "/entitlements/reject", {"ids": ["{line}"], "reason": "x"}),
    ("post", "/entitlements/retry", {"ids": ["{line}"]}),
    ("post", "/entitlements/{line}/correct", {"amount": "1.00", "reason": "x"}),
    ("get", "/batches", None),
    ("post", "/batches", {}),
    ("get", "/batches/{batch}", None),
    ("post", "/batches/{batch}/approve", None),
    ("post", "/batches/{batch}/cancel", None),
    ("get", "/batches/{batch}/file?format=csv", None),
    ("post", "/batches/{batch}/sent", None),
    ("get", "/report", None),
    ("get", "/review-routes", None),
    ("post", "/review-routes", {"officer": "officer"}),
    ("delete", "/review-routes/{route}", None),
]
TALENT_ENDPOINTS = [
    ("get", "/me", None),
    ("get", "/me/bank-account", None),
    ("put", "/me/bank-account", {"holder": "李明", "bank_name": "工商银行", "number": "123456789012"}),
    ("get", "/notices", None),
    ("post", "/notices/read", {}),
]


def _state():
    return (
        list(Entitlement.objects.order_by("pk").values_list("pk", "status", "batch_id")),
        list(PaymentBatch.objects.values_list("pk", "status")),
        Run.objects.count(),
        list(ReviewRoute.objects.values_list("pk", flat=True)),
        BankAccount.objects.count(),
        list(Notice.objects.values_list("pk", "read_at")),
        AuditEvent.objects.count(),
    )


def test_other_roles_are_refused_everywhere_they_do_not_belong(people):
    officer = _client(people.officer)
    run = _run(officer)
    line = _lines(officer)["李明"]["id"]
    _post(officer, "/entitlements/approve", {"ids": [line]})
    _set_account(people.liming_user, people.liming, "123456789012")
    batch = _post(officer, "/batches", {}).json()["id"]
    route = _post(officer, "/review-routes", {"officer": "officer2"}).json()["id"]
    ids = {"run": run["id"], "line": line, "batch": batch, "route": route}
    upload_path = f"{API}/batches/{batch}/return"
    cases = [(user, OFFICER_ENDPOINTS + TALENT_ENDPOINTS) for user in (people.hr, people.admin)]
    cases += [(people.liming_user, OFFICER_ENDPOINTS), (people.officer, TALENT_ENDPOINTS)]
    for user, endpoints in cases:
        client = _client(user)
        for method, template, body in endpoints:
            path = API + template.format(**ids)
            if body is not None:
                body = {
                    k: ([int(str(x).format(**ids)) for x in v] if isinstance(v, list) else v)
                    for k, v in body.items()
                }
            before = _state()
            kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
            response = getattr(client, method)(path, **kwargs)
            assert response.status_code == 403, (user.username, method, path, response.status_code)
            assert _error(response)["code"] == "forbidden"
            assert "李明" not in response.content.decode()
            assert _state() == before, (user.username, method, path)
        if user.role != Role.OFFICER:
            refused = client.post(
                upload_path, {"file": _return_csv([["E0000000001", "1.00", "成功", "", ""]])}
            )
            assert refused.status_code == 403
    anonymous = Client()
    assert anonymous.get(f"{API}/me").status_code == 401
    assert anonymous.get(f"{API}/entitlements").status_code == 401


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.usefixtures("no_page_cache")
def test_lists_read_a_fixed_number_of_queries_whatever_the_rows(people):
    officer = _client(people.officer)
    _run(officer)
    _run(officer)
    lines = _lines(officer)
    _post(officer, "/entitlements/approve", {"ids": [i["id"] for i in lines.values()]})
    assert _queries(officer, f"{API}/entitlements?status=&limit=1") == _queries(
        officer, f"{API}/entitlements?status=&limit=50"
    )
    assert _queries(officer, f"{API}/runs?limit=1") == _queries(officer, f"{API}/runs?limit=50")
    me = _client(people.liming_user)
    detail, mine = _queries(officer, f"{API}/entitlements/{lines['李明']['id']}"), _queries(me, f"{API}/me")
    _set_account(people.liming_user, people.liming, "123456789012")
    _post(officer, "/batches", {})  # one more event on 李明's line
    assert len(me.get(f"{API}/me").json()["items"][0]["history"]) == 2
    assert _queries(officer, f"{API}/entitlements/{lines['李明']['id']}") == detail
    assert _queries(me, f"{API}/me") == mine


def test_every_payments_operation_is_in_the_role_matrix():
    """A new payments endpoint must be added to OFFICER_ENDPOINTS or TALENT_ENDPOINTS above to pass."""
    import re

    from talentpool.api import api

    schema = api.get_openapi_schema()
    operations = {(m, p) for p, ops in schema["paths"].items() if p.startswith(API + "/") for m in ops}
    listed = {(m, API + re.sub(r"\{\w+\}", "{pk}", t.split("?")[0])) for m, t, _ in OFFICER_ENDPOINTS + TALENT_ENDPOINTS}
    listed.add(("post", f"{API}/batches/{{pk}}/return"))
    assert {(m, re.sub(r"\{\w+\}", "{pk}", p)) for m, p in operations} - listed == set()


def test_the_line_page_shows_a_changed_snapshot_at_once(people):
    """The "why" card is rendered once per process under the line's snapshot and version: a changed snapshot (a
    fact the run read) is a new card on the very next request, never the kept one."""
    officer = _client(people.officer)
    _run(officer)
    line = Entitlement.objects.get(pk=_lines(officer)["李明"]["id"])
    officer.cookies["django_language"] = "en"
    page = officer.get(f"/payments/lines/{line.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Highest degree earned in China" in page.content.decode()
    snapshot = dict(line.explanation)
    snapshot["facts"] = {**snapshot["facts"], "overseas": True}
    Entitlement.objects.filter(pk=line.pk).update(explanation=snapshot)
    again = officer.get(f"/payments/lines/{line.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Highest degree earned abroad" in again and "Highest degree earned in China" not in again
