"""Reads of eligibility: one person's verdicts explained (with what the ledger holds for them), the runs and
ledger lines a user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.roles import Role
from talentpool.engines.policy import (
    FACTS,
    Explanation,
    PolicyError,
    compile_policy,
    explain,
    explain_applicable,
    with_parameters,
)
from talentpool.policies.facts import talent_facts
from talentpool.policies.models import Policy
from talentpool.policies.selectors import (
    policy_version_compiled,
    policy_version_document,
    policy_versions_applicable,
)

from .ledger import ledger_for_talent
from .models import Channel, Entitlement, Run, Status
from .verdicts import explanations_cached, line_explanation_cached


def fact_labels() -> dict[str, str]:
    """The names of the facts a policy reads, in the reader's language."""
    english = (get_language() or "").startswith("en")
    return {name: (f.en if english else f.zh) for name, f in FACTS.items()}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def entitlements_visible_to(user) -> QuerySet[Entitlement]:
    qs = Entitlement.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(talent__district__startswith=user.scope_prefix)
    if user.role == Role.TALENT:
        return qs.filter(talent__user=user)
    return qs.none()


def entitlements_to_issue(user) -> QuerySet[Entitlement]:
    """Approved in-kind lines the officer sees: handed over outside the bank, then marked issued."""
    if not (_active(user) and user.role == Role.OFFICER):
        return Entitlement.objects.none()
    return (entitlements_visible_to(user).filter(status=Status.APPROVED, channel=Channel.IN_KIND)
            .select_related("talent", "policy").order_by("policy__code", "due", "pk"))


def in_kind_summary(user) -> list[dict]:
    """Per policy (``policy``: the Policy): how many approved in-kind lines wait to be marked issued (``lines``),
    and their budgeted value (``value``)."""
    rows = list(entitlements_to_issue(user).order_by().values("policy").annotate(lines=Count("pk"), value=Sum("amount")))
    policies = Policy.objects.in_bulk([r["policy"] for r in rows])
    return sorted(({**r, "policy": policies[r["policy"]]} for r in rows), key=lambda r: r["policy"].code)


def runs_visible_to(user) -> QuerySet[Run]:
    """Officers see runs over their scope or inside it (a city officer sees the district runs of the city)."""
    if not _active(user) or user.role != Role.OFFICER or not user.scope_prefix:
        return Run.objects.none()
    return Run.objects.filter(scope__startswith=user.scope_prefix).select_related("started_by")


# --- one person ---------------------------------------------------------------------------------------------------

def _person_facts(talent, as_of: dt.date) -> dict:
    facts = talent_facts(talent_id=talent.pk, as_of=as_of)
    if facts is None:
        raise NotFoundError()
    return facts


def _person_ledger(talent) -> dict[str, dict]:
    """What the payment ledger holds for this person (and the household), per policy code."""
    members = [talent.pk] + ([talent.spouse_id] if talent.spouse_id else [])
    return ledger_for_talent(talent.pk, members)


