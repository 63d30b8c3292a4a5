"""Text limits of the matching index, and skills as compared and stored. Free text is cleaned by
``engines.text.clean_text`` (re-exported here): see its rules there. The Django side quotes these limits in its
help and error texts."""

from __future__ import annotations

from ..text import clean_text

__all__ = ["MAX_JOB_TEXT_CHARS", "MAX_RESUME_CHARS", "MAX_SKILLS", "MAX_SKILL_CHARS", "MAX_TITLE_CHARS",
           "clean_text", "normalise_skill", "normalise_skills"]

MAX_RESUME_CHARS = 5000
"""A talent's résumé text is cut to its first 5,000 characters after cleaning."""
MAX_JOB_TEXT_CHARS = 5000
"""A job description is cut to its first 5,000 characters after cleaning."""
MAX_TITLE_CHARS = 80
"""A job title is cut to 80 characters (single line)."""
MAX_SKILL_CHARS = 40
"""One declared skill is cut to 40 characters (single line, lower case)."""
MAX_SKILLS = 50
"""At most 50 declared skills per document are kept (the first 50 distinct ones)."""


def normalise_skill(skill: str | None) -> str:
    """A declared skill as compared and stored: cleaned, one line, lower case, at most ``MAX_SKILL_CHARS``."""
    return clean_text(skill, MAX_SKILL_CHARS, single_line=True).lower()


def normalise_skills(skills: list[str] | tuple[str, ...] | None) -> list[str]:
    """Distinct non-empty normalised skills in their first order, at most ``MAX_SKILLS``."""
    seen: dict[str, None] = {}
    for skill in skills or ():
        s = normalise_skill(skill)
        if s and s not in seen:
            seen[s] = None
            if len(seen) == MAX_SKILLS:
                break
    return list(seen)
