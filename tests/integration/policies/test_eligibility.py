"""Explain for one person agrees with the batch; what-if numbers equal a person-by-person recount."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from talentpool.eligibility.selectors import eligibility_explain, eligibility_for_talent
from talentpool.engines.policy import compile_policy, evaluate_registry, explain, parse_documents
from talentpool.policies.facts import registry_facts, talent_facts
from talentpool.policies.models import PolicyVersion
from talentpool.policies.selectors import policy_version_document, policy_versions_published, whatif
from talentpool.policies.services import document_with_parameters
from talentpool.registry.models import Talent

CODE = "hz-graduate-living"


@pytest.mark.django_db
def test_the_world_graduate_gets_the_living_subsidy_explained(world, shipped):
    e = eligibility_explain(talent=world.talent, code=CODE, as_of=date(2025, 3, 1))
    assert (e.verdict, e.amount, e.missing) == ("yes", Decimal("30000.00"), [])
    assert [(i.due, i.amount, i.ready) for i in e.instalments] == [
        (date(2025, 1, 1), Decimal("15000.00"), True), (date(2025, 7, 1), Decimal("15000.00"), False)]
    insured = next(c for c in e.criteria if c.id == "first_insured_in_time")
    assert insured.status == "pass" and insured.facts["hz_first_insured_month"] == date(2024, 7, 1)
    assert insured.params["first_insured_within_months"]["value"] == 12
    # the window (two years after graduating) is about the day the entitlement arose, the first insured month:
    # checked after it closed, what arose inside it is still owed (back-pay), and the explanation says when
    assert e.arose_on == date(2024, 7, 1) and e.version == 2
    late = eligibility_explain(talent=world.talent, code=CODE, as_of=date(2026, 7, 1))
    assert late.verdict == "yes" and next(c for c in late.criteria if c.id == "within_window").status == "pass"
    assert [i.ready for i in late.instalments] == [True, True]
    everything = eligibility_for_talent(talent=world.talent, as_of=date(2025, 3, 1))
    assert {x.code for x in everything} == {v.code for v in policy_versions_published(date(2025, 3, 1))}


@pytest.mark.django_db
def test_batch_and_single_person_agree_and_whatif_matches_a_recount(shipped):
    from talentpool.reference.services import reference_load
    from talentpool.registry.demo import demo_generate

    reference_load()
    day = date(2025, 6, 30)
    demo_generate(talents=200, enterprises=None, seed=11, district="330106", as_of=day, reset=False)
    base = PolicyVersion.objects.get(policy__code=CODE, version=2)  # in force on the day
    facts = registry_facts(as_of=day)
    both = PolicyVersion.objects.filter(policy__code=CODE, status="published").order_by("version")
    batch = {r["talent_id"]: r for r in evaluate_registry(  # each person judged by the version that applies
        [compile_policy(policy_version_document(v), day) for v in both], facts)[CODE].to_pylist()}
    talents = list(Talent.objects.order_by("pk"))
    for t in talents:
        e = eligibility_explain(talent=t, code=CODE, as_of=day)
        assert (e.verdict, e.version) == (batch[t.pk]["verdict"], batch[t.pk]["version"]), t.pk
        if e.verdict == "yes":
            assert e.amount == batch[t.pk]["amount"]
    values = {"part_time_postgrad_counts": [{"from": "2019-06-03", "value": True}],
              "amount_master": [{"from": "2019-06-03", "value": "35000"}]}
    result = whatif(base=base, parameter_values=values, as_of=day, facts=facts)
    (after_doc,) = parse_documents(document_with_parameters(base.source, values))
    before_doc = policy_version_document(base)
    expected = {"gained": 0, "lost": 0, "budget_before": Decimal(0), "budget_after": Decimal(0), "yes_before": 0,
                "yes_after": 0}
    by_degree: dict[str, int] = {}
    for t in talents:
        f = talent_facts(talent_id=t.pk, as_of=day)
        b, a = explain(before_doc, f, day), explain(after_doc, f, day)
        eb, ea = b.verdict in ("yes", "review"), a.verdict in ("yes", "review")
        expected["gained"] += ea and not eb
        expected["lost"] += eb and not ea
        expected["yes_before"] += b.verdict == "yes"
        expected["yes_after"] += a.verdict == "yes"
        expected["budget_before"] += b.amount or 0 if eb else 0
        expected["budget_after"] += a.amount or 0 if ea else 0
        by_degree[f["degree"] or ""] = by_degree.get(f["degree"] or "", 0) + (ea and not eb)
    assert result["talents"] == 200
    assert (result["gained"], result["lost"]) == (expected["gained"], expected["lost"])
    assert (result["before"]["yes"], result["after"]["yes"]) == (expected["yes_before"], expected["yes_after"])
    assert result["budget_before"] == expected["budget_before"]
    assert result["budget_after"] == expected["budget_after"]
    assert result["budget_change"] == expected["budget_after"] - expected["budget_before"]
    assert {r["key"]: r["gained"] for r in result["splits"]["degree"]} == by_degree
    assert expected["budget_after"] != expected["budget_before"]  # the change matters in this registry
    assert sum(r["talents"] for r in result["splits"]["district"]) == 200


@pytest.mark.django_db
def test_whatif_of_a_whole_draft_document(world, shipped):
    base = PolicyVersion.objects.get(policy__code=CODE, version=2)
    data = yaml.safe_load(base.source)
    for c in data["criteria"]:  # the old reading: the window about the check date, not the day it arose
        if c["id"] == "within_window":
            c["when"] = c["when"].replace("arose_on <=", "as_of <=")
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    result = whatif(base=base, draft_source=source, as_of=date(2026, 7, 1))
    assert (result["eligible_before"], result["eligible_after"], result["lost"]) == (1, 0, 1)
    assert result["budget_change"] == Decimal("-30000.00")
