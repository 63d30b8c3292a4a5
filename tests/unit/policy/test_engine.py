"""The policy engine without a database: document checks with lines, compilation, three-valued verdicts,
day-exact dates, exclusions, and the batch path agreeing with the single-person path."""

import datetime as dt
import random
import textwrap
from decimal import Decimal

import pytest

from talentpool.engines.policy import (
    PolicyError,
    check_policy_set,
    compile_policy,
    evaluate_registry,
    explain,
    facts_table,
    instalment_schedule,
    parse_documents,
)

BASE = """\
code: demo-policy
version: 1
title: {zh: 示例, en: Example}
basis: [{document: 示例通知, date: 2020-01-01}]
effective_from: 2020-01-01
parameters:
  min_rank: {type: int, zh: 最低学历, en: minimum degree, values: [{from: 2020-01-01, value: 2}, {from: 2023-01-01, value: 3}]}
  amount: {type: money, zh: 金额, en: amount, values: [{from: 2020-01-01, value: "1000.00"}]}
criteria:
  - {id: degree, zh: 学历, en: degree, when: degree_rank >= param.min_rank}
  - {id: young, zh: 年龄, en: age, when: "age_on(birth_date, as_of) <= 35"}
amount: param.amount
"""


def doc(extra: str = "", base: str = BASE) -> list:
    return parse_documents(base + textwrap.dedent(extra))


@pytest.mark.parametrize(("extra", "line", "message"), [
    ("colour: blue\n", 10, "unknown field 'colour'"),
    ("criteria:\n  - {id: xx, when: salary > 3}\n", 11, "reads 'salary', which the registry does not have"),
    ("criteria:\n  - {id: xx, when: degree_rank >= param.nope}\n", 11, "unknown parameter 'nope'"),
    ("criteria:\n  - {id: xx, when: upper_bound(degree_rank)}\n", 11, "unknown function upper_bound()"),
    ("criteria:\n  - {id: xx, when: degree_rank >= (SELECT 1)}\n", 11, "may not contain a query"),
])
def test_bad_documents_are_refused_with_line_and_reason(extra, line, message):
    kept = [ln for ln in BASE.splitlines(keepends=True) if not ln.startswith(("criteria:", "  - {id: degree", "  - {id: young"))]
    source = "".join(kept) + extra
    with pytest.raises(PolicyError) as info:
        for v in parse_documents(source):
            compile_policy(v, dt.date(2024, 1, 1))
    assert any(message in m for _, m in info.value.problems), info.value.problems
    assert any(ln == line for ln, m in info.value.problems if message in m), info.value.problems


def test_owner_and_delivery_are_read_and_checked_with_their_line():
    (version,) = doc("owner: 330110\ndelivery: in_kind\n")
    assert (version.owner, version.delivery) == ("330110", "in_kind")
    (plain,) = doc()
    assert (plain.owner, plain.delivery) == ("", "bank_transfer")  # a bank transfer unless it says otherwise
    with pytest.raises(PolicyError) as info:
        doc("owner: hangzhou\ndelivery: cash\n")
    assert [(ln, m.split(",")[0]) for ln, m in info.value.problems] == [
        (13, "owner must be a six-digit division code such as 330100"), (14, "delivery must be one of bank_transfer")]


def test_type_mismatch_in_a_parameter_value_is_refused_with_its_line():
    source = BASE.replace('value: "1000.00"', "value: lots")
    with pytest.raises(PolicyError) as info:
        parse_documents(source)
    assert info.value.problems[0][0] == 8 and "type money" in info.value.problems[0][1]


