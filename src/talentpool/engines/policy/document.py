"""Reading a policy document (YAML) into typed definitions, with the line of every node for error messages.

A document describes one version of one policy. Several documents of the same policy (its versions) may sit in
one file separated by ``---``. See docs/algorithms/policy-engine.md for the format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml


class PolicyError(ValueError):
    """A policy document is refused: ``problems`` lists (line, message) pairs, all of them, not just the first."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems)
        super().__init__("; ".join(f"line {line}: {msg}" for line, msg in self.problems))


# --- YAML with line numbers ---------------------------------------------------------------------------------------

class _Map(dict):
    lines: dict[str, int]
    line: int


class _Seq(list):
    lines: list[int]
    line: int


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader, libyaml's where PyYAML was built with it (about ten times faster than the pure-Python one;
    both give each node its line), with the constructors below."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    out = _Map()
    out.lines, out.line = {}, node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise PolicyError([(key_node.start_mark.line + 1, f"'{key}' is given twice")])
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.lines, out.line = [child.start_mark.line + 1 for child in node.value], node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# --- definitions --------------------------------------------------------------------------------------------------

PARAM_TYPES = ("date", "int", "bool", "money", "decimal", "str")
VERDICTS = ("yes", "no", "unknown", "review", "excluded")
DELIVERY_BANK = "bank_transfer"
DELIVERY_IN_KIND = "in_kind"
DELIVERY_CHANNELS = (DELIVERY_BANK, DELIVERY_IN_KIND)
"""How what a policy gives reaches the person: money paid into a bank account, or something issued in kind (a
pack, a pass) whose amount is only its value for budgeting and never a bank line."""


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


@dataclass(frozen=True)
class ParamValue:
    start: dt.date
    value: Any
    note: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    label: Text
    values: tuple[ParamValue, ...]
    line: int

    def value_on(self, day: dt.date) -> ParamValue | None:
        current = None
        for v in self.values:  # sorted by start
            if v.start <= day:
                current = v
        return current


@dataclass(frozen=True)
class Criterion:
    id: str
    label: Text
    when: str
    line: int


@dataclass(frozen=True)
class AmountRule:
    when: str | None
    value: str
    line: int


@dataclass(frozen=True)
class Instalment:
    id: str
    label: Text
    share: Decimal
    due: str
    ready_when: str | None
    line: int


@dataclass(frozen=True)
class Basis:
    document: str
    date: dt.date | None
    url: str = ""


@dataclass(frozen=True)
class TestCase:
    name: str
    as_of: dt.date
    facts: dict[str, Any]
    expect: dict[str, Any]
    line: int
    params: dict[str, Any] = field(default_factory=dict)
    zh: str = ""  # the case's name in Chinese (``name`` is the English one)


