"""Compiling a policy version, for an as-of date, to SQL over the facts table.

Criteria, amounts and due dates are SQL expressions parsed with sqlglot. Compilation checks every name
(facts from ``facts.FACTS``, parameters as ``param.<name>``, ``as_of``), inlines the parameter values in force on
the as-of date, expands the engine's macros, and prints the result in a target dialect: DuckDB here, Spark SQL
(or any dialect sqlglot writes) for a city- or province-wide run on a distributed engine.

SQL's three-valued logic is the engine's "cannot decide": a criterion over a missing fact (NULL) is NULL, so a
verdict is ``yes`` only when every criterion is TRUE, ``no`` when any is FALSE, and ``unknown`` otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from .document import Criterion, PolicyError, PolicyVersion, Text
from .facts import AREAS, FACTS

MACROS = {
    "age_on": "age_on(birth_date, day): whole years of age on day (born 29 February: a year older on 1 March in common years)",
    "in_area": "in_area(division, 'hz'): the division lies in a named area (hz, hz_main, yh, outer)",
    "in_division": "in_division(division, '330110'): the division code starts with the given code",
    "months_between": "months_between(a, b): whole months from a to b",
    "month_start": "month_start(d): the first day of d's month",
}
_ALLOWED_FUNCS = (
    exp.AddMonths, exp.DateAdd, exp.DateSub, exp.Coalesce, exp.Greatest, exp.Least, exp.Year, exp.Month, exp.Day,
    exp.Case, exp.If, exp.Abs, exp.Round, exp.Cast, exp.TryCast, exp.Substring, exp.StartsWith, exp.Length,
    exp.Upper, exp.Lower, exp.DateTrunc, exp.TimestampTrunc, exp.Floor, exp.Ceil,
)


@dataclass
class Compiled:
    """One expression, ready to print; with the facts and parameters it read (for explanations)."""

    node: exp.Expression
    facts: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)

    def sql(self, dialect: str = "duckdb") -> str:
        return self.node.sql(dialect=dialect)


def _literal(kind: str, value) -> exp.Expression:
    if value is None:
        return exp.Null()
    if kind == "date":
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if kind == "bool":
        return exp.Boolean(this=bool(value))
    if kind == "int":
        return exp.Literal.number(int(value))
    if kind in ("money", "decimal"):
        return exp.cast(exp.Literal.number(str(Decimal(value))), exp.DataType.build("DECIMAL(18,4)"))
    return exp.Literal.string(str(value))


def _date_literal(day: dt.date) -> exp.Expression:
    return exp.cast(exp.Literal.string(day.isoformat()), exp.DataType.build("DATE"))


def _macro(name: str, args: list[exp.Expression], line: int, problems: list) -> exp.Expression | None:
    def need(n: int) -> bool:
        if len(args) != n:
            problems.append((line, f"{name}() takes {n} arguments, not {len(args)}"))
            return False
        return True

    if name == "age_on" and need(2):
        birth, day = args
        years = exp.Sub(this=exp.Year(this=day.copy()), expression=exp.Year(this=birth.copy()))
        md_day = exp.Add(this=exp.Mul(this=exp.Month(this=day.copy()), expression=exp.Literal.number(100)),
                         expression=exp.Day(this=day.copy()))
        md_birth = exp.Add(this=exp.Mul(this=exp.Month(this=birth.copy()), expression=exp.Literal.number(100)),
                           expression=exp.Day(this=birth.copy()))
        before = exp.Case(ifs=[exp.If(this=exp.LT(this=md_day, expression=md_birth), true=exp.Literal.number(1))],
                          default=exp.Literal.number(0))
        return exp.Paren(this=exp.Sub(this=years, expression=before))
    if name == "months_between" and need(2):
        a, b = args
        months = exp.Add(
            this=exp.Mul(this=exp.Paren(this=exp.Sub(this=exp.Year(this=b.copy()), expression=exp.Year(this=a.copy()))),
                         expression=exp.Literal.number(12)),
            expression=exp.Sub(this=exp.Month(this=b.copy()), expression=exp.Month(this=a.copy())))
        short = exp.Case(ifs=[exp.If(this=exp.LT(this=exp.Day(this=b.copy()), expression=exp.Day(this=a.copy())),
                                     true=exp.Literal.number(1))], default=exp.Literal.number(0))
        return exp.Paren(this=exp.Sub(this=months, expression=short))
    if name == "month_start" and need(1):
        return exp.cast(exp.DateTrunc(this=args[0], unit=exp.var("MONTH")), exp.DataType.build("DATE"))
    if name in ("in_area", "in_division") and need(2):
        target, code = args
        if not isinstance(code, exp.Literal) or not code.is_string:
            problems.append((line, f"{name}() needs a quoted code as its second argument"))
            return None
        if name == "in_area":
            if code.this not in AREAS:
                problems.append((line, f"unknown area '{code.this}' (known: {', '.join(AREAS)})"))
                return None
            prefixes = AREAS[code.this]
        else:
            prefixes = (code.this,)
        tests = [exp.Like(this=target.copy(), expression=exp.Literal.string(p + "%")) for p in prefixes]
        node = tests[0]
        for t in tests[1:]:
            node = exp.Or(this=node, expression=t)
        return exp.Paren(this=node)
    return None


def compile_expression(text: str, version: PolicyVersion, as_of: dt.date, *, line: int,
                       problems: list[tuple[int, str]], arose: Compiled | None = None,
                       in_arises: bool = False) -> Compiled:
    """Parse and check one expression; problems are appended (line, message) rather than raised. ``arose_on``
    stands for the version's ``arises`` expression (``arose``; the as-of date when the version declares none),
    ``this_version`` for the version's number."""
    try:
        tree = sqlglot.parse_one(str(text), read="duckdb")
    except ParseError as exc:
        problems.append((line, f"cannot read the expression {text!r}: {str(exc).splitlines()[0]}"))
        return Compiled(exp.Null())
    out = Compiled(tree)

    def visit(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column):
            table = node.table
            name = node.name
            if table == "param":
                param = version.parameters.get(name)
                if param is None:
                    problems.append((line, f"unknown parameter '{name}' (declare it under parameters)"))
                    return exp.Null()
                current = param.value_on(as_of)
                out.params.add(name)
                if arose is not None and name not in AS_OF_PARAMS:
                    dated = _value_when_arose(param, as_of, arose)
                    if dated is not None:
                        out.facts.update(arose.facts)
                        return dated
                if current is None:  # not yet in force on the as-of date: unknown, like a missing fact
                    return exp.Null()
                return exp.Paren(this=_literal(param.type, current.value))
            if table:
                problems.append((line, f"'{table}.{name}' is neither a fact nor param.<name>"))
                return node
            if name == "as_of":
                return _date_literal(as_of)
            if name == "this_version":
                return exp.Literal.number(int(version.version))
            if name == "arose_on":
                if in_arises:
                    problems.append((line, "arises may not read arose_on (it defines it)"))
                    return exp.Null()
                if arose is None:
                    return _date_literal(as_of)
                out.facts.update(arose.facts)
                out.params.update(arose.params)
                return exp.Paren(this=arose.node.copy())
            if name not in FACTS:
                problems.append((line, f"reads '{name}', which the registry does not have as a fact"))
                return node
            out.facts.add(name)
            return exp.column(name, quoted=True)
        if isinstance(node, exp.MonthsBetween):  # sqlglot reads our macro as its own function; keep our meaning
            args = [_transform(a, visit) for a in (node.this, node.expression)]
            return _macro("months_between", args, line, problems) or exp.Null()
        if isinstance(node, exp.Anonymous):
            name = str(node.this).lower()
            if name not in MACROS:
                problems.append((line, f"unknown function {name}() (allowed: {', '.join(MACROS)} and common SQL functions)"))
                return exp.Null()
            return _macro(name, [_transform(a, visit) for a in node.expressions], line, problems) or exp.Null()
        if isinstance(node, exp.Func) and not isinstance(node, (*_ALLOWED_FUNCS, exp.Binary)):
            problems.append((line, f"the function {node.sql()} is not allowed in a policy"))
            return exp.Null()
        if isinstance(node, (exp.Select, exp.Subquery, exp.Table)):
            problems.append((line, "a policy expression may not contain a query"))
            return exp.Null()
        return node

    out.node = _transform(tree, visit)
    return out


