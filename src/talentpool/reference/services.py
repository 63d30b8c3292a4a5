"""Loading the shipped reference data (reference/data/*.csv) into the database. Nothing is ever downloaded here."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction

from .models import ReferenceSource
from .selectors import reference_cache_clear
from .tables import TABLES, ReferenceTable


@dataclass(frozen=True)
class TableLoadResult:
    key: str
    rows: int
    created: int
    updated: int
    deleted: int
    version: str
    sha256: str

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)




def _wanted(table: ReferenceTable, rows: list[dict[str, str]]) -> dict[str, dict]:
    wanted: dict[str, dict] = {}
    for row in rows:
        values = table.convert(row) if table.convert else {f: row[f] for f in table.fields}
        if "parent" in values:
            values["parent_id"] = values.pop("parent") or None
        wanted[row["code"]] = values
    return wanted


def _load_table(table: ReferenceTable) -> TableLoadResult:
    raw = table.path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    wanted = _wanted(table, list(csv.DictReader(io.StringIO(raw.decode("utf-8")))))
    model = table.model
    columns = [("parent_id" if f == "parent" else f) for f in table.fields]
    with transaction.atomic():
        existing = {
            r[0]: dict(zip(columns, r[1:], strict=True)) for r in model.objects.values_list("code", *columns)
        }
        to_create = [model(code=code, **values) for code, values in wanted.items() if code not in existing]
        to_update = [
            model(code=code, **values)
            for code, values in wanted.items()
            if code in existing and existing[code] != values
        ]
        stale = [code for code in existing if code not in wanted]
        # Foreign keys are checked at commit, so a child may arrive before its parent. Rows that stay are
        # re-parented by the update before stale rows (and their stale children) are deleted.
        model.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            model.objects.bulk_update(to_update, columns, batch_size=1000)
        if stale:
            model.objects.filter(code__in=stale).delete()
        result = TableLoadResult(
            key=table.key,
            rows=len(wanted),
            created=len(to_create),
            updated=len(to_update),
            deleted=len(stale),
            version=table.version,
            sha256=sha,
        )
        meta = {
            "title": table.title,
            "source": table.source,
            "version": table.version,
            "licence": table.licence,
            "rows": len(wanted),
            "sha256": sha,
        }
        source = ReferenceSource.objects.filter(key=table.key).first()
        if source is None:
            source = ReferenceSource(key=table.key)
        if (
            result.changed
            or any(getattr(source, k) != v for k, v in meta.items())
            or source.loaded_at is None
        ):
            for k, v in meta.items():
                setattr(source, k, v)
            source.loaded_at = timezone.now()
            source.full_clean()
            source.save()
    return result


def reference_load_tables(
    *, only: list[str] | None = None, actor=None, request=None
) -> list[TableLoadResult]:
    """Upsert the chosen tables (all by default) from the shipped CSVs; rows no longer shipped are removed.

    The tables load in one transaction with the audit event (all or nothing); a second load of the same files changes nothing (not even
    ``loaded_at``). With an ``actor`` an audit row records what was loaded.
    """
    keys = list(TABLES) if not only else list(dict.fromkeys(only))
    unknown = [k for k in keys if k not in TABLES]
    if unknown:
        raise ApplicationError(
            _("Unknown reference table(s): %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(TABLES)},
            code="unknown_reference_table",
            field="only",
        )
    results = []
    try:
        with audited(actor=actor, action=AuditAction.REFERENCE_LOAD, target="reference:" + ",".join(keys),
                     request=request) as entry:
            for key in keys:
                results.append(_load_table(TABLES[key]))
            entry.skip = actor is None  # the command line loads as the system: nothing to attribute
            entry.detail = {r.key: {"rows": r.rows, "created": r.created, "updated": r.updated,
                                    "deleted": r.deleted, "version": r.version, "sha256": r.sha256}
                            for r in results}
    finally:
        reference_cache_clear(notify=True)
    return results


def reference_load(*, only: list[str] | None = None, actor=None, request=None) -> dict[str, int]:
    """Load the reference tables and return the number of rows of each: ``{"divisions": 3230, ...}``."""
    return {r.key: r.rows for r in reference_load_tables(only=only, actor=actor, request=request)}