def test_overlapping_versions_and_exclusion_cycles_are_refused():
    v1 = doc()[0]
    v2 = parse_documents(BASE.replace("version: 1", "version: 2").replace("effective_from: 2020-01-01", "effective_from: 2022-01-01"))[0]
    with pytest.raises(PolicyError, match="still in force"):
        check_policy_set([v1, v2])
    a = parse_documents(BASE.replace("code: demo-policy", "code: policy-a") + "excludes: [policy-b]\n")[0]
    b = parse_documents(BASE.replace("code: demo-policy", "code: policy-b") + "excludes: [policy-a]\n")[0]
    with pytest.raises(PolicyError, match="exclusion cycle: policy-a → policy-b → policy-a"):
        check_policy_set([a, b])


def test_parameters_change_by_date():
    version = doc()[0]
    person = {"degree_rank": 2, "birth_date": dt.date(2000, 1, 1)}
    assert explain(version, person, dt.date(2022, 12, 31)).verdict == "yes"
    assert explain(version, person, dt.date(2023, 1, 1)).verdict == "no"


@pytest.mark.parametrize(("birth", "as_of", "age"), [
    (dt.date(1989, 6, 15), dt.date(2024, 6, 14), 34),
    (dt.date(1989, 6, 15), dt.date(2024, 6, 15), 35),   # the birthday itself
    (dt.date(2000, 2, 29), dt.date(2035, 2, 28), 34),   # born on a leap day: a year older on 1 March
    (dt.date(2000, 2, 29), dt.date(2035, 3, 1), 35),
    (dt.date(2000, 2, 29), dt.date(2036, 2, 29), 36),
])
def test_age_on_a_birthday_is_exact(birth, as_of, age):
    version = parse_documents(BASE.replace("<= 35", f"= {age}"))[0]
    assert explain(version, {"degree_rank": 4, "birth_date": birth}, as_of).verdict == "yes"


