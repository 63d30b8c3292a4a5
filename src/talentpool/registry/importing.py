"""Bulk import of registry records from XLSX, XLS, ODS or CSV: the service under the import pages, the API and the CLI.

A job is created from an uploaded file (``import_job_create``) and run in chunks (``import_job_run``). Each chunk of
``TALENTPOOL_IMPORT_CHUNK_ROWS`` rows commits its upserts, its ChangeRecords, its ImportRowErrors and the job's
counters and cursor (``rows_done``) in one transaction, so a crash loses at most the chunk in flight and a re-run
continues from the cursor. Records are upserted on natural keys, so a re-imported file changes nothing.

Reading, normalising and validating rows is the pure engine ``talentpool.engines.tabular``; this module adds what
needs the database: the reference code sets, whether the person or enterprise exists, who may write what, and the
writes themselves (one IN query per chunk for existing rows, bulk_create and bulk_update).
"""

from __future__ import annotations

import hashlib
import operator
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_tasks import task

from talentpool.accounts.models import Role
from talentpool.core.audit import audit_record, audited
from talentpool.core.crypto import mask_id_number
from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.heartbeat import Heartbeat
from talentpool.core.lookups import values_in
from talentpool.core.models import AuditAction, ChangeRecord, ChangeSource
from talentpool.engines.tabular import KINDS, Context, FileProblem, Problem, References, RowResult, read_table
from talentpool.engines.tabular.reading import Table
from talentpool.engines.tabular.validation import row_key, scope_prefix, validate_row
from talentpool.reference.selectors import reference_codes, reference_names

from .household import spouses_registered
from .identity import talent_id_lookup, talent_identity_columns
from .import_family import FAMILY_KINDS
from .import_selectors import OFFICE_ROLES, UNFINISHED, import_job_visible_to
from .import_statistics import PlannerStatistics
from .import_uploads import import_job_end
from .models import (
    Education,
    Employment,
    Enterprise,
    HouseholdFacts,
    ImportJob,
    ImportKind,
    ImportRowError,
    ImportStatus,
    InsuranceRecord,
    Talent,
)
from .signals import import_finished

SLEEP_AFTER_CHUNK_ENV = "TALENTPOOL_IMPORT_SLEEP_AFTER_CHUNK"  # seconds; lets the crash test kill mid-import

ProgressCallback = Callable[[ImportJob], None]


# --- creating a job -----------------------------------------------------------------------------------------------

def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def import_job_create(*, actor, kind: str, upload: File, filename: str, request=None) -> ImportJob:
    """Store the uploaded file and create its job, or return the unfinished job of the same file (same kind,
    same SHA-256, same importer), which then resumes from its cursor. ``actor`` None means the command line."""
    if actor is not None and not (actor.is_authenticated and actor.role in OFFICE_ROLES):
        raise PermissionDeniedError()
    if kind not in ImportKind.values:
        raise ApplicationError(gettext("Unknown import kind %(kind)s; one of %(kinds)s.")
                               % {"kind": kind, "kinds": ", ".join(ImportKind.values)}, code="unknown_kind",
                               field="kind")
    size = upload.size if upload.size is not None else 0
    limit = settings.TALENTPOOL_IMPORT_MAX_BYTES
    if size == 0:
        raise ApplicationError(gettext("The file is empty."), code="empty_file", field="file")
    if size > limit:
        raise ApplicationError(
            gettext("The file is %(size)s MB, over the limit of %(limit)s MB; split it into smaller files.")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.1f}"},
            code="file_too_large", field="file")
    sha = _sha256(upload)
    owner = actor if actor is not None else None
    district = actor.scope_division if actor is not None and actor.role == Role.OFFICER else ""
    with transaction.atomic():
        existing = (ImportJob.objects.filter(kind=kind, sha256=sha, status__in=UNFINISHED, created_by=owner)
                    .order_by("-id").first())
        if existing is not None:
            job, resumed = existing, True
        else:
            name = Path(filename or "upload").name[:200]
            job = ImportJob(kind=kind, filename=name, sha256=sha, district=district, created_by=owner)
            job.file.save(name, upload, save=False)
            job.save()
            resumed = False
        audit_record(actor=actor, action=AuditAction.IMPORT, target=f"import:{job.pk}", request=request,
                     detail={"kind": kind, "file": job.filename, "sha256": sha, "resumed": resumed})
    return job


