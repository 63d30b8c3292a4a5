"""Payments made before the platform: imported as paid ledger lines, they count for "once per person, ever" from
the first day; every refused row is named by row and column, and a file with one writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from factories.registry import credit_code, make_enterprise, make_talent, resident_id

from talentpool.eligibility.ledger import ledger_for_talent
from talentpool.eligibility.models import Entitlement, Status
from talentpool.eligibility.past_payments import TEMPLATE, past_payments_import
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.registry.models import Education, Employment, InsuranceRecord

LIVING = "hz-graduate-living"
BIRTH = date(1998, 1, 5)
NUMBER = resident_id(birth=BIRTH, serial=903)


def _graduate():
    employer = make_enterprise(division="330106", credit_code=credit_code(903))
    grad = make_talent(name="孙往年", district="330106", birth=BIRTH, id_number=NUMBER)
    Education.objects.create(talent=grad, degree="bachelor", university_code="9999999999",
                             graduation_date=date(2020, 6, 30))
    Employment.objects.create(talent=grad, enterprise=employer, start_date=date(2020, 7, 1))
    InsuranceRecord.objects.create(talent=grad, from_month=date(2020, 7, 1), to_month=date(2021, 5, 1),
                                   division="330106")
    return grad


def test_a_payment_made_before_the_platform_counts_from_the_first_day(world, shipped):
    grad = _graduate()
    out = past_payments_import(actor=world.officer, text=TEMPLATE + f"{NUMBER},{LIVING},1,10000.00,2021-03-20,2021年第一批\n")
    assert (out.created, out.problems) == (1, [])
    line = Entitlement.objects.get(talent=grad)
    assert (line.status, line.imported, line.paid_on, line.policy_version.version) == (
        Status.PAID, True, date(2021, 3, 20), 1)
    assert ledger_for_talent(grad.pk, [grad.pk])[LIVING]["first_version"] == 1
    run_execute(run_create(as_of=date(2021, 6, 1), codes=[LIVING]).pk)  # paid already: nothing new for him
    assert Entitlement.objects.filter(talent=grad).count() == 1


def test_refused_rows_are_named_by_row_and_column_and_nothing_is_written(world, shipped):
    _graduate()
    text = TEMPLATE + "\n".join([
        f"{NUMBER},{LIVING},1,10000.00,2021-03-20,ok",
        f"{NUMBER},{LIVING},1,10000.00,2021-03-21,the same instalment again",
        f"110101199001011234,{LIVING},1,10000.00,2021-03-20,nobody",
        f"{NUMBER},no-such-policy,1,lots,2021-13-01,",
    ]) + "\n"
    out = past_payments_import(actor=world.officer, text=text)
    assert out.created == 0 and Entitlement.objects.count() == 0
    assert [(p.row, p.column) for p in out.problems] == [
        (4, "证件号码"), (5, "政策编码"), (5, "金额"), (5, "发放日期"), (3, "期次")]
    outside = past_payments_import(actor=world.officer_other, text=TEMPLATE + f"{NUMBER},{LIVING},1,10000.00,2021-03-20,\n")
    assert [(p.row, p.column) for p in outside.problems] == [(2, "证件号码")] and outside.created == 0
    assert Entitlement.objects.count() == 0


def test_the_officer_page_and_the_api_import_past_payments_all_or_nothing(world, shipped, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    grad = _graduate()
    good = TEMPLATE + f"{NUMBER},{LIVING},1,10000.00,2021-03-20,2021年第一批\n"
    bad = TEMPLATE + f"{NUMBER},{LIVING},1,lots,2021-03-20,\n"
    officer = client_for(world.officer)
    refused = officer.post("/policies/past-payments/", {"file": SimpleUploadedFile("p.csv", bad.encode("gb18030"))})
    assert refused.status_code == 400 and "past-payment-problems" in refused.text and "金额" in refused.text
    assert Entitlement.objects.count() == 0
    api = officer.post("/api/v1/policies/past-payments", {"file": SimpleUploadedFile("p.csv", bad.encode())})
    body = api.json()["error"]
    assert api.status_code == 400 and body["code"] == "rows_refused"
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(2, "金额")] and Entitlement.objects.count() == 0
    done = officer.post("/policies/past-payments/", {"file": SimpleUploadedFile("p.csv", ("\ufeff" + good).encode())})
    assert done.status_code == 302
    line = Entitlement.objects.get(talent=grad)
    assert (line.imported, line.status, line.amount) == (True, Status.PAID, Decimal("10000.00"))
    listed = officer.get("/policies/past-payments/")
    assert line.reference in listed.text and NUMBER not in listed.text
    detail = officer.get(f"/payments/lines/{line.pk}/")
    assert detail.status_code == 200 and 'id="line-imported"' in detail.text and "2021年第一批" in detail.text
    again = officer.post("/api/v1/policies/past-payments", {"file": SimpleUploadedFile("p.csv", good.encode())})
    assert again.status_code == 400 and again.json()["error"]["problems"][0]["column"] == "期次"
    assert Entitlement.objects.filter(talent=grad).count() == 1
    assert client_for(world.talent_user).post(
        "/api/v1/policies/past-payments", {"file": SimpleUploadedFile("p.csv", good.encode())}).status_code == 403
    assert client_for(world.talent_user).get("/policies/past-payments/").status_code == 403
    template = officer.get("/policies/past-payments/template.csv")
    assert template.content.decode("utf-8-sig") == TEMPLATE
