"""Reads on policies: the published set (parsed and compiled once, cached), explanations for one person, the
policy list and detail for officers, the what-if simulation over the whole registry, and objections.

Parsing a document and compiling it for a date are cached in the process, keyed by the stored version's primary
key and ``updated_at`` (and the as-of date for compiled forms), so a request only reads the list of published
versions from the database. Every save of a version changes ``updated_at``, so a stale entry is never used.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.permissions import has_role
from talentpool.engines.policy import (
    CompiledPolicy,
    PolicyError,
    compile_policy,
    evaluate_registry,
    parse_documents,
    run_cases,
)
from talentpool.engines.policy import PolicyVersion as EngineVersion

from .documents import SHIPPED_DIR, _split_documents, document_with_parameters
from .facts import registry_facts
from .models import ApprovalStatus, Objection, Policy, PolicyApproval, PolicyVersion, VersionStatus

_LOCK = threading.Lock()
_DOCUMENTS: dict[tuple[int, Any], EngineVersion] = {}
_COMPILED: OrderedDict[tuple[int, Any, dt.date], CompiledPolicy] = OrderedDict()
_HASHES: dict[tuple[int, Any], str] = {}
_COMPILED_MAX = 1024


def policy_cache_clear() -> None:
    with _LOCK:
        _DOCUMENTS.clear()
        _COMPILED.clear()
        _HASHES.clear()
        _PUBLISHED[:] = [None, []]


def version_document_hashes(keys: list[tuple[int, Any]]) -> dict[tuple[int, Any], str | None]:
    """The sha256 of each version's document by (id, ``updated_at``), kept like the parsed documents: the text is
    read from the database only for a key not seen before in this process. A key whose version has been saved
    since (a newer ``updated_at``) answers None."""
    with _LOCK:
        missing = {pk for pk, updated in keys if (pk, updated) not in _HASHES}
    if missing:
        read = list(PolicyVersion.objects.filter(pk__in=missing).values_list("pk", "updated_at", "source"))
        with _LOCK:
            if len(_HASHES) > 10_000:  # versions are few; only a process that sees many edits gets here
                _HASHES.clear()
            for pk, updated, source in read:
                _HASHES[(pk, updated)] = hashlib.sha256(source.encode()).hexdigest()
    with _LOCK:
        return {key: _HASHES.get(key) for key in keys}


def policy_version_document(version: PolicyVersion) -> EngineVersion:
    """The engine's parsed form of a stored version (cached by pk and updated_at)."""
    key = (version.pk, version.updated_at)
    found = _DOCUMENTS.get(key)
    if found is None:
        (found,) = parse_documents(version.source)
        with _LOCK:
            for old in [k for k in _DOCUMENTS if k[0] == version.pk]:
                del _DOCUMENTS[old]
            _DOCUMENTS[key] = found
    return found


def policy_version_compiled(version: PolicyVersion, as_of: dt.date) -> CompiledPolicy:
    """The compiled form of a stored version for an as-of date (parameters in force that day inlined); cached."""
    key = (version.pk, version.updated_at, as_of)
    with _LOCK:
        found = _COMPILED.get(key)
        if found is not None:
            _COMPILED.move_to_end(key)
            return found
    found = compile_policy(policy_version_document(version), as_of)
    with _LOCK:
        _COMPILED[key] = found
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return found


_PUBLISHED: list = [None, []]  # [key, [(row, document), ...]] of the last published set read


def _published_key() -> tuple:
    """What identifies the published set: each published version's id and ``updated_at`` with its policy's
    columns, in the order of the set; one raw statement (the ORM's compiling of it cost ~1 ms per request)."""
    v, p = PolicyVersion._meta, Policy._meta
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v.id, v.updated_at, p.id, p.code, p.title_zh, p.title_en, p.owner_division, "
                       f"p.created_at FROM {v.db_table} v JOIN {p.db_table} p ON p.id = v.policy_id "
                       f"WHERE v.status = %s ORDER BY p.code, v.version", [VersionStatus.PUBLISHED.value])
        return tuple(cursor.fetchall())


