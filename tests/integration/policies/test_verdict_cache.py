"""One person's verdicts are kept by their inputs (eligibility/verdicts.py): what a request returns is exactly
what the engine gives, for a whole generated population, and a change of facts, ledger or published version
shows at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talentpool.eligibility import selectors
from talentpool.eligibility.ledger import ledger_table
from talentpool.eligibility.models import Entitlement, Status
from talentpool.eligibility.verdicts import verdicts_cache_clear
from talentpool.engines.policy import evaluate_registry
from talentpool.policies.facts import registry_facts
from talentpool.policies.models import PolicyVersion
from talentpool.policies.selectors import (
    policy_version_compiled,
    policy_versions_applicable,
)
from talentpool.registry.models import Education, Talent

LIVING = "hz-graduate-living"
DAY = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _empty_verdict_cache():
    verdicts_cache_clear()
    yield
    verdicts_cache_clear()


def _plain(explanations) -> list[dict]:
    return [e.as_dict() for e in explanations]


def _engine_calls(monkeypatch) -> list[str]:
    """Counts the engine's single-person evaluations made behind the selectors."""
    calls: list[str] = []
    real = selectors.explain

    def counted(version, *args, **kwargs):
        calls.append(version.code)
        return real(version, *args, **kwargs)

    monkeypatch.setattr(selectors, "explain", counted)
    return calls


@pytest.mark.django_db
def test_kept_verdicts_are_the_engines_for_a_generated_population(shipped, monkeypatch):
    from talentpool.reference.services import reference_load
    from talentpool.registry.demo import demo_generate

    reference_load()
    day = date(2025, 6, 30)
    demo_generate(talents=40, enterprises=None, seed=5, district="330106", as_of=day, reset=False)
    applicable = policy_versions_applicable(day)  # each person judged by the version that applies, as a run does
    batch = evaluate_registry([policy_version_compiled(row, day) for row, _doc in applicable],
                              registry_facts(as_of=day), ledger_table())
    batch = {code: {r["talent_id"]: r for r in table.to_pylist()} for code, table in batch.items()}
    calls = _engine_calls(monkeypatch)
    verdicts = set()
    for talent in Talent.objects.order_by("pk"):
        first = selectors.eligibility_for_talent(talent=talent, as_of=day)
        engine_calls = len(calls)
        again = selectors.eligibility_for_talent(talent=talent, as_of=day)
        assert len(calls) == engine_calls, "the second request evaluated again"
        assert _plain(again) == _plain(first) == _plain(selectors._explain_all(talent, day))
        for e in again:
            expected = batch[e.code][talent.pk]
            assert e.verdict == expected["verdict"], (talent.pk, e.code)
            if e.verdict in ("yes", "review"):
                assert e.amount == expected["amount"], (talent.pk, e.code)
            verdicts.add(e.verdict)
    assert {"yes", "no"} <= verdicts  # the population is not all alike


@pytest.mark.django_db
def test_a_change_of_facts_ledger_or_version_shows_at_once(world, shipped, monkeypatch):
    talent = world.talent
    calls = _engine_calls(monkeypatch)
    living = next(e for e in selectors.eligibility_for_talent(talent=talent, as_of=DAY) if e.code == LIVING)
    assert (living.verdict, living.amount) == ("yes", Decimal("30000.00"))
    made = len(calls)
    with CaptureQueriesContext(connection) as hit:
        selectors.eligibility_for_talent(talent=talent, as_of=DAY)
    assert len(calls) == made and len(hit) <= 10
    # the key hashes every published document, known to the process by (id, updated_at): no text is read again
    assert not any('"source"' in q["sql"] for q in hit.captured_queries)

    # a fact: the master's degree becomes a bachelor's (the amount follows the degree)
    Education.objects.filter(talent=talent).update(degree="bachelor")
    living = next(e for e in selectors.eligibility_for_talent(talent=talent, as_of=DAY) if e.code == LIVING)
    assert (living.verdict, living.amount) != ("yes", Decimal("30000.00"))
    assert living.as_dict() == selectors.eligibility_explain(talent=Talent.objects.get(pk=talent.pk), code=LIVING,
                                                             as_of=DAY).as_dict()
    Education.objects.filter(talent=talent).update(degree="master")
    living = selectors.eligibility_explain(talent=talent, code=LIVING, as_of=DAY)
    assert (living.verdict, living.amount) == ("yes", Decimal("30000.00"))

    # the ledger: both instalments of the subsidy paid already ("not paid before" fails)
    version = PolicyVersion.objects.get(policy__code=LIVING, status="published", version=2)
    for n in (1, 2):
        Entitlement.objects.create(subject=f"t{talent.pk}", talent=talent, policy=version.policy,
                                   policy_version=version, instalment=n, amount=Decimal("15000.00"),
                                   due=date(2025, 1, 1), status=Status.PAID, paid_on=date(2025, 1, 10))
    living = selectors.eligibility_explain(talent=talent, code=LIVING, as_of=DAY)
    assert living.verdict == "no"
    assert next(c for c in living.criteria if c.id == "not_paid_before").status == "fail"
    Entitlement.objects.filter(talent=talent).update(status=Status.FAILED, paid_on=None)  # still committed
    assert selectors.eligibility_explain(talent=talent, code=LIVING, as_of=DAY).verdict == "no"
    Entitlement.objects.filter(talent=talent).delete()
    assert selectors.eligibility_explain(talent=talent, code=LIVING, as_of=DAY).verdict == "yes"

    # a published version: its amount parameter edited in place (the key holds the document's hash)
    version.source = version.source.replace('value: "30000.00"', 'value: "31000.00"', 1)
    assert 'value: "31000.00"' in version.source
    PolicyVersion.objects.filter(pk=version.pk).update(source=version.source)
    from talentpool.policies.selectors import policy_cache_clear

    policy_cache_clear()  # the parsed-document cache is keyed by updated_at, which update() left alone
    assert selectors.eligibility_explain(talent=talent, code=LIVING, as_of=DAY).amount == Decimal("31000.00")


