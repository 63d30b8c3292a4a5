"""A marriage recorded between two runs of a household policy (the city rent subsidy, one per household): both
graduates hold an approved, unpaid first instalment; the office records the marriage on the household page; the
next run keeps the household's own line and withdraws the spouse's, and the officer's bulk approval ("approve all
shown by the filter") and the batch then pay the household once for each instalment — never twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import time_machine
from django.urls import reverse
from factories.registry import credit_code, make_enterprise, make_talent, resident_id

from talentpool.core.crypto import encrypt_text
from talentpool.eligibility.models import COMMITTED, Entitlement, EntitlementEvent, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.payments.models import BankAccount
from talentpool.payments.services import batch_create
from talentpool.registry.models import Education, Employment, HouseholdMember, InsuranceRecord, Talent

RENT = "hz-graduate-rent"


def _graduate(name: str, serial: int, employer, *, male: bool):
    birth = date(2000, 1, 10 + serial % 10)
    number = resident_id(birth=birth, serial=serial, male=male)
    person = make_talent(name=name, district="330106", birth=birth, id_number=number)
    Education.objects.create(talent=person, degree="bachelor", university_code="4133010335",
                             graduation_date=date(2023, 6, 30))
    Employment.objects.create(talent=person, enterprise=employer, start_date=date(2023, 7, 1))
    InsuranceRecord.objects.create(talent=person, from_month=date(2023, 7, 1), to_month=date(2025, 6, 1),
                                   division="330106")
    BankAccount.objects.create(talent=person, holder=name, bank_name="杭州银行", number_encrypted=encrypt_text(
        "6222020000000001"), number_masked="6222 **** 0001")
    return person, number


def _run(as_of):
    return run_execute(run_create(as_of=as_of, codes=[RENT]).pk)


def _approve_all_shown(page, status=Status.CANDIDATE):
    """The queue's "approve all shown by the filter": the filters travel in the form's body."""
    answer = page.post(reverse("payments:decide"), {"action": "approve", "scope": "all",
                                                    "query": f"status={status}&policy={RENT}"})
    assert answer.status_code == 302


def _lines(*people):
    return sorted(Entitlement.objects.filter(talent__in=people, policy__code=RENT)
                  .values_list("talent__name", "subject", "instalment", "amount", "status"))


def test_a_marriage_between_two_runs_keeps_one_line_per_household_and_pays_it_once(world, shipped, client_for):
    employer = make_enterprise(division="330106", credit_code=credit_code(931))
    wu, _wu_id = _graduate("吴一", 931, employer, male=True)
    zheng, zheng_id = _graduate("郑二", 932, employer, male=False)
    page = client_for(world.officer)

    _run(date(2024, 2, 15))  # six insured months since July: the first half of year one is due to each of them
    _approve_all_shown(page)
    assert _lines(wu, zheng) == [("吴一", f"h{wu.pk}", 1, Decimal("5000.00"), Status.APPROVED),
                                 ("郑二", f"h{zheng.pk}", 1, Decimal("5000.00"), Status.APPROVED)]

    # the office records the marriage (registered on 1 March) on 吴一's household page
    with time_machine.travel(date(2024, 3, 5), tick=False):
        answer = page.post(reverse("registry:household-member-add", args=[wu.pk]), {
            "relation": "spouse", "name": "郑二", "id_type": "resident_id", "id_number": zheng_id,
            "married_on": "2024-03-01"})
    assert answer.status_code == 302 and zheng_id not in answer["Location"]
    member = HouseholdMember.objects.get(talent=wu)
    assert member.linked_talent == zheng and zheng_id not in member.id_masked
    assert Talent.objects.get(pk=wu.pk).spouse_id == zheng.pk and Talent.objects.get(pk=zheng.pk).spouse_id == wu.pk

    run = _run(date(2024, 8, 15))  # the next run: one household, one line per instalment
    household = f"h{min(wu.pk, zheng.pk)}"
    keeper, other = (wu, zheng) if wu.pk < zheng.pk else (zheng, wu)
    assert _lines(wu, zheng) == sorted([
        (keeper.name, household, 1, Decimal("5000.00"), Status.APPROVED),
        (other.name, f"h{other.pk}", 1, Decimal("5000.00"), Status.WITHDRAWN)])
    withdrawn = EntitlementEvent.objects.get(entitlement__talent=other, to_status=Status.WITHDRAWN)
    assert withdrawn.run_id == run.pk and withdrawn.from_status == Status.APPROVED and "marriage" in withdrawn.reason
    # that run read the ledger as it stood (two members paid: "one per household" failed for both); the next
    # one reads the household's one line and lists its second half
    _run(date(2024, 8, 15))
    assert (keeper.name, household, 2, Decimal("5000.00"), Status.CANDIDATE) in _lines(wu, zheng)
    assert not Entitlement.objects.filter(talent=other, status__in=[Status.CANDIDATE, *COMMITTED]).exists()

    _approve_all_shown(page)  # bulk approval of the queue: only the household's own line is there
    batch = batch_create(actor=world.officer, queryset=Entitlement.objects.filter(policy__code=RENT))
    paid = list(Entitlement.objects.filter(batch=batch).values_list("talent_id", "instalment"))
    assert sorted(paid) == [(keeper.pk, 1), (keeper.pk, 2)] and batch.total == Decimal("10000.00")
    committed = list(Entitlement.objects.filter(policy__code=RENT, status__in=COMMITTED)
                     .values_list("subject", "instalment"))
    assert len(committed) == len(set(committed)) == 2  # each instalment of the household once, nothing twice

    again = _run(date(2024, 8, 15))  # a rerun changes nothing
    assert (again.new, again.withdrawn) == (0, 0)
