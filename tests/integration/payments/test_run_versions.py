"""Runs over several versions of a policy: each person judged by the version in force when the entitlement arose
(Yuhang's 2021 rules keep paying their yearly instalments in 2024), and once per person across versions (a lump
sum paid under version 1 of the city living subsidy blocks version 2 after a later degree)."""

from __future__ import annotations

from datetime import date

from factories.registry import credit_code, make_enterprise, make_talent, resident_id

from talentpool.eligibility.ledger import ledger_for_talent
from talentpool.eligibility.models import Entitlement, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.eligibility.selectors import eligibility_explain
from talentpool.payments.services import entitlements_approve
from talentpool.registry.models import Education, Employment, InsuranceRecord

YH = "yh-living-settling"
LIVING = "hz-graduate-living"


def _run(as_of, code):
    return run_execute(run_create(as_of=as_of, codes=[code]).pk)


def _lines(talent, code):
    return list(Entitlement.objects.filter(talent=talent, policy__code=code).order_by("instalment")
                .values_list("instalment", "amount", "policy_version__version", "status"))


def test_a_yuhang_graduate_who_started_in_2021_keeps_receiving_the_2021_yearly_payments(world, shipped):
    employer = make_enterprise(division="330110", credit_code=credit_code(901))
    grad = make_talent(name="周余杭", district="330110", birth=date(1996, 4, 2),
                       id_number=resident_id(place="330110", birth=date(1996, 4, 2), serial=901))
    Education.objects.create(talent=grad, degree="master", university_code="9999999999", graduation_date=date(2021, 6, 30))
    Employment.objects.create(talent=grad, enterprise=employer, start_date=date(2021, 7, 1))
    InsuranceRecord.objects.create(talent=grad, from_month=date(2021, 7, 1), to_month=date(2024, 12, 1),
                                   division="330110")
    for n, day in enumerate((date(2021, 8, 15), date(2022, 7, 15), date(2023, 7, 15)), 1):
        _run(day, YH)
        line = Entitlement.objects.get(talent=grad, policy__code=YH, instalment=n)
        assert entitlements_approve(actor=world.officer_other, ids=[line.pk]).done == 1
    _run(date(2024, 7, 15), YH)  # the 2022 rules are in force; the 2021 rules judge him: year 3 brings 10,000
    assert _lines(grad, YH) == [(1, 30000, 1, Status.APPROVED), (2, 5000, 1, Status.APPROVED),
                                (3, 5000, 1, Status.APPROVED), (4, 10000, 1, Status.CANDIDATE)]
    explained = eligibility_explain(talent=grad, code=YH, as_of=date(2024, 7, 15))
    assert (explained.version, explained.verdict, explained.arose_on) == (1, "yes", date(2021, 7, 1))


def test_a_lump_sum_under_version_1_blocks_version_2_after_a_later_degree(world, shipped):
    employer = make_enterprise(division="330106", credit_code=credit_code(902))
    grad = make_talent(name="钱一次", district="330106", birth=date(1998, 1, 5),
                       id_number=resident_id(birth=date(1998, 1, 5), serial=902))
    Education.objects.create(talent=grad, degree="bachelor", university_code="9999999999",
                             graduation_date=date(2020, 6, 30))
    Employment.objects.create(talent=grad, enterprise=employer, start_date=date(2020, 7, 1))
    InsuranceRecord.objects.create(talent=grad, from_month=date(2020, 7, 1), to_month=date(2021, 2, 1),
                                   division="330106")
    _run(date(2021, 3, 1), LIVING)
    (line,) = Entitlement.objects.filter(talent=grad, policy__code=LIVING)
    assert entitlements_approve(actor=world.officer, ids=[line.pk]).done == 1
    assert ledger_for_talent(grad.pk, [grad.pk])[LIVING]["first_version"] == 1
    # a master's degree later, insured again after it: version 2 would pay the master 30,000 — but once is ever
    Education.objects.create(talent=grad, degree="master", university_code="9999999999",
                             graduation_date=date(2023, 6, 30))
    InsuranceRecord.objects.create(talent=grad, from_month=date(2023, 7, 1), to_month=date(2024, 8, 1),
                                   division="330106")
    _run(date(2024, 9, 1), LIVING)
    assert _lines(grad, LIVING) == [(1, 10000, 1, Status.APPROVED)]
    explained = eligibility_explain(talent=grad, code=LIVING, as_of=date(2024, 9, 1))
    assert explained.version == 2 and explained.verdict == "no"
    assert next(c for c in explained.criteria if c.id == "not_paid_before").status == "fail"


def test_a_marriage_recorded_after_both_spouses_hold_lines_keeps_one_line_per_household():
    from decimal import Decimal

    from talentpool.eligibility.models import Run
    from talentpool.eligibility.runs import Due, LiveLine, PolicyOutcome, _reconcile

    five = Decimal("5000.00")
    existing = {  # before the marriages each spouse was a household of one
        ("h1", 1): LiveLine(10, 1, five, Status.APPROVED), ("h2", 1): LiveLine(11, 2, five, Status.CANDIDATE),
        ("h3", 1): LiveLine(12, 3, five, Status.APPROVED), ("h4", 1): LiveLine(13, 4, five, Status.APPROVED),
        ("h5", 1): LiveLine(14, 5, five, Status.CANDIDATE), ("h6", 1): LiveLine(15, 6, five, Status.APPROVED),
    }
    household_of = {1: "h1", 2: "h1", 3: "h3", 4: "h3", 5: "h5", 6: "h5"}  # 1+2, 3+4 (both approved in bulk), 5+6
    oc = PolicyOutcome(row=None, compiled=None, verdict_of=dict.fromkeys(range(1, 7), "yes"))
    oc.due = [Due(f"h{t}", t, 1, "", five, date(2025, 1, 1), "yes") for t in (1, 3, 5)]  # the lowest id per household
    plan = _reconcile(Run(pk=7), oc, existing, set(range(1, 7)), household_of)
    assert plan.creates == []                           # nothing is paid twice
    assert sorted(plan.withdraw_household) == [11, 14]  # the spouse's candidate; the candidate of a paid household
    assert plan.withdraw_committed == [13]  # both approved: the household's own line (12) stays, the other goes
    assert sorted(lid for lid, _note in plan.flags) == [15]  # a committed line under a stale household: flagged
    assert all("marriage recorded" in note for _lid, note in plan.flags)
