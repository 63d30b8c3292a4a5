"""The matching engine: talents and jobs matched both ways (BM25 over jieba tokens, hard constraints as masks,
taxonomy-code similarity, a reciprocal score) with explanations. Plain Python, no Django.

The Django side builds ``TalentDoc``/``JobDoc`` from its models, keeps a ``MatchIndex`` (built or loaded), and
calls ``upsert_*``/``remove_*`` as records change. See docs/algorithms/matching.md.
"""

# Each name is imported from its module when first read (PEP 562), so a process that needs only a constant
# (the models, the CLI) does not load jieba, bm25s and SciPy: the CLI starts ~250 ms sooner.

from __future__ import annotations

from typing import TYPE_CHECKING

from talentpool.engines.lazy import lazy_names

if TYPE_CHECKING:
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

_WHERE = {
    **dict.fromkeys(("DEGREE_RANKS", "JobDoc", "TalentDoc"), ".documents"),
    **dict.fromkeys(("ConstraintNote", "Explanation", "Match"), ".explain"),
    **dict.fromkeys(("MatchIndex",), ".index"),
    **dict.fromkeys(("NEUTRAL",), ".scan"),
    **dict.fromkeys(("JOB_VIEW_WEIGHTS", "RANKINGS", "Ranking", "TALENT_VIEW_WEIGHTS"), ".score"),
    **dict.fromkeys(("generate_jobs", "generate_talents"), ".synthetic"),
    **dict.fromkeys(("DEFAULT_DATA_DIR", "Taxonomies", "load_taxonomies"), ".taxonomy"),
    **dict.fromkeys((
        "MAX_JOB_TEXT_CHARS", "MAX_RESUME_CHARS", "MAX_SKILLS", "MAX_SKILL_CHARS", "MAX_TITLE_CHARS", "clean_text",
        "normalise_skill", "normalise_skills",
    ), ".text"),
    **dict.fromkeys(("Tokenizer", "get_tokenizer"), ".tokenizer"),
}

__all__ = [
    "ConstraintNote", "DEFAULT_DATA_DIR", "DEGREE_RANKS", "Explanation", "JOB_VIEW_WEIGHTS", "JobDoc",
    "MAX_JOB_TEXT_CHARS", "MAX_RESUME_CHARS", "MAX_SKILLS", "MAX_SKILL_CHARS", "MAX_TITLE_CHARS", "Match",
    "MatchIndex", "NEUTRAL", "RANKINGS", "Ranking", "TALENT_VIEW_WEIGHTS", "TalentDoc", "Taxonomies", "Tokenizer",
    "clean_text", "generate_jobs", "generate_talents", "get_tokenizer", "load_taxonomies", "normalise_skill",
    "normalise_skills",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE)