def import_job_create_from_path(*, actor, kind: str, path: str | os.PathLike[str]) -> ImportJob:
    with open(path, "rb") as fh:
        return import_job_create(actor=actor, kind=kind, upload=File(fh, name=Path(path).name),
                                 filename=Path(path).name)


# --- reference data -----------------------------------------------------------------------------------------------

def import_references() -> References:
    return References(
        divisions=reference_codes("divisions"),
        universities=reference_codes("universities"),
        university_names=reference_names("universities"),
        majors=reference_codes("majors"),
        industries=reference_codes("industries"),
        occupations=reference_codes("occupations"),
    )


REFERENCE_TABLES = ("divisions", "universities", "majors", "industries", "occupations")


def import_references_missing(references: References) -> list[str]:
    """The reference tables that are empty: every row would be refused for an unknown code."""
    return [name for name in REFERENCE_TABLES if not getattr(references, name)]


# --- running a job ------------------------------------------------------------------------------------------------

def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


@dataclass
class _Outcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)

    def reject(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.rejected_rows.add(problem.row)


@dataclass
class _Plan:
    """One accepted row, ready to upsert: its natural key, the fields it sets, and fields set only on create."""

    row: int
    key: tuple
    fields: dict[str, Any]
    create_only: dict[str, Any] = field(default_factory=dict)
    history_extra: dict[str, Any] = field(default_factory=dict)  # shown in the history of a new record
    subject_talent_id: int | None = None


class _Runner:
    def __init__(self, job: ImportJob, table: Table) -> None:
        self.job = job
        self.table = table
        self.statistics = PlannerStatistics()
        self.spec = KINDS[job.kind]
        actor = job.created_by
        self.actor = actor
        self.scope = actor.scope_division if actor is not None and actor.role == Role.OFFICER else ""
        self.prefix = scope_prefix(self.scope)
        self.context = Context(references=import_references(), as_of=timezone.localdate(),
                               scope_division=self.scope)
        self.headers = {key: table.headers[i] for key, i in table.mapping.items()}
        self.source_ref = f"import:{job.pk}"
        columns = {i: key for key, i in table.mapping.items()}
        self.formulas: dict[int, frozenset[str]] = {}
        for row, col in table.formula_cells:
            if col in columns:
                self.formulas[row] = self.formulas.get(row, frozenset()) | {columns[col]}
        self.duplicate_of: dict[int, int] = {}
        first_seen: dict[tuple, int] = {}
        for row, cells in table.rows:
            key = row_key(self.spec, table.values(cells))
            if key is None:
                continue
            if key in first_seen:
                self.duplicate_of[row] = first_seen[key]
            else:
                first_seen[key] = row

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def problem(self, row: int, key: str, message: str, value: str = "", **params: Any) -> Problem:
        return Problem(row, self.header(key), value, message, params)

    # -- one chunk -------------------------------------------------------------------------------------------------

    def validate(self, rows: list[tuple[int, list[Any]]], outcome: _Outcome) -> list[RowResult]:
        accepted = []
        key_column = self.spec.key_columns[-1] if self.spec.kind == "enterprises" else "id_number"
        for row, cells in rows:
            values = self.table.values(cells)
            result = validate_row(self.spec, row=row, values=values, headers=self.headers, context=self.context,
                                  formula_keys=self.formulas.get(row, frozenset()))
            problems = list(result.problems)
            if row in self.duplicate_of:
                problems.append(self.problem(
                    row, key_column, gettext_noop("The same record as row %(first)s (a duplicate within the file)"),
                    str(values.get(key_column, "")), first=self.duplicate_of[row]))
            if problems:
                for p in problems:
                    outcome.reject(p)
            else:
                accepted.append(result)
        return accepted

    def run_chunk(self, rows: list[tuple[int, list[Any]]]) -> _Outcome:
        outcome = _Outcome()
        accepted = self.validate(rows, outcome)
        if accepted:
            family = FAMILY_KINDS.get(self.spec.kind)
            plans = ([_Plan(*parts) for parts in family.plan(self, accepted, outcome)] if family
                     else getattr(self, f"_plan_{self.spec.kind}")(accepted, outcome))
            self.upsert(plans, outcome)
            if family and family.after:
                family.after(self, plans)
            if self.spec.kind == "talents":  # someone's spouse, recorded before they registered
                spouses_registered(actor=self.actor, lookups=(p.key[0] for p in plans), source=ChangeSource.IMPORT,
                                   source_ref=self.source_ref)
        return outcome

    # -- people and enterprises by key, one query per chunk --------------------------------------------------------

    def _talents_for(self, results: list[RowResult], outcome: _Outcome) -> dict[int, int]:
        """row -> talent id for the rows whose person is registered (and within the officer's scope)."""
        lookups = {r.row: talent_id_lookup(id_type=r.clean["id_type"], id_number=r.clean["id_number"])
                   for r in results}
        found = {lk: (pk, district) for lk, pk, district in
                 Talent.objects.filter(values_in("id_lookup", lookups.values())).values_list("id_lookup", "id", "district")}
        out = {}
        for r in results:
            hit = found.get(lookups[r.row])
            masked = mask_id_number(r.clean["id_number"])
            if hit is None:
                outcome.reject(self.problem(r.row, "id_number", gettext_noop(
                    "No person with this ID number is in the registry; import the person as a talent first"), masked))
            elif self.prefix and not hit[1].startswith(self.prefix):
                outcome.reject(self.problem(r.row, "id_number", gettext_noop(
                    "This person is registered by another district (%(district)s)"), masked, district=hit[1]))
            else:
                out[r.row] = hit[0]
        return out

    def _enterprises_for(self, results: list[RowResult], outcome: _Outcome) -> dict[int, int]:
        codes = {r.clean["credit_code"] for r in results}
        found = dict(Enterprise.objects.filter(values_in("credit_code", codes)).values_list("credit_code", "id"))
        out = {}
        for r in results:
            pk = found.get(r.clean["credit_code"])
            if pk is None:
                outcome.reject(self.problem(r.row, "credit_code", gettext_noop(
                    "No enterprise with this credit code is in the registry; import the enterprise first"),
                    r.clean["credit_code"]))
            else:
                out[r.row] = pk
        return out

    # -- plans per kind --------------------------------------------------------------------------------------------

    def _plan_talents(self, results: list[RowResult], outcome: _Outcome) -> list[_Plan]:
        plans = []
        for r in results:
            clean = dict(r.clean)
            id_type, number = clean.pop("id_type"), clean.pop("id_number")
            lookup = talent_id_lookup(id_type=id_type, id_number=number)
            plans.append(_Plan(r.row, (lookup,), clean, create_only={"id_type": id_type, "id_number": number},
                                history_extra={"id_type": id_type, "id_masked": mask_id_number(number)}))
        return plans

    def _with_talent(self, results: list[RowResult], outcome: _Outcome) -> list[tuple[RowResult, int, dict]]:
        talents = self._talents_for(results, outcome)
        out = []
        for r in results:
            if r.row in talents:
                clean = {k: v for k, v in r.clean.items() if k not in ("id_type", "id_number", "name")}
                out.append((r, talents[r.row], clean))
        return out

    def _plan_education(self, results: list[RowResult], outcome: _Outcome) -> list[_Plan]:
        return [_Plan(r.row, (tid, c["degree"], c["graduation_date"]), c, {"talent_id": tid}, {"talent": tid}, tid)
                for r, tid, c in self._with_talent(results, outcome)]

    def _plan_employment(self, results: list[RowResult], outcome: _Outcome) -> list[_Plan]:
        enterprises = self._enterprises_for(results, outcome)  # both checks run, so a row gets both problems
        plans = []
        for r, tid, c in self._with_talent(results, outcome):
            if r.row not in enterprises:
                continue
            eid = enterprises[r.row]
            code = c.pop("credit_code")
            plans.append(_Plan(r.row, (tid, eid, c["start_date"]), c, {"talent_id": tid, "enterprise_id": eid},
                               {"talent": tid, "enterprise": code}, tid))
        return plans

    def _plan_insurance(self, results: list[RowResult], outcome: _Outcome) -> list[_Plan]:
        return [_Plan(r.row, (tid, c["from_month"], c["division"]), c, {"talent_id": tid}, {"talent": tid}, tid)
                for r, tid, c in self._with_talent(results, outcome)]

    def _plan_household(self, results: list[RowResult], outcome: _Outcome) -> list[_Plan]:
        return [_Plan(r.row, (tid,), c, {"talent_id": tid}, {"talent": tid}, tid)
                for r, tid, c in self._with_talent(results, outcome)]

    def _plan_enterprises(self, results: list[RowResult], outcome: _Outcome) -> list[_Plan]:
        return [_Plan(r.row, (r.clean["credit_code"],), dict(r.clean)) for r in results]

    # -- existing rows, one query per chunk ------------------------------------------------------------------------

    def existing(self, plans: list[_Plan]) -> dict[tuple, Any]:
        kind = self.spec.kind
        if kind == "talents":
            qs = Talent.objects.filter(values_in("id_lookup", (p.key[0] for p in plans)))
            return {(t.id_lookup,): t for t in qs}
        if kind == "enterprises":
            return {(e.credit_code,): e
                    for e in Enterprise.objects.filter(values_in("credit_code", (p.key[0] for p in plans)))}
        if kind in FAMILY_KINDS:
            return FAMILY_KINDS[kind].existing(p.key[0] for p in plans)
        of_talents = values_in("talent_id", (p.key[0] for p in plans))
        if kind == "education":
            return {(e.talent_id, e.degree, e.graduation_date): e for e in Education.objects.filter(of_talents)}
        if kind == "employment":
            return {(e.talent_id, e.enterprise_id, e.start_date): e for e in Employment.objects.filter(of_talents)}
        if kind == "household":
            return {(h.talent_id,): h for h in HouseholdFacts.objects.filter(of_talents)}
        return {(i.talent_id, i.from_month, i.division): i for i in InsuranceRecord.objects.filter(of_talents)}

    def created_pks(self, plans: list[_Plan]) -> dict[tuple, int]:
        kind = self.spec.kind
        if kind == "talents":
            qs = Talent.objects.filter(values_in("id_lookup", (p.key[0] for p in plans))).values_list("id_lookup", "id")
            return {(lookup,): pk for lookup, pk in qs}
        if kind == "enterprises":
            qs = (Enterprise.objects.filter(values_in("credit_code", (p.key[0] for p in plans)))
                  .values_list("credit_code", "id"))
            return {(code,): pk for code, pk in qs}
        if kind in FAMILY_KINDS:
            return FAMILY_KINDS[kind].created_pks(p.key[0] for p in plans)
        model, names = {
            "education": (Education, ("talent_id", "degree", "graduation_date")),
            "employment": (Employment, ("talent_id", "enterprise_id", "start_date")),
            "insurance": (InsuranceRecord, ("talent_id", "from_month", "division")),
            "household": (HouseholdFacts, ("talent_id",)),
        }[kind]
        return {tuple(row[:-1]): row[-1]
                for row in model.objects.filter(values_in("talent_id", (p.key[0] for p in plans)))
                .values_list(*names, "id")}

    # -- the writes ------------------------------------------------------------------------------------------------

    def _new_object(self, plan: _Plan) -> Any:
        kind = self.spec.kind
        if kind == "talents":
            identity = talent_identity_columns(id_type=plan.create_only["id_type"],
                                               id_number=plan.create_only["id_number"])
            return Talent(**identity, **plan.fields)
        model = FAMILY_KINDS[kind].model if kind in FAMILY_KINDS else {
            "education": Education, "employment": Employment, "insurance": InsuranceRecord,
            "enterprises": Enterprise, "household": HouseholdFacts}[kind]
        return model(**plan.create_only, **plan.fields)

    def _check_scope(self, plan: _Plan, obj: Any, outcome: _Outcome) -> bool:
        if not self.prefix:
            return True
        kind = self.spec.kind
        if kind == "talents" and not obj.district.startswith(self.prefix):
            outcome.reject(self.problem(plan.row, "id_number", gettext_noop(
                "This person is registered by another district (%(district)s)"), obj.id_masked,
                district=obj.district))
            return False
        if kind == "enterprises" and not obj.division.startswith(self.prefix):
            outcome.reject(self.problem(plan.row, "credit_code", gettext_noop(
                "This enterprise is registered in another district (%(district)s)"), obj.credit_code,
                district=obj.division))
            return False
        return True

    def upsert(self, plans: list[_Plan], outcome: _Outcome) -> None:
        if not plans:
            return
        kind = self.spec.kind
        model = type(self._new_object(plans[0])) if kind != "talents" else Talent
        entity = f"registry.{model._meta.model_name}"
        existing = self.existing(plans)
        to_create: list[tuple[_Plan, Any]] = []
        to_update: list[tuple[_Plan, Any, dict[str, list[Any]]]] = []
        seen: set[tuple] = set()
        for plan in plans:
            if plan.key in seen:  # same key twice in one chunk after normalisation
                outcome.reject(Problem(plan.row, "", "", gettext_noop("The same record as an earlier row")))
                continue
            seen.add(plan.key)
            obj = existing.get(plan.key)
            if obj is None:
                to_create.append((plan, self._new_object(plan)))
                continue
            if not self._check_scope(plan, obj, outcome):
                continue
            changes = {}
            for name, value in plan.fields.items():
                old = getattr(obj, name)
                if old != value:
                    changes[name] = [_json(old), _json(value)]
                    setattr(obj, name, value)
            if changes:
                to_update.append((plan, obj, changes))
            else:
                outcome.unchanged += 1
        now = timezone.now()
        if to_create:
            insert_many(model, [obj for _plan, obj in to_create])
            created = self.created_pks([plan for plan, _obj in to_create])  # one query
            for plan, obj in to_create:
                obj.pk = created[plan.key]
            outcome.new += len(to_create)
            self.statistics.grown(model, len(to_create))
        if to_update:
            fields = sorted({name for _p, _o, changes in to_update for name in changes})
            if hasattr(model, "updated_at"):
                for _p, obj, _c in to_update:
                    obj.updated_at = now
                fields.append("updated_at")
            model.objects.bulk_update([obj for _p, obj, _c in to_update], fields, batch_size=500)
            outcome.updated += len(to_update)
        history = []
        for plan, obj in to_create:
            changes = {k: [None, _json(v)] for k, v in plan.history_extra.items()}
            changes.update({k: [None, _json(v)] for k, v in plan.fields.items() if v or v == 0 and v is not False})
            history.append(ChangeRecord(
                actor=self.actor, source=ChangeSource.IMPORT, source_ref=self.source_ref, entity=entity,
                entity_id=obj.pk, subject_talent_id=obj.pk if kind == "talents" else plan.subject_talent_id,
                created=True, changes=changes))
        for plan, obj, changes in to_update:
            history.append(ChangeRecord(
                actor=self.actor, source=ChangeSource.IMPORT, source_ref=self.source_ref, entity=entity,
                entity_id=obj.pk, subject_talent_id=obj.pk if kind == "talents" else plan.subject_talent_id,
                created=False, changes=changes))
        insert_many(ChangeRecord, history)


_PLAIN_FIELDS = (models.CharField, models.TextField, models.BooleanField, models.IntegerField, models.ForeignKey)


def insert_many(model: type, objs: list[Any]) -> None:
    """INSERT without reading back primary keys, through one ``executemany``. Values of plain columns (text,
    numbers, booleans, foreign keys) go in as they are; dates, timestamps and JSON through the field's own
    conversion for this database. The ORM's bulk_create spends most of its time in per-value machinery."""
    if not objs:
        return
    conn = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = f.get_db_prep_save(timezone.now(), conn)
            getters.append(lambda obj, v=value: v)
        elif isinstance(f, _PLAIN_FIELDS) and not isinstance(f, models.JSONField):
            getters.append(operator.attrgetter(f.attname))
        else:
            getters.append(lambda obj, f=f: f.get_db_prep_save(getattr(obj, f.attname), conn))
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        conn.ops.quote_name(model._meta.db_table),
        ", ".join(conn.ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)))
    params = [[get(obj) for get in getters] for obj in objs]
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)


