"""Versions of one policy: once per person across versions (ledger facts over every version of a code), the
version chosen by the day the entitlement arose, windows about that day, the limitation period, and the order of
cap and deduction."""

import datetime as dt
import textwrap
from decimal import Decimal

import pyarrow as pa

from talentpool.engines.policy import (
    compile_policy,
    evaluate_registry,
    explain,
    explain_applicable,
    facts_table,
    parse_documents,
)
from talentpool.engines.policy.evaluate import LEDGER_SCHEMA

ONCE = """\
code: once-policy
version: {version}
title: {{zh: 一次, en: once}}
basis: [{{document: 示例通知}}]
effective_from: {start}
{end}
criteria:
  - {{id: degree, zh: 学历, en: degree, when: degree_rank >= 2}}
  - id: not_paid_before
    zh: 未领过
    en: not paid before
    when: ledger_instalments_paid = 0 OR (ledger_first_version = this_version AND ledger_instalments_paid < 2)
amount: "1000"
"""


def _once(version: int, start: str, end: str = "", extra: str = ""):
    text = ONCE.format(version=version, start=start, end=f"effective_to: {end}" if end else "") + textwrap.dedent(extra)
    (doc,) = parse_documents(text)
    return doc


def _ledger(rows):
    return pa.Table.from_pylist([{"policy_code": "once-policy", "household_paid": 1, **r} for r in rows],
                                schema=LEDGER_SCHEMA)


def test_a_payment_under_an_earlier_version_blocks_a_later_one_and_its_own_second_half_does_not():
    v2 = compile_policy(_once(2, "2022-01-01"), dt.date(2024, 1, 1))
    facts = facts_table([{"talent_id": i, "degree_rank": 3} for i in (1, 2, 3, 4)])
    ledger = _ledger([
        {"talent_id": 1, "instalments_paid": 1, "amount_paid": Decimal("1000"), "first_version": 1},  # v1 lump sum
        {"talent_id": 2, "instalments_paid": 1, "amount_paid": Decimal("500"), "first_version": 2},   # v2 first half
        {"talent_id": 3, "instalments_paid": 2, "amount_paid": Decimal("1000"), "first_version": 2},  # v2 both halves
    ])
    verdicts = evaluate_registry([v2], facts, ledger)["once-policy"].column("verdict").cast(pa.string()).to_pylist()
    assert verdicts == ["no", "yes", "no", "yes"]
    one = explain(v2.version, {"degree_rank": 3}, dt.date(2024, 1, 1), {"instalments_paid": 1, "first_version": 1})
    assert one.verdict == "no" and one.criteria[1].facts["ledger_first_version"] == 1


ARISES = """\
code: arise-policy
version: {version}
title: {{zh: 产生, en: arises}}
basis: [{{document: 示例通知}}]
effective_from: {start}
{end}
arises: yh_first_insured_month
criteria:
  - {{id: degree, zh: 学历, en: degree, when: degree_rank >= 2}}
  - {{id: within_window, zh: 毕业两年内, en: within two years, when: "arose_on <= add_months(graduation_date, 24)"}}
amount: "{amount}"
"""


def _arising(version, start, end, amount):
    text = ARISES.format(version=version, start=start, end=f"effective_to: {end}" if end else "", amount=amount)
    (doc,) = parse_documents(text)
    return doc


def test_the_version_that_applies_is_chosen_by_the_day_the_entitlement_arose_not_the_run_date():
    as_of = dt.date(2024, 6, 1)
    old = compile_policy(_arising(1, "2019-01-01", "2021-12-31", "10000"), as_of)
    new = compile_policy(_arising(2, "2022-01-01", "", "30000"), as_of)
    rows = [{"talent_id": 1, "degree_rank": 2, "graduation_date": "2021-06-30", "yh_first_insured_month": "2021-12-01"},
            {"talent_id": 2, "degree_rank": 2, "graduation_date": "2021-06-30", "yh_first_insured_month": "2022-01-01"},
            {"talent_id": 3, "degree_rank": 2, "graduation_date": "2021-06-30", "yh_first_insured_month": None}]
    result = evaluate_registry([old, new], facts_table(rows))["arise-policy"]
    assert result.column("version").to_pylist() == [1, 2, 2]
    assert result.column("amount").to_pylist() == [Decimal("10000.00"), Decimal("30000.00"), None]
    assert result.column("verdict").cast(pa.string()).to_pylist() == ["yes", "yes", "unknown"]
    # the single-person path picks the same version and says when the entitlement arose
    got = explain_applicable([old, new], rows[0], as_of)
    assert (got.version, got.verdict, got.arose_on) == (1, "yes", dt.date(2021, 12, 1))
    assert explain_applicable([old, new], rows[1], as_of).version == 2
    alone = explain(new.version, rows[0], as_of, compiled=new)  # the later version alone does not apply
    assert alone.verdict == "no" and alone.criteria[-1].id == "version_applies" and alone.criteria[-1].status == "fail"