def _value_when_arose(param, as_of: dt.date, arose: Compiled) -> exp.Expression | None:
    """A parameter with several dated values, in a version that says when an entitlement arises, is read on
    that day (the amount, window or age limit in force when the person became entitled, not when the office
    checks): CASE over ``arose_on`` of the values in force by the as-of date. When the day is unknown, the value
    on the as-of date. None when one value covers the whole range (then the plain literal is used)."""
    known = [v for v in param.values if v.start <= as_of]
    if len(known) < 2:
        return None
    current = known[-1]
    ifs = [exp.If(this=exp.Is(this=exp.Paren(this=arose.node.copy()), expression=exp.Null()),
                  true=_literal(param.type, current.value))]
    for v in reversed(known):
        ifs.append(exp.If(this=exp.GTE(this=exp.Paren(this=arose.node.copy()), expression=_date_literal(v.start)),
                          true=_literal(param.type, v.value)))
    return exp.Paren(this=exp.Case(ifs=ifs, default=exp.Null()))


def _transform(tree: exp.Expression, visit) -> exp.Expression:
    """Top-down transform where a replaced node's children are not visited again, and macro arguments are."""
    replaced = visit(tree)
    if replaced is not tree:
        return replaced
    for key, value in list(tree.args.items()):
        if isinstance(value, exp.Expression):
            tree.set(key, _transform(value, visit))
        elif isinstance(value, list):
            tree.set(key, [_transform(v, visit) if isinstance(v, exp.Expression) else v for v in value])
    return tree