def _published(as_of: dt.date | None = None) -> list[tuple[PolicyVersion, EngineVersion]]:
    """Every published version (in force on ``as_of`` when given) with its policy, by policy code and number.

    The rows with their ~100 KB of documents are kept per process under the key of the published set
    (``_published_key``), read in one small statement on every call. Publishing, retiring or saving a version
    (every save changes ``updated_at``) or changing a policy gives a new key, so the rows are read afresh: never
    stale. Callers get copies of the rows (a change made to one does not reach the next request)."""
    key = _published_key()
    with _LOCK:
        found = _PUBLISHED[1] if _PUBLISHED[0] == key else None
    if found is None:
        rows = list(PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("policy")
                    .order_by("policy__code", "version"))
        found = [(row, policy_version_document(row)) for row in rows]
        if _published_key() == key:  # else saved between the reads: used, not kept
            with _LOCK:
                _PUBLISHED[:] = [key, found]
    if as_of is not None:
        found = [(row, doc) for row, doc in found
                 if row.effective_from <= as_of and (row.effective_to is None or row.effective_to >= as_of)]
    return [(copy.copy(row), doc) for row, doc in found]


def policy_versions_in_force(as_of: dt.date) -> list[tuple[PolicyVersion, EngineVersion]]:
    """Stored and parsed form of every published version in force on ``as_of``, by policy code."""
    return _published(as_of)


def policy_versions_applicable(as_of: dt.date) -> list[tuple[PolicyVersion, EngineVersion]]:
    """The versions that may judge someone on ``as_of``: every published version in force then, and the earlier
    published versions that declare when an entitlement arises (``arises``): who became entitled while one of
    them was in force is judged by it, later too (its yearly instalments keep coming)."""
    return [(row, doc) for row, doc in _published() if doc.in_force_on(as_of)
            or (doc.arises is not None and doc.effective_from <= as_of)]


def policy_versions_published(as_of: dt.date | None = None) -> list[EngineVersion]:
    """Engine versions of every published policy version (only those in force on ``as_of`` when given)."""
    return [doc for _row, doc in _published(as_of)]


# --- who may change a policy --------------------------------------------------------------------------------------

def policy_covered_by(user, policy: Policy) -> bool:
    """Whether ``user`` is an officer whose scope covers the division that owns ``policy``: a city officer
    (330100) covers the city's policies and those of its districts, a district officer only its district's. The
    one rule for drafting, publishing, retiring and approving."""
    if not has_role(user, Role.OFFICER):
        return False
    prefix = user.scope_prefix
    return bool(prefix) and policy.owner_division.startswith(prefix)


def approvals_visible_to(user) -> QuerySet[PolicyApproval]:
    """Requests to publish or retire versions of the policies the officer's scope covers (newest first)."""
    qs = PolicyApproval.objects.select_related("version__policy", "requested_by", "decided_by")
    if not has_role(user, Role.OFFICER) or not user.scope_prefix:
        return qs.none()
    return qs.filter(version__policy__owner_division__startswith=user.scope_prefix)


def approvals_waiting_for(user) -> QuerySet[PolicyApproval]:
    """Pending requests this officer may decide: in scope, and asked by someone else (four eyes)."""
    return approvals_visible_to(user).filter(status=ApprovalStatus.PENDING).exclude(requested_by=user)


def approval_get(user, pk: int) -> PolicyApproval:
    found = approvals_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError()
    return found


# --- policies for officers ----------------------------------------------------------------------------------------

@dataclass
class PolicyRow:
    policy: Policy
    current: PolicyVersion | None   # the published version in force on the day asked (or the latest published)
    drafts: int


