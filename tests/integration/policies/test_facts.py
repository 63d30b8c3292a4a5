"""The registry → facts adapter: exact values at every date boundary, and the bulk (DuckDB) and single-person
(plain Python) derivations agreeing on every person of a generated registry."""

from __future__ import annotations

from datetime import date

import pytest
from factories.registry import make_enterprise, make_talent

from talentpool.policies.facts import (
    facts_from_rows,
    facts_from_tables,
    registry_facts,
    registry_tables,
    talent_facts,
)
from talentpool.reference.models import University
from talentpool.registry.models import Education, Employment, InsuranceRecord


def facts_of(talent, as_of: date) -> dict:
    """Both paths, asserted equal; returns the facts."""
    bulk = registry_facts(as_of=as_of).to_pylist()
    row = next(r for r in bulk if r["talent_id"] == talent.pk)
    single = registry_facts(as_of=as_of, talent_ids=[talent.pk]).to_pylist()[0]
    assert row == single
    return row


def insured(talent, start: date, end: date, division: str = "330106", back_paid: bool = False):
    InsuranceRecord.objects.create(talent=talent, from_month=start, to_month=end, division=division,
                                   back_paid=back_paid)


def graduate(talent, graduation: date, degree: str = "bachelor", **kw):
    return Education.objects.create(talent=talent, degree=degree, graduation_date=graduation, **kw)


@pytest.mark.django_db
def test_a_run_continues_across_adjacent_spans_in_different_divisions_of_the_area():
    t = make_talent()
    graduate(t, date(2023, 6, 30))
    insured(t, date(2023, 7, 1), date(2023, 12, 1), "330106")
    insured(t, date(2024, 1, 1), date(2024, 6, 1), "330110")
    f = facts_of(t, date(2024, 6, 30))
    assert f["hz_first_insured_month"] == date(2023, 7, 1)
    assert f["hz_run_months"] == 12
    assert f["hz_current_run_months"] == 12 and f["hz_current_run_start"] == date(2023, 7, 1)
    assert f["hz_main_run_months"] == 12
    assert (f["yh_first_insured_month"], f["yh_run_months"], f["yh_current_run_months"]) == (date(2024, 1, 1), 6, 6)
    assert (f["outer_first_insured_month"], f["outer_run_months"], f["outer_current_run_start"]) == (None, 0, None)


@pytest.mark.django_db
def test_a_gap_month_breaks_the_run_and_a_back_paid_month_does_not_fill_it():
    t = make_talent()
    graduate(t, date(2023, 6, 30))
    insured(t, date(2023, 7, 1), date(2023, 9, 1))
    insured(t, date(2023, 10, 1), date(2023, 10, 1), back_paid=True)
    insured(t, date(2023, 11, 1), date(2024, 2, 1))
    f = facts_of(t, date(2024, 2, 29))
    assert (f["hz_first_insured_month"], f["hz_run_months"]) == (date(2023, 7, 1), 3)
    assert (f["hz_current_run_start"], f["hz_current_run_months"]) == (date(2023, 11, 1), 4)
    # March not (yet) recorded: February's contribution still counts as current (recorded a month late)
    f = facts_of(t, date(2024, 3, 1))
    assert (f["hz_current_run_months"], f["hz_current_run_start"], f["hz_run_months"]) == (4, date(2023, 11, 1), 3)
    # two months without a record: no current run
    f = facts_of(t, date(2024, 4, 1))
    assert (f["hz_current_run_months"], f["hz_current_run_start"], f["hz_run_months"]) == (0, None, 3)


@pytest.mark.django_db
def test_a_back_paid_span_alone_gives_no_first_month():
    t = make_talent()
    graduate(t, date(2023, 6, 30))
    insured(t, date(2023, 7, 1), date(2024, 6, 1), back_paid=True)
    f = facts_of(t, date(2024, 6, 30))
    assert (f["hz_first_insured_month"], f["hz_run_months"], f["hz_current_run_months"]) == (None, 0, 0)


@pytest.mark.django_db
def test_first_insured_month_is_on_or_after_the_graduation_month():
    t = make_talent()
    graduate(t, date(2023, 6, 30))
    insured(t, date(2023, 1, 1), date(2023, 8, 1))  # insured while studying, continuing after graduating
    f = facts_of(t, date(2023, 12, 31))
    assert (f["hz_first_insured_month"], f["hz_run_months"]) == (date(2023, 6, 1), 3)
    assert f["hz_current_run_months"] == 0
    t2 = make_talent(name="李四")
    graduate(t2, date(2023, 6, 1))
    insured(t2, date(2023, 1, 1), date(2023, 5, 1))  # ended the month before graduating
    insured(t2, date(2023, 9, 1), date(2023, 12, 1))
    f = facts_of(t2, date(2023, 12, 31))
    assert (f["hz_first_insured_month"], f["hz_run_months"]) == (date(2023, 9, 1), 4)