LIMITATION_PARAM = "limitation_years"
"""A policy may declare this int parameter: claims (instalments due, or the date the entitlement arose for a policy
paid in one sum) older than so many years before the as-of date are not paid; 0 means no limitation period."""
CAP_ORDER_PARAM = "cap_before_minus"
"""A policy with both ``cap`` and ``minus`` may declare this bool parameter: TRUE (the default without it) caps
the amount first and deducts afterwards, FALSE deducts first and caps the rest."""
VERSION_APPLIES = "version_applies"
AS_OF_PARAMS = (LIMITATION_PARAM, CAP_ORDER_PARAM)  # about the check (the claim's age, the order): as of then
WITHIN_LIMITATION = "within_limitation"


@dataclass
class CompiledPolicy:
    version: PolicyVersion
    as_of: dt.date
    criteria: list[tuple[str, Compiled]]
    review: Compiled | None
    amount: Compiled | None
    instalments: list[tuple[str, Decimal, Compiled, Compiled | None]]
    arises: Compiled | None = None
    implicit: list[Criterion] = field(default_factory=list)
    _sql: dict = field(default_factory=dict, repr=False, compare=False)  # printed SQL, see explain_sql

    def labelled_criteria(self) -> list[Criterion]:
        """The document's criteria and those the engine adds (the version applies, the limitation period), in
        the order of ``criteria``."""
        return list(self.version.criteria) + list(self.implicit)

    def facts_read(self) -> set[str]:
        parts = [c for _, c in self.criteria] + [x for x in (self.review, self.amount, self.arises) if x]
        parts += [d for *_, d, _ in self.instalments] + [r for *_, r in self.instalments if r]
        return set().union(*(p.facts for p in parts)) if parts else set()

    def select_sql(self, table: str = "facts", dialect: str = "duckdb", *, detail: bool = False) -> str:
        """One row per person: verdict, amount, masks of failed/undecided criteria, instalments (and, with
        ``detail``, each criterion's status and the day the entitlement arose)."""
        def q(node: exp.Expression) -> str:
            return node.sql(dialect=dialect)

        crit = [(cid, q(c.node)) for cid, c in self.criteria]  # each printed once
        conj = " AND ".join(f"({sql})" for _, sql in crit) or "TRUE"
        review = f"({q(self.review.node)})" if self.review else "FALSE"
        verdict = (f"CASE WHEN ({conj}) IS NULL THEN 'unknown' WHEN ({conj}) THEN "
                   f"CASE WHEN COALESCE({review}, FALSE) THEN 'review' ELSE 'yes' END ELSE 'no' END")
        fail = " + ".join(f"CASE WHEN NOT ({sql}) THEN {1 << i} ELSE 0 END" for i, (_, sql) in enumerate(crit)) or "0"
        unknown = " + ".join(f"CASE WHEN ({sql}) IS NULL THEN {1 << i} ELSE 0 END" for i, (_, sql) in enumerate(crit)) or "0"
        amount = f"CAST(ROUND({q(self.amount.node)}, 2) AS DECIMAL(14,2))" if self.amount else "CAST(NULL AS DECIMAL(14,2))"
        cols = ["talent_id", f"{verdict} AS verdict", f"{amount} AS amount", f"{fail} AS fail_mask", f"{unknown} AS unknown_mask"]
        for i, (_iid, _share, due, ready) in enumerate(self.instalments, 1):
            cols.append(f"CAST({q(due.node)} AS DATE) AS i{i}_due")
            cols.append(f"({q(ready.node)}) AS i{i}_ready" if ready else f"TRUE AS i{i}_ready")
        if detail:
            for cid, sql in crit:
                cols.append(f"({sql}) AS c_{cid}")
            if self.review:
                cols.append(f"({q(self.review.node)}) AS review_flag")
            arose = q(self.arises.node) if self.arises else f"DATE '{self.as_of.isoformat()}'"
            cols.append(f"CAST({arose} AS DATE) AS arose_on")
        return f"SELECT {', '.join(cols)} FROM {table}"

    def explain_sql(self, table: str = "facts", extra: tuple[tuple[str, Compiled], ...] = ()) -> str:
        """``select_sql(detail=True)`` in two layers, for one person: each criterion, the amount, the instalments
        and the day it arose are computed once in an inner query; the verdict and the masks read those columns
        (the detail query prints each criterion four times, and DuckDB's cost for one row is in the size of the
        expressions). ``extra``: more (name, expression) columns computed alongside (the other versions'
        ``version_applies``). Kept per compiled policy: compiled once per process, printed once."""
        key = ("explain", table, tuple(name for name, _c in extra))
        kept = self._sql.get(key)
        if kept is not None and all(a is b for a, (_n, b) in zip(kept[0], extra, strict=True)):
            return kept[1]

        def q(node: exp.Expression) -> str:
            return node.sql(dialect="duckdb")

        inner = ["talent_id"] + [f"({q(c.node)}) AS c_{cid}" for cid, c in self.criteria]
        inner.append(f"({q(self.review.node)}) AS review_flag" if self.review else "FALSE AS review_flag")
        inner.append(f"CAST(ROUND({q(self.amount.node)}, 2) AS DECIMAL(14,2)) AS amount" if self.amount
                     else "CAST(NULL AS DECIMAL(14,2)) AS amount")
        for i, (_iid, _share, due, ready) in enumerate(self.instalments, 1):
            inner.append(f"CAST({q(due.node)} AS DATE) AS i{i}_due")
            inner.append(f"({q(ready.node)}) AS i{i}_ready" if ready else f"TRUE AS i{i}_ready")
        arose = q(self.arises.node) if self.arises else f"DATE '{self.as_of.isoformat()}'"
        inner.append(f"CAST({arose} AS DATE) AS arose_on")
        inner += [f"({q(c.node)}) AS {name}" for name, c in extra]
        names = [f"c_{cid}" for cid, _c in self.criteria]
        conj = " AND ".join(names) or "TRUE"
        verdict = (f"CASE WHEN ({conj}) IS NULL THEN 'unknown' WHEN ({conj}) THEN "
                   "CASE WHEN COALESCE(review_flag, FALSE) THEN 'review' ELSE 'yes' END ELSE 'no' END")
        fail = " + ".join(f"CASE WHEN NOT {n} THEN {1 << i} ELSE 0 END" for i, n in enumerate(names)) or "0"
        unknown = " + ".join(f"CASE WHEN {n} IS NULL THEN {1 << i} ELSE 0 END" for i, n in enumerate(names)) or "0"
        found = (f"SELECT *, {verdict} AS verdict, {fail} AS fail_mask, {unknown} AS unknown_mask "
                 f"FROM (SELECT {', '.join(inner)} FROM {table}) AS d")
        self._sql[key] = (tuple(c for _n, c in extra), found)
        return found