def policy_list(*, as_of: dt.date) -> list[PolicyRow]:
    """Every policy with its published version in force on ``as_of`` (else its latest published one)."""
    versions = list(PolicyVersion.objects.select_related("policy").order_by("policy__code", "version"))
    out: dict[int, PolicyRow] = {}
    for policy in Policy.objects.order_by("code"):
        out[policy.pk] = PolicyRow(policy, None, 0)
    for v in versions:
        row = out[v.policy_id]
        if v.status == VersionStatus.DRAFT:
            row.drafts += 1
        elif v.status == VersionStatus.PUBLISHED:
            in_force = v.effective_from <= as_of and (v.effective_to is None or as_of <= v.effective_to)
            if row.current is None or in_force:
                row.current = v
    return list(out.values())


def policy_get(*, code: str) -> Policy:
    policy = Policy.objects.filter(code=code).first()
    if policy is None:
        raise NotFoundError(_("No such policy."))
    return policy


def policy_versions(policy: Policy) -> QuerySet[PolicyVersion]:
    return policy.versions.select_related("based_on", "created_by", "published_by", "retired_by").order_by("-version")


def policy_version_get(*, pk: int) -> PolicyVersion:
    version = PolicyVersion.objects.select_related("policy", "based_on").filter(pk=pk).first()
    if version is None:
        raise NotFoundError()
    return version


def policy_version_current(policy: Policy, *, as_of: dt.date) -> PolicyVersion | None:
    """The published version in force on ``as_of``, else the latest published one."""
    published = list(policy.versions.filter(status=VersionStatus.PUBLISHED).order_by("-version"))
    return next((v for v in published if v.effective_from <= as_of and (v.effective_to is None or as_of <= v.effective_to)),
                published[0] if published else None)


def policy_version_view(version: PolicyVersion) -> dict[str, Any]:
    """A version as officers read it: metadata, basis, criteria (zh/en and expression), parameters over time
    (every dated value), amount rules, instalments, exclusions and the stored test report."""
    doc = policy_version_document(version)
    return {
        "id": version.pk, "code": doc.code, "version": doc.version, "status": version.status,
        "title": {"zh": doc.title.zh, "en": doc.title.en}, "issuer": {"zh": doc.issuer.zh, "en": doc.issuer.en},
        "owner": doc.owner or version.policy.owner_division, "delivery": doc.delivery,
        "summary": {"zh": doc.summary.zh, "en": doc.summary.en}, "entity": doc.entity,
        "effective_from": doc.effective_from, "effective_to": doc.effective_to, "excludes": list(doc.excludes),
        "basis": [{"document": b.document, "date": b.date, "url": b.url} for b in doc.basis],
        "criteria": [{"id": c.id, "zh": c.label.zh, "en": c.label.en, "when": c.when, "line": c.line}
                     for c in doc.criteria],
        "parameters": [{"name": p.name, "type": p.type, "zh": p.label.zh, "en": p.label.en, "line": p.line,
                        "values": [{"from": v.start, "value": v.value, "note": v.note} for v in p.values]}
                       for p in doc.parameters.values()],
        "amount": [{"when": a.when, "value": a.value} for a in doc.amount], "cap": doc.cap, "minus": doc.minus,
        "review_when": doc.review_when,
        "instalments": [{"id": i.id, "zh": i.label.zh, "en": i.label.en, "share": i.share, "due": i.due,
                         "ready_when": i.ready_when} for i in doc.instalments],
        "tests_passed": version.tests_passed, "tests_report": version.tests_report,
        "validation_report": version.validation_report, "based_on": version.based_on.version if version.based_on else None,
        "source": version.source,
    }


# --- what-if ------------------------------------------------------------------------------------------------------

ELIGIBLE = ("yes", "review")


