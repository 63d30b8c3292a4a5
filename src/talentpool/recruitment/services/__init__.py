"""Writes on recruitment: jobs, moderation, profiles, applications through the pipeline, interviews, offers,
hires and partners, one module per topic (input checks in ``validators``, who acts in ``access``). Callers
import from here.

Every service that writes does it the one way (docs/architecture.md, "How a write is made"): it checks who may
act (an enterprise user on its own enterprise's jobs and their applications, or a partner whose key has
``jobs:write`` on its enterprise's jobs; a talent on its own profile and applications; an officer moderates the
jobs of its district; an administrator manages partners), validates its input into a clear ``ApplicationError``
naming the field, and changes the rows inside ``core.audit.audited``, so the audit event is written in the same
transaction. Changed talents and jobs are noted for the match index (applied in this process after the commit),
and notices are stored with the change and emailed after the commit. Another enterprise's job or application is
"not found", as it would be on a page. A hire writes the registry's employment record through
``registry.services.employment_record_hire``.
"""

from .applications import application_move, apply, note_add
from .interviews import (
    interview_cancel,
    interview_complete,
    interview_confirm,
    interview_reschedule,
    interview_schedule,
)
from .jobs import JOB_FIELDS, TRANSITIONS, job_create, job_moderate, job_set_status, job_update
from .offers import hire, offer_accept, offer_make
from .partners import (
    KEY_PREFIX,
    partner_authenticate,
    partner_create,
    partner_deactivate,
    partner_exchange_log,
)
from .pipeline import pipeline_stages_set
from .profiles import MAX_RAW_RESUME_CHARS, candidate_viewed, profile_save, resume_clean
from .validators import MAX_CODES, MAX_INTERVIEW_HOURS, MAX_INTERVIEWERS, MAX_SALARY

__all__ = [
    "JOB_FIELDS",
    "KEY_PREFIX",
    "MAX_CODES",
    "MAX_INTERVIEWERS",
    "MAX_INTERVIEW_HOURS",
    "MAX_RAW_RESUME_CHARS",
    "MAX_SALARY",
    "TRANSITIONS",
    "application_move",
    "apply",
    "candidate_viewed",
    "hire",
    "interview_cancel",
    "interview_complete",
    "interview_confirm",
    "interview_reschedule",
    "interview_schedule",
    "job_create",
    "job_moderate",
    "job_set_status",
    "job_update",
    "note_add",
    "offer_accept",
    "offer_make",
    "partner_authenticate",
    "partner_create",
    "partner_deactivate",
    "partner_exchange_log",
    "pipeline_stages_set",
    "profile_save",
    "resume_clean",
]
