"""Parameters with dated values are read on the day the entitlement arose (``arises``), not on the check date:
a raise of the amount from 2024 does not reach a graduate who became entitled in 2023 and is first checked in
2025; the boundary is the day the new value starts. The cases are written in the policy's own YAML ``tests``."""

import datetime as dt

import pyarrow as pa

from talentpool.engines.policy import compile_policy, evaluate_registry, explain, facts_table, parse_documents
from talentpool.engines.policy.testcases import run_cases

RAISED = """\
code: raised-policy
version: 1
title: {zh: 加额, en: raised}
basis: [{document: 示例通知}]
arises: hz_first_insured_month
effective_from: 2020-01-01
parameters:
  amount:
    type: money
    zh: 金额
    en: amount
    values: [{from: 2020-01-01, value: "10000.00"}, {from: 2024-01-01, value: "20000.00"}, {from: 2030-01-01, value: "90000.00"}]
  window_months:
    type: int
    zh: 期限
    en: window
    values: [{from: 2020-01-01, value: 12}, {from: 2024-01-01, value: 24}]
  limitation_years:
    type: int
    zh: 时效
    en: limitation
    values: [{from: 2020-01-01, value: 0}, {from: 2025-01-01, value: 3}]
criteria:
  - {id: degree, zh: 学历, en: degree, when: degree_rank >= 2}
  - {id: within_window, zh: 期限内, en: within the window, when: "arose_on <= graduation_date + INTERVAL (param.window_months) MONTH"}
amount: param.amount
tests:
  - defaults: {degree_rank: 2, graduation_date: 2022-06-30}
  - name: entitled on the last day of the old amount (2023-12-01), checked in 2025 — the old amount and window
    as_of: 2025-06-30
    facts: {hz_first_insured_month: 2023-12-01, graduation_date: 2022-12-31}
    expect: {verdict: "yes", amount: "10000.00", criteria: {within_window: pass}}
  - name: entitled the day the new amount starts (2024-01-01) — the new amount
    as_of: 2025-06-30
    facts: {hz_first_insured_month: 2024-01-01, graduation_date: 2022-06-30}
    expect: {verdict: "yes", amount: "20000.00", criteria: {within_window: pass}}
  - name: the old 12-month window judges an entitlement that arose under it (18 months after graduating)
    as_of: 2025-06-30
    facts: {hz_first_insured_month: 2023-12-01, graduation_date: 2022-06-01}
    expect: {verdict: "no", criteria: {within_window: fail}}
  - name: the same 18 months under the new 24-month window
    as_of: 2025-06-30
    facts: {hz_first_insured_month: 2024-01-01, graduation_date: 2022-07-01}
    expect: {verdict: "yes", amount: "20000.00", criteria: {within_window: pass}}
  - name: a value not yet in force on the check date is not used, even for a later arising day
    as_of: 2025-06-30
    facts: {hz_first_insured_month: 2025-06-01, graduation_date: 2024-06-30}
    expect: {verdict: "yes", amount: "20000.00"}
  - name: the limitation period is about the check date (3 years from 2025), not the day it arose
    as_of: 2025-06-30
    facts: {hz_first_insured_month: 2022-06-01, graduation_date: 2021-12-31}
    expect: {verdict: "no", criteria: {within_limitation: fail}}
"""


def test_the_policy_cases_pass():
    (doc,) = parse_documents(RAISED)
    results = run_cases(doc)
    assert len(results) == 6
    assert [r.problems for r in results if not r.passed] == []


def test_the_batch_agrees_and_the_explanation_shows_the_value_of_the_day_it_arose():
    (doc,) = parse_documents(RAISED)
    as_of = dt.date(2025, 6, 30)
    compiled = compile_policy(doc, as_of)
    rows = [{"talent_id": 1, "degree_rank": 2, "graduation_date": dt.date(2022, 12, 31),
             "hz_first_insured_month": dt.date(2023, 12, 1)},
            {"talent_id": 2, "degree_rank": 2, "graduation_date": dt.date(2022, 12, 31),
             "hz_first_insured_month": dt.date(2024, 1, 1)}]
    got = evaluate_registry([compiled], facts_table(rows))["raised-policy"]
    assert [str(a) for a in got.column("amount").to_pylist()] == ["10000.00", "20000.00"]
    assert got.column("verdict").cast(pa.string()).to_pylist() == ["yes", "yes"]
    one = explain(doc, rows[0], as_of, compiled=compiled)
    shown = next(c for c in one.criteria if c.id == "within_window").params["window_months"]
    assert (shown["value"], shown["since"]) == (12, dt.date(2020, 1, 1))
    assert one.arose_on == dt.date(2023, 12, 1)


def test_without_arises_the_check_date_picks_the_value():
    (doc,) = parse_documents(RAISED.replace("arises: hz_first_insured_month\n", "")
                             .replace("arose_on", "hz_first_insured_month"))
    one = explain(doc, {"degree_rank": 2, "graduation_date": dt.date(2022, 12, 31),
                        "hz_first_insured_month": dt.date(2023, 12, 1)}, dt.date(2025, 6, 30))
    assert one.amount is not None and str(one.amount) == "20000.00"
