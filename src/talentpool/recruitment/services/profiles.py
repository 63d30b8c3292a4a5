"""A talent's own job profile (résumé, skills, wishes, whether enterprises may find it), and the audit of an
enterprise reading a candidate."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import FieldErrors
from talentpool.core.models import AuditAction
from talentpool.engines.matching import MAX_RESUME_CHARS, clean_text
from talentpool.registry.models import Talent
from talentpool.registry.services import talent_record_viewed

from ..matching import changes_record
from ..models import ChangeKind, JobProfile
from . import validators as check
from .access import talent_of

MAX_RAW_RESUME_CHARS = 20 * MAX_RESUME_CHARS
"""A résumé longer than this before cleaning is cut first (the cleaned text is cut to 5,000 anyway)."""


def resume_clean(text: str | None) -> tuple[str, list[str]]:
    """The résumé as stored, and what cleaning did to it (in words for the talent)."""
    raw = text or ""
    cut = len(raw) > MAX_RAW_RESUME_CHARS
    raw = raw[:MAX_RAW_RESUME_CHARS]
    full = clean_text(raw, MAX_RAW_RESUME_CHARS)
    notes = []
    if re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)) != re.sub(r"\s+", "", full):
        notes.append(_("HTML, emoji and control characters were removed from the résumé."))
    if cut or len(full) > MAX_RESUME_CHARS:
        notes.append(_("The résumé was cut to its first 5,000 characters (after removing HTML, emoji and control "
                       "characters)."))
    return full[:MAX_RESUME_CHARS].rstrip(), notes


def profile_save(*, actor, resume: str = "", skills: Iterable[str] = (), desired_occupations: Iterable[str] = (),
                 desired_divisions: Iterable[str] = (), salary_min: int | None = None,
                 salary_max: int | None = None, available_from: dt.date | None = None,
                 years_experience=None, consent_search: bool = False, request=None) -> JobProfile:
    """The talent's own job profile, replaced as a whole. The résumé is cleaned and cut to 5,000 characters; what
    cleaning did is on the returned profile as ``cleaning_notes`` (a list of sentences)."""
    talent = talent_of(actor)
    text, notes = resume_clean(resume)
    errors = FieldErrors("resume")  # every field checked: the form shows each refusal beside its field at once
    low, high = errors.check("salary_min", check.salary_range, salary_min, salary_max) or (None, None)
    values = {
        "resume": text,
        "skills": errors.check("skills", check.skill_list, skills),
        "desired_occupations": errors.check("desired_occupations", check.occupation_codes, desired_occupations,
                                            "desired_occupations"),
        "desired_divisions": errors.check("desired_divisions", check.division_codes, desired_divisions,
                                          "desired_divisions"),
        "salary_min": low,
        "salary_max": high,
        "available_from": errors.check("available_from", check.date_field, available_from, "available_from"),
        "years_experience": None if years_experience in (None, "") else errors.check(
            "years_experience", check.years, years_experience, "years_experience", most=60),
        "consent_search": bool(consent_search),
    }
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"profile": "save"}) as entry:
        profile = JobProfile.objects.select_for_update().filter(talent=talent).first() or JobProfile(talent=talent)
        before = profile.consent_search if profile.pk else None
        for name, value in values.items():
            setattr(profile, name, value)
        check.full_clean(profile, exclude=["talent"])
        profile.save()
        changes_record(ChangeKind.TALENT, [talent.pk])
        entry.target = f"job_profile:{profile.pk}"
        entry.detail |= {"consent_search": profile.consent_search,
                         "consent_changed": before is not None and before != profile.consent_search}
    profile.cleaning_notes = notes
    return profile


def candidate_viewed(*, actor, talent: Talent, request=None) -> None:
    """An enterprise read a candidate's profile: written to the audit trail like an officer's read (again each
    time a kept response is served)."""
    talent_record_viewed(actor=actor, talent=talent, request=request, channel="recruitment:candidate")