def test_a_window_is_about_the_day_the_entitlement_arose_so_a_late_run_still_pays_it():
    version = _arising(2, "2022-01-01", "", "30000")
    late = dt.date(2030, 1, 1)  # checked long after the window closed
    inside = {"degree_rank": 2, "graduation_date": "2022-06-30", "yh_first_insured_month": "2024-06-01"}
    outside = {**inside, "yh_first_insured_month": "2024-07-01"}  # arose a day after the two years
    assert explain(version, inside, late).verdict == "yes"
    got = explain(version, outside, late)
    assert got.verdict == "no" and got.arose_on == dt.date(2024, 7, 1)
    assert next(c for c in got.criteria if c.id == "within_window").status == "fail"


LIMITED = """\
code: limited-policy
version: 1
title: {zh: 时效, en: limitation}
basis: [{document: 示例通知}]
effective_from: 2019-01-01
arises: hz_first_insured_month
parameters:
  limitation_years: {type: int, zh: 时效（年，0为不限）, en: limitation period (years; 0 none), values: [{from: 2019-01-01, value: LIMIT}]}
criteria:
  - {id: degree, zh: 学历, en: degree, when: degree_rank >= 2}
amount: "1000"
instalments:
  - {id: first, zh: 首期, en: first, share: "0.5", due: "add_months(hz_first_insured_month, 6)"}
  - {id: second, zh: 二期, en: second, share: "0.5", due: "add_months(hz_first_insured_month, 12)"}
"""


def test_a_limitation_period_drops_claims_older_than_it_and_none_is_the_default():
    facts = {"degree_rank": 2, "hz_first_insured_month": "2021-01-01"}  # due 2021-07-01 and 2022-01-01
    as_of = dt.date(2024, 1, 1)
    (none,) = parse_documents(LIMITED.replace("LIMIT", "0"))
    assert [i.ready for i in explain(none, facts, as_of).instalments] == [True, True]
    (two,) = parse_documents(LIMITED.replace("LIMIT", "2"))
    assert [i.ready for i in explain(two, facts, as_of).instalments] == [False, True]  # 2022-01-01 is the last day
    assert [i.ready for i in explain(two, facts, dt.date(2024, 1, 2)).instalments] == [False, False]
    lump = LIMITED.replace("LIMIT", "2").split("instalments:")[0]
    (one_sum,) = parse_documents(lump)
    got = explain(one_sum, facts, as_of)
    assert got.verdict == "no" and got.criteria[-1].id == "within_limitation"
    assert explain(one_sum, facts, dt.date(2022, 12, 31)).verdict == "yes"


CAPPED = """\
code: capped-policy
version: 1
title: {zh: 封顶, en: capped}
basis: [{document: 示例通知}]
effective_from: 2019-01-01
parameters:
  cap_before_minus: {type: bool, zh: 先封顶后扣减, en: "cap first, then deduct", values: [{from: 2019-01-01, value: ORDER}]}
criteria:
  - {id: tier, zh: 层次, en: tier, when: "tier = 'D'"}
amount: "1000000"
cap: house_price
minus: settling_allowance_received
"""


def test_cap_and_deduction_apply_in_the_order_the_parameter_says():
    facts = {"tier": "D", "house_price": "800000", "settling_allowance_received": "300000"}
    (cap_first,) = parse_documents(CAPPED.replace("ORDER", "true"))
    (minus_first,) = parse_documents(CAPPED.replace("ORDER", "false"))
    as_of = dt.date(2024, 1, 1)
    assert explain(cap_first, facts, as_of).amount == Decimal("500000.00")     # min(1M, 800k) − 300k
    assert explain(minus_first, facts, as_of).amount == Decimal("700000.00")   # min(1M − 300k, 800k)
    (plain,) = parse_documents(CAPPED.split("parameters:")[0] + "criteria:" + CAPPED.split("criteria:")[1])
    assert explain(plain, facts, as_of).amount == Decimal("500000.00")         # without it: cap first


def test_parameter_overrides_for_one_person_and_in_test_cases():
    from talentpool.engines.policy import PolicyError, run_cases, with_parameters

    (version,) = parse_documents(CAPPED.replace("ORDER", "true"))
    facts = {"tier": "D", "house_price": "800000", "settling_allowance_received": "300000"}
    changed = with_parameters(version, {"cap_before_minus": "false"})  # as typed on a form or a command line
    assert explain(changed, facts, dt.date(2024, 1, 1)).amount == Decimal("700000.00")
    assert version.parameters["cap_before_minus"].values[0].value is True  # the stored version is untouched
    try:
        with_parameters(version, {"no_such": "1"})
    except PolicyError as exc:
        assert "unknown parameter 'no_such'" in str(exc)
    else:
        raise AssertionError("an unknown parameter must be refused")
    case = CAPPED.replace("ORDER", "true") + textwrap.dedent("""\
        tests:
          - name: the other order
            as_of: 2024-01-01
            params: {cap_before_minus: false}
            facts: {tier: D, house_price: "800000", settling_allowance_received: "300000"}
            expect: {verdict: "yes", amount: "700000.00"}
        """)
    (with_case,) = parse_documents(case)
    assert [r.passed for r in run_cases(with_case)] == [True]
