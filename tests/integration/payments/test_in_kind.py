"""Benefits issued in kind (issue 10, item 12): a policy declares its delivery channel, its lines carry it, they
never go into a bank payment file (nor does any 0.00 line), and an officer marks them issued (service, page, API)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories.policies import publish_living_policy

from talentpool.core.crypto import encrypt_text
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditEvent
from talentpool.eligibility.ledger import ledger_table
from talentpool.eligibility.models import Channel, Entitlement, EntitlementEvent, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.eligibility.services import entitlements_issue
from talentpool.payments import services
from talentpool.payments.models import BankAccount, PaymentBatch

ISSUED_ON = dt.date(2025, 3, 3)


def _account(talent):
    BankAccount.objects.create(talent=talent, holder=talent.name, bank_name="杭州银行",
                               number_encrypted=encrypt_text("6212345678901234569"), number_masked="6212 **** 4569")


def _approved_line(world) -> Entitlement:
    run_execute(run_create(as_of=dt.date(2025, 3, 1), scope="330106").pk)
    line = Entitlement.objects.get(talent=world.talent, instalment=1)
    services.entitlements_approve(actor=world.officer, ids=[line.pk])
    line.refresh_from_db()
    return line


def _state():
    return (list(Entitlement.objects.order_by("pk").values_list("pk", "status", "batch", "paid_on")),
            PaymentBatch.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def in_kind(db):
    """The living subsidy declared in kind (its amount then only budgets the item)."""
    return publish_living_policy(delivery="in_kind")


def test_an_in_kind_line_is_never_batched_and_an_officer_marks_it_issued(world, in_kind):
    _account(world.talent)
    line = _approved_line(world)
    assert (line.channel, line.status, line.amount) == (Channel.IN_KIND, Status.APPROVED, Decimal("15000.00"))  # the first half
    before = _state()
    with pytest.raises(ApplicationError) as info:
        services.batch_create(actor=world.officer, ids=[line.pk])
    assert info.value.code == "not_bank_lines" and _state() == before
    outcome = entitlements_issue(actor=world.officer, issued_on=ISSUED_ON, ids=[line.pk])
    line.refresh_from_db()
    assert (outcome.issued, outcome.skipped) == (1, 0)
    assert (line.status, line.paid_on, line.batch_id) == (Status.ISSUED, ISSUED_ON, None)
    event = EntitlementEvent.objects.filter(entitlement=line).last()
    assert (event.from_status, event.to_status, event.actor, event.reason) == ("approved", "issued", world.officer,
                                                                               "issued in kind")
    audit = AuditEvent.objects.get(action="entitlement_decision", detail__decision="issue")
    assert (audit.actor, audit.detail["count"], audit.detail["issued_on"]) == (world.officer, 1, "2025-03-03")
    ledger = ledger_table(talent_ids=[world.talent.pk]).to_pylist()  # the instalment counts as given
    assert [(r["policy_code"], r["instalments_paid"], r["first_paid_on"]) for r in ledger] == [
        ("hz-graduate-living", 1, ISSUED_ON)]
    before = _state()
    with pytest.raises(ApplicationError) as info:
        entitlements_issue(actor=world.officer, issued_on=ISSUED_ON, ids=[line.pk])
    assert info.value.code == "nothing_to_issue" and _state() == before


def test_issuing_refuses_bank_lines_future_dates_other_districts_and_other_roles(world, living):
    bank_line = _approved_line(world)
    assert bank_line.channel == Channel.BANK_TRANSFER
    before = _state()
    with pytest.raises(ApplicationError) as info:
        entitlements_issue(actor=world.officer, issued_on=ISSUED_ON, ids=[bank_line.pk])
    assert info.value.code == "not_in_kind"
    with pytest.raises(ApplicationError) as info:
        entitlements_issue(actor=world.officer, issued_on=dt.date(9999, 12, 31), ids=[bank_line.pk])
    assert info.value.code == "date_future"
    Entitlement.objects.filter(pk=bank_line.pk).update(channel=Channel.IN_KIND)
    before = _state()
    with pytest.raises(ApplicationError) as info:  # Yuhang's officer does not see a Xihu talent's line
        entitlements_issue(actor=world.officer_other, issued_on=ISSUED_ON, ids=[bank_line.pk])
    assert info.value.code == "nothing_to_issue"
    for user in (world.talent_user, world.hr, world.admin):
        with pytest.raises(ApplicationError) as info:
            entitlements_issue(actor=user, issued_on=ISSUED_ON, ids=[bank_line.pk])
        assert info.value.status == 403
    assert _state() == before


def test_a_batch_leaves_in_kind_and_zero_lines_out(world, living):
    for talent in (world.talent, world.colleague):
        _account(talent)
    line = _approved_line(world)
    kw = {"policy_id": line.policy_id, "policy_version_id": line.policy_version_id, "due": line.due,
          "status": Status.APPROVED, "district": "330106"}
    zero = Entitlement.objects.create(subject=f"t{world.colleague.pk}", talent=world.colleague, instalment=1,
                                      amount=Decimal("0.00"), **kw)
    pack = Entitlement.objects.create(subject=f"t{world.colleague.pk}", talent=world.colleague, instalment=2,
                                      amount=Decimal("100.00"), channel=Channel.IN_KIND, **kw)
    batch = services.batch_create(actor=world.officer, queryset=Entitlement.objects.filter(status=Status.APPROVED))
    assert list(batch.lines.values_list("pk", flat=True)) == [line.pk]
    assert (batch.line_count, batch.total) == (1, line.amount)
    zero.refresh_from_db()
    pack.refresh_from_db()
    assert (zero.status, zero.batch_id, pack.status, pack.batch_id) == ("approved", None, "approved", None)
    before = _state()
    with pytest.raises(ApplicationError) as info:
        services.batch_create(actor=world.officer, ids=[zero.pk, pack.pk])
    assert info.value.code == "not_bank_lines" and _state() == before


def test_the_page_lists_in_kind_lines_and_marks_a_policys_lines_issued(world, in_kind, client_for):
    line = _approved_line(world)
    other = client_for(world.officer_other)
    assert line.reference not in other.get("/policies/in-kind/").content.decode()
    officer = client_for(world.officer)
    page = officer.get("/policies/in-kind/").content.decode()
    assert line.reference in page and 'id="in-kind-summary"' in page and "¥15,000.00" in page
    response = officer.post("/policies/in-kind/", {"policy": "hz-graduate-living", "issued_on": "2025-03-03"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.paid_on) == (Status.ISSUED, ISSUED_ON)
    assert line.reference not in officer.get("/policies/in-kind/").content.decode()


def test_the_api_lists_and_issues(world, in_kind, client_for):
    line = _approved_line(world)
    api = client_for(world.officer)
    listed = api.get("/api/v1/policies/in-kind").json()
    assert listed["count"] == 1 and listed["items"][0]["reference"] == line.reference
    assert client_for(world.officer_other).get("/api/v1/policies/in-kind").json()["count"] == 0
    denied = client_for(world.talent_user).post("/api/v1/policies/in-kind/issue", {"ids": [line.pk],
                                                "issued_on": "2025-03-03"}, content_type="application/json")
    assert denied.status_code == 403
    done = api.post("/api/v1/policies/in-kind/issue", {"ids": [line.pk], "issued_on": "2025-03-03"},
                    content_type="application/json")
    assert done.status_code == 200 and done.json() == {"issued": 1, "skipped": 0}
    again = api.post("/api/v1/policies/in-kind/issue", {"ids": [line.pk], "issued_on": "2025-03-03"},
                     content_type="application/json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "nothing_to_issue"
    line.refresh_from_db()
    assert line.status == Status.ISSUED
