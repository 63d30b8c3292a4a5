"""Demo talents with their education, employment, social insurance, household and housing.

People are generated in blocks of ``BLOCK`` from one seeded stream, so the same seed and total give the same
people whatever chunk size the caller inserts them in. Spouses are paired inside a block. What is yielded is in
``records``; the weighted pools people are drawn from are in ``pools``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate

from talentpool.engines import vocab

from .codes import passport_number, resident_id
from .enterprises import DemoEnterprise
from .names import chinese_name, foreign_name
from .pools import Pool, employer_pools, major_pool, place_pool, university_pools
from .records import (
    DemoEducation,
    DemoEmployment,
    DemoInsurance,
    DemoTalent,
    TalentChunk,
    add_months,
    month_start,
    months_between,
)
from .reference import (
    BACHELOR,
    DIGITAL_ECONOMY,
    DOCTOR,
    HANGZHOU_COUNTIES,
    HANGZHOU_PREFIX,
    INTELLIGENT_MANUFACTURING,
    JUNIOR_COLLEGE,
    LIFE_HEALTH,
    MASTER,
    NO_HOUSING,
    OTHER_CITY_COUNTIES,
    OTHER_CLUSTER,
    OVERSEAS_UNIVERSITIES,
    PASSPORT,
    POSITIONS,
    PUBLIC_RENTAL,
    RESIDENT_ID,
    TALENT_RENTAL,
    DemoOptions,
    DemoReference,
)

BLOCK = 1000
DEGREES = (JUNIOR_COLLEGE, BACHELOR, MASTER, DOCTOR)
DEGREE_CUM = tuple(accumulate((14, 56, 24, 6)))
DEGREE_RANK = vocab.DEGREE_RANK
_PHONE_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
                   "182", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
                   "181", "189", "177", "199", "198", "166")
_OTHER_GRAD_DATES = ((1, 15), (3, 31), (9, 30), (12, 31))
_TIER_BASIS = {
    "A": "A类：两院院士等国内外顶尖人才（杭州市高层次人才分类目录）",
    "B": "B类：国家级重大人才工程入选者（杭州市高层次人才分类目录）",
    "C": "C类：省级重大人才工程入选者（杭州市高层次人才分类目录）",
    "D": "D类：市级人才计划入选者或正高级职称（杭州市高层次人才分类目录）",
    "E": "E类：博士研究生学历或副高级职称（杭州市高层次人才分类目录）",
}
_TIER_HONOURS = {"B": "national_programme", "C": "provincial_top", "D": "city_programme"}


class TalentGenerator:
    """Generates the district's talents in order; ``total`` is fixed up front so blocks are reproducible."""

    def __init__(self, *, reference: DemoReference, options: DemoOptions,
                 enterprises: list[DemoEnterprise]) -> None:
        if not enterprises:
            raise ValueError("talents need at least one enterprise")
        self.options = options
        self.as_of = options.as_of
        self.last_month = add_months(month_start(options.as_of), -1)
        self.enterprises = enterprises
        self._rng = random.Random(f"{options.seed}:talents")
        self._used_ids: set[str] = set()
        self._next = 0
        self.last_cohort = options.as_of.year if options.as_of >= date(options.as_of.year, 7, 15) \
            else options.as_of.year - 1
        cohorts = list(range(self.last_cohort - 7, self.last_cohort + 1))
        self._cohorts = Pool(cohorts, [1 + 0.12 * k for k in range(len(cohorts))])
        self._county_codes = list(reference.counties)
        places = place_pool(self._county_codes)
        if places is None:
            raise ValueError("the reference has no county codes")
        self._places: Pool = places
        self._places_by_year: dict[int, Pool | None] = {}
        self._majors = major_pool(reference.majors)
        self._unis = university_pools(reference.universities)
        self._uni_by_name = {u.name: u for u in reference.universities}
        self._employers = employer_pools(enterprises)
        occupations = set(reference.occupations)
        self._positions = {c: [(t, code if code in occupations else "", r) for t, code, r in ps]
                           for c, ps in POSITIONS.items()}
        self._major_set = set(reference.majors)
        self._counties = set(reference.counties)

    # ----- public ----------------------------------------------------------------------------------------
    def generate(self, total: int, *, chunk_size: int = 20 * BLOCK) -> Iterator[TalentChunk]:
        """Yield chunks of about ``chunk_size`` talents (a multiple of ``BLOCK``) until ``total`` are made."""
        blocks_per_chunk = max(1, chunk_size // BLOCK)
        while self._next < total:
            chunk = TalentChunk()
            for _ in range(blocks_per_chunk):
                if self._next >= total:
                    break
                chunk.extend(self._block(min(BLOCK, total - self._next)))
            yield chunk

    # ----- one block ---------------------------------------------------------------------------------------
    def _block(self, size: int) -> TalentChunk:
        chunk = TalentChunk()
        singles: dict[str, list[DemoTalent]] = {"M": [], "F": []}
        for _ in range(size):
            index = self._next
            self._next += 1
            if index == 0:
                self._showcase(chunk)
                continue
            talent = self._person(index, chunk)
            age = self.as_of.year - talent.birth_date.year
            if talent.id_type == RESIDENT_ID and self._rng.random() < _married_share(age):
                singles[talent.gender].append(talent)
        self._pair_spouses(singles)
        return chunk

    def _pair_spouses(self, singles: dict[str, list[DemoTalent]]) -> None:
        rng = self._rng
        men, women = singles["M"], singles["F"]
        rng.shuffle(women)
        # about half of the married have their spouse in the registry too
        for man, woman in zip(men[: len(men) // 2], women[: len(women) // 2], strict=False):
            man.spouse_index, woman.spouse_index = woman.index, man.index
            if man.owns_property != woman.owns_property and rng.random() < 0.5:
                owner, other = (man, woman) if man.owns_property else (woman, man)
                other.owns_property = True
                other.property_division = owner.property_division
                other.property_purchase_date = owner.property_purchase_date
                other.housing = NO_HOUSING

    def _person(self, index: int, chunk: TalentChunk) -> DemoTalent:
        """One person: degree and graduation year, then identity, education, career, housing and tier (the
        steps draw from the one stream in this order, which keeps the people reproducible)."""
        rng = self._rng
        foreign = rng.random() < 0.003
        male = rng.random() < 0.53
        recent = not foreign and rng.random() < 0.55
        if foreign:
            top = DOCTOR if rng.random() < 0.7 else MASTER
        else:
            top = rng.choices(DEGREES, cum_weights=DEGREE_CUM)[0]
        top_year = self._cohorts.draw(rng) if recent else self.last_cohort - 8 - int(rng.random() ** 1.6 * 30)
        chain = self._education_chain(top, top_year, recent)
        first_degree, first_year, _ = chain[0]
        noise = rng.choices((0, 1, -1, 2), cum_weights=(60, 85, 95, 100))[0]
        birth_year = first_year - (21 if first_degree == JUNIOR_COLLEGE else 22) - noise
        birth = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
        talent = self._identity(index, birth, male, foreign=foreign, recent=recent)
        major, top_date = self._educations(index, chain, chunk, foreign=foreign)
        arrival = self._career(talent, chunk, major, top, top_date, foreign=foreign, recent=recent)
        talent.arrival_date = min(arrival, self.as_of)
        self._housing(talent, recent)
        self._tier(talent, top, foreign)
        chunk.talents.append(talent)
        return talent

    def _education_chain(self, top: str, top_year: int, recent: bool) -> list[tuple[str, int, bool]]:
        """The degrees up to ``top``: (degree, graduation year, full time)."""
        rng = self._rng
        if top == DOCTOR:
            if rng.random() < 0.8:
                master_year = top_year - 3
                chain = [(BACHELOR, master_year - (3 if rng.random() < 0.7 else 2), True), (MASTER, master_year, True)]
            else:
                chain = [(BACHELOR, top_year - 5, True)]
            chain.append((DOCTOR, top_year, rng.random() < 0.95))
        elif top == MASTER:
            in_service = not recent and rng.random() < 0.12
            gap = rng.randint(4, 9) if in_service else (3 if rng.random() < 0.7 else 2)
            chain = [(BACHELOR, top_year - gap, True), (MASTER, top_year, not in_service)]
        elif top == BACHELOR:
            if rng.random() < 0.08:
                chain = [(JUNIOR_COLLEGE, top_year - 2, True), (BACHELOR, top_year, True)]
            else:
                chain = [(BACHELOR, top_year, True)]
        else:
            chain = [(JUNIOR_COLLEGE, top_year, True)]
        return chain

    def _identity(self, index: int, birth: date, male: bool, *, foreign: bool, recent: bool) -> DemoTalent:
        """ID, name, places (hukou, residence, the registry district) and contact of a new person."""
        rng = self._rng
        opts = self.options
        if foreign:
            number = passport_number(rng)
            while number in self._used_ids:
                number = passport_number(rng)
            id_type, name, place, hukou = PASSPORT, foreign_name(rng, male=male), "", ""
        else:
            place = self._place(birth.year)
            number, birth = self._resident_id(place, birth, male)
            id_type, name = RESIDENT_ID, chinese_name(rng, male=male)
            hukou = place
            if not place.startswith(HANGZHOU_PREFIX) and rng.random() < (0.25 if recent else 0.45):
                hukou = opts.district if rng.random() < 0.6 else rng.choice(HANGZHOU_COUNTIES)
        self._used_ids.add(number)
        district = opts.second_district if rng.random() < opts.second_district_share else opts.district
        residence = district if rng.random() < 0.75 else rng.choice(HANGZHOU_COUNTIES)
        phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        email = f"{phone}@example.com" if rng.random() < 0.5 else ""
        return DemoTalent(index=index, id_type=id_type, id_number=number, name=name, gender="M" if male else "F",
                          birth_date=birth, phone=phone, email=email, hukou_division=hukou,
                          residence_division=residence, district=district, arrival_date=None)

    def _educations(self, index: int, chain: list[tuple[str, int, bool]], chunk: TalentChunk, *,
                    foreign: bool) -> tuple[str, date]:
        """The education records of the chain; returns the last major and the last graduation date."""
        rng = self._rng
        major = self._majors.draw(rng)
        top_date = self.as_of
        for degree, year, full_time in chain:
            overseas = foreign or rng.random() < {MASTER: 0.10, DOCTOR: 0.08, BACHELOR: 0.015}.get(degree, 0)
            if degree != BACHELOR and rng.random() < 0.3:
                major = self._majors.draw(rng)
            if overseas:
                grad = date(year, rng.choice((6, 7, 9, 12)), rng.randint(1, 28))
                diploma = grad + timedelta(days=rng.randrange(60))
                uni_code, uni_name = "", rng.choice(OVERSEAS_UNIVERSITIES)
                certified = rng.random() < (0.4 if foreign else 0.85)
            else:
                roll = rng.random()
                if roll < 0.88:
                    grad = date(year, 6, 30)
                elif roll < 0.95:
                    grad = date(year, 6, rng.randint(20, 29))
                else:
                    grad = date(year, *rng.choice(_OTHER_GRAD_DATES))
                diploma = grad if rng.random() < 0.93 else grad + timedelta(days=rng.randint(1, 30))
                uni = self._unis[degree].draw(rng)
                uni_code, uni_name, certified = uni.code, uni.name, False
            if grad > self.as_of:
                grad = diploma = date(year, 6, 30) if date(year, 6, 30) <= self.as_of else self.as_of
            if diploma > self.as_of:
                diploma = grad
            chunk.educations.append(DemoEducation(index, degree, full_time, overseas, certified, uni_code, uni_name,
                                                  major, grad, diploma))
            top_date = grad
        return major, top_date

    def _career(self, talent: DemoTalent, chunk: TalentChunk, major: str, top: str, top_date: date, *,
                foreign: bool, recent: bool) -> date:
        """Arrival in the city, jobs and insurance (some insured in another city before); returns the arrival."""
        rng = self._rng
        if foreign:
            arrival = self.as_of - timedelta(days=rng.randint(120, 3000))
            self._jobs(talent, chunk, arrival + timedelta(days=rng.randint(3, 30)), major, top, count=1)
            return arrival
        if recent:
            arrival = top_date + timedelta(days=rng.randint(3, 100))
            if rng.random() < 0.93:
                jobs = 2 if rng.random() < 0.22 else 1
                self._jobs(talent, chunk, arrival + timedelta(days=rng.randint(3, 40)), major, top, count=jobs)
            return arrival
        career_start = top_date + timedelta(days=rng.randint(30, 120))
        if top_date.year < 2005 or rng.random() < 0.45:
            arrival = career_start + timedelta(days=rng.randint(365, 365 * 8))
            outside_to = add_months(month_start(arrival), -1)
            if outside_to >= month_start(career_start) and outside_to <= self.last_month:
                chunk.insurance.append(DemoInsurance(talent.index, month_start(career_start), outside_to,
                                                     rng.choice(OTHER_CITY_COUNTIES)))
        else:
            arrival = career_start - timedelta(days=rng.randint(3, 25))
        if arrival > self.as_of - timedelta(days=60):
            arrival = self.as_of - timedelta(days=rng.randint(60, 400))
        self._jobs(talent, chunk, arrival + timedelta(days=rng.randint(3, 30)), major, top,
                   count=rng.choices((1, 2, 3), cum_weights=(50, 85, 100))[0])
        return arrival

    def _place(self, year: int) -> str:
        """A county code that existed in the birth year, as python-stdnum's GB/T 2260 history knows it (its
        history starts in 1983; older holders get codes that never changed)."""
        if year not in self._places_by_year:
            self._places_by_year[year] = place_pool(self._county_codes, year=year)
        pool = self._places_by_year[year] or self._places
        return pool.draw(self._rng)

    def _resident_id(self, place: str, birth: date, male: bool) -> tuple[str, date]:
        rng = self._rng
        parity = 1 if male else 0
        for attempt in range(40):
            if attempt and attempt % 10 == 0:
                birth += timedelta(days=1)
            number = resident_id(place=place, birth=birth, serial=rng.randrange(500) * 2 + parity)
            if number not in self._used_ids:
                return number, birth
        raise RuntimeError(f"cannot find a free resident ID for {place} {birth}")

    def _jobs(self, talent: DemoTalent, chunk: TalentChunk, start: date, major: str, degree: str, *,
              count: int) -> None:
        rng = self._rng
        index = talent.index
        if start > self.as_of - timedelta(days=20):
            return
        cluster = _major_cluster(major)
        rank = DEGREE_RANK[degree]
        last_to: dict[str, date] = {}
        for n in range(count):
            district = talent.district if rng.random() < 0.85 else "*"
            wanted = cluster if cluster and rng.random() < 0.6 else "*"
            pool = (self._employers.get((district, wanted)) or self._employers.get((district, "*"))
                    or self._employers[("*", "*")])
            employer = self.enterprises[pool.draw(rng)]
            end: date | None = None
            if n < count - 1 or rng.random() < 0.05:
                end = start + timedelta(days=rng.randint(240, 365 * (2 if count == 2 else 5)))
                if end >= self.as_of - timedelta(days=45):
                    end = None
            choices = [p for p in self._positions[employer.cluster] if p[2] <= rank] or \
                list(self._positions[employer.cluster])
            title, occupation, _ = rng.choice(choices)
            chunk.employments.append(DemoEmployment(index, employer.index, start, end, title, occupation))
            self._insurance(talent, chunk, start, end, employer.division, last_to)
            if end is None:
                break
            start = end + timedelta(days=rng.randint(1, 60))
            if start > self.as_of - timedelta(days=20):
                break

    def _insurance(self, talent: DemoTalent, chunk: TalentChunk, start: date, end: date | None, division: str,
                   last_to: dict[str, date]) -> None:
        rng = self._rng
        index = talent.index
        first = month_start(start)
        last = month_start(end) if end else self.last_month
        previous = last_to.get(division)
        if previous is not None and first <= previous:
            first = add_months(previous, 1)
        if first > last:
            return
        last_to[division] = last
        months = months_between(first, last) + 1
        roll = rng.random()
        if roll < 0.06 and months >= 4:  # the first months paid late, in one go
            k = rng.randint(1, 3)
            chunk.insurance.append(DemoInsurance(index, first, add_months(first, k - 1), division, True))
            chunk.insurance.append(DemoInsurance(index, add_months(first, k), last, division))
        elif roll < 0.09 and months >= 8:  # a hole of one or two months
            cut = rng.randint(2, months - 4)
            hole = rng.randint(1, 2)
            chunk.insurance.append(DemoInsurance(index, first, add_months(first, cut - 1), division))
            chunk.insurance.append(DemoInsurance(index, add_months(first, cut + hole), last, division))
        else:
            chunk.insurance.append(DemoInsurance(index, first, last, division))

    def _housing(self, talent: DemoTalent, recent: bool) -> None:
        rng = self._rng
        age = self.as_of.year - talent.birth_date.year
        share = 0.05 if age < 27 else 0.3 if age <= 32 else 0.65
        if recent:
            share = min(share, 0.1)
        if talent.id_type == RESIDENT_ID and rng.random() < share:
            roll = rng.random()
            talent.owns_property = True
            talent.property_division = (talent.district if roll < 0.5 else rng.choice(HANGZHOU_COUNTIES)
                                        if roll < 0.9 else talent.hukou_division or talent.district)
            since = talent.arrival_date or self.as_of
            span = max(1, (self.as_of - since).days)
            talent.property_purchase_date = since + timedelta(days=rng.randrange(span))
        else:
            roll = rng.random()
            public, rental = (0.025, 0.06) if recent else (0.02, 0.03)
            talent.housing = PUBLIC_RENTAL if roll < public else TALENT_RENTAL if roll < rental else NO_HOUSING

    def _tier(self, talent: DemoTalent, top: str, foreign: bool) -> None:
        rng = self._rng
        age = self.as_of.year - talent.birth_date.year
        roll = rng.random()
        tier = ""
        if top == DOCTOR:
            if age >= 50 and roll < 0.011:
                tier = "A"
            elif age >= 40 and roll < 0.04:
                tier = "B"
            elif age >= 35 and roll < 0.055:
                tier = "C"
            elif age >= 32 and roll < 0.08:
                tier = "D"
            elif roll < 0.5:
                tier = "E"
        elif top == MASTER and age >= 35:
            if roll < 0.008:
                tier = "C"
            elif roll < 0.03:
                tier = "D"
            elif roll < 0.06:
                tier = "E"
        if not tier:
            return
        talent.tier = tier
        talent.tier_basis = _TIER_BASIS[tier]
        since = talent.arrival_date or self.as_of
        talent.tier_date = since + timedelta(days=rng.randrange(max(1, (self.as_of - since).days)))
        if tier == "A":
            if foreign:
                talent.honours = ["foreign_academician"]
            else:
                talent.honours = ["academician_cas" if rng.random() < 0.5 else "academician_cae"]
        elif tier in _TIER_HONOURS and (tier != "D" or rng.random() < 0.5):
            talent.honours = [_TIER_HONOURS[tier]]

    def _showcase(self, chunk: TalentChunk) -> None:
        """Talent 0: a master's graduate of last summer, working and insured in the district since July, who
        rents privately and owns nothing — the demo talent login, eligible for the graduate subsidies."""
        rng = self._rng
        year = self.as_of.year - 1
        grad = date(year, 6, 30)
        anhui = sorted(c for c in self._counties if c.startswith("34") and not c.endswith("00"))
        place = "340104" if "340104" in self._counties else (anhui[0] if anhui else self._places.draw(rng))
        number, birth = self._resident_id(place, date(year - 25, 3, 9), False)
        self._used_ids.add(number)
        opts = self.options
        talent = DemoTalent(index=0, id_type=RESIDENT_ID, id_number=number, name="林晓雨", gender="F",
                            birth_date=birth, phone="13800001234", email="demo.talent@example.com",
                            hukou_division=place, residence_division=opts.district, district=opts.district,
                            arrival_date=grad + timedelta(days=5))
        major = "080901" if "080901" in self._major_set else self._majors.draw(rng)
        master_uni = self._uni_by_name.get("浙江大学") or self._unis[MASTER].draw(rng)
        bachelor_uni = self._uni_by_name.get("杭州电子科技大学") or self._unis[BACHELOR].draw(rng)
        bachelor_grad = date(year - 3, 6, 30)
        chunk.educations.append(DemoEducation(0, BACHELOR, True, False, False, bachelor_uni.code,
                                              bachelor_uni.name, major, bachelor_grad, bachelor_grad))
        chunk.educations.append(DemoEducation(0, MASTER, True, False, False, master_uni.code, master_uni.name,
                                              major, grad, grad))
        employer = self.enterprises[0]
        start = grad + timedelta(days=15)
        occupation = self._positions[DIGITAL_ECONOMY][1][1]
        chunk.employments.append(DemoEmployment(0, employer.index, start, None, "算法工程师", occupation))
        chunk.insurance.append(DemoInsurance(0, month_start(start), self.last_month, employer.division))
        chunk.talents.append(talent)


def _married_share(age: int) -> float:
    return 0.03 if age < 25 else 0.25 if age < 30 else 0.6 if age < 35 else 0.8


def _major_cluster(major: str) -> str:
    if major[:2] == "10" or major[:4] in ("0830", "0710", "0813"):
        return LIFE_HEALTH
    if major[:4] in ("0809", "0807", "0712", "0701"):
        return DIGITAL_ECONOMY
    if major[:4] in ("0802", "0806", "0803", "0804", "0805"):
        return INTELLIGENT_MANUFACTURING
    if major[:2] in ("02", "12", "03", "05"):
        return OTHER_CLUSTER if major[:2] == "03" else ""
    return ""
