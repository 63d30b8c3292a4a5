"""Reads of eligibility: one person's verdicts explained (with what the ledger holds for them), the runs and
ledger lines a user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from talentpool.core.errors import NotFoundError
from talentpool.core.roles import Role
from talentpool.engines.policy import FACTS, Explanation, explain, explain_applicable
from talentpool.policies.facts import talent_facts
from talentpool.policies.models import Policy
from talentpool.policies.selectors import (
    policy_version_compiled,
    policy_version_document,
    policy_versions_applicable,
    policy_versions_in_force,
)

from .ledger import ledger_for_talent
from .models import Channel, Entitlement, Run, Status


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


def _explain_all(talent, as_of: dt.date, codes: set[str] | None = None) -> list[Explanation]:
    """Explain every published policy in force (or those in ``codes`` plus the ones that may exclude them),
    each under the version that applies to the person (the batch's rule), then apply exclusions between them
    the way the batch does."""
    published = policy_versions_in_force(as_of)
    if codes is not None:
        wanted = set(codes) | {doc.code for _row, doc in published if set(doc.excludes) & set(codes)}
        published = [(row, doc) for row, doc in published if doc.code in wanted]
    candidates: dict[str, list] = {doc.code: [] for _row, doc in published}
    for row, doc in policy_versions_applicable(as_of):
        if doc.code in candidates:
            candidates[doc.code].append(policy_version_compiled(row, as_of))
    facts = _person_facts(talent, as_of)
    ledger = _person_ledger(talent)
    results = {code: explain_applicable(versions, facts, as_of, ledger.get(code))
               for code, versions in candidates.items()}
    for _row, doc in published:
        winner = results[doc.code]
        for other in doc.excludes:
            loser = results.get(other)
            if loser is not None and winner.verdict in ("yes", "review") and loser.verdict == "yes":
                loser.verdict, loser.excluded_by, loser.amount, loser.instalments = "excluded", doc.code, None, []
    return [results[doc.code] for _row, doc in published if codes is None or doc.code in codes]


def eligibility_explain(*, talent, code: str, as_of: dt.date) -> Explanation:
    """One person, one policy, one date: the verdict, amount, instalments and each criterion with the facts it
    read and the parameters in force. Raises NotFoundError when no published version of ``code`` is in force."""
    found = _explain_all(talent, as_of, {code})
    if not found:
        raise NotFoundError(_("No published version of %(code)s is in force on %(day)s.") % {
            "code": code, "day": as_of.isoformat()})
    return found[0]


def eligibility_for_talent(*, talent, as_of: dt.date) -> list[Explanation]:
    """"What policy gives me": every published policy in force on ``as_of``, explained for this person."""
    return _explain_all(talent, as_of)



# --- ledger lines ---------------------------------------------------------------------------------------------------

def entitlement_explanation(line: Entitlement):
    """The explanation as of the run that made the line, rebuilt from the facts it stored and the version it
    was made under (the same engine call as a live explanation, so it reads the same)."""
    snap = line.explanation or {}
    facts = dict(snap.get("facts") or {})
    ledger = {k.removeprefix("ledger_"): facts.pop(k) for k in list(facts) if k.startswith("ledger_")}
    as_of = dt.date.fromisoformat(snap["as_of"]) if snap.get("as_of") else line.due
    doc = policy_version_document(line.policy_version)
    return explain(doc, facts, as_of, ledger or None)


