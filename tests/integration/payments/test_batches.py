"""Batches, bank files and the bank's return at the service level: the XLSX return with bad rows, corrections,
the paid report and its XLSX, and the notices (with emails) that reach talents, objection answers included."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from openpyxl import Workbook, load_workbook

from talentpool.core.crypto import encrypt_text
from talentpool.core.errors import ApplicationError
from talentpool.core.models import Notice
from talentpool.eligibility.models import Entitlement, Kind, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.payments import services
from talentpool.payments.models import BankAccount, BatchStatus
from talentpool.payments.selectors import paid_report, paid_report_xlsx

ACCOUNT = "6212345678901234569"


@pytest.fixture(autouse=True)
def _english():
    """Row reasons are read in English here; notices are written in the site language (Chinese) regardless."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def sent(world, living):
    """李明's first living-subsidy line approved, batched and sent; his user has an email address."""
    world.officer.is_payment_officer = True
    world.officer.save()
    world.talent_user.email = "liming@example.com"
    world.talent_user.save()
    BankAccount.objects.create(talent=world.talent, holder="李明", bank_name="杭州银行",
                               number_encrypted=encrypt_text(ACCOUNT), number_masked="6212 **** 4569")
    run_execute(run_create(as_of=date(2025, 3, 1), scope="330106").pk)
    line = Entitlement.objects.get(talent=world.talent, instalment=1)
    services.entitlements_approve(actor=world.officer, ids=[line.pk])
    batch = services.batch_create(actor=world.officer, ids=[line.pk])
    name, data, _type = services.batch_file(actor=world.officer, batch_id=batch.pk, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[1][0] == line.reference and rows[1][2] == ACCOUNT and Decimal(str(rows[1][4])) == line.amount
    services.batch_mark_sent(actor=world.officer, batch_id=batch.pk)
    line.refresh_from_db()
    return line


def _xlsx(tmp_path, rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    path = tmp_path / "return.xlsx"
    wb.save(path)
    return path


def test_a_return_file_is_checked_row_by_row_and_never_changes_a_paid_line(world, sent, tmp_path):
    ref, amount = sent.reference, f"{sent.amount:.2f}"
    header = ["参考号", "金额", "结果", "原因", "账号"]
    path = _xlsx(tmp_path, [header, ["E123", amount, "成功", "", ""], ["E9999999999", amount, "成功", "", ""],
                            [ref, "1.00", "成功", "", ""], [ref, amount, "成功", "", ""]])
    record = services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=path, filename="r.xlsx")
    reasons = {p["row"]: p for p in record.problems}
    assert set(reasons) == {2, 3, 4, 5}
    assert "E followed by 10 digits" in reasons[2]["reason"] and reasons[2]["column"] == "参考号"
    assert "no such line" in reasons[3]["reason"]
    assert reasons[4]["column"] == "金额" and "does not match" in reasons[4]["reason"]
    assert "appears again (first in row 4)" in reasons[5]["reason"]  # an ambiguous line is not paid
    sent.refresh_from_db()
    assert sent.status == Status.BATCHED and record.paid == 0
    for row, column in (([ref, amount, "成功", "", "6222000000000000"], "账号"), ([ref, amount, "退回了", "", ""], "结果"),
                        ([ref, amount, "失败", "", ""], "原因")):
        record = services.batch_return_import(actor=world.officer, batch_id=sent.batch_id,
                                              path=_xlsx(tmp_path, [header, row]), filename="r.xlsx")
        assert record.rejected == 1 and record.problems[0]["column"] == column
        assert "6222000000000000" not in str(record.problems)
    path = _xlsx(tmp_path, [header, [ref, amount, "成功", "", ACCOUNT]])
    record = services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=path, filename="r.xlsx")
    sent.refresh_from_db()
    assert (record.paid, record.failed, record.rejected) == (1, 0, 0) and sent.status == Status.PAID
    assert sent.batch.status == BatchStatus.CLOSED
    # a later file that says it failed is refused; the paid line stays paid
    again = _xlsx(tmp_path, [["参考号", "金额", "结果", "原因"], [ref, amount, "失败", "账户冻结"]])
    record = services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=again, filename="r2.xlsx")
    sent.refresh_from_db()
    assert record.rejected == 1 and "cannot change it" in record.problems[0]["reason"] and sent.status == Status.PAID
    assert sent.paid_on is not None and sent.bank_reason == ""


