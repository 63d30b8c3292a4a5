"""Deterministic synthetic talents and jobs in Chinese, built from the taxonomies (benchmarks, tests, demo data).

Each document belongs to one of a few career domains (software, chips, machinery, pharma, …; ``domains``) that tie
majors, occupations, industries, skills and wording together, so documents of one domain share words and codes. Noise
keeps plain keyword matching imperfect: synonyms and abbreviations for skills (some known to the tokenizer's
skills list, some not), career changers whose desired occupation lies outside their major's domain, generic
boilerplate, short résumés, missing salaries and skills, and a little HTML, emoji and full-width text.

``generate_talents(n, seed, taxonomies)`` and ``generate_jobs(n, seed, taxonomies)`` give the same documents for
the same arguments; ids run from ``first_id``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from .documents import JobDoc, TalentDoc
from .domains import (
    BENEFITS,
    COMPANY_TYPES,
    DEGREE_NAMES,
    DEGREE_REQUIREMENTS,
    DOMAINS,
    FIRMS,
    HOBBIES,
    HUBS,
    SENIORITY,
    SOFT_SKILLS,
    SYNONYMS,
    Domain,
)
from .taxonomy import Taxonomies


@dataclass(frozen=True, slots=True)
class _World:
    majors: tuple[tuple[tuple[str, str], ...], ...]  # per domain: (code, name) of majors
    occupations: tuple[tuple[tuple[str, str], ...], ...]
    industries: tuple[tuple[tuple[str, str], ...], ...]
    counties: dict[str, tuple[str, ...]]  # hub city → its counties
    colleges: tuple[str, ...]
    universities: tuple[str, ...]


@lru_cache(maxsize=4)
def _world(tax: Taxonomies) -> _World:
    items = [c for c, level in tax.major_levels.items() if level == "item"]
    majors, occupations, industries = [], [], []
    for d in DOMAINS:
        codes = [c for c in items if any(c.startswith(p) for p in d.majors)]
        majors.append(tuple((c, tax.majors[c]) for c in codes))
        occupations.append(tuple((c, tax.occupations[c]) for c in d.occupations if c in tax.occupations))
        inds = []
        for c in d.industries:
            if c in tax.industries and tax.industry_key(c):
                inds.append((c, tax.industries[c]))
        industries.append(tuple(inds))
    counties: dict[str, list[str]] = {}
    for code, parent in tax.division_parents.items():
        if parent in HUBS and tax.division_levels.get(code) == "county":
            counties.setdefault(parent, []).append(code)
    return _World(
        tuple(majors),
        tuple(occupations),
        tuple(industries),
        {k: tuple(sorted(v)) for k, v in counties.items()},
        tuple(sorted(n for n, _, level in tax.universities if level == "专科")),
        tuple(sorted(n for n, _, level in tax.universities if level == "本科")),
    )


def _skill_text(rng: random.Random, skill: str) -> str:
    alts = SYNONYMS.get(skill)
    if alts and rng.random() < 0.35:
        return rng.choice(alts)
    return (
        skill.upper() if skill.isascii() and len(skill) <= 4 else skill.title() if skill.isascii() else skill
    )


def _pick_domain(rng: random.Random) -> int:
    return rng.randrange(len(DOMAINS))


def _place(rng: random.Random, w: _World, hub: str) -> str:
    counties = w.counties.get(hub)
    return rng.choice(counties) if counties else hub


def _years(rng: random.Random) -> float:
    r = rng.random()
    if r < 0.35:
        return round(rng.uniform(0, 2) * 2) / 2
    if r < 0.75:
        return round(rng.uniform(2, 6) * 2) / 2
    return round(rng.uniform(6, 15) * 2) / 2


def _salary_base(degree: int, years: float) -> float:
    return {0: 5000, 1: 5000, 2: 7000, 3: 10000, 4: 14000}[degree] * (1 + 0.07 * min(years, 12))


def _round500(x: float) -> int:
    return max(2000, int(round(x / 500.0)) * 500)


def _noise(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.03:
        return f"<p>{text}</p><br/>"
    if r < 0.05:
        return text + rng.choice(("😊", "💪", "👍"))
    if r < 0.06:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return text


def generate_talents(n: int, seed: int, taxonomies: Taxonomies, *, first_id: int = 1) -> list[TalentDoc]:
    """``n`` talents, the same for the same ``seed`` and taxonomies."""
    rng = random.Random(f"talents:{seed}")
    w = _world(taxonomies)
    out = []
    for i in range(n):
        d = _pick_domain(rng)
        dom = DOMAINS[d]
        major_domain = d if rng.random() > 0.1 else _pick_domain(rng)  # a few studied something else
        major_code, major_name = rng.choice(w.majors[major_domain])
        degree = rng.choices((0, 1, 2, 3, 4), (2, 20, 48, 25, 5))[0]
        years = _years(rng)
        occs = rng.sample(w.occupations[d], k=min(len(w.occupations[d]), rng.choice((1, 1, 2, 2, 3))))
        if rng.random() < 0.15:  # career changer: one wish outside the domain
            occs.append(rng.choice(w.occupations[_pick_domain(rng)]))
        skills = rng.sample(dom.skills, k=min(len(dom.skills), rng.randint(3, 8)))
        r = rng.random()
        if r < 0.15:
            divisions = []
        elif r < 0.55:
            divisions = [_place(rng, w, "330100")]
        elif r < 0.75:
            divisions = ["330100"]
        elif r < 0.85:
            divisions = ["330000"]
        else:
            hub = rng.choice(HUBS[4:])
            divisions = [rng.choice((hub, _place(rng, w, hub)))] + (["330100"] if rng.random() < 0.5 else [])
        base = _salary_base(max(degree, 1), years) * rng.uniform(0.8, 1.25)
        smin: int | None = _round500(base)
        smax: int | None = _round500(base * rng.uniform(1.2, 1.6))
        r = rng.random()
        if r < 0.1:
            smin = smax = None
        elif r < 0.15:
            smax = None
        inds = [c for c, _ in rng.sample(w.industries[d], k=min(len(w.industries[d]), rng.randint(0, 2)))]
        text = _resume_text(rng, w, dom, degree, major_name, years, occs, skills, taxonomies)
        declared = (
            [] if rng.random() < 0.2 else [_skill_text(rng, s) if rng.random() < 0.2 else s for s in skills]
        )
        out.append(
            TalentDoc(
                id=first_id + i,
                text=text,
                skills=declared,
                degree_rank=degree,
                major_code=major_code,
                years_experience=years,
                desired_occupations=[c for c, _ in occs],
                desired_divisions=divisions,
                salary_min=smin,
                salary_max=smax,
                industry_codes=inds,
                consent=rng.random() < 0.7,
            )
        )
    return out


def _resume_text(
    rng: random.Random,
    w: _World,
    dom: Domain,
    degree: int,
    major: str,
    years: float,
    occs: list[tuple[str, str]],
    skills: list[str],
    tax: Taxonomies,
) -> str:
    school = rng.choice(w.colleges if degree == 1 else w.universities)
    parts = []
    if degree:
        graduated = 2025 - int(years) - rng.randint(0, 2)
        parts.append(f"{DEGREE_NAMES[degree]}学历，{graduated}年毕业于{school}{major}专业。")
    else:
        parts.append(f"{major}专业出身。")
    if years < 1:
        parts.append(rng.choice(("应届毕业生，", "刚毕业，")) + f"在校期间参与过{dom.field}相关项目。")
    else:
        title = rng.choice(dom.titles)
        duty = rng.sample(dom.duties, k=2)
        parts.append(
            f"{years:g}年{dom.field}工作经验，曾在{rng.choice(FIRMS)}担任{title}，{duty[0]}，{duty[1]}。"
        )
        if years >= 4 and rng.random() < 0.7:
            earlier = rng.choice(dom.titles)
            parts.append(f"此前在{rng.choice(FIRMS)}任{earlier}，{rng.choice(dom.duties)}。")
    shown = [_skill_text(rng, s) for s in skills[: rng.randint(2, len(skills))]]
    if shown:
        parts.append(rng.choice(("熟悉", "熟练掌握", "擅长", "掌握")) + "、".join(shown) + "。")
    wish = rng.choice(occs)[1]
    parts.append(
        rng.choice((f"求职意向：{wish}。", f"期望从事{wish}相关工作。", f"希望在{dom.field}方向继续发展。"))
    )
    if rng.random() < 0.6:
        parts.append(rng.choice(SOFT_SKILLS) + "，" + rng.choice(HOBBIES) + "。")
    if rng.random() < 0.1:  # short profile
        parts = parts[:2]
    return _noise(rng, "".join(parts))


def generate_jobs(
    n: int, seed: int, taxonomies: Taxonomies, *, first_id: int = 1, open_share: float = 0.95
) -> list[JobDoc]:
    """``n`` jobs, the same for the same ``seed`` and taxonomies; about ``open_share`` of them open."""
    rng = random.Random(f"jobs:{seed}")
    w = _world(taxonomies)
    out = []
    for i in range(n):
        d = _pick_domain(rng)
        dom = DOMAINS[d]
        occ_code, occ_name = rng.choice(w.occupations[d])
        title = rng.choice(SENIORITY) + rng.choice(dom.titles)
        min_degree = rng.choices((0, 1, 2, 3, 4), (10, 25, 50, 13, 2))[0]
        min_years = rng.choice((0, 0, 1, 1, 2, 3, 3, 5, 8))
        r = rng.random()
        if r < 0.1:
            majors: list[str] = []
        else:
            picks = rng.sample(w.majors[d], k=min(len(w.majors[d]), rng.randint(1, 3)))
            if r < 0.55:
                majors = list(dict.fromkeys(c[:4] for c, _ in picks))
            elif r < 0.92:
                majors = [c for c, _ in picks]
            else:
                majors = list(dict.fromkeys(c[:2] for c, _ in picks))
        skills = rng.sample(dom.skills, k=min(len(dom.skills), rng.randint(3, 7)))
        base = _salary_base(max(min_degree, 1), min_years) * rng.uniform(0.85, 1.3)
        smin: int | None = _round500(base)
        smax: int | None = _round500(base * rng.uniform(1.3, 1.8))
        if rng.random() < 0.08:
            smin = smax = None
        r = rng.random()
        hub = "330100" if r < 0.7 else "330200" if r < 0.8 else rng.choice(HUBS[5:])
        division = _place(rng, w, hub)
        ind_code, ind_name = rng.choice(w.industries[d])
        text = _job_text(rng, w, dom, occ_name, min_degree, min_years, majors, skills, ind_name, taxonomies)
        declared = (
            [] if rng.random() < 0.25 else [_skill_text(rng, s) if rng.random() < 0.2 else s for s in skills]
        )
        out.append(
            JobDoc(
                id=first_id + i,
                title=title,
                text=text,
                skills=declared,
                occupation_code=occ_code,
                min_degree_rank=min_degree,
                accepted_majors=majors,
                min_years=float(min_years),
                salary_min=smin,
                salary_max=smax,
                division_code=division,
                industry_code=ind_code,
                open=rng.random() < open_share,
            )
        )
    return out


def _job_text(
    rng: random.Random,
    w: _World,
    dom: Domain,
    occ_name: str,
    min_degree: int,
    min_years: int,
    majors: list[str],
    skills: list[str],
    ind_name: str,
    tax: Taxonomies,
) -> str:
    duties = rng.sample(dom.duties, k=min(len(dom.duties), rng.randint(2, 4)))
    lines = ["岗位职责："] + [f"{i}. {t}；" for i, t in enumerate(duties, 1)]
    names = [tax.majors.get(c, "") for c in majors]
    major_req = "、".join(n for n in names if n) + "等相关专业" if majors else "专业不限"
    years_req = f"{min_years}年以上{dom.field}相关工作经验" if min_years else "接受优秀应届毕业生"
    shown = "、".join(_skill_text(rng, s) for s in skills)
    lines += [
        "任职要求：",
        f"1. {DEGREE_REQUIREMENTS[min_degree]}及以上学历，{major_req}；",
        f"2. {years_req}；",
        f"3. 熟悉{shown}；",
        f"4. {rng.choice(SOFT_SKILLS)}。",
    ]
    if rng.random() < 0.5:
        lines.append(f"该岗位属于{occ_name}。")
    lines.append(
        f"公司介绍：我们是一家专注于{ind_name}的{rng.choice(COMPANY_TYPES)}，"
        f"福利：{'、'.join(rng.sample(BENEFITS, k=3))}。"
    )
    return _noise(rng, "\n".join(lines))