@dataclass(frozen=True)
class PolicyVersion:
    code: str
    version: int
    title: Text
    issuer: Text
    summary: Text
    basis: tuple[Basis, ...]
    entity: str
    excludes: tuple[str, ...]
    effective_from: dt.date
    effective_to: dt.date | None
    parameters: dict[str, Parameter]
    criteria: tuple[Criterion, ...]
    review_when: str | None
    amount: tuple[AmountRule, ...]
    cap: str | None
    minus: str | None
    instalments: tuple[Instalment, ...]
    tests: tuple[TestCase, ...]
    owner: str = ""
    delivery: str = DELIVERY_BANK
    arises: str | None = None
    source: str = field(default="", compare=False, repr=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


# --- parsing ------------------------------------------------------------------------------------------------------

_TOP = {"code", "version", "title", "issuer", "owner", "delivery", "summary", "basis", "entity", "excludes",
        "effective_from", "effective_to", "parameters", "criteria", "review_when", "amount", "cap", "minus",
        "instalments", "tests", "arises"}
_CODE = re.compile(r"^[a-z][a-z0-9-]{2,40}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_DIVISION = re.compile(r"^[1-9][0-9]{5}$")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append((line, message))


def _line(node: Any, key: str | int | None = None, default: int = 1) -> int:
    if isinstance(node, _Map) and isinstance(key, str):
        return node.lines.get(key, node.line)
    if isinstance(node, _Seq) and isinstance(key, int) and key < len(node.lines):
        return node.lines[key]
    return getattr(node, "line", default)


def _date(value: Any, where: str, line: int, c: _Collector, *, optional: bool = False) -> dt.date | None:
    if value is None and optional:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    c.add(line, f"{where} must be a date like 2023-06-30, not {value!r}")
    return None


def _text(node: Any, where: str, line: int, c: _Collector) -> Text:
    if isinstance(node, str):
        return Text(node, node)
    if isinstance(node, _Map) and set(node) <= {"zh", "en"} and node.get("zh"):
        return Text(str(node["zh"]), str(node.get("en") or node["zh"]))
    c.add(line, f"{where} must be a text or {{zh: ..., en: ...}}")
    return Text("", "")


def _unknown_keys(node: _Map, allowed: set[str], where: str, c: _Collector) -> None:
    for key in node:
        if key not in allowed:
            c.add(node.lines.get(key, node.line), f"unknown field '{key}' in {where} (allowed: {', '.join(sorted(allowed))})")


def _param_value(kind: str, value: Any, where: str, line: int, c: _Collector) -> Any:
    try:
        if kind == "date":
            return _date(value, where, line, c)
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind in ("money", "decimal") and not isinstance(value, bool) and isinstance(value, (int, str, float)):
            if isinstance(value, float):
                c.add(line, f"{where}: write money as a quoted decimal ('10000.00'), not a float")
                return None
            amount = Decimal(str(value))
            return amount.quantize(Decimal("0.01")) if kind == "money" else amount
        if kind == "str" and isinstance(value, str):
            return value
    except InvalidOperation:
        pass
    c.add(line, f"{where} must be of type {kind}, not {value!r}")
    return None


def _parameters(node: Any, c: _Collector) -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    if node is None:
        return out
    if not isinstance(node, _Map):
        c.add(_line(node), "parameters must be a mapping of name: {type, zh, en, values}")
        return out
    for name, spec in node.items():
        line = node.lines[name]
        if not _NAME.match(str(name)):
            c.add(line, f"parameter name '{name}' must be lower_case_with_underscores")
        if not isinstance(spec, _Map):
            c.add(line, f"parameter '{name}' must be a mapping")
            continue
        _unknown_keys(spec, {"type", "zh", "en", "values"}, f"parameter '{name}'", c)
        kind = spec.get("type")
        if kind not in PARAM_TYPES:
            c.add(_line(spec, "type"), f"parameter '{name}': type must be one of {', '.join(PARAM_TYPES)}")
            continue
        values = spec.get("values")
        if not isinstance(values, _Seq) or not values:
            c.add(_line(spec, "values"), f"parameter '{name}' needs values: [{{from: DATE, value: ...}}]")
            continue
        parsed: list[ParamValue] = []
        for i, item in enumerate(values):
            vline = _line(values, i)
            if not isinstance(item, _Map) or "from" not in item or "value" not in item:
                c.add(vline, f"parameter '{name}': each value needs 'from' and 'value'")
                continue
            _unknown_keys(item, {"from", "value", "note"}, f"a value of parameter '{name}'", c)
            start = _date(item["from"], f"parameter '{name}' from", vline, c)
            value = _param_value(kind, item["value"], f"parameter '{name}' value", vline, c)
            if start is not None:
                parsed.append(ParamValue(start, value, str(item.get("note", ""))))
        starts = [v.start for v in parsed]
        if len(set(starts)) != len(starts):
            c.add(line, f"parameter '{name}' has two values from the same date")
        label = Text(str(spec.get("zh", name)), str(spec.get("en", spec.get("zh", name))))
        out[name] = Parameter(name, kind, label, tuple(sorted(parsed, key=lambda v: v.start)), line)
    return out


def _expr_field(node: _Map, key: str, where: str, c: _Collector, *, required: bool = True) -> str | None:
    value = node.get(key)
    if value is None:
        if required:
            c.add(node.line, f"{where} needs '{key}'")
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if not isinstance(value, (str, int)):
        c.add(_line(node, key), f"{where}.{key} must be an expression")
        return None
    return str(value)


def _codes(node: Any, line: int, c: _Collector) -> tuple[str, ...]:
    if node is None:
        return ()
    if not isinstance(node, list) or not all(isinstance(x, str) and _CODE.match(x) for x in node):
        c.add(line, "excludes must be a list of policy codes")
        return ()
    return tuple(node)


def _owner(doc: _Map, c: _Collector) -> str:
    """The division that owns the policy (a city such as 330100, or a district such as 330110); optional here
    (the platform requires it when it stores a new policy)."""
    value = doc.get("owner")
    if value is None:
        return ""
    text = str(value).strip()
    if isinstance(value, bool) or not _DIVISION.match(text):
        c.add(_line(doc, "owner"), f"owner must be a six-digit division code such as 330100, not {value!r}")
        return ""
    return text


def _delivery(doc: _Map, c: _Collector) -> str:
    value = doc.get("delivery", DELIVERY_BANK)
    if value not in DELIVERY_CHANNELS:
        c.add(_line(doc, "delivery"), f"delivery must be one of {', '.join(DELIVERY_CHANNELS)}, not {value!r}")
        return DELIVERY_BANK
    return str(value)


def parse_documents(source: str) -> list[PolicyVersion]:
    """Parse one file (one or more ``---``-separated documents). Raises PolicyError with every problem found."""
    c = _Collector()
    try:
        docs = [d for d in yaml.load_all(source, Loader=_Loader) if d is not None]
    except PolicyError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError([((mark.line + 1) if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from exc
    if not docs:
        raise PolicyError([(1, "the file holds no policy")])
    versions = [v for v in (_version(d, c) for d in docs) if v is not None]
    if c.problems:
        raise PolicyError(c.problems)
    return [PolicyVersion(**{**v.__dict__, "source": source}) for v in versions]


def _version(doc: Any, c: _Collector) -> PolicyVersion | None:
    if not isinstance(doc, _Map):
        c.add(_line(doc), "a policy document must be a mapping")
        return None
    _unknown_keys(doc, _TOP, "the policy", c)
    code = str(doc.get("code", ""))
    if not _CODE.match(code):
        c.add(_line(doc, "code"), "code must be 3–41 characters: lower-case letters, digits and hyphens, e.g. hz-living-subsidy")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        c.add(_line(doc, "version"), "version must be a whole number from 1")
        version = 0
    entity = doc.get("entity", "person")
    if entity not in ("person", "household"):
        c.add(_line(doc, "entity"), "entity must be person or household")
    start = _date(doc.get("effective_from"), "effective_from", _line(doc, "effective_from"), c)
    end = _date(doc.get("effective_to"), "effective_to", _line(doc, "effective_to"), c, optional=True)
    if start and end and end < start:
        c.add(_line(doc, "effective_to"), "effective_to is before effective_from")
    basis = _basis(doc, c)
    criteria = _criteria(doc, c)
    amount = _amount(doc, c)
    instalments = _instalments(doc, c)
    tests = _tests(doc, c)
    return PolicyVersion(
        code=code, version=version or 0,
        title=_text(doc.get("title"), "title", _line(doc, "title"), c),
        issuer=_text(doc.get("issuer", ""), "issuer", _line(doc, "issuer"), c) if doc.get("issuer") else Text("", ""),
        summary=_text(doc.get("summary"), "summary", _line(doc, "summary"), c) if doc.get("summary") else Text("", ""),
        basis=tuple(basis), entity=entity, excludes=_codes(doc.get("excludes"), _line(doc, "excludes"), c),
        effective_from=start or dt.date(1970, 1, 1), effective_to=end,
        parameters=_parameters(doc.get("parameters"), c), criteria=tuple(criteria),
        review_when=_expr_field(doc, "review_when", "the policy", c, required=False),
        amount=tuple(amount), cap=_expr_field(doc, "cap", "the policy", c, required=False),
        minus=_expr_field(doc, "minus", "the policy", c, required=False),
        instalments=tuple(instalments), tests=tuple(tests), owner=_owner(doc, c), delivery=_delivery(doc, c),
        arises=_expr_field(doc, "arises", "the policy", c, required=False),
        lines=dict(doc.lines),
    )


def _basis(doc: _Map, c: _Collector) -> list[Basis]:
    """The notices the policy implements (at least one)."""
    basis = []
    for i, item in enumerate(doc.get("basis") or []):
        if not isinstance(item, _Map) or not item.get("document"):
            c.add(_line(doc.get("basis"), i), "each basis needs a document (name and number of the notice)")
            continue
        _unknown_keys(item, {"document", "date", "url"}, "a basis", c)
        basis.append(Basis(str(item["document"]), _date(item.get("date"), "basis date", _line(item, "date"), c, optional=True),
                           str(item.get("url", ""))))
    if not basis:
        c.add(_line(doc, "basis"), "a policy must cite its basis (the notice it implements)")
    return basis


def _criteria(doc: _Map, c: _Collector) -> list[Criterion]:
    """The criteria, each with a unique id, its label in both languages and its SQL condition."""
    criteria = []
    seen: set[str] = set()
    crit_node = doc.get("criteria")
    if not isinstance(crit_node, _Seq) or not crit_node:
        c.add(_line(doc, "criteria"), "a policy needs at least one criterion")
        crit_node = _Seq()
    for i, item in enumerate(crit_node):
        line = _line(crit_node, i)
        if not isinstance(item, _Map):
            c.add(line, "a criterion must be a mapping with id, zh, en and when")
            continue
        _unknown_keys(item, {"id", "zh", "en", "when"}, "a criterion", c)
        cid = str(item.get("id", ""))
        if not _NAME.match(cid):
            c.add(line, f"criterion id '{cid}' must be lower_case_with_underscores")
        if cid in seen:
            c.add(line, f"criterion id '{cid}' is used twice")
        seen.add(cid)
        when = _expr_field(item, "when", f"criterion '{cid}'", c)
        label = Text(str(item.get("zh", cid)), str(item.get("en", item.get("zh", cid))))
        criteria.append(Criterion(cid, label, when or "TRUE", _line(item, "when")))
    return criteria


def _amount(doc: _Map, c: _Collector) -> list[AmountRule]:
    """The amount rules; a single value stands for one rule without a condition."""
    amount = []
    amount_node = doc.get("amount")
    if isinstance(amount_node, (str, int)):
        amount_node = _Seq([_Map({"value": amount_node})])
        amount_node.lines, amount_node.line = [_line(doc, "amount")], _line(doc, "amount")
        amount_node[0].lines, amount_node[0].line = {"value": _line(doc, "amount")}, _line(doc, "amount")
    for i, item in enumerate(amount_node or []):
        if not isinstance(item, _Map):
            c.add(_line(amount_node, i), "an amount rule must be {when: ..., value: ...}")
            continue
        _unknown_keys(item, {"when", "value"}, "an amount rule", c)
        amount.append(AmountRule(_expr_field(item, "when", "amount rule", c, required=False),
                                 _expr_field(item, "value", "amount rule", c) or "0", _line(amount_node, i)))
    return amount


def _instalments(doc: _Map, c: _Collector) -> list[Instalment]:
    """The instalments, whose shares add up to 1."""
    instalments = []
    total = Decimal(0)
    for i, item in enumerate(doc.get("instalments") or []):
        line = _line(doc.get("instalments"), i)
        if not isinstance(item, _Map):
            c.add(line, "an instalment must be a mapping")
            continue
        _unknown_keys(item, {"id", "zh", "en", "share", "due", "ready_when"}, "an instalment", c)
        try:
            share = Decimal(str(item.get("share")))
        except InvalidOperation:
            c.add(_line(item, "share"), "share must be a decimal such as '0.5'")
            share = Decimal(0)
        total += share
        iid = str(item.get("id", f"i{i + 1}"))
        instalments.append(Instalment(iid, Text(str(item.get("zh", iid)), str(item.get("en", item.get("zh", iid)))),
                                      share, _expr_field(item, "due", f"instalment '{iid}'", c) or "NULL",
                                      _expr_field(item, "ready_when", f"instalment '{iid}'", c, required=False), line))
    if instalments and total != 1:
        c.add(_line(doc, "instalments"), f"instalment shares must add up to 1, they add up to {total}")
    return instalments


def _tests(doc: _Map, c: _Collector) -> list[TestCase]:
    """The test cases shipped with the policy (a ``defaults`` entry fills facts the cases leave out)."""
    tests = []
    tests_node = doc.get("tests") or _Seq()
    defaults = {}
    for i, item in enumerate(tests_node):
        line = _line(tests_node, i)
        if isinstance(item, _Map) and "defaults" in item and len(item) == 1:
            defaults = dict(item["defaults"] or {})
            continue
        if not isinstance(item, _Map):
            c.add(line, "a test case must be a mapping")
            continue
        _unknown_keys(item, {"name", "zh", "as_of", "facts", "expect", "params"}, "a test case", c)
        as_of = _date(item.get("as_of"), "test as_of", _line(item, "as_of"), c)
        expect = dict(item.get("expect") or {})
        if expect.get("verdict") not in VERDICTS:
            c.add(_line(item, "expect"), f"test '{item.get('name')}': expect.verdict must be one of {', '.join(VERDICTS)}")
        tests.append(TestCase(str(item.get("name", f"case {i + 1}")), as_of or dt.date(1970, 1, 1),
                              {**defaults, **dict(item.get("facts") or {})}, expect, line,
                              dict(item.get("params") or {}), str(item.get("zh") or "")))
    return tests


OVERRIDE_FROM = dt.date(1900, 1, 1)


def with_parameters(version: PolicyVersion, overrides: dict[str, Any]) -> PolicyVersion:
    """The version with some parameters set to one value on every date (a what-if for one person: "would she
    qualify if part-time masters counted?"). Values are read as the parameter's type (``"true"``, ``"35"`` and
    ``"10000.00"`` are accepted as text); an unknown name or a wrong value raises PolicyError naming it."""
    if not overrides:
        return version
    c = _Collector()
    params = dict(version.parameters)
    for name, raw in overrides.items():
        param = params.get(name)
        if param is None:
            c.add(1, f"unknown parameter '{name}' (known: {', '.join(sorted(params))})")
            continue
        value = _param_value(param.type, _typed_text(param.type, raw), f"parameter '{name}'", 1, c)
        if value is not None or param.type == "str":
            params[name] = Parameter(name, param.type, param.label, (ParamValue(OVERRIDE_FROM, value, "override"),),
                                     param.line)
    if c.problems:
        raise PolicyError(c.problems)
    return dataclasses.replace(version, parameters=params)


def _typed_text(kind: str, raw: Any) -> Any:
    """A value given as text (a form field, ``--set name=value``) in the shape ``_param_value`` expects."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if kind == "bool" and text.lower() in ("true", "yes", "1", "on", "false", "no", "0", "off"):
        return text.lower() in ("true", "yes", "1", "on")
    if kind == "int" and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return text