def _mask_value(column_key: str, value: str) -> str:
    """Row errors never keep a full ID number: the officer finds the row by its number."""
    return mask_id_number(value) if column_key == "id_number" and len(value) >= 6 else value


def _error_rows(job: ImportJob, runner: _Runner, problems: list[Problem]) -> list[ImportRowError]:
    id_header = runner.header("id_number")
    out = []
    for p in problems:
        value = _mask_value("id_number" if p.column == id_header else "", p.value)
        out.append(ImportRowError(job=job, row=p.row, column=p.column[:60], value=value[:200],
                                  reason=p.reason(gettext)[:300]))
    return out


def _sleep_after_chunk() -> None:
    pause = os.environ.get(SLEEP_AFTER_CHUNK_ENV)
    if pause:
        time.sleep(float(pause))


def import_job_run(*, job_id: int, progress: ProgressCallback | None = None) -> ImportJob:
    """Run or resume a job from its cursor. Safe to call twice: a finished job is returned as it is, and a chunk
    whose cursor another runner already moved is not applied again. The job's heartbeat is stamped while it runs
    (``core.heartbeat``), so a worker that dies leaves a job shown as interrupted within a minute."""
    with Heartbeat(ImportJob.objects.filter(pk=job_id, status__in=UNFINISHED)):
        return _import_job_run(job_id=job_id, progress=progress)