@pytest.mark.django_db
def test_a_ledger_lines_explanation_is_kept_by_its_snapshot_and_version(world, shipped, monkeypatch):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from talentpool.policies.facts import talent_facts

    talent = world.talent
    version = PolicyVersion.objects.get(policy__code=LIVING, status="published", version=2)
    facts = json.loads(json.dumps(talent_facts(talent_id=talent.pk, as_of=DAY), cls=DjangoJSONEncoder))
    line = Entitlement.objects.create(
        subject=f"t{talent.pk}", talent=talent, policy=version.policy, policy_version=version, instalment=1,
        amount=Decimal("15000.00"), due=date(2025, 1, 1),
        explanation={"as_of": DAY.isoformat(), "verdict": "yes", "facts": facts})
    calls = _engine_calls(monkeypatch)
    first = selectors.entitlement_explanation(line)
    again = selectors.entitlement_explanation(Entitlement.objects.get(pk=line.pk))
    assert len(calls) == 1
    assert again.as_dict() == first.as_dict() == selectors._line_explanation(line).as_dict()
    assert (first.verdict, first.amount) == ("yes", Decimal("30000.00"))
    line.explanation["facts"]["degree"] = "bachelor"  # another snapshot, another answer
    line.save()
    changed = selectors.entitlement_explanation(line)
    assert len(calls) == 3 and changed.amount != first.amount


@pytest.mark.django_db
def test_the_kept_published_set_follows_a_saved_version_a_retirement_and_a_policy(world, shipped, client):
    """The published versions are kept per process by the key of the published set (policies.selectors._published):
    a version saved (its amount edited), a policy's title changed, a version retired each show on the next page."""
    from talentpool.policies.models import Policy
    from talentpool.policies.selectors import _published

    client.force_login(world.officer)
    base = f"/policies/explain/{world.talent.pk}/{LIVING}/?as_of={DAY.isoformat()}"
    listed = {p["name"]: p["current"] for p in client.get(base).context["parameters"]}
    assert listed["amount_master"] == "30000.00"
    with CaptureQueriesContext(connection) as again:
        client.get(base)
    assert not any('"source"' in q["sql"] for q in again.captured_queries)  # the documents are not read again

    version = PolicyVersion.objects.get(policy__code=LIVING, status="published", version=2)
    version.source = version.source.replace('value: "30000.00"', 'value: "31000.00"', 1)
    version.save()  # every save changes updated_at
    page = client.get(base)
    assert {p["name"]: p["current"] for p in page.context["parameters"]}["amount_master"] == "31000.00"
    assert page.context["x"].amount == Decimal("31000.00")

    Policy.objects.filter(code=LIVING).update(title_zh="新的标题")  # no updated_at anywhere: the key holds it
    assert next(row for row, _doc in _published() if row.policy.code == LIVING).policy.title_zh == "新的标题"

    PolicyVersion.objects.filter(policy__code=LIVING, status="published").update(status="retired")
    assert client.get(base).status_code == 404
    assert LIVING not in {doc.code for _row, doc in policy_versions_applicable(DAY)}
