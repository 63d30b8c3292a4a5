"""Evaluating compiled policies: over the whole registry at once (DuckDB over an Arrow table of facts), and for
one person with a criterion-by-criterion trace. Both paths run the same compiled SQL, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .compile import AS_OF_PARAMS, VERSION_APPLIES, CompiledPolicy, compile_policy
from .document import PolicyError, PolicyVersion
from .facts import FACTS, LEDGER_FACTS

_ARROW = {"date": pa.date32(), "int": pa.int64(), "bool": pa.bool_(), "str": pa.string(), "money": pa.decimal128(14, 2)}
LEDGER_SCHEMA = pa.schema([("talent_id", pa.int64()), ("policy_code", pa.string()), ("instalments_paid", pa.int64()),
                           ("amount_paid", pa.decimal128(14, 2)), ("first_paid_on", pa.date32()),
                           ("household_paid", pa.int64()), ("first_version", pa.int64())])


def facts_schema() -> pa.Schema:
    return pa.schema([(name, _ARROW[f.type]) for name, f in FACTS.items() if name not in LEDGER_FACTS])


def facts_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Facts from dicts (tests, single-person explain); missing keys are NULL, i.e. unknown."""
    schema = facts_schema()
    rows = list(rows)
    return pa.table({f.name: pa.array([_coerce(f.type, r.get(f.name)) for r in rows], type=f.type) for f in schema},
                    schema=schema)


def _coerce(kind: pa.DataType, value: Any) -> Any:
    if value is None:
        return None
    if pa.types.is_date(kind) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if pa.types.is_decimal(kind):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


_local = threading.local()


