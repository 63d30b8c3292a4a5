"""Fixtures of the matching engine tests: small hand-made documents and a small generated world (no database)."""

from __future__ import annotations

import dataclasses

import pytest

from talentpool.engines.matching import (
    JobDoc,
    MatchIndex,
    TalentDoc,
    generate_jobs,
    generate_talents,
    load_taxonomies,
)

JOB_TEXT = "岗位职责：负责后端服务开发与维护。任职要求：熟悉Python、MySQL和Redis，了解微服务架构。"
TALENT_TEXT = "本科学历，计算机科学与技术专业，3年后端开发经验，熟悉Python、MySQL和Redis，做过微服务项目。"


def talent(id: int, **changes) -> TalentDoc:
    """A talent who fits ``job()`` on every constraint unless changed."""
    base = TalentDoc(
        id=id,
        text=TALENT_TEXT,
        skills=["Python", "MySQL"],
        degree_rank=2,
        major_code="080901",
        years_experience=3.0,
        desired_occupations=["2-02-10-03"],
        desired_divisions=["330100"],
        salary_min=8000,
        salary_max=12000,
        industry_codes=["65"],
        consent=True,
    )
    return dataclasses.replace(base, **changes)


def job(id: int, **changes) -> JobDoc:
    base = JobDoc(
        id=id,
        title="Python开发工程师",
        text=JOB_TEXT,
        skills=["Python", "MySQL", "Redis"],
        occupation_code="2-02-10-03",
        min_degree_rank=2,
        accepted_majors=["0809"],
        min_years=2.0,
        salary_min=9000,
        salary_max=15000,
        division_code="330106",
        industry_code="6513",
        open=True,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(scope="session")
def tax():
    return load_taxonomies()


@pytest.fixture(scope="session")
def world(tax):
    """1,200 generated talents and 300 generated jobs, with their index (treat as read-only)."""
    talents = generate_talents(1200, 11, tax)
    jobs = generate_jobs(300, 11, tax)
    return talents, jobs, MatchIndex.build(talents, jobs)