@pytest.mark.django_db
def test_months_after_the_as_of_month_are_not_counted():
    t = make_talent()
    graduate(t, date(2023, 6, 30))
    insured(t, date(2023, 7, 1), date(2025, 12, 1))
    insured(t, date(2026, 1, 1), date(2026, 6, 1), "330110")
    f = facts_of(t, date(2024, 3, 31))
    assert (f["hz_run_months"], f["hz_current_run_months"]) == (9, 9)
    assert (f["yh_first_insured_month"], f["yh_run_months"]) == (None, 0)
    f = facts_of(t, date(2023, 6, 30))  # graduation month, before the first insured month
    assert (f["hz_first_insured_month"], f["hz_run_months"]) == (None, 0)


@pytest.mark.django_db
def test_employment_in_progress_on_the_as_of_date():
    t = make_talent()
    old = make_enterprise(division="330106", tax_division="330110", cluster="digital_economy")
    new = make_enterprise(division="330108")
    Employment.objects.create(talent=t, enterprise=old, start_date=date(2022, 7, 1), end_date=date(2024, 3, 31))
    Employment.objects.create(talent=t, enterprise=new, start_date=date(2024, 4, 2))
    f = facts_of(t, date(2024, 3, 31))  # the last day counts
    assert (f["employed"], f["employment_start"], f["employer_division"], f["employer_tax_division"],
            f["employer_cluster"]) == (True, date(2022, 7, 1), "330106", "330110", "digital_economy")
    f = facts_of(t, date(2024, 4, 1))
    assert (f["employed"], f["employment_start"], f["employer_tax_division"]) == (False, None, None)
    f = facts_of(t, date(2024, 4, 2))  # tax division falls back to the division
    assert (f["employed"], f["employment_start"], f["employer_tax_division"]) == (True, date(2024, 4, 2), "330108")


@pytest.mark.django_db
def test_highest_degree_its_school_tags_and_in_service_study():
    University.objects.create(code="4111010001", name="北京大学", is_c9=True, is_985=True, is_211=True,
                              is_double_first_class=True)
    t = make_talent()
    graduate(t, date(2018, 6, 30), "bachelor")
    graduate(t, date(2021, 6, 30), "master", university_code="4111010001", full_time=False,
             diploma_date=date(2021, 7, 5))
    job = make_enterprise()
    # started exactly 12 months before the master's graduation and still employed then: in-service study
    Employment.objects.create(talent=t, enterprise=job, start_date=date(2020, 6, 30), end_date=date(2021, 6, 30))
    f = facts_of(t, date(2022, 1, 1))
    assert (f["degree"], f["degree_rank"], f["graduation_date"], f["diploma_date"], f["full_time"]) == (
        "master", 3, date(2021, 6, 30), date(2021, 7, 5), False)
    assert (f["school_c9"], f["school_985"], f["school_211"], f["school_double_first_class"]) == (True,) * 4
    assert f["in_service_study"] is True
    # one day later a start is less than 12 months before graduating
    Employment.objects.filter(talent=t).update(start_date=date(2020, 7, 1))
    assert facts_of(t, date(2022, 1, 1))["in_service_study"] is False
    # ended the day before graduating: not in service at graduation
    Employment.objects.filter(talent=t).update(start_date=date(2019, 1, 1), end_date=date(2021, 6, 29))
    assert facts_of(t, date(2022, 1, 1))["in_service_study"] is False


@pytest.mark.django_db
def test_ties_in_degree_go_to_the_latest_graduation_and_unknown_schools():
    t = make_talent()
    graduate(t, date(2019, 6, 30), "master", university_code="9999999999")  # not in the reference list
    graduate(t, date(2022, 1, 15), "master", overseas=True, overseas_certified=True)
    f = facts_of(t, date(2022, 6, 1))
    assert (f["graduation_date"], f["overseas"], f["overseas_certified"], f["university_code"]) == (
        date(2022, 1, 15), True, True, None)
    assert f["school_985"] is False  # an overseas school has no domestic tags
    t2 = make_talent(name="王五")
    graduate(t2, date(2020, 6, 30))  # domestic, no university code: tags unknown
    assert facts_of(t2, date(2022, 6, 1))["school_985"] is None
    t3 = make_talent(name="赵六")  # no education at all
    f = facts_of(t3, date(2022, 6, 1))
    assert (f["degree"], f["degree_rank"], f["in_service_study"], f["hz_first_insured_month"]) == (None,) * 4