def test_paid_lines_reach_the_talent_and_the_report(world, sent, tmp_path, django_capture_on_commit_callbacks):
    path = _xlsx(tmp_path, [["参考号", "金额", "结果", "日期"], [sent.reference, f"{sent.amount:.2f}", "成功", "2025-03-20"]])
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=path, filename="r.xlsx")
    kinds = list(Notice.objects.filter(user=world.talent_user).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["entitlement_approved", "entitlement_paid"]
    assert [m.to for m in mail.outbox] == [["liming@example.com"]]
    assert "已发放" in mail.outbox[0].subject and f"{sent.amount:,.2f}" in mail.outbox[0].subject
    assert Notice.objects.get(kind="entitlement_paid").emailed_at is not None
    report = paid_report(world.officer, year=2025)
    assert report["total"][0] == {"key": "", "headcount": 1, "lines": 1, "amount": sent.amount}
    assert report["policy"][0]["key"] == "hz-graduate-living" and report["degree"][0]["key"] == "master"
    assert paid_report(world.officer, year=2026)["total"][0]["lines"] == 0
    assert paid_report(world.officer_other, year=2025)["total"][0]["lines"] == 0
    labels = {"sheets": {k: k for k in ("policy", "degree", "district", "total")},
              "key": {k: k for k in ("policy", "degree", "district", "total")}, "headcount": "人数", "lines": "笔数",
              "amount": "金额", "about": "说明", "year": "年份",
              "names": {k: (lambda v: v) for k in ("policy", "degree", "district", "total")}}
    wb = load_workbook(io.BytesIO(paid_report_xlsx(report, year=2025, labels=labels)))
    assert [c.value for c in wb["total"][2]] == [None, 1, 1, sent.amount]
    # a correction pays the difference as a new line; the paid line is untouched
    fix = services.entitlement_correct(actor=world.officer, line_id=sent.pk, amount=sent.amount + 100, reason="漏算")
    assert (fix.kind, fix.amount, fix.status, fix.corrects_id) == (Kind.CORRECTION, Decimal("100.00"),
                                                                   Status.CANDIDATE, sent.pk)
    with pytest.raises(ApplicationError):
        services.entitlement_correct(actor=world.officer, line_id=sent.pk, amount=sent.amount + 50, reason="再算")
    sent.refresh_from_db()
    assert sent.status == Status.PAID


def test_a_failed_line_is_retried_only_after_the_account_changes(world, sent, tmp_path):
    path = _xlsx(tmp_path, [["参考号", "金额", "结果", "原因"], [sent.reference, f"{sent.amount:.2f}", "失败", "账户已销户"]])
    services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=path, filename="r.xlsx")
    sent.refresh_from_db()
    assert sent.status == Status.FAILED and sent.bank_reason == "账户已销户"
    out = services.entitlements_retry(actor=world.officer, ids=[sent.pk])
    assert out.done == 0 and out.skipped == 1
    with pytest.raises(ApplicationError) as err:
        services.bank_account_set(actor=world.talent_user, talent=world.talent, holder="李明", bank_name="杭州银行",
                                  number="6212345678901234560")
    assert err.value.field == "number"
    services.bank_account_set(actor=world.talent_user, talent=world.talent, holder="李明", bank_name="杭州银行",
                              number="6222 0202 0011 2233 446")
    assert services.entitlements_retry(actor=world.officer, ids=[sent.pk]).done == 1
    sent.refresh_from_db()
    assert sent.status == Status.APPROVED and sent.batch_id is None
    assert list(sent.events.values_list("to_status", flat=True)) == ["approved", "batched", "failed", "approved"]


