"""The demo engine: valid identifiers, deterministic output, believable distributions, consistent timelines."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest
from demo_support import AS_OF, generate
from stdnum.cn import ric, uscc

from talentpool.engines.demo import (
    DemoOptions,
    DemoReference,
    TalentGenerator,
    UniversityRef,
    add_months,
    credit_code,
    generate_enterprises,
    organisation_code_check,
)
from talentpool.engines.demo.codes import place_code_valid_in
from talentpool.engines.identity import parse_resident_id


def _dump(firms, chunks) -> list:
    return [dataclasses.astuple(f) for f in firms] + [
        [dataclasses.astuple(row) for row in rows]
        for chunk in chunks for rows in (chunk.talents, chunk.educations, chunk.employments, chunk.insurance)
    ]


# ----- identifiers ------------------------------------------------------------------------------------------
def test_every_resident_id_is_valid_and_agrees_with_birth_date_and_gender(world):
    _, data = world
    residents = [t for t in data.talents if t.id_type == "resident_id"]
    assert len(residents) > 19_000
    for t in residents:
        assert ric.validate(t.id_number) == t.id_number  # checksum, birth date, and place code of that year
        parsed = parse_resident_id(t.id_number)
        assert parsed.birth_date == t.birth_date
        assert parsed.gender == t.gender


def test_identity_numbers_are_unique(world):
    _, data = world
    numbers = [(t.id_type, t.id_number) for t in data.talents]
    assert len(set(numbers)) == len(numbers)


def test_a_few_foreign_experts_carry_passports(world):
    _, data = world
    foreign = [t for t in data.talents if t.id_type == "passport"]
    assert 10 <= len(foreign) <= 200
    assert all(t.hukou_division == "" and "·" in t.name for t in foreign)


def test_hukou_places_lean_to_zhejiang_and_the_big_source_provinces(world):
    _, data = world
    provinces = Counter(t.id_number[:2] for t in data.talents if t.id_type == "resident_id")
    top = [p for p, _ in provinces.most_common(3)]
    assert top[0] == "33"
    assert 0.30 < provinces["33"] / sum(provinces.values()) < 0.55
    assert "34" in top  # Anhui


def test_every_credit_code_is_valid(world):
    firms, _ = world
    for firm in firms:
        assert uscc.validate(firm.credit_code) == firm.credit_code
        assert firm.credit_code[2:8] == firm.division
        assert organisation_code_check(firm.credit_code[8:16]) == firm.credit_code[16]
    assert len({f.credit_code for f in firms}) == len(firms)
    assert len({f.name for f in firms}) == len(firms)


@pytest.mark.parametrize("code", ["91330100716105852F", "91440300192317458F"])  # two published codes
def test_organisation_code_check_matches_real_codes(code):
    assert uscc.is_valid(code)
    assert organisation_code_check(code[8:16]) == code[16]


def test_credit_code_shape():
    import random

    code = credit_code(division="330110", rng=random.Random(1))
    assert code.startswith("91330110MA") and uscc.is_valid(code)


@pytest.mark.parametrize(("code", "year", "valid"), [("330110", 2001, True), ("330110", 1995, False),
                                                     ("330106", 1990, True), ("110101", 1965, True)])
def test_place_codes_follow_their_history(code, year, valid):
    assert place_code_valid_in(code, year) is valid


# ----- determinism ------------------------------------------------------------------------------------------
def test_same_seed_gives_identical_data(reference):
    assert _dump(*generate(reference, talents=2_500, seed=11)) == _dump(*generate(reference, talents=2_500, seed=11))


def test_chunk_size_does_not_change_the_people(reference):
    one = generate(reference, talents=3_000, seed=11, chunk_size=20_000)
    many = generate(reference, talents=3_000, seed=11, chunk_size=1_000)
    assert len(many[1]) == 3
    flat = many[1][0]
    for chunk in many[1][1:]:
        flat.extend(chunk)
    assert _dump(one[0], one[1]) == _dump(many[0], [flat])


def test_another_seed_gives_other_people(reference):
    a = generate(reference, talents=500, seed=1)[1][0].talents
    b = generate(reference, talents=500, seed=2)[1][0].talents
    assert [t.id_number for t in a[1:]] != [t.id_number for t in b[1:]]


# ----- distributions ----------------------------------------------------------------------------------------
def _highest(data) -> dict[int, str]:
    rank = {"junior_college": 1, "bachelor": 2, "master": 3, "doctor": 4}
    top: dict[int, str] = {}
    for e in data.educations:
        if rank[e.degree] > rank.get(top.get(e.talent_index, ""), 0):
            top[e.talent_index] = e.degree
    return top


def test_degree_mix_is_mostly_bachelor(world):
    _, data = world
    top = Counter(_highest(data).values())
    total = sum(top.values())
    assert total == len(data.talents)
    assert top["bachelor"] / total > 0.5
    assert top["bachelor"] > top["master"] > top["doctor"]
    assert 0.03 < top["doctor"] / total < 0.10
    assert 0.08 < top["junior_college"] / total < 0.20


def test_graduation_dates_are_mostly_june_and_recent_cohorts_are_large(world):
    _, data = world
    domestic = [e for e in data.educations if not e.overseas]
    june = sum(e.graduation_date.month == 6 for e in domestic)
    june_30 = sum((e.graduation_date.month, e.graduation_date.day) == (6, 30) for e in domestic)
    assert june / len(domestic) > 0.9
    assert june_30 / len(domestic) > 0.8
    recent = sum(2019 <= e.graduation_date.year <= 2026 for e in data.educations)
    assert recent / len(data.educations) > 0.4
    assert all(e.graduation_date <= AS_OF for e in data.educations)


def test_universities_and_majors_follow_graduate_flows(world):
    _, data = world
    schools = Counter(e.university_name for e in data.educations if e.degree in ("bachelor", "master"))
    assert schools.most_common(1)[0][0] == "浙江大学"
    assert {"杭州电子科技大学", "浙江工业大学"} <= {name for name, _ in schools.most_common(6)}
    majors = Counter(e.major_code[:2] for e in data.educations)
    assert majors.most_common(1)[0][0] == "08"  # engineering
    overseas = [e for e in data.educations if e.overseas]
    assert 0.01 < len(overseas) / len(data.educations) < 0.08
    certified = sum(e.overseas_certified for e in overseas) / len(overseas)
    assert 0.6 < certified < 0.95
    assert all(e.university_code == "" for e in overseas)


def test_enterprises_sit_in_the_three_clusters_with_fitting_industries(world):
    firms, _ = world
    clusters = Counter(f.cluster for f in firms)
    assert clusters.most_common(1)[0][0] == "digital_economy"
    assert {"digital_economy", "intelligent_manufacturing", "life_health"} <= set(clusters)
    fits = {"digital_economy": ("39", "63", "64", "65"), "intelligent_manufacturing": ("3", "4"),
            "life_health": ("27", "73", "84")}
    for firm in firms:
        if firm.cluster in fits:
            assert firm.industry_code.startswith(fits[firm.cluster]), firm
    divisions = Counter(f.division for f in firms)
    assert divisions["330106"] > divisions["330110"] > 0
    assert firms[0].division == "330106" and firms[0].cluster == "digital_economy"


def test_both_districts_hold_talents(world):
    _, data = world
    districts = Counter(t.district for t in data.talents)
    assert set(districts) == {"330106", "330110"}
    assert 0.2 < districts["330110"] / len(data.talents) < 0.4


def test_tiers_are_rare_and_a_is_rarest(world):
    _, data = world
    tiers = Counter(t.tier for t in data.talents if t.tier)
    assert sum(tiers.values()) / len(data.talents) < 0.06
    assert tiers["E"] > tiers["D"] > tiers["A"]
    assert tiers["A"] <= 10
    for t in data.talents:
        if t.tier:
            assert t.tier_basis.startswith(t.tier) and t.tier_date and t.tier_date <= AS_OF
        if t.tier == "A":
            assert set(t.honours) & {"academician_cas", "academician_cae", "foreign_academician"}


# ----- consistency ------------------------------------------------------------------------------------------
def test_timelines_are_consistent(world):
    firms, data = world
    by_index = {t.index: t for t in data.talents}
    for e in data.educations:
        person = by_index[e.talent_index]
        age = e.graduation_date.year - person.birth_date.year
        assert 18 <= age <= 40, (person, e)
    for job in data.employments:
        assert 0 <= job.enterprise_index < len(firms)
        assert job.end_date is None or job.end_date > job.start_date
        assert job.start_date <= AS_OF
    seen = set()
    for r in data.insurance:
        assert r.from_month.day == 1 and r.to_month.day == 1
        assert r.from_month <= r.to_month <= add_months(date(AS_OF.year, AS_OF.month, 1), -1)
        key = (r.talent_index, r.from_month, r.division)
        assert key not in seen
        seen.add(key)
    assert 0.01 < sum(r.back_paid for r in data.insurance) / len(data.insurance) < 0.1
    hangzhou = sum(r.division.startswith("3301") for r in data.insurance) / len(data.insurance)
    assert hangzhou > 0.75


def test_spouses_are_paired_both_ways(world):
    _, data = world
    by_index = {t.index: t for t in data.talents}
    married = [t for t in data.talents if t.spouse_index is not None]
    assert 0.1 < len(married) / len(data.talents) < 0.4
    for t in married:
        spouse = by_index[t.spouse_index]
        assert spouse.spouse_index == t.index and spouse.gender != t.gender


def test_housing_facts(world):
    _, data = world
    owners = [t for t in data.talents if t.owns_property]
    assert 0.15 < len(owners) / len(data.talents) < 0.5
    assert all(t.property_division and t.property_purchase_date and t.housing == "none" for t in owners)
    renters = Counter(t.housing for t in data.talents if not t.owns_property)
    assert renters["public_rental"] > 0 and renters["talent_rental"] > 0


def test_talent_zero_is_a_graduate_who_will_qualify_for_subsidies(world):
    firms, data = world
    grad = data.talents[0]
    assert grad.index == 0 and grad.district == "330106" and not grad.owns_property and grad.spouse_index is None
    degrees = [e for e in data.educations if e.talent_index == 0]
    master = degrees[-1]
    assert master.degree == "master" and master.full_time and not master.overseas
    assert master.graduation_date == date(AS_OF.year - 1, 6, 30)
    jobs = [j for j in data.employments if j.talent_index == 0]
    assert len(jobs) == 1 and jobs[0].enterprise_index == 0 and jobs[0].end_date is None
    assert firms[0].tax_division.startswith("3301")
    (insured,) = [r for r in data.insurance if r.talent_index == 0]
    assert insured.from_month == date(AS_OF.year - 1, 7, 1) and not insured.back_paid
    assert insured.division == "330106"


def test_works_with_a_tiny_hand_written_reference():
    reference = DemoReference(
        counties=["330106", "330110", "340104", "410105"],
        universities=[UniversityRef("4133010335", "浙江大学", "330100", is_985=True, is_211=True)],
        majors=["080901", "020301"],
        industries=["6513", "2720", "3484"],
    )
    options = DemoOptions(seed=3, as_of=date(2025, 3, 1))
    firms = generate_enterprises(5, reference=reference, options=options)
    chunks = list(TalentGenerator(reference=reference, options=options, enterprises=firms).generate(50))
    assert len(chunks[0].talents) == 50
    for t in chunks[0].talents:
        if t.id_type == "resident_id":  # checksum and birth date (the tiny place list misses older codes)
            assert parse_resident_id(t.id_number).birth_date == t.birth_date
