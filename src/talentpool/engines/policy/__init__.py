"""The policy engine: policies as data (YAML), compiled to SQL, evaluated over whole columns, explained per person.

No Django here: the registry adapter (talentpool.policies.facts) hands in an Arrow table of facts."""

# Each name is imported from its module when first read (PEP 562), so a process that needs only a constant
# (the models, the CLI) does not load DuckDB, Arrow and sqlglot: the CLI starts ~400 ms sooner.

from __future__ import annotations

from typing import TYPE_CHECKING

from talentpool.engines.lazy import lazy_names

if TYPE_CHECKING:
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

_WHERE = {
    **dict.fromkeys(("CompiledPolicy", "compile_policy"), ".compile"),
    **dict.fromkeys((
        "DELIVERY_BANK", "DELIVERY_CHANNELS", "DELIVERY_IN_KIND", "PolicyError", "PolicyVersion", "parse_documents",
        "with_parameters",
    ), ".document"),
    **dict.fromkeys((
        "Explanation", "check_policy_set", "evaluate_registry", "explain", "explain_applicable", "facts_table",
        "instalment_schedule", "version_in_force",
    ), ".evaluate"),
    **dict.fromkeys(("AREAS", "FACTS"), ".facts"),
    **dict.fromkeys(("CaseResult", "run_cases"), ".testcases"),
}

__all__ = [
    "AREAS", "CaseResult", "CompiledPolicy", "DELIVERY_BANK", "DELIVERY_CHANNELS", "DELIVERY_IN_KIND",
    "Explanation", "FACTS", "PolicyError", "PolicyVersion", "check_policy_set", "compile_policy",
    "evaluate_registry", "explain", "explain_applicable", "facts_table", "instalment_schedule", "parse_documents",
    "run_cases", "version_in_force", "with_parameters",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE)