@pytest.mark.django_db
def test_household_tier_and_honours():
    a = make_talent(tier="E", tier_date=date(2023, 5, 1), honours=["academician_cae"], owns_property=True,
                    property_division="330106")
    b = make_talent(name="配偶", gender="F", housing="talent_rental")
    a.spouse, b.spouse = b, a
    a.save()
    b.save()
    single = make_talent(name="单身", honours=["foreign_academician"])
    fa, fb, fs = facts_of(a, date(2024, 1, 1)), facts_of(b, date(2024, 1, 1)), facts_of(single, date(2024, 1, 1))
    assert (fa["tier"], fa["tier_date"], fa["is_academician"]) == ("E", date(2023, 5, 1), True)
    assert (fa["has_spouse"], fa["spouse_owns_property"], fa["spouse_housing"]) == (True, False, "talent_rental")
    assert (fb["spouse_owns_property"], fb["spouse_property_division"], fb["housing"]) == (True, "330106", "talent_rental")
    assert fa["household_id"] == fb["household_id"] == min(a.pk, b.pk)
    assert (fs["tier"], fs["is_academician"], fs["has_spouse"], fs["spouse_owns_property"], fs["spouse_housing"],
            fs["household_id"]) == ("", False, False, False, "none", single.pk)
    assert (fs["house_price"], fs["settling_allowance_received"], fs["household_income_low"]) == (None, None, None)


@pytest.mark.django_db
def test_bulk_and_single_person_derivations_agree_on_a_generated_registry():
    from talentpool.reference.services import reference_load
    from talentpool.registry.demo import demo_generate

    reference_load()
    demo_generate(talents=400, enterprises=None, seed=7, district="330106", as_of=date(2025, 6, 30), reset=False)
    tables = registry_tables()
    assert tables["talents"].num_rows == 400
    for day in (date(2025, 6, 30), date(2024, 2, 29), date(2021, 1, 1)):
        bulk = facts_from_tables(tables, as_of=day).to_pylist()
        assert bulk == facts_from_rows(tables, as_of=day)
    assert any(r["hz_run_months"] for r in bulk) and any(r["employed"] for r in bulk)
    # one person's facts are parsed in Python, not by pyarrow's CSV reader: the same values for everyone
    for row in bulk:
        assert talent_facts(talent_id=row["talent_id"], as_of=date(2021, 1, 1)) == row


@pytest.mark.django_db
def test_one_persons_lines_parse_as_the_csv_reader_parses_them():
    from talentpool.policies import facts

    columns = [("a", "s", facts._S), ("b", "i", facts._I), ("c", "d", facts._D), ("d", "b", facts._B),
               ("e", "m", facts._M)]
    lines = ["x|1|2025-06-30|true|2500000", "NA||2024-02-29|0|12.5", "|-7||1|-0.01", "null|0||false|",
             "中文 a,b\"c|123456789012|1999-12-31|False|99999999.99"]
    assert facts._rows(columns, lines) == facts._table(columns, lines).to_pylist()
    with pytest.raises(ValueError):
        facts._rows(columns, ["x|1|2025-06-30|true"])


@pytest.mark.django_db
def test_facts_as_they_stood_on_the_as_of_date_a_later_degree_tier_or_purchase_is_not_yet_held():
    t = make_talent(tier="D", tier_date=date(2024, 3, 1), owns_property=True, property_division="330106",
                    property_purchase_date=date(2024, 5, 20))
    graduate(t, date(2020, 6, 30), "bachelor", full_time=True)
    graduate(t, date(2023, 6, 30), "master", full_time=False)
    insured(t, date(2020, 7, 1), date(2024, 6, 1))
    before = facts_of(t, date(2023, 6, 29))  # the day before the master's degree
    assert (before["degree"], before["graduation_date"], before["full_time"]) == ("bachelor", date(2020, 6, 30), True)
    assert before["hz_first_insured_month"] == date(2020, 7, 1)
    assert (before["tier"], before["tier_date"]) == ("", None)
    assert (before["owns_property"], before["property_division"], before["property_purchase_date"]) == (False, None, None)
    on = facts_of(t, date(2023, 6, 30))  # the graduation day itself counts
    assert (on["degree"], on["graduation_date"], on["hz_first_insured_month"]) == ("master", date(2023, 6, 30), date(2023, 6, 1))
    later = facts_of(t, date(2024, 5, 20))
    assert (later["tier"], later["tier_date"]) == ("D", date(2024, 3, 1))
    assert (later["owns_property"], later["property_purchase_date"]) == (True, date(2024, 5, 20))