def test_month_arithmetic_at_month_ends():
    version = parse_documents(BASE + textwrap.dedent("""\
        instalments:
          - {id: a, share: "1", due: "add_months(graduation_date, 1)"}
    """))[0]
    for grad, due in [(dt.date(2023, 1, 31), dt.date(2023, 2, 28)), (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
                      (dt.date(2023, 8, 31), dt.date(2023, 9, 30))]:
        got = explain(version, {"degree_rank": 4, "birth_date": dt.date(2000, 1, 1), "graduation_date": grad},
                      dt.date(2024, 1, 1))
        assert got.instalments[0].due == due


def test_a_missing_fact_gives_unknown_naming_it_never_a_silent_no():
    version = doc()[0]
    got = explain(version, {"degree_rank": 3}, dt.date(2024, 1, 1))
    assert (got.verdict, got.missing) == ("unknown", ["birth_date"])
    assert explain(version, {"degree_rank": 1}, dt.date(2024, 1, 1)).verdict == "no"  # a fail beats an unknown


def test_months_between_counts_whole_months():
    version = parse_documents(BASE.replace("<= 35\"}", "<= 35\"}\n  - {id: span, zh: 月数, en: months, when: \"months_between(graduation_date, as_of) >= 6\"}"))[0]
    person = {"degree_rank": 4, "birth_date": dt.date(2000, 1, 1), "graduation_date": dt.date(2024, 1, 31)}
    assert explain(version, person, dt.date(2024, 7, 30)).verdict == "no"   # 5 whole months
    assert explain(version, person, dt.date(2024, 7, 31)).verdict == "yes"  # 6


def test_a_missing_cap_makes_the_amount_unknown_not_uncapped():
    version = parse_documents(BASE + "cap: house_price\n")[0]
    person = {"degree_rank": 4, "birth_date": dt.date(2000, 1, 1)}
    assert explain(version, person, dt.date(2024, 1, 1)).amount is None
    assert explain(version, {**person, "house_price": "500.00"}, dt.date(2024, 1, 1)).amount == Decimal("500.00")


def test_instalments_split_to_the_cent():
    version = parse_documents(BASE.replace('"1000.00"', '"1000.01"') + textwrap.dedent("""\
        instalments:
          - {id: a, share: "0.3333", due: as_of}
          - {id: b, share: "0.6667", due: as_of}
    """))[0]
    got = explain(version, {"degree_rank": 4, "birth_date": dt.date(2000, 1, 1)}, dt.date(2024, 1, 1))
    assert [i.amount for i in got.instalments] == [Decimal("333.30"), Decimal("666.71")]
    assert sum(i.amount for i in got.instalments) == got.amount


def test_exclusions_turn_the_lesser_policy_into_excluded():
    a = parse_documents(BASE.replace("code: demo-policy", "code: policy-a") + "excludes: [policy-b]\n")[0]
    b = parse_documents(BASE.replace("code: demo-policy", "code: policy-b"))[0]
    as_of = dt.date(2024, 1, 1)
    facts = facts_table([{"talent_id": 1, "degree_rank": 4, "birth_date": dt.date(2000, 1, 1)},
                         {"talent_id": 2, "degree_rank": 4, "birth_date": dt.date(1970, 1, 1)}])
    out = evaluate_registry([compile_policy(a, as_of), compile_policy(b, as_of)], facts)
    assert out["policy-b"].column("verdict").to_pylist() == ["excluded", "no"]


def test_batch_and_single_person_paths_agree_on_a_generated_registry():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[3] / "src" / "talentpool" / "policies" / "shipped"
    versions = [v for f in sorted(shipped.glob("*.yaml")) for v in parse_documents(f.read_text(encoding="utf-8"))]
    rng = random.Random(11)
    people = []
    for i in range(150):
        grad = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2400))
        person = {
            "talent_id": i, "degree": rng.choice(["junior_college", "bachelor", "master", "doctor"]),
            "full_time": rng.random() < 0.85, "overseas": rng.random() < 0.1, "overseas_certified": rng.random() < 0.5,
            "graduation_date": grad, "diploma_date": grad, "birth_date": grad - dt.timedelta(days=rng.randrange(7800, 11000)),
            "employed": rng.random() < 0.9, "employer_tax_division": rng.choice(["330106", "330110", "330200", None]),
            "employer_division": rng.choice(["330106", "330110", "330200"]),
            "hz_first_insured_month": (grad.replace(day=1) + dt.timedelta(days=rng.randrange(0, 500))).replace(day=1) if rng.random() < 0.9 else None,
            "hz_run_months": rng.randrange(0, 40), "yh_run_months": rng.randrange(0, 40), "in_service_study": rng.random() < 0.05,
            "owns_property": rng.random() < 0.2, "housing": rng.choice(["none", "none", "public_rental"]),
            "tier": rng.choice(["", "", "", "A", "B", "C", "D", "E"]), "hukou_division": rng.choice(["330106", "420100", "110101"]),
        }
        person["degree_rank"] = ["junior_college", "bachelor", "master", "doctor"].index(person["degree"]) + 1
        people.append(person)
    as_of = dt.date(2024, 9, 1)
    current = [v for v in versions if v.in_force_on(as_of)]
    compiled = [compile_policy(v, as_of) for v in current]
    batch = evaluate_registry(compiled, facts_table(people))
    for version, comp in zip(current, compiled, strict=True):
        table = batch[version.code].to_pylist()
        eligible = [r["talent_id"] for r in table if r["verdict"] in ("yes", "review", "excluded")]
        schedule = {}
        for line in instalment_schedule(comp, facts_table(people), eligible).to_pylist():
            schedule.setdefault(line["talent_id"], []).append((line["due"], line["ready"], line["amount"]))
        for person, row in zip(people, table, strict=True):
            single = explain(version, person, as_of, compiled=comp)
            expected = "yes" if row["verdict"] == "excluded" else row["verdict"]
            assert (single.verdict, single.amount if single.verdict in ("yes", "review") else None) == \
                   (expected, row["amount"] if row["verdict"] in ("yes", "review", "excluded") else None), (version.code, person)
            assert [(i.due, i.ready, i.amount) for i in single.instalments] == schedule.get(person["talent_id"], [])
