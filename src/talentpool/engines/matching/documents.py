"""What the matcher reads about a talent and a job. Plain data; the index cleans text and skills itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from talentpool.engines.vocab import DEGREE_RANK

DEGREE_RANKS = DEGREE_RANK  # the shared ranks (engines/vocab.py)
"""Registry degrees as ranks; 0 is unknown (fails any minimum above 0)."""


@dataclass(slots=True)
class TalentDoc:
    """A talent's profile. Codes as in the reference data; divisions: a province (330000), city (330100) or
    county (330106) code covers everything under it, and no desired divisions means anywhere."""

    id: int
    text: str
    skills: list[str] = field(default_factory=list)
    degree_rank: int = 0
    major_code: str = ""
    years_experience: float = 0.0
    desired_occupations: list[str] = field(default_factory=list)
    desired_divisions: list[str] = field(default_factory=list)
    salary_min: int | None = None  # yuan per month
    salary_max: int | None = None
    industry_codes: list[str] = field(default_factory=list)
    consent: bool = False  # may enterprises find me before I apply


@dataclass(slots=True)
class JobDoc:
    """An open (or closed) position. ``accepted_majors`` at any level (08, 0809, 080901); empty means any major."""

    id: int
    title: str
    text: str
    skills: list[str] = field(default_factory=list)
    occupation_code: str = ""
    min_degree_rank: int = 0
    accepted_majors: list[str] = field(default_factory=list)
    min_years: float = 0.0
    salary_min: int | None = None
    salary_max: int | None = None
    division_code: str = ""
    industry_code: str = ""
    open: bool = True
