"""Policy documents as text: the shipped files split into one document per version, and a document rewritten with
new parameter values. Plain helpers that services (writes) and selectors (reads) both use."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError

from .wording import type_name

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
_DOC_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)


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
        raise ApplicationError(_("%(value)r is not a valid %(kind)s") % {"value": raw, "kind": type_name(kind)},
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


def _split_documents(text: str) -> list[str]:
    parts = [p for p in _DOC_SEPARATOR.split(text) if p.strip() and not all(
        ln.strip().startswith("#") or not ln.strip() for ln in p.splitlines())]
    return [p.lstrip("\n") for p in parts]