def _explain_connection() -> duckdb.DuckDBPyConnection:
    """One small DuckDB connection per thread for single-person explanations (opening one costs ~15 ms)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = _connect(1)
    return con


def _connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads={int(threads)}")
    return con


def _source_sql(compiled: CompiledPolicy) -> str:
    """The facts relation a policy reads: the facts, joined to its own ledger lines when it reads them."""
    if not compiled.facts_read() & set(LEDGER_FACTS):
        return "facts"
    code = compiled.version.code.replace("'", "''")
    return (
        "(SELECT f.*, COALESCE(l.instalments_paid, 0) AS ledger_instalments_paid, "
        "COALESCE(l.amount_paid, 0) AS ledger_amount_paid, l.first_paid_on AS ledger_first_paid_on, "
        "COALESCE(l.household_paid, 0) AS ledger_household_paid, l.first_version AS ledger_first_version "
        f"FROM facts f LEFT JOIN ledger l ON l.talent_id = f.talent_id AND l.policy_code = '{code}') AS facts_l"
    )


def _with_instalment_amounts(compiled: CompiledPolicy, inner: str) -> str:
    n = len(compiled.instalments)
    if not n:
        return inner
    parts = []
    for i, (_iid, share, _due, _ready) in enumerate(compiled.instalments, 1):
        if i < n:
            parts.append(f"CAST(ROUND(amount * {share}, 2) AS DECIMAL(14,2)) AS i{i}_amount")
    earlier = " - ".join(f"CAST(ROUND(amount * {s}, 2) AS DECIMAL(14,2))" for _, s, _, _ in compiled.instalments[:-1])
    parts.append(f"CAST(amount{(' - ' + earlier) if earlier else ''} AS DECIMAL(14,2)) AS i{n}_amount")
    return f"SELECT *, {', '.join(parts)} FROM ({inner}) AS v"


VERDICT_CODES = ("no", "yes", "review", "unknown", "excluded")
_VERDICTS = pa.array(VERDICT_CODES, type=pa.string())

_LEDGER_COLUMNS = {"ledger_instalments_paid": ("instalments_paid", "0"), "ledger_amount_paid": ("amount_paid", "0"),
                   "ledger_first_paid_on": ("first_paid_on", None), "ledger_household_paid": ("household_paid", "0"),
                   "ledger_first_version": ("first_version", None)}


def _single_pass_sql(compiled: list[CompiledPolicy], dialect: str = "duckdb",
                     ledger_codes: frozenset[str] = frozenset()) -> tuple[str, list[list[str]]]:
    """All policies in one scan of the facts, in three layers: (1) the facts and every criterion, review flag
    and amount, once per person (policy k's columns are named p<k>_...); (2) the verdicts; (3) what depends on
    the verdict, computed only for the rows that need it: the amount for the eligible, the mask of undecided
    criteria for an unknown. (Why a person is not eligible is the single-person explanation's job; instalment
    schedules come from ``instalment_schedule`` for the eligible only.) A policy that reads its ledger gets its
    own ledger lines joined as l<k>, or, when the ledger holds nothing for it (``ledger_codes``), the values of
    an empty ledger inlined."""
    inner = ["f.*"]
    middle = ["*"]
    outer = ["talent_id"]
    joins = []
    per_policy: list[list[str]] = []
    for k, c in enumerate(compiled):
        reads_ledger = bool(c.facts_read() & set(LEDGER_FACTS))
        joined = reads_ledger and c.version.code in ledger_codes

        def q(node, k=k, reads_ledger=reads_ledger, joined=joined, layer="inner") -> str:
            sql = node.sql(dialect=dialect)
            if reads_ledger:
                for fact, (column, default) in _LEDGER_COLUMNS.items():
                    if joined:
                        ref = f'l{k}."{column}"' if layer == "inner" else f'"l{k}_{column}"'
                        repl = ref if default is None else f"COALESCE({ref}, {default})"
                    else:
                        empty = "CAST(NULL AS BIGINT)" if column == "first_version" else "CAST(NULL AS DATE)"
                        repl = empty if default is None else default
                    sql = sql.replace(f'"{fact}"', repl)
            return sql

        if joined:
            code = c.version.code.replace("'", "''")
            joins.append(f"LEFT JOIN (SELECT * FROM ledger WHERE policy_code = '{code}') AS l{k} ON l{k}.talent_id = f.talent_id")
            inner += [f'l{k}."{column}" AS "l{k}_{column}"' for column, _ in _LEDGER_COLUMNS.values()]
        crit = [f"p{k}_c{i}" for i in range(len(c.criteria))]
        for name, (_cid, comp) in zip(crit, c.criteria, strict=True):
            inner.append(f"({q(comp.node)}) AS {name}")
        if c.review:
            inner.append(f"({q(c.review.node)}) AS p{k}_review")
        conj = " AND ".join(crit) or "TRUE"
        review = f"COALESCE(p{k}_review, FALSE)" if c.review else "FALSE"
        middle.append(f"({conj}) AS p{k}_ok")  # TRUE: eligible (yes or review); FALSE: no; NULL: unknown
        granted = f"p{k}_ok"
        amount = (f"CAST(ROUND({q(c.amount.node, layer='outer')}, 2) AS DECIMAL(14,2))" if c.amount
                  else "CAST(NULL AS DECIMAL(14,2))")
        # verdicts travel as one-byte codes (see VERDICT_CODES) and become an Arrow dictionary column
        outer.append(f"CAST(CASE WHEN p{k}_ok IS NULL THEN 3 WHEN p{k}_ok THEN CASE WHEN {review} THEN 2 ELSE 1 END "
                     f"ELSE 0 END AS UTINYINT) AS p{k}_verdict")
        outer.append(f"CASE WHEN {granted} THEN {amount} END AS p{k}_amount")
        unknown = " + ".join(f"CASE WHEN {n} IS NULL THEN {1 << i} ELSE 0 END" for i, n in enumerate(crit)) or "0"
        outer.append(f"CASE WHEN p{k}_ok IS NULL THEN {unknown} ELSE 0 END AS p{k}_unknown_mask")
        cols = [f"p{k}_verdict", f"p{k}_amount", f"p{k}_unknown_mask"]
        applies = next((i for i, (cid, _c) in enumerate(c.criteria) if cid == VERSION_APPLIES), None)
        if applies is not None:  # which version of a policy judges a person is chosen by this column
            outer.append(f"p{k}_c{applies} AS p{k}_applies")
            cols.append(f"p{k}_applies")
        per_policy.append(cols)
    sql = (f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(middle)} FROM "
           f"(SELECT {', '.join(inner)} FROM facts AS f {' '.join(joins)}) AS v1) AS v2")
    return sql, per_policy


def evaluate_registry(compiled: list[CompiledPolicy], facts: pa.Table, ledger: pa.Table | None = None,
                      *, threads: int | None = None) -> dict[str, pa.Table]:
    """Every person × every policy, in one scan. Returns, per policy code, a table with talent_id, verdict,
    amount (for the eligible), unknown_mask (bit i set when criterion i could not be decided, for an unknown
    verdict) and version (the version that judged the person); exclusions applied. Instalment schedules:
    ``instalment_schedule``.

    Several versions of one code may be given (versions that declare ``arises``): each person is judged by the
    version whose ``version_applies`` criterion holds for them (the entitlement arose while it was in force), and
    by the primary version (``primary_version``) when none does."""
    con = _connect(threads)
    con.register("facts", facts)
    ledger = ledger if ledger is not None else LEDGER_SCHEMA.empty_table()
    con.register("ledger", ledger)
    codes = frozenset(ledger.column("policy_code").unique().to_pylist()) if ledger.num_rows else frozenset()
    sql, per_policy = _single_pass_sql(compiled, ledger_codes=codes)
    wide = con.sql(sql).to_arrow_table()
    ids = wide.column("talent_id")
    by_code: dict[str, list[tuple[CompiledPolicy, list[Any]]]] = {}
    for c, cols in zip(compiled, per_policy, strict=True):
        columns = [wide.column(name).combine_chunks() for name in cols]
        columns[0] = columns[0].cast(pa.int8())
        columns.insert(3, pa.array(np.full(wide.num_rows, c.version.version, dtype=np.int64)))
        by_code.setdefault(c.version.code, []).append((c, columns))
    out: dict[str, pa.Table] = {}
    for code, candidates in by_code.items():
        columns = _judged_by_applicable_version(candidates)
        columns[0] = pa.DictionaryArray.from_arrays(columns[0], _VERDICTS)
        out[code] = pa.table([ids] + columns[:4], names=["talent_id", "verdict", "amount", "unknown_mask", "version"])
    return apply_exclusions([c for c in compiled if out.get(c.version.code) is not None], out, con)


def primary_version(candidates: list[CompiledPolicy]) -> CompiledPolicy:
    """Of several versions of one policy, the one that judges a person no version applies to: the version in
    force on the as-of date, else the latest."""
    in_force = [c for c in candidates if c.version.in_force_on(c.as_of)]
    return max(in_force or candidates, key=lambda c: c.version.effective_from)


def _judged_by_applicable_version(candidates: list[tuple[CompiledPolicy, list[Any]]]) -> list[Any]:
    """Merge the result columns of several versions of one policy, person by person (see evaluate_registry)."""
    primary = primary_version([c for c, _ in candidates])
    columns = next(list(cols) for c, cols in candidates if c is primary)
    if len(candidates) == 1:
        return columns

    def same_types(cols: list[Any]) -> list[Any]:  # masks of versions with different criteria may differ in width
        return [cols[0], cols[1].cast(pa.decimal128(14, 2)), cols[2].cast(pa.int64()), cols[3]]

    columns = same_types(columns)
    for c, cols in candidates:
        if c is primary or len(cols) < 5:
            continue
        mask = pc.fill_null(cols[4], False)
        columns = [pc.if_else(mask, mine, current) for mine, current in zip(same_types(cols), columns, strict=True)]
    return columns


INSTALMENT_SCHEMA = pa.schema([("talent_id", pa.int64()), ("seq", pa.int64()), ("instalment", pa.string()),
                               ("due", pa.date32()), ("ready", pa.bool_()), ("amount", pa.decimal128(14, 2))])


def instalment_schedule(compiled: CompiledPolicy, facts: pa.Table, talent_ids: pa.Array | list[int],
                        ledger: pa.Table | None = None) -> pa.Table:
    """The instalments of one policy for the given (eligible) people, one row per person and instalment:
    talent_id, seq (1, 2, ...), instalment id, due date, ready (its condition met), amount. The shares split the
    amount to the cent, the last instalment taking the remainder; the same SQL as the single-person path."""
    if not compiled.instalments:
        return INSTALMENT_SCHEMA.empty_table()
    subset = facts.filter(pc.is_in(facts.column("talent_id"), value_set=pa.array(talent_ids, type=pa.int64())))
    con = _connect()
    con.register("facts", subset)
    con.register("ledger", ledger if ledger is not None else LEDGER_SCHEMA.empty_table())
    wide = f"({_with_instalment_amounts(compiled, compiled.select_sql(table=_source_sql(compiled)))}) AS w"
    parts = [f"SELECT talent_id, {i} AS seq, '{iid}' AS instalment, i{i}_due AS due, i{i}_ready AS ready, "
             f"i{i}_amount AS amount FROM {wide} WHERE verdict IN ('yes', 'review')"
             for i, (iid, *_rest) in enumerate(compiled.instalments, 1)]
    return con.sql(" UNION ALL ".join(parts) + " ORDER BY talent_id, seq").to_arrow_table().cast(INSTALMENT_SCHEMA)


def apply_exclusions(compiled: list[CompiledPolicy], results: dict[str, pa.Table],
                     con: duckdb.DuckDBPyConnection | None = None) -> dict[str, pa.Table]:
    """Where policy A excludes B, a person granted A (yes or review) gets ``excluded`` instead of yes for B."""
    con = con or _connect()
    for c in compiled:
        for other in c.version.excludes:
            if other not in results or c.version.code not in results:
                continue
            con.register("winner", results[c.version.code])
            con.register("loser", results[other])
            results[other] = con.sql(
                "SELECT l.* REPLACE (CASE WHEN l.verdict = 'yes' AND w.talent_id IS NOT NULL THEN 'excluded' "
                "ELSE l.verdict END AS verdict) FROM loser l LEFT JOIN (SELECT talent_id FROM winner "
                "WHERE verdict IN ('yes', 'review')) w ON w.talent_id = l.talent_id").to_arrow_table()
            con.unregister("winner")
            con.unregister("loser")
    return results


# --- one person, explained ----------------------------------------------------------------------------------------

@dataclass
class CriterionTrace:
    id: str
    zh: str
    en: str
    status: str  # pass / fail / unknown
    expression: str
    facts: dict[str, Any]
    params: dict[str, dict[str, Any]]
    missing: list[str]


@dataclass
class InstalmentLine:
    id: str
    zh: str
    en: str
    amount: Decimal | None
    due: dt.date | None
    ready: bool | None


@dataclass
class Explanation:
    code: str
    version: int
    as_of: dt.date
    verdict: str
    amount: Decimal | None
    criteria: list[CriterionTrace]
    instalments: list[InstalmentLine]
    missing: list[str] = field(default_factory=list)
    excluded_by: str = ""
    arose_on: dt.date | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def plain(v):
            if isinstance(v, Decimal):
                return f"{v:.2f}"
            if isinstance(v, dt.date):
                return v.isoformat()
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, list):
                return [plain(x) for x in v]
            return v

        return plain({
            "policy": self.code, "version": self.version, "as_of": self.as_of, "verdict": self.verdict,
            "amount": self.amount, "missing": self.missing, "excluded_by": self.excluded_by, "arose_on": self.arose_on,
            "overrides": self.overrides,
            "criteria": [c.__dict__ for c in self.criteria], "instalments": [i.__dict__ for i in self.instalments],
        })


def explain(version: PolicyVersion, facts: Mapping[str, Any], as_of: dt.date,
            ledger: Mapping[str, Any] | None = None, *, compiled: CompiledPolicy | None = None) -> Explanation:
    compiled = compiled or compile_policy(version, as_of)
    return _explained(compiled, facts, ledger, _explain_row(compiled, facts, ledger))


def _ledger_values(ledger: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: (Decimal(str(v)) if k == "amount_paid" else v) for k, v in (ledger or {}).items()}


def _explain_row(compiled: CompiledPolicy, facts: Mapping[str, Any], ledger: Mapping[str, Any] | None,
                 extra: tuple[tuple[str, Any], ...] = ()) -> dict[str, Any]:
    """One DuckDB statement over one person: every column of ``CompiledPolicy.explain_sql`` (and ``extra``). The
    person's ledger facts come in the same one-row table as the other facts (what the batch's join gives them),
    so the statement reads one table and joins nothing."""
    con = _explain_connection()
    con.register("facts", _person_table(facts, ledger))
    try:
        cursor = con.execute(_with_instalment_amounts(compiled, compiled.explain_sql(extra=extra)))
        return dict(zip([d[0] for d in cursor.description], cursor.fetchall()[0], strict=True))
    finally:
        con.unregister("facts")


def _ledger_read(ledger: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ledger facts of one person as a policy reads them: 0 (or NULL for dates and versions) when unpaid."""
    values = _ledger_values(ledger)
    return {k: values.get(k.removeprefix("ledger_"), None if k in _NULL_WHEN_UNPAID else 0) for k in LEDGER_FACTS}