def test_the_two_person_rule_and_review_lines(world, living, settings, make_user):
    settings.TALENTPOOL_TWO_PERSON_ABOVE = "100.00"
    BankAccount.objects.create(talent=world.talent, holder="李明", bank_name="杭州银行",
                               number_encrypted=encrypt_text(ACCOUNT), number_masked="6212 **** 4569")
    run_execute(run_create(as_of=date(2025, 3, 1), scope="330106").pk)
    line = Entitlement.objects.get(talent=world.talent, instalment=1)
    Entitlement.objects.filter(pk=line.pk).update(review_required=True, assigned_to=world.officer)
    second = make_user("officer", username="second", scope_division="330106")
    other = Entitlement.objects.get(pk=line.pk)
    other.pk, other.talent, other.subject, other.review_required = None, world.colleague, f"t{world.colleague.pk}", False
    other.save()
    bulk = services.entitlements_approve(actor=world.officer, ids=[line.pk, other.pk])
    assert (bulk.done, bulk.skipped) == (1, 1)  # the manual-review line is left for its own page
    with pytest.raises(ApplicationError):
        services.entitlements_approve(actor=second, ids=[line.pk])  # routed to another officer
    assert services.entitlements_approve(actor=world.officer, ids=[line.pk]).done == 1
    batch = services.batch_create(actor=world.officer, ids=[line.pk])
    assert batch.status == BatchStatus.AWAITING_APPROVAL
    with pytest.raises(ApplicationError) as err:
        services.batch_approve(actor=world.officer, batch_id=batch.pk)
    assert err.value.code == "two_person_rule"
    with pytest.raises(ApplicationError):
        services.batch_file(actor=world.officer, batch_id=batch.pk, fmt="csv")
    assert services.batch_approve(actor=second, batch_id=batch.pk).status == BatchStatus.READY


def test_an_answer_to_an_objection_reaches_the_talent(world, living, django_capture_on_commit_callbacks):
    from talentpool.policies.models import Objection
    from talentpool.policies.services import objection_answer

    world.talent_user.email = "liming@example.com"
    world.talent_user.save()
    objection = Objection.objects.create(talent=world.talent, policy=living.policy, as_of="2025-01-01",
                                         message="我符合", explanation={"verdict": "no"})
    with django_capture_on_commit_callbacks(execute=True):
        objection_answer(actor=world.officer, objection=objection, answer="已核实，下期发放")
    notice = Notice.objects.get(user=world.talent_user)
    assert notice.kind == "objection_answered" and notice.body == "已核实，下期发放"
    assert mail.outbox and mail.outbox[-1].body.startswith("已核实，下期发放")


def test_a_rejected_line_can_be_reconsidered_and_a_rerun_leaves_it_alone(world, living, client):
    run_execute(run_create(as_of=date(2025, 3, 1), scope="330106").pk)
    line = Entitlement.objects.get(talent=world.talent, instalment=1)
    services.entitlements_reject(actor=world.officer, ids=[line.pk], reason="待核实社保")
    run_execute(run_create(as_of=date(2025, 3, 1), scope="330106").pk)
    line.refresh_from_db()
    assert line.status == Status.REJECTED  # the decision holds the key: no new candidate
    assert Entitlement.objects.filter(talent=world.talent, instalment=1).count() == 1
    assert services.entitlements_reopen(actor=world.officer_other, ids=[line.pk]).done == 0
    client.force_login(world.officer)
    client.post("/payments/queue/decide/", {"action": "reopen", "line": str(line.pk)})
    line.refresh_from_db()
    assert line.status == Status.CANDIDATE and line.reason == ""
    assert list(line.events.values_list("to_status", flat=True)) == ["rejected", "candidate"]
