"""Household and housing facts recorded by an officer for one person (house price, settling allowance received,
income assessment), each dated: the policy facts read them as of the date, so the home-purchase subsidy can be
decided instead of "cannot decide"; the form is audited, scoped and refuses an unreadable value by its field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from factories.policies import shipped_policies

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.eligibility.selectors import eligibility_explain
from talentpool.policies.facts import registry_facts, talent_facts
from talentpool.registry.models import HouseholdFacts
from talentpool.registry.services import household_facts_record

HOME = "hz-talent-home-purchase"


def _buyer(world):
    t = world.colleague
    t.tier, t.tier_date = "E", date(2023, 3, 1)
    t.owns_property, t.property_division, t.property_purchase_date = True, "330106", date(2024, 5, 10)
    t.save()
    return t


def _bulk(talent_id: int, day: date) -> dict:
    table = registry_facts(as_of=day)
    return next(r for r in table.to_pylist() if r["talent_id"] == talent_id)


FIELDS = ("house_price", "settling_allowance_received", "household_income_low")


def test_recorded_facts_are_read_as_of_the_date_and_decide_the_home_purchase_subsidy(world):
    shipped_policies()
    buyer = _buyer(world)
    before = eligibility_explain(talent=buyer, code=HOME, as_of=date(2025, 6, 30))
    assert before.verdict == "unknown" and {"house_price", "settling_allowance_received"} <= set(before.missing)
    household_facts_record(actor=world.officer, talent=buyer, values={
        "house_price": "150,000.00", "settling_allowance": "30000", "settling_allowance_on": "2024-09-01",
        "income_low": "true", "income_assessed_on": "2025-01-15"})
    for day, want in [(date(2024, 5, 9), (None, Decimal("0.00"), None)),           # before the purchase
                      (date(2024, 5, 10), (Decimal("150000.00"), Decimal("0.00"), None)),  # the purchase day
                      (date(2025, 6, 30), (Decimal("150000.00"), Decimal("30000.00"), True))]:
        one = talent_facts(talent_id=buyer.pk, as_of=day)
        assert tuple(one[k] for k in FIELDS) == want, day
        assert tuple(_bulk(buyer.pk, day)[k] for k in FIELDS) == want, day
    after = eligibility_explain(talent=buyer, code=HOME, as_of=date(2025, 6, 30))
    # tier E: 200,000 capped at the price (150,000), then the allowance received (30,000) deducted
    assert (after.verdict, after.amount) == ("yes", Decimal("120000.00"))
    history = ChangeRecord.objects.get(subject_talent_id=buyer.pk, entity="registry.householdfacts")
    assert history.changes["house_price"] == [None, "150000.00"]
    event = AuditEvent.objects.get(subject_talent_id=buyer.pk, detail__event="household_facts")
    assert (event.actor, event.detail["fields"]) == (world.officer, sorted(
        ["house_price", "settling_allowance", "settling_allowance_on", "income_low", "income_assessed_on"]))


def test_the_form_is_scoped_refuses_by_field_and_changes_nothing_then(world, client_for):
    buyer = _buyer(world)
    with pytest.raises(PermissionDeniedError):
        household_facts_record(actor=world.officer_other, talent=buyer, values={"house_price": "1"})
    with pytest.raises(ApplicationError) as info:
        household_facts_record(actor=world.officer, talent=buyer, values={"house_price": "-5"})
    assert info.value.field == "house_price"
    with pytest.raises(ApplicationError) as info:
        household_facts_record(actor=world.officer, talent=buyer, values={"settling_allowance_on": "2024-09-01"})
    assert info.value.field == "settling_allowance"
    assert not HouseholdFacts.objects.exists() and not AuditEvent.objects.filter(detail__event="household_facts").exists()
    page = client_for(world.officer)
    url = f"/registry/talents/{buyer.pk}/household/"
    assert page.get(url).status_code == 200
    refused = page.post(url, {"house_price": "lots"})
    assert refused.status_code == 400 and list(refused.context["errors"]) == ["house_price"]
    saved = page.post(url, {"house_price": "880000", "income_low": "false", "income_assessed_on": "2025-02-01"})
    assert saved.status_code == 302
    record = HouseholdFacts.objects.get(talent=buyer)
    assert (record.house_price, record.income_low, record.settling_allowance) == (Decimal("880000.00"), False, None)
    assert client_for(world.officer_other).get(url).status_code == 404
    assert client_for(world.talent_user).get(url).status_code == 403
    assert 'id="household-link"' in page.get(f"/registry/talents/{buyer.pk}/").content.decode()


def test_every_refused_field_is_shown_beside_itself_and_the_input_kept(world, client_for):
    buyer = _buyer(world)
    page = client_for(world.officer)
    refused = page.post(f"/registry/talents/{buyer.pk}/household/", {
        "house_price": "lots", "settling_allowance": "-3", "settling_allowance_on": "2024-09-01",
        "income_low": "true", "income_assessed_on": "2025-02-01"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert set(refused.context["errors"]) == {"house_price", "settling_allowance"}
    assert 'data-field="house_price"' in html and 'data-field="settling_allowance"' in html
    assert 'value="lots"' in html and 'value="2024-09-01"' in html and 'value="2025-02-01"' in html
    assert '<option value="true" selected>' in html
    assert not HouseholdFacts.objects.exists()
