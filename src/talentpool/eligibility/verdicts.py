"""One person's explained verdicts, kept by what they were computed from (content-addressed, never stale).

Explaining every published policy for one person costs a DuckDB statement per policy (~30 ms each, ~250 ms for
the shipped set); the portal page, the talent API and the officer's explain page would pay it on every request.
The engine is a pure function of its inputs, so its answer is kept under a key made of those inputs, read
afresh on every request:

- the as-of day and the policy codes asked for;
- every non-draft policy version: id, policy, status, dates in force, ``updated_at`` and a hash of its document
  (publishing, retiring or editing a version changes the key of everyone). The hash of a document is worked out
  once per process for each (id, ``updated_at``), as the compiled versions are
  (``policies.selectors.version_document_hashes``: every save changes ``updated_at``), so a request reads the
  versions' few columns and not their ~100 KB of text;
- the person's facts exactly as the engine receives them (``facts``, derived from the registry rows on the day),
  and the id of the newest change-history record (``core.ChangeRecord``) of the person and of the spouse;
- every column of every ledger line (``Entitlement``) of the person's household, in id order.

A change to any of these gives a new key, so the next request computes afresh: the answer is never stale and
nothing has to be invalidated. Reading the key costs four small queries and ~2 ms; a hit returns a copy of the
stored explanations without touching DuckDB. Old entries are never read again and age out of the cache
(``CACHES["verdicts"]``: per process, bounded, one day at most). An explanation asked with other inputs than the
stored registry (parameter overrides, a draft) does not go through here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.db import connection

from talentpool.core.models import ChangeRecord
from talentpool.engines.policy import Explanation
from talentpool.policies.models import PolicyVersion, VersionStatus
from talentpool.policies.selectors import version_document_hashes
from talentpool.reference.selectors import reference_generation

from .models import Entitlement

CACHE_ALIAS = "verdicts"
_PREFIX = "verdicts:v1:"


def _cache():
    return caches[CACHE_ALIAS]


def _household(talent) -> list[int]:
    return [talent.pk] + ([talent.spouse_id] if talent.spouse_id else [])


def _versions() -> list[tuple]:
    """Every non-draft version's key columns with the hash of its document (documents read only when new)."""
    rows = list(PolicyVersion.objects.exclude(status=VersionStatus.DRAFT).order_by("pk").values_list(
        "pk", "policy_id", "status", "effective_from", "effective_to", "updated_at"))
    hashes = version_document_hashes([(row[0], row[5]) for row in rows])
    # a version saved between the two reads has no hash under its older updated_at: None, a key nobody else makes
    return [row + (hashes[(row[0], row[5])],) for row in rows]


def verdicts_key(*, talent, as_of: dt.date, facts: dict, codes: Iterable[str] | None) -> str:
    """The cache key of one person's explanations: a hash of every input the explanation is computed from."""
    digest = hashlib.sha256()

    def feed(part: object) -> None:
        digest.update(repr(part).encode())
        digest.update(b"\x1f")

    feed(("as_of", as_of.isoformat(), sorted(codes) if codes is not None else None))
    for version in _versions():
        feed(version)
    feed(sorted(facts.items()))
    for row in _household_state(_household(talent)):
        feed(row)
    return _PREFIX + digest.hexdigest()


def _household_state(members: list[int]) -> list[tuple]:
    """The id of the household's newest change-history record beside every column of each of its ledger lines
    (one row with NULL lines when there are none), in id order: one raw statement (the ORM's compiling and typing
    of the lines' 33 columns cost ~2 ms of the ~3 ms this read took as two queries)."""
    marks = ", ".join(["%s"] * len(members))
    changes, lines = ChangeRecord._meta, Entitlement._meta
    sql = (f"SELECT m.last, e.* FROM (SELECT MAX({changes.pk.column}) AS last FROM {changes.db_table} "
           f"WHERE {changes.get_field('subject_talent_id').column} IN ({marks})) m "
           f"LEFT JOIN {lines.db_table} e ON e.{lines.get_field('talent').column} IN ({marks}) "
           f"ORDER BY e.{lines.pk.column}")
    with connection.cursor() as cursor:
        cursor.execute(sql, members + members)
        return cursor.fetchall()


def explanations_cached(*, talent, as_of: dt.date, facts: dict, codes: Iterable[str] | None,
                        compute: Callable[[], list[Explanation]]) -> list[Explanation]:
    """The stored explanations for these inputs, else ``compute()`` (the engine's answer), stored and returned.
    The cache hands out copies (it pickles), so a caller may change what it gets."""
    key = verdicts_key(talent=talent, as_of=as_of, facts=facts, codes=codes)
    found = _cache().get(key)
    if found is not None:
        return found
    result = compute()
    _cache().set(key, result)
    return result


def line_explanation_key(line) -> str:
    """The key of a ledger line's explanation: a hash of the stored snapshot and of the version (id,
    ``updated_at``, document)."""
    version = line.policy_version
    digest = hashlib.sha256(repr((
        line.pk, version.pk, version.updated_at, hashlib.sha256(version.source.encode()).hexdigest(),
        line.due, json.dumps(line.explanation or {}, sort_keys=True, default=str))).encode())
    # (sort_keys at every depth: PostgreSQL's jsonb hands keys back in its own order, not the order written)
    return _PREFIX + "line:" + digest.hexdigest()


def line_explanation_cached(*, line, compute: Callable[[], Explanation]) -> Explanation:
    """The explanation of a ledger line, rebuilt from what the line stored (facts, day) under the version it was
    made with: kept under ``line_explanation_key``."""
    key = line_explanation_key(line)
    found = _cache().get(key)
    if found is None:
        found = compute()
        _cache().set(key, found)
    return found


def line_explanation_html(*, line, language: str, render: Callable[[], str]) -> str:
    """The line's explanation as its page shows it (``render`` makes the HTML), kept under the explanation's key
    (``line_explanation_key``: a changed snapshot or version is a new key), the language, and the generation of
    the reference tables (the trace names divisions and universities: a reference load is a new key)."""
    key = f"{line_explanation_key(line)}:html:{language}:{reference_generation()}"
    found = _cache().get(key)
    if found is None:
        found = str(render())
        _cache().set(key, found)
    return found


def verdicts_cache_clear() -> None:
    _cache().clear()