def _draft_document(base: PolicyVersion, draft_source: str | None,
                    parameter_values: dict[str, list[dict]] | None) -> EngineVersion:
    if draft_source is None and not parameter_values:
        return policy_version_document(base)
    text = draft_source if draft_source is not None else base.source
    if parameter_values:
        text = document_with_parameters(text, parameter_values)
    try:
        versions = parse_documents(text)
    except PolicyError as exc:
        raise ApplicationError(str(exc), code="policy_invalid",
                               extra={"problems": [{"line": ln, "message": m} for ln, m in exc.problems]}) from exc
    if len(versions) != 1 or versions[0].code != base.policy.code:
        raise ApplicationError(_("The draft must hold one version of %(code)s.") % {"code": base.policy.code},
                               code="policy_invalid")
    return versions[0]


def _compile(doc: EngineVersion, as_of: dt.date) -> CompiledPolicy:
    try:
        return compile_policy(doc, as_of)
    except PolicyError as exc:
        raise ApplicationError(str(exc), code="policy_invalid",
                               extra={"problems": [{"line": ln, "message": m} for ln, m in exc.problems]}) from exc


_SPLITS = {"degree": "COALESCE(f.degree, '')", "tier": "COALESCE(f.tier, '')",
           "district": "COALESCE(f.district, '')", "graduation_year": "CAST(year(f.graduation_date) AS VARCHAR)"}


def whatif(*, base: PolicyVersion, draft_source: str | None = None,
           parameter_values: dict[str, list[dict]] | None = None, as_of: dt.date,
           facts: pa.Table | None = None) -> dict[str, Any]:
    """Over the whole registry on ``as_of``: the stored version ``base`` against a changed one (a whole draft
    document, or ``base`` with some parameters' value lists replaced). Exclusions by other policies are not
    applied (the question is what this policy's own change does).

    Returns counts of people by verdict before and after, ``gained``/``lost`` (eligible = yes or review), the
    budget (sum of amounts of the eligible, Decimal yuan) before, after and its change, and the same split by
    degree, tier, district and graduation year (lists of rows). The facts are built once (pass ``facts`` to
    reuse a table)."""
    before_doc = policy_version_document(base)
    after_doc = _draft_document(base, draft_source, parameter_values)
    before_c = policy_version_compiled(base, as_of)
    after_c = _compile(after_doc, as_of)
    if facts is None:
        facts = registry_facts(as_of=as_of)
    before = evaluate_registry([before_c], facts)[before_doc.code]
    after = evaluate_registry([after_c], facts)[after_doc.code]
    con = duckdb.connect()
    try:
        con.register("facts", facts.select(["talent_id", "degree", "tier", "district", "graduation_date"]))
        con.register("b", before.select(["talent_id", "verdict", "amount"]))
        con.register("a", after.select(["talent_id", "verdict", "amount"]))
        eligible = "('yes', 'review')"
        con.execute(f"""
            CREATE TEMP TABLE j AS
            SELECT f.*, b.verdict AS vb, a.verdict AS va,
                   CASE WHEN b.verdict IN {eligible} THEN COALESCE(b.amount, 0) ELSE 0 END AS mb,
                   CASE WHEN a.verdict IN {eligible} THEN COALESCE(a.amount, 0) ELSE 0 END AS ma,
                   b.verdict IN {eligible} AS eb, a.verdict IN {eligible} AS ea
            FROM facts f JOIN b ON b.talent_id = f.talent_id JOIN a ON a.talent_id = f.talent_id""")
        counts = {"before": dict.fromkeys(("yes", "review", "no", "unknown", "excluded"), 0),
                  "after": dict.fromkeys(("yes", "review", "no", "unknown", "excluded"), 0)}
        for side, col in (("before", "vb"), ("after", "va")):
            for verdict, n in con.execute(f"SELECT {col}, COUNT(*) FROM j GROUP BY 1").fetchall():
                counts[side][verdict] = n
        measures = ("COUNT(*) AS talents, SUM(CASE WHEN eb THEN 1 ELSE 0 END) AS eligible_before, "
                    "SUM(CASE WHEN ea THEN 1 ELSE 0 END) AS eligible_after, "
                    "SUM(CASE WHEN ea AND NOT eb THEN 1 ELSE 0 END) AS gained, "
                    "SUM(CASE WHEN eb AND NOT ea THEN 1 ELSE 0 END) AS lost, "
                    "CAST(SUM(mb) AS DECIMAL(18, 2)) AS budget_before, CAST(SUM(ma) AS DECIMAL(18, 2)) AS budget_after")
        names = ["talents", "eligible_before", "eligible_after", "gained", "lost", "budget_before", "budget_after"]

        def rows(sql: str) -> list[dict[str, Any]]:
            out = []
            for rec in con.execute(sql).fetchall():
                row = dict(zip(["key", *names] if len(rec) > len(names) else names, rec, strict=True))
                for k in ("budget_before", "budget_after"):
                    row[k] = Decimal(row[k] or 0).quantize(Decimal("0.01"))
                for k in ("talents", "eligible_before", "eligible_after", "gained", "lost"):
                    row[k] = int(row[k] or 0)
                row["budget_change"] = row["budget_after"] - row["budget_before"]
                out.append(row)
            return out

        (total,) = rows(f"SELECT {measures} FROM j")
        splits = {name: rows(f"SELECT {expr} AS key, {measures} FROM j f GROUP BY 1 ORDER BY 1 NULLS FIRST")
                  for name, expr in _SPLITS.items()}
    finally:
        con.close()
    return {
        "code": before_doc.code, "as_of": as_of, "base_version": before_doc.version, "talents": total["talents"],
        "before": counts["before"], "after": counts["after"], "gained": total["gained"], "lost": total["lost"],
        "eligible_before": total["eligible_before"], "eligible_after": total["eligible_after"],
        "budget_before": total["budget_before"], "budget_after": total["budget_after"],
        "budget_change": total["budget_change"], "splits": splits,
    }