def _import_job_run(*, job_id: int, progress: ProgressCallback | None) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status not in UNFINISHED:
        return job
    missing = import_references_missing(import_references())
    if missing:
        return import_job_end(job, status=ImportStatus.FAILED, file_error=gettext(
            "The reference data is not loaded (empty: %(tables)s), so no code in the file can be checked and every "
            "row would be refused. An administrator loads it with the command: talentpool reference load")
            % {"tables": ", ".join(missing)})
    spec = KINDS[job.kind]
    try:
        table = read_table(job.file.path, spec=spec, max_bytes=settings.TALENTPOOL_IMPORT_MAX_BYTES)
    except FileProblem as exc:
        return import_job_end(job, status=ImportStatus.FAILED, file_error=exc.reason(gettext))
    except (FileNotFoundError, ValueError):  # ValueError: the job has no file any more
        return import_job_end(job, status=ImportStatus.FAILED,
                              file_error=gettext("The uploaded file is no longer stored; upload it again."))
    total = len(table.rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total, status=ImportStatus.RUNNING,
                                               started_at=job.started_at or timezone.now())
    job.refresh_from_db()
    if progress:
        progress(job)
    runner = _Runner(job, table)
    if connection.vendor == "sqlite":  # the registry's indexes outgrow SQLite's default 2 MB page cache
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")
    size = max(1, int(settings.TALENTPOOL_IMPORT_CHUNK_ROWS))
    cursor = job.rows_done
    while cursor < total:
        rows = table.rows[cursor: cursor + size]
        with transaction.atomic():
            current = ImportJob.objects.select_for_update().values_list("rows_done", flat=True).get(pk=job.pk)
            if current != cursor:  # another runner got here first: leave the job to it
                break
            outcome = runner.run_chunk(rows)
            insert_many(ImportRowError, _error_rows(job, runner, outcome.problems))
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=F("rows_done") + len(rows), new=F("new") + outcome.new,
                updated=F("updated") + outcome.updated, unchanged=F("unchanged") + outcome.unchanged,
                rejected=F("rejected") + len(outcome.rejected_rows))
        cursor += len(rows)
        job.refresh_from_db()
        if progress:
            progress(job)
        if cursor < total:
            _sleep_after_chunk()
    job.refresh_from_db()
    if job.rows_done >= total and job.status == ImportStatus.RUNNING:
        import_job_end(job, status=ImportStatus.DONE)
        import_finished.send(sender=ImportJob, job=job)
    return job


