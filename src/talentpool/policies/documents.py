"""Policy documents as text: the shipped files, splitting a file into its versions, and rewriting a document with
new parameter values or a new version number. Plain functions on text, shared by the services and the selectors."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError
from talentpool.engines.policy import PolicyVersion as EngineVersion
from talentpool.engines.policy import parse_documents

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
_DOC_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)


# --- shipped policies ---------------------------------------------------------------------------------------------

def split_documents(text: str) -> list[str]:
    """The documents of one file (its versions), each with its own text; comment-only parts are dropped."""
    parts = [p for p in _DOC_SEPARATOR.split(text) if p.strip() and not all(
        ln.strip().startswith("#") or not ln.strip() for ln in p.splitlines())]
    return [p.lstrip("\n") for p in parts]


def shipped_documents(directory: Path | None = None) -> list[tuple[Path, str, EngineVersion]]:
    """Every version in the shipped files, with its own document text; raises PolicyError on a bad file."""
    out = []
    for path in sorted((directory or SHIPPED_DIR).glob("*.yaml")):
        for text in split_documents(path.read_text(encoding="utf-8")):
            (version,) = parse_documents(text)
            out.append((path, text, version))
    return out


# --- editing a document -------------------------------------------------------------------------------------------

def _yaml_value(kind: str, raw: Any) -> Any:
    """A parameter value as it should be written in the YAML (typed as the engine expects it)."""
    try:
        if kind == "date":
            return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError
            return int(str(raw))
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "yes", "1", "on", "是"):
                return True
            if text in ("false", "no", "0", "off", "否"):
                return False
            raise ValueError
        if kind in ("money", "decimal"):
            value = Decimal(str(raw))
            return f"{value.quantize(Decimal('0.01'))}" if kind == "money" else str(value)
        return str(raw)
    except (ValueError, InvalidOperation, TypeError):
        raise ApplicationError(_("%(value)r is not a valid %(kind)s") % {"value": raw, "kind": kind},
                               code="parameter_invalid") from None


def document_with_parameters(source: str, parameter_values: dict[str, list[dict[str, Any]]] | None, *,
                             version: int | None = None) -> str:
    """Rewrite a one-version document with new parameter values (each parameter's whole list of
    ``{from, value[, note]}`` replaced) and optionally a new version number. Comments and flow style are not kept;
    the result is re-read by the engine before it is stored."""
    data = yaml.safe_load(source)
    if not isinstance(data, dict):
        raise ApplicationError(_("The policy document is not a mapping."), code="policy_invalid")
    if version is not None:
        data["version"] = version
    params = data.get("parameters") or {}
    for name, values in (parameter_values or {}).items():
        if name not in params:
            raise ApplicationError(_("Unknown parameter %(name)s.") % {"name": name}, code="parameter_unknown",
                                   field=name)
        kind = params[name].get("type")
        if not values:
            raise ApplicationError(_("Parameter %(name)s needs at least one value.") % {"name": name},
                                   code="parameter_invalid", field=name)
        rows = []
        for item in values:
            if "from" not in item or "value" not in item:
                raise ApplicationError(_("Each value of %(name)s needs from and value.") % {"name": name},
                                       code="parameter_invalid", field=name)
            row = {"from": _yaml_value("date", item["from"]), "value": _yaml_value(kind, item["value"])}
            if item.get("note"):
                row["note"] = str(item["note"])
            rows.append(row)
        params[name]["values"] = sorted(rows, key=lambda r: r["from"])
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)


def parameter_values_set(source: str, edits: list[tuple[str, str, dt.date | None]]) -> dict[str, list[dict]]:
    """Turn ``name=value[@from]`` edits (as the CLI takes them) into whole value lists for
    ``document_with_parameters``: without a date the value holds from the parameter's first date on (replacing
    every value); with one, values from that date on are replaced and earlier ones kept."""
    data = yaml.safe_load(source) or {}
    params = data.get("parameters") or {}
    out: dict[str, list[dict]] = {}
    for name, value, start in edits:
        if name not in params:
            raise ApplicationError(_("Unknown parameter %(name)s.") % {"name": name}, code="parameter_unknown",
                                   field=name)
        current = out.get(name) or [dict(v) for v in params[name].get("values") or []]
        first = min((_yaml_value("date", v["from"]) for v in current), default=None)
        if start is None:
            start = first or dt.date(1970, 1, 1)
            current = []
        else:
            current = [v for v in current if _yaml_value("date", v["from"]) < start]
        current.append({"from": start, "value": value})
        out[name] = current
    return out


_VERSION_LINE = re.compile(r"^version:[ \t]*\S+[ \t]*$", re.MULTILINE)


def with_version_number(source: str, number: int) -> str:
    """An officer's full document gets the draft's number (its top-level ``version:`` line), formatting kept."""
    return _VERSION_LINE.sub(f"version: {number}", source, count=1)
