"""The shipped service catalogue (``catalogue.yaml``) and "who may ask": a condition on the policy facts.

A service's ``criterion`` is an expression over ``engines.policy.FACTS`` checked and compiled by the policy
engine's own compiler (so the same facts, functions and error messages apply) and evaluated for one person over
that person's facts (``policies.facts.talent_facts``), all services in one query.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from talentpool.engines.policy import FACTS, facts_table
from talentpool.engines.policy.compile import compile_expression

CATALOGUE = Path(__file__).with_name("catalogue.yaml")
PRIORITIES = ("low", "normal", "high", "urgent")


def catalogue_data(path: Path = CATALOGUE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def sla_for(default: dict, override: dict | None) -> dict:
    """Working minutes per priority: the catalogue's default with the service's overrides."""
    out = {p: dict(default[p]) for p in PRIORITIES}
    for p, values in (override or {}).items():
        out[p].update(values)
    return out


def catalogue_sync(office_model, team_model, service_model, data: dict | None = None) -> int:
    """Add the shipped office, teams and services missing from the database; returns the services added.
    Takes the model classes so that a migration can pass its historical ones; officers' edits are kept."""
    data = data or catalogue_data()
    office, _ = office_model.objects.get_or_create(code=data["office"]["code"],
                                                   defaults={"name": data["office"]["name"]})
    teams = {}
    for t in data["teams"]:
        teams[t["code"]], _ = team_model.objects.get_or_create(code=t["code"],
                                                               defaults={"name": t["zh"], "office": office})
    existing = set(service_model.objects.values_list("code", flat=True))
    added = []
    for i, s in enumerate(data["services"]):
        if s["code"] in existing:
            continue
        added.append(service_model(
            code=s["code"], life_stage=s["stage"], name_zh=s["zh"], name_en=s["en"],
            description_zh=s.get("desc_zh", ""), description_en=s.get("desc_en", ""),
            criterion=s.get("who", ""), criterion_zh=s.get("who_zh", ""), criterion_en=s.get("who_en", ""),
            materials=[{"zh": zh, "en": en} for zh, en in s.get("materials", [])], team=teams[s["team"]],
            skill=s.get("skill", s["stage"]), sla=sla_for(data["sla"], s.get("sla")),
            internal=bool(s.get("internal")), position=i))
    service_model.objects.bulk_create(added)
    return len(added)


@dataclass
class _Params:
    """The compiler asks a policy version for its parameters; a service criterion has none."""

    parameters: dict = field(default_factory=dict)


def criterion_problems(text: str) -> list[str]:
    """Why ``text`` cannot be a "who may ask" condition (empty when it can)."""
    if not text.strip():
        return []
    problems: list[tuple[int, str]] = []
    compile_expression(text, _Params(), dt.date(2000, 1, 1), line=1, problems=problems)
    return [message for _, message in problems]


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
        con.execute("SET threads=1")
    return con


@functools.lru_cache(maxsize=1024)
def _criterion_sql(text: str, as_of: dt.date) -> str | None:
    """A criterion compiled to DuckDB SQL, None when it does not compile: the same text on the same day always
    compiles alike (a criterion has no parameters), so each is parsed and checked once per day, not per page."""
    problems: list[tuple[int, str]] = []
    compiled = compile_expression(text, _Params(), as_of, line=1, problems=problems)
    return None if problems else compiled.sql("duckdb")


# The answers for one person's facts, kept by the compiled criteria and the facts they were computed from (a pure
# function of both: a changed fact or criterion is another key). A talent opening the catalogue again, or asking for
# a service after reading it, pays a dict lookup instead of a DuckDB query.
_ANSWERS_KEPT = 2048
_answers: OrderedDict[tuple, tuple] = OrderedDict()
_answers_lock = threading.Lock()


def _answers_get(key: tuple) -> tuple | None:
    with _answers_lock:
        row = _answers.get(key)
        if row is not None:
            _answers.move_to_end(key)
        return row


def _answers_put(key: tuple, row: tuple) -> None:
    with _answers_lock:
        _answers[key] = row
        while len(_answers) > _ANSWERS_KEPT:
            _answers.popitem(last=False)


def criteria_evaluate(criteria: dict[str, str], facts: dict | None, as_of: dt.date) -> dict[str, bool | None]:
    """Each criterion (by key) for one person's facts: True, False, or None when a fact it reads is unknown.
    An empty criterion is True; without facts (no registry record) every non-empty criterion is None."""
    out: dict[str, bool | None] = {k: True for k, text in criteria.items() if not text.strip()}
    exprs = {}
    for key, text in criteria.items():
        if key in out:
            continue
        sql = _criterion_sql(text, as_of)
        if sql is None or facts is None:
            out[key] = None
        else:
            exprs[key] = sql
    if exprs:
        keys = list(exprs)
        known = {k: v for k, v in facts.items() if k in FACTS}
        cache_key = (tuple(exprs[k] for k in keys), repr(sorted(known.items())))
        row = _answers_get(cache_key)
        if row is None:
            con = _connection()
            con.register("facts", facts_table([known]))
            try:
                row = con.sql("SELECT " + ", ".join(f"({exprs[k]}) AS c{i}" for i, k in enumerate(keys))
                              + " FROM facts").fetchall()[0]
            finally:
                con.unregister("facts")
            _answers_put(cache_key, tuple(row))
        out.update({k: (None if v is None else bool(v)) for k, v in zip(keys, row, strict=True)})
    return out