def parse_overrides(pairs: list[str] | None) -> dict[str, str]:
    """``name=value`` pairs (a form, ``?set=``, ``--set``) as a dict; a pair without ``=`` or a name is refused."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = str(pair).partition("=")
        if not sep or not name.strip():
            raise ApplicationError(_("Write a parameter override as name=value, not %(pair)s.") % {"pair": pair[:80]},
                                   code="parameter_invalid", field="set")
        out[name.strip()] = value.strip()
    return out


_UNITS = {"money": ("元", "yuan"), "date": ("", ""), "bool": ("", ""), "int": ("", "")}


def policy_parameter_inputs(code: str, number: int, as_of: dt.date, overrides: dict[str, str] | None = None,
                            form: dict[str, str] | None = None) -> list[dict]:
    """The parameters of one published version as the what-if form shows them: name, label in the reader's
    language, type, unit, the value in force on ``as_of`` (as text) and what the officer set (an override)."""
    english = (get_language() or "").startswith("en")
    doc = next((d for _row, d in policy_versions_applicable(as_of) if d.code == code and d.version == number), None)
    if doc is None:
        return []
    out = []
    for name, param in doc.parameters.items():
        current = param.value_on(as_of)
        value = "" if current is None else ("true" if current.value is True else "false" if current.value is False
                                            else str(current.value))
        unit = _UNITS.get(param.type, ("", ""))[1 if english else 0]
        out.append({"name": name, "label": param.label.en if english else param.label.zh, "type": param.type,
                    "unit": unit, "current": value, "set": (overrides or {}).get(name, (form or {}).get(name, ""))})
    return out


def overrides_from_form(pairs: list[str], fields: dict[str, str], current: dict[str, str]) -> list[str]:
    """``name=value`` pairs from the what-if form: the free pairs (``?set=``), then each parameter input
    (``p_<name>``) that holds a value other than the one in force."""
    out = list(pairs)
    for name, value in fields.items():
        value = value.strip()
        if value and value != current.get(name):
            out.append(f"{name}={value}")
    return out


def _overridden(versions: list, overrides: dict[str, str], as_of: dt.date) -> list:
    """The compiled versions of one policy with parameters overridden (the what-if for one person): each version
    gets the overrides it declares; a name no version declares, or a value of the wrong type, is refused."""
    known = {name for c in versions for name in c.version.parameters}
    for name in overrides:
        if name not in known:
            raise ApplicationError(_("Unknown parameter %(name)s.") % {"name": name}, code="parameter_unknown",
                                   field=name)
    out = []
    for c in versions:
        mine = {k: v for k, v in overrides.items() if k in c.version.parameters}
        try:
            out.append(compile_policy(with_parameters(c.version, mine), as_of) if mine else c)
        except PolicyError as exc:
            raise ApplicationError(_("Invalid parameter value: %(problem)s") % {"problem": exc.problems[0][1]},
                                   code="parameter_invalid", field="set") from exc
    return out


def _explain_all(talent, as_of: dt.date, codes: set[str] | None = None,
                 overrides: dict[str, str] | None = None, facts: dict | None = None) -> list[Explanation]:
    """Explain every published policy in force (or those in ``codes`` plus the ones that may exclude them),
    each under the version that applies to the person (the batch's rule), then apply exclusions between them
    the way the batch does."""
    applicable = policy_versions_applicable(as_of)  # one read: the versions in force are among them
    published = [(row, doc) for row, doc in applicable if doc.in_force_on(as_of)]
    if codes is not None:
        wanted = set(codes) | {doc.code for _row, doc in published if set(doc.excludes) & set(codes)}
        published = [(row, doc) for row, doc in published if doc.code in wanted]
    candidates: dict[str, list] = {doc.code: [] for _row, doc in published}
    for row, doc in applicable:
        if doc.code in candidates:
            candidates[doc.code].append(policy_version_compiled(row, as_of))
    facts = facts if facts is not None else _person_facts(talent, as_of)
    ledger = _person_ledger(talent)
    if overrides and codes:
        for code in codes & set(candidates):
            candidates[code] = _overridden(candidates[code], overrides, as_of)
    results = {code: explain_applicable(versions, facts, as_of, ledger.get(code))
               for code, versions in candidates.items()}
    if overrides and codes:
        for code in codes & set(results):
            results[code].overrides = dict(overrides)
    for _row, doc in published:
        winner = results[doc.code]
        for other in doc.excludes:
            loser = results.get(other)
            if loser is not None and winner.verdict in ("yes", "review") and loser.verdict == "yes":
                loser.verdict, loser.excluded_by, loser.amount, loser.instalments = "excluded", doc.code, None, []
    return [results[doc.code] for _row, doc in published if codes is None or doc.code in codes]


def eligibility_explain(*, talent, code: str, as_of: dt.date, overrides: dict[str, str] | None = None) -> Explanation:
    """One person, one policy, one date: the verdict, amount, instalments and each criterion with the facts it
    read and the parameters in force. Raises NotFoundError when no published version of ``code`` is in force.
    ``overrides`` (parameter name → value as text) answers "would she qualify if …": the policy's parameters set
    to those values on every date, for this explanation only (nothing is stored, nothing kept: a what-if is never
    served from or put into the verdict cache)."""
    if overrides:
        found = _explain_all(talent, as_of, {code}, overrides)
    else:
        facts = _person_facts(talent, as_of)
        found = explanations_cached(talent=talent, as_of=as_of, facts=facts, codes={code},
                                    compute=lambda: _explain_all(talent, as_of, {code}, facts=facts))
    if not found:
        raise NotFoundError(_("No published version of %(code)s is in force on %(day)s.") % {
            "code": code, "day": as_of.isoformat()})
    return found[0]


def eligibility_for_talent(*, talent, as_of: dt.date) -> list[Explanation]:
    """"What policy gives me": every published policy in force on ``as_of``, explained for this person (kept
    by its inputs, see ``verdicts``: a change of facts, ledger or published versions shows at once)."""
    facts = _person_facts(talent, as_of)
    return explanations_cached(talent=talent, as_of=as_of, facts=facts, codes=None,
                               compute=lambda: _explain_all(talent, as_of, facts=facts))



# --- ledger lines ---------------------------------------------------------------------------------------------------

def entitlement_explanation(line: Entitlement):
    """The explanation as of the run that made the line, rebuilt from the facts it stored and the version it
    was made under (the same engine call as a live explanation, so it reads the same)."""
    return line_explanation_cached(line=line, compute=lambda: _line_explanation(line))


def _line_explanation(line: Entitlement):
    snap = line.explanation or {}
    facts = dict(snap.get("facts") or {})
    ledger = {k.removeprefix("ledger_"): facts.pop(k) for k in list(facts) if k.startswith("ledger_")}
    as_of = dt.date.fromisoformat(snap["as_of"]) if snap.get("as_of") else line.due
    doc = policy_version_document(line.policy_version)
    return explain(doc, facts, as_of, ledger or None, compiled=policy_version_compiled(line.policy_version, as_of))