def _person_table(facts: Mapping[str, Any], ledger: Mapping[str, Any] | None) -> pa.Table:
    schema = _person_schema()
    row = {"talent_id": 0, **facts, **_ledger_read(ledger)}
    return pa.table([pa.array([_coerce(f.type, row.get(f.name))], type=f.type) for f in schema], schema=schema)


@functools.cache
def _person_schema() -> pa.Schema:
    return pa.schema([(name, _ARROW[f.type]) for name, f in FACTS.items()])


def _explained(compiled: CompiledPolicy, facts: Mapping[str, Any], ledger: Mapping[str, Any] | None,
               result: dict[str, Any]) -> Explanation:
    """The explanation of one person from the row ``_explain_row`` computed."""
    version, as_of = compiled.version, compiled.as_of
    read = {"talent_id": 0, **facts, **_ledger_read(ledger)}
    traces = []
    for crit, (cid, comp) in zip(compiled.labelled_criteria(), compiled.criteria, strict=True):
        value = result[f"c_{cid}"]
        status = "unknown" if value is None else ("pass" if value else "fail")
        facts_used = {name: read.get(name) for name in sorted(comp.facts)}
        params_used = {}
        for name in sorted(comp.params):
            dated = compiled.arises is not None and name not in AS_OF_PARAMS and result["arose_on"] is not None
            day = result["arose_on"] if dated and result["arose_on"] <= as_of else as_of  # see compile._value_when_arose
            current = version.parameters[name].value_on(day)
            params_used[name] = {"value": current and current.value, "since": current and current.start,
                                 "zh": version.parameters[name].label.zh,
                                 "en": version.parameters[name].label.en}
        missing = [n for n, v in facts_used.items() if v is None] if status == "unknown" else []
        traces.append(CriterionTrace(cid, crit.label.zh, crit.label.en, status, crit.when, facts_used, params_used, missing))
    lines = []
    for i, inst in enumerate(version.instalments, 1):
        lines.append(InstalmentLine(inst.id, inst.label.zh, inst.label.en, result.get(f"i{i}_amount"),
                                    result.get(f"i{i}_due"), result.get(f"i{i}_ready")))
    missing = sorted({m for t in traces for m in t.missing})
    amount = result["amount"] if result["verdict"] in ("yes", "review") else None
    return Explanation(version.code, version.version, as_of, result["verdict"], amount, traces,
                       lines if result["verdict"] in ("yes", "review") else [], missing, arose_on=result["arose_on"])


