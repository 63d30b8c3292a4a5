"""The officer's forms for household members and property records on a person's household page: a spouse's ID
number travels in the form's body only and is shown masked; a registered spouse is linked both ways and unlinked
when the record is removed; a second spouse and unreadable values are refused by field; another district's
officer is refused. The per-capita income is read from the day assessed (the rent subsidy compares it with the
city's average: its YAML cases), and every new record changes the key of the person's kept verdicts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from factories.policies import shipped_policies
from factories.registry import make_talent, resident_id

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.eligibility.verdicts import verdicts_key
from talentpool.policies.facts import talent_facts
from talentpool.registry.household import (
    household_member_record,
    household_member_remove,
    property_record_remove,
    property_record_save,
)
from talentpool.registry.models import HouseholdMember, PropertyRecord, Talent
from talentpool.registry.services import household_facts_record

TODAY = date(2025, 6, 30)


def _spouse(world):
    number = resident_id(birth=date(1995, 2, 3), serial=77, male=True)
    return make_talent(name="陈夫", district="330106", birth=date(1995, 2, 3), id_number=number), number


def test_the_member_form_links_masks_refuses_by_field_and_unlinks(world, client_for):
    wang = world.colleague
    chen, number = _spouse(world)
    page = client_for(world.officer)
    url = f"/registry/talents/{wang.pk}/household/"
    saved = page.post(url + "members/", {"relation": "spouse", "name": "陈夫", "id_type": "resident_id",
                                          "id_number": number, "married_on": "2024-05-20"})
    assert saved.status_code == 302 and number not in saved["Location"]
    shown = page.get(url).content.decode()
    member = HouseholdMember.objects.get(talent=wang)
    assert number not in shown and member.id_masked in shown and "陈夫" in shown
    assert Talent.objects.get(pk=wang.pk).spouse_id == chen.pk and Talent.objects.get(pk=chen.pk).spouse_id == wang.pk
    assert number not in str(list(ChangeRecord.objects.values_list("changes", flat=True)))
    event = AuditEvent.objects.get(subject_talent_id=wang.pk, detail__event="household_member")
    assert number not in str(event.detail)

    with pytest.raises(ApplicationError) as info:  # a second spouse while one is recorded
        household_member_record(actor=world.officer, talent=wang, today=TODAY, values={
            "relation": "spouse", "name": "别人", "id_number": resident_id(birth=date(1990, 1, 1)),
            "married_on": "2025-01-01"})
    assert info.value.field == "id_number"
    for values, field in [({"relation": "spouse", "name": "某", "married_on": "2024-01-01"}, "id_number"),
                          ({"relation": "child", "name": "某"}, "birth_date"),
                          ({"relation": "child", "name": "某", "birth_date": "2030-01-01"}, "birth_date"),
                          ({"relation": "cousin", "name": "某"}, "relation"),
                          ({"relation": "spouse", "name": "某", "id_number": "330106199501010000",
                            "married_on": "2024-01-01"}, "id_number")]:
        with pytest.raises(ApplicationError) as info:
            household_member_record(actor=world.officer, talent=world.talent, today=TODAY, values=values)
        assert info.value.field == field, values
    with pytest.raises(PermissionDeniedError):
        household_member_record(actor=world.officer_other, talent=wang, today=TODAY,
                                values={"relation": "child", "name": "某", "birth_date": "2020-01-01"})
    assert not HouseholdMember.objects.filter(talent=world.talent).exists()

    household_member_remove(actor=world.officer, talent=wang, member_id=member.pk)
    assert Talent.objects.get(pk=wang.pk).spouse_id is None and Talent.objects.get(pk=chen.pk).spouse_id is None
    assert not HouseholdMember.objects.exists()


def test_the_property_form_marks_a_home_sold_and_the_facts_follow(world, client_for):
    wang = world.colleague
    page = client_for(world.officer)
    url = f"/registry/talents/{wang.pk}/household/properties/"
    assert page.post(url, {"division": "330106", "acquired_on": "2020-08-01", "area_m2": "90"}).status_code == 302
    assert talent_facts(talent_id=wang.pk, as_of=date(2024, 1, 1))["owns_property"] is True
    page.post(url, {"division": "330106", "acquired_on": "2020-08-01", "sold_on": "2024-01-02", "area_m2": "90"})
    record = PropertyRecord.objects.get(talent=wang)
    assert record.sold_on == date(2024, 1, 2)
    assert [talent_facts(talent_id=wang.pk, as_of=d)["owns_property"] for d in
            (date(2024, 1, 1), date(2024, 1, 2))] == [True, False]
    for values, field in [({"division": "330100", "acquired_on": "2020-01-01"}, "division"),
                          ({"division": "330106", "acquired_on": ""}, "acquired_on"),
                          ({"division": "330106", "acquired_on": "2020-01-01", "sold_on": "2019-01-01"}, "sold_on"),
                          ({"division": "330106", "acquired_on": "2020-01-01", "area_m2": "-3"}, "area_m2")]:
        with pytest.raises(ApplicationError) as info:
            property_record_save(actor=world.officer, talent=wang, values=values, today=TODAY)
        assert info.value.field == field, values
    with pytest.raises(PermissionDeniedError):
        property_record_remove(actor=world.officer_other, talent=wang, record_id=record.pk)
    property_record_remove(actor=world.officer, talent=wang, record_id=record.pk)
    assert not PropertyRecord.objects.exists()


def test_the_per_capita_income_is_read_from_the_day_assessed_and_a_bare_date_is_refused(world):
    shipped_policies()
    wang = world.colleague
    household_facts_record(actor=world.officer, talent=wang, values={
        "income_low": "false", "income_per_capita": "75,000", "income_assessed_on": "2024-12-01"})
    facts = talent_facts(talent_id=wang.pk, as_of=date(2025, 1, 1))
    assert (facts["household_income_per_capita"], facts["household_income_low"]) == (Decimal("75000.00"), False)
    assert talent_facts(talent_id=wang.pk, as_of=date(2024, 11, 30))["household_income_per_capita"] is None
    with pytest.raises(ApplicationError) as info:  # a day assessed without an amount or an answer
        household_facts_record(actor=world.officer, talent=wang, values={"income_assessed_on": "2024-12-01"})
    assert info.value.field == "income_per_capita"


def test_a_new_member_or_home_changes_the_key_of_the_kept_verdicts(world):
    wang = world.colleague
    chen, number = _spouse(world)

    def key(person):
        person.refresh_from_db()
        return verdicts_key(talent=person, as_of=TODAY, facts=talent_facts(talent_id=person.pk, as_of=TODAY),
                            codes=None)

    before, spouse_before = key(wang), key(chen)
    assert key(wang) == before  # nothing changed: the same key
    household_member_record(actor=world.officer, talent=wang, today=TODAY, values={
        "relation": "child", "name": "陈小", "birth_date": "2023-02-01"})
    with_child = key(wang)
    assert with_child != before
    property_record_save(actor=world.officer, talent=wang, today=TODAY, values={  # a purchase after the day asked
        "division": "330106", "acquired_on": "2025-06-30"})
    assert key(wang) != with_child
    with_home = key(wang)
    household_member_record(actor=world.officer, talent=wang, today=TODAY, values={
        "relation": "spouse", "name": "陈夫", "id_number": number, "married_on": "2025-05-01"})
    assert key(wang) != with_home and key(chen) != spouse_before  # the spouse's kept verdicts too
