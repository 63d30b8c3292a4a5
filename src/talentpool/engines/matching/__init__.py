"""The matching engine: talents and jobs matched both ways (BM25 over jieba tokens, hard constraints as masks,
taxonomy-code similarity, a reciprocal score) with explanations. Plain Python, no Django.

The Django side builds ``TalentDoc``/``JobDoc`` from its models, keeps a ``MatchIndex`` (built or loaded), and
calls ``upsert_*``/``remove_*`` as records change. See docs/algorithms/matching.md.
"""

from .documents import DEGREE_RANKS, JobDoc, TalentDoc
from .explain import ConstraintNote, Explanation, Match
from .index import MatchIndex
from .scan import NEUTRAL
from .score import JOB_VIEW_WEIGHTS, RANKINGS, TALENT_VIEW_WEIGHTS, Ranking
from .synthetic import generate_jobs, generate_talents
from .taxonomy import DEFAULT_DATA_DIR, Taxonomies, load_taxonomies
from .text import (
    MAX_JOB_TEXT_CHARS,
    MAX_RESUME_CHARS,
    MAX_SKILL_CHARS,
    MAX_SKILLS,
    MAX_TITLE_CHARS,
    clean_text,
    normalise_skill,
    normalise_skills,
)
from .tokenizer import Tokenizer, get_tokenizer

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEGREE_RANKS",
    "JOB_VIEW_WEIGHTS",
    "MAX_JOB_TEXT_CHARS",
    "MAX_RESUME_CHARS",
    "MAX_SKILLS",
    "MAX_SKILL_CHARS",
    "MAX_TITLE_CHARS",
    "NEUTRAL",
    "RANKINGS",
    "TALENT_VIEW_WEIGHTS",
    "ConstraintNote",
    "Explanation",
    "JobDoc",
    "Match",
    "MatchIndex",
    "Ranking",
    "TalentDoc",
    "Taxonomies",
    "Tokenizer",
    "clean_text",
    "generate_jobs",
    "generate_talents",
    "get_tokenizer",
    "load_taxonomies",
    "normalise_skill",
    "normalise_skills",
]
