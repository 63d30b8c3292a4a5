"""Deterministic demo data for a district: plain Python, no Django, no clock (``as_of`` is passed in).

The adapter (``talentpool.registry.demo``) reads the reference codes from the database, calls
:func:`generate_enterprises` and a :class:`TalentGenerator`, and bulk-inserts the chunks it yields.
"""

from .codes import credit_code, organisation_code_check, passport_number, resident_id
from .enterprises import DemoEnterprise, cluster_industries, generate_enterprises
from .records import (
    DemoEducation,
    DemoEmployment,
    DemoInsurance,
    DemoTalent,
    TalentChunk,
    add_months,
    month_start,
)
from .reference import DemoOptions, DemoReference, UniversityRef
from .talents import BLOCK, TalentGenerator

__all__ = [
    "BLOCK", "DemoEducation", "DemoEmployment", "DemoEnterprise", "DemoInsurance", "DemoOptions", "DemoReference",
    "DemoTalent", "TalentChunk", "TalentGenerator", "UniversityRef", "add_months", "cluster_industries",
    "credit_code", "generate_enterprises", "month_start", "organisation_code_check", "passport_number",
    "resident_id",
]