# --- objections ---------------------------------------------------------------------------------------------------

def objection_list_for(user) -> QuerySet[Objection]:
    """Officers: objections of talents in their district scope (newest first). Talents: their own."""
    qs = Objection.objects.select_related("talent", "policy", "answered_by")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(talent__district__startswith=user.scope_prefix)
    if user.role == Role.TALENT:
        return qs.filter(talent__user=user)
    return qs.none()


# --- test cases ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseOutcome:
    origin: str   # "shipped:<file>" or "published"
    code: str
    version: int
    name: str
    line: int
    passed: bool
    problems: tuple[str, ...]


def policy_test_results(*, code: str | None = None, shipped_dir=None) -> list[CaseOutcome]:
    """Run the test cases of every shipped version and every published version (a published version whose
    document is identical to a shipped one runs once). A shipped file that does not read counts as one failure."""
    out: list[CaseOutcome] = []
    seen: set[tuple[str, int, str]] = set()
    for path in sorted((shipped_dir or SHIPPED_DIR).glob("*.yaml")):
        for text in _split_documents(path.read_text(encoding="utf-8")):
            try:
                (doc,) = parse_documents(text)
            except (PolicyError, ValueError) as exc:
                if code is None or code in text:
                    out.append(CaseOutcome(f"shipped:{path.name}", path.stem, 0, "the document reads", 1, False,
                                           (str(exc),)))
                continue
            if code is not None and doc.code != code:
                continue
            seen.add((doc.code, doc.version, text.strip()))
            out += [CaseOutcome(f"shipped:{path.name}", r.code, r.version, r.name, r.line, r.passed, r.problems)
                    for r in run_cases(doc)]
    for row, doc in _published():
        if (code is not None and doc.code != code) or (doc.code, doc.version, row.source.strip()) in seen:
            continue
        out += [CaseOutcome("published", r.code, r.version, r.name, r.line, r.passed, r.problems)
                for r in run_cases(doc)]
    return out