def _param_now(version: PolicyVersion, name: str, as_of: dt.date):
    param = version.parameters.get(name)
    current = param.value_on(as_of) if param else None
    return None if current is None else current.value


def _capped_and_deducted(version: PolicyVersion, amount: Compiled, cap: Compiled | None, minus: Compiled | None,
                         as_of: dt.date) -> Compiled:
    """The amount capped (``cap``) and reduced (``minus``, never below 0), in the order ``cap_before_minus``
    says (cap first unless it is FALSE). A missing cap or deduction makes the amount unknown: LEAST and GREATEST
    skip NULLs in SQL, so a NULL is tested for first."""
    def apply_cap(node: exp.Expression) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=exp.Is(this=exp.Paren(this=cap.node.copy()), expression=exp.Null()),
                                    true=exp.Null())],
                        default=exp.Least(this=exp.Paren(this=node), expressions=[cap.node.copy()]))

    def apply_minus(node: exp.Expression) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=exp.Is(this=exp.Paren(this=minus.node.copy()), expression=exp.Null()),
                                    true=exp.Null())],
                        default=exp.Greatest(this=exp.Sub(this=exp.Paren(this=node), expression=exp.Paren(this=minus.node.copy())),
                                             expressions=[exp.Literal.number(0)]))

    steps = [(cap, apply_cap), (minus, apply_minus)]
    if _param_now(version, CAP_ORDER_PARAM, as_of) is False:
        steps.reverse()
    node, facts, params = amount.node, set(amount.facts), set(amount.params)
    for part, apply in steps:
        if part is not None:
            node = apply(node)
            facts |= part.facts
            params |= part.params
    if cap is not None and minus is not None and CAP_ORDER_PARAM in version.parameters:
        params.add(CAP_ORDER_PARAM)
    return Compiled(node, facts, params)


