"""The policy engine: policies as data (YAML), compiled to SQL, evaluated over whole columns, explained per person.

No Django here: the registry adapter (talentpool.policies.facts) hands in an Arrow table of facts."""

from .compile import CompiledPolicy, compile_policy
from .document import (
    DELIVERY_BANK,
    DELIVERY_CHANNELS,
    DELIVERY_IN_KIND,
    PolicyError,
    PolicyVersion,
    parse_documents,
    with_parameters,
)
from .evaluate import (
    Explanation,
    check_policy_set,
    evaluate_registry,
    explain,
    explain_applicable,
    facts_table,
    instalment_schedule,
    version_in_force,
)
from .facts import AREAS, FACTS
from .testcases import CaseResult, run_cases

__all__ = [
    "AREAS", "DELIVERY_BANK", "DELIVERY_CHANNELS", "DELIVERY_IN_KIND", "FACTS", "CaseResult", "CompiledPolicy", "Explanation", "PolicyError", "PolicyVersion",
    "check_policy_set", "compile_policy", "evaluate_registry", "explain", "explain_applicable", "facts_table", "instalment_schedule",
    "parse_documents",
    "run_cases", "version_in_force", "with_parameters",
]