def import_job_resume(*, actor, job: ImportJob, request=None) -> ImportJob:
    """Schedule a waiting or interrupted job (``ImportJob.resumable``) to continue from its cursor (the page's and
    the API's "resume"). Officers and administrators who may see the job; a job whose worker is alive, or that has
    finished, is refused."""
    if not (actor is not None and actor.is_authenticated and actor.role in OFFICE_ROLES):
        raise PermissionDeniedError()
    with audited(actor=actor, action=AuditAction.IMPORT, target=f"import:{job.pk}", request=request,
                 detail={"resumed": True}):
        current = import_job_visible_to(actor).select_for_update(of=("self",)).filter(pk=job.pk).first()
        if current is None:
            raise NotFoundError()
        if current.status not in UNFINISHED:
            raise ApplicationError(gettext("This import has finished."), code="finished")
        if not current.resumable:
            raise ApplicationError(gettext("This import is still running; it can be resumed only once it shows as "
                                           "interrupted."), code="not_interrupted")
        ImportJob.objects.filter(pk=current.pk).update(status=ImportStatus.PENDING)
        current.status = ImportStatus.PENDING
        import_job_enqueue(current)
    return current


def import_job_enqueue(job: ImportJob) -> None:
    """Run the job as a background task once the surrounding transaction commits."""
    transaction.on_commit(lambda: import_job_run_task.enqueue(job_id=job.pk))


@task()
def import_job_run_task(job_id: int) -> dict:
    """The background task of an import (safe to run twice: see ``import_job_run``)."""
    job = import_job_run(job_id=job_id)
    return {"id": job.pk, "status": job.status, "summary": job.summary_line}