_NULL_WHEN_UNPAID = ("ledger_first_paid_on", "ledger_first_version")


def explain_applicable(candidates: list[CompiledPolicy], facts: Mapping[str, Any], as_of: dt.date,
                       ledger: Mapping[str, Any] | None = None) -> Explanation:
    """One person under the version of a policy that applies to them (the batch's rule, ``evaluate_registry``):
    the one whose ``version_applies`` criterion passes, else the primary version. The primary version is
    explained in one statement that also computes whether each other version applies, so a second statement
    runs only for a person whose entitlement arose under an older version."""
    primary = primary_version(candidates)
    others = [(f"applies_{k}", applies) for k, c in enumerate(candidates)
              if c is not primary and (applies := _applies_criterion(c)) is not None]
    result = _explain_row(primary, facts, ledger, tuple(others))
    found = _explained(primary, facts, ledger, result)
    if len(candidates) == 1 or _applies(found):
        return found
    for k, other in enumerate(candidates):
        if other is primary or other.arises is None:
            continue
        if not result.get(f"applies_{k}"):
            continue
        got = explain(other.version, facts, as_of, ledger, compiled=other)
        if _applies(got):
            return got
    return found


def _applies_criterion(compiled: CompiledPolicy):
    return next((c for cid, c in compiled.criteria if cid == VERSION_APPLIES), None)