def _implicit_criteria(version: PolicyVersion, arises: Compiled | None, as_of: dt.date
                       ) -> list[tuple[Criterion, Compiled]]:
    """Criteria the engine adds: with ``arises``, that the entitlement arose while this version was in force
    (so the version that applies is chosen by that date, not by the as-of date); with a limitation period and
    no instalments, that it arose within it."""
    out = []
    if arises is not None:
        start, end = version.effective_from, version.effective_to
        node: exp.Expression = exp.GTE(this=exp.Paren(this=arises.node.copy()), expression=_date_literal(start))
        if end is not None:
            node = exp.And(this=node, expression=exp.LTE(this=exp.Paren(this=arises.node.copy()),
                                                         expression=_date_literal(end)))
        until_zh = f"至{end.isoformat()}" if end else "起"
        until_en = f" to {end.isoformat()}" if end else " on"
        label = Text(f"权益产生于本版本施行期间（{start.isoformat()}{until_zh}）",
                     f"the entitlement arose while this version was in force ({start.isoformat()}{until_en})")
        out.append((Criterion(VERSION_APPLIES, label, "arose_on within effective_from..effective_to",
                              version.lines.get("arises", 1)), Compiled(exp.Paren(this=node), set(arises.facts), set(arises.params))))
    years = _param_now(version, LIMITATION_PARAM, as_of)
    if years and not version.instalments:
        arose = arises.node.copy() if arises is not None else _date_literal(as_of)
        limit = _date_literal(_years_before(as_of, int(years)))
        label = Text(f"权益产生于{int(years)}年时效期内", f"the entitlement arose within the {int(years)}-year limitation period")
        out.append((Criterion(WITHIN_LIMITATION, label, "arose_on >= as_of - limitation_years",
                              version.parameters[LIMITATION_PARAM].line),
                    Compiled(exp.GTE(this=exp.Paren(this=arose), expression=limit),
                             set(arises.facts) if arises else set(), {LIMITATION_PARAM})))
    return out


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def compile_policy(version: PolicyVersion, as_of: dt.date) -> CompiledPolicy:
    """Compile for one as-of date; raises PolicyError listing every problem with its line."""
    problems: list[tuple[int, str]] = []
    arises = None
    if version.arises:
        arises = compile_expression(version.arises, version, as_of, line=version.lines.get("arises", 1),
                                    problems=problems, in_arises=True)

    def comp(text: str | None, line: int) -> Compiled | None:
        return None if text is None else compile_expression(text, version, as_of, line=line, problems=problems,
                                                            arose=arises)

    criteria = [(c.id, comp(c.when, c.line)) for c in version.criteria]
    implicit = _implicit_criteria(version, arises, as_of)
    criteria += [(c.id, compiled) for c, compiled in implicit]
    amount = None
    if version.amount:
        rules = [(comp(r.when, r.line) if r.when else None, comp(r.value, r.line)) for r in version.amount]
        ifs = [exp.If(this=w.node, true=v.node) for w, v in rules if w is not None]
        default = next((v.node for w, v in rules if w is None), exp.Null())
        node: exp.Expression = exp.Case(ifs=ifs, default=default) if ifs else default
        amount = Compiled(node, set().union(*((w.facts if w else set()) | v.facts for w, v in rules)),
                          set().union(*((w.params if w else set()) | v.params for w, v in rules)))
        line = version.lines.get("amount", 1)
        cap = comp(version.cap, version.lines.get("cap", line)) if version.cap else None
        minus = comp(version.minus, version.lines.get("minus", line)) if version.minus else None
        amount = _capped_and_deducted(version, amount, cap, minus, as_of)
    instalments = []
    for i in version.instalments:
        due = comp(i.due, i.line)
        instalments.append((i.id, i.share, due, _limited(comp(i.ready_when, i.line), due, version, as_of)))
    compiled = CompiledPolicy(version, as_of, criteria, comp(version.review_when, version.lines.get("review_when", 1)),
                              amount, instalments, arises, [c for c, _ in implicit])
    if problems:
        raise PolicyError(problems)
    return compiled


def _limited(ready: Compiled | None, due: Compiled, version: PolicyVersion, as_of: dt.date) -> Compiled | None:
    """An instalment's readiness within the limitation period, when the policy declares one: an instalment due
    more than ``limitation_years`` before the as-of date is no longer paid."""
    years = _param_now(version, LIMITATION_PARAM, as_of)
    if not years:
        return ready
    inside = exp.GTE(this=exp.Paren(this=due.node.copy()), expression=_date_literal(_years_before(as_of, int(years))))
    if ready is None:
        return Compiled(inside, set(due.facts), {LIMITATION_PARAM})
    return Compiled(exp.And(this=exp.Paren(this=ready.node), expression=exp.Paren(this=inside)),
                    ready.facts | due.facts, ready.params | {LIMITATION_PARAM})