def _applies(found: Explanation) -> bool:
    return any(c.id == VERSION_APPLIES and c.status == "pass" for c in found.criteria)


# --- a set of policies --------------------------------------------------------------------------------------------

def check_policy_set(versions: list[PolicyVersion]) -> None:
    """Versions of one policy must not overlap; ``excludes`` must name known policies and form no cycle."""
    problems: list[tuple[int, str]] = []
    by_code: dict[str, list[PolicyVersion]] = {}
    for v in versions:
        by_code.setdefault(v.code, []).append(v)
    for code, vs in by_code.items():
        vs.sort(key=lambda v: v.effective_from)
        numbers = [v.version for v in vs]
        if len(set(numbers)) != len(numbers):
            problems.append((vs[0].lines.get("version", 1), f"{code}: version numbers repeat"))
        for a, b in zip(vs, vs[1:], strict=False):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                problems.append((b.lines.get("effective_from", 1),
                                 f"{code}: version {b.version} starts {b.effective_from} while version {a.version} is still in force"))
    graph = {code: set().union(*(set(v.excludes) for v in vs)) for code, vs in by_code.items()}
    for code, targets in graph.items():
        for t in targets - set(graph):
            problems.append((1, f"{code} excludes unknown policy {t}"))
    state: dict[str, int] = {}

    def cycle(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt in graph and state.get(nxt) is None:
                found = cycle(nxt, path + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for code in sorted(graph):
        if state.get(code) is None:
            found = cycle(code, [])
            if found:
                start = found.index(found[-1])
                problems.append((by_code[code][0].lines.get("excludes", 1),
                                 "exclusion cycle: " + " → ".join(found[start:])))
                break
    if problems:
        raise PolicyError(problems)


def version_in_force(versions: list[PolicyVersion], code: str, as_of: dt.date) -> PolicyVersion | None:
    return next((v for v in versions if v.code == code and v.in_force_on(as_of)), None)
