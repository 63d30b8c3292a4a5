"""Validating one row of the ``members`` and ``properties`` import kinds (a registered person's spouse and minor
children; the homes the person owns or sold, with their dates). Kept apart from ``validation`` so that module stays
small; it receives the row collector (``validation._Row``), the identity check and the ID-type table from there,
so nothing here imports it back."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from talentpool.engines.identity import (
    IdentityError,
    normalise_other_id,
    normalise_passport,
    parse_resident_id,
)

from .messages import gettext_noop as _
from .normalise import cell_text, compact, text

RELATIONS = {"配偶": "spouse", "夫": "spouse", "妻": "spouse", "丈夫": "spouse", "妻子": "spouse", "spouse": "spouse",
             "子女": "child", "子": "child", "女": "child", "儿子": "child", "女儿": "child", "child": "child"}
_AREA = re.compile(r"^\d{1,5}(\.\d{1,2})?$")


def _member_identity(r: Any, id_types: Mapping[str, str]) -> tuple[str | None, str | None, Any]:
    """(id_type, number, parsed resident ID) of the member's columns; (type, None, None) when blank or refused."""
    id_type: str | None = "resident_id"
    if r.raw("member_id_type") is not None:
        id_type = r.choice("member_id_type", id_types, "居民身份证, 护照, 其他")
    value = r.raw("member_id_number")
    if value is None or id_type is None:
        return id_type, None, None
    raw = cell_text(value)
    try:
        if id_type == "resident_id":
            parsed = parse_resident_id(raw)
            return id_type, parsed.number, parsed
        if id_type == "passport":
            return id_type, normalise_passport(raw), None
        return id_type, normalise_other_id(raw), None
    except IdentityError as exc:
        r.problem("member_id_number", exc.message, value=compact(value), **exc.params)
        return id_type, None, None


def validate_member(r: Any, person: Callable[[Any], None], id_types: Mapping[str, str]) -> None:
    """A spouse needs an ID number and the day of marriage; a child needs a birth date (read from a resident ID
    when given). A birth date that disagrees with a resident ID is refused; a marriage date may not be in the
    future."""
    person(r)
    relation = r.choice("relation", RELATIONS, "配偶, 子女", required=True)
    r.set("relation", relation, "")
    r.set("member_name", r.bounded_text("member_name", 60, required=True), "")
    id_type, number, parsed = _member_identity(r, id_types)
    birth = r.date("member_birth_date", past=True)
    if parsed is not None:
        if birth is not None and birth != parsed.birth_date:
            r.problem("member_birth_date", _("Does not agree with the ID number, which says %(derived)s"),
                      derived=parsed.birth_date.isoformat())
        birth = parsed.birth_date
    married = r.date("married_on", past=True)
    if relation == "spouse":
        if number is None and not _refused(r, "member_id_number"):
            r.problem("member_id_number", _("A spouse is recorded with an ID number"))
        if married is None and not _refused(r, "married_on"):
            r.problem("married_on", _("A spouse is recorded with the day the marriage was registered"))
    elif relation == "child":
        if birth is None and not _refused(r, "member_birth_date") and not _refused(r, "member_id_number"):
            r.problem("member_birth_date", _("A child is recorded with a birth date (or a resident ID number)"))
        married = None
    r.clean["member_id_type"] = id_type if number is not None else ""
    r.clean["member_id_number"] = number or ""
    r.clean["member_birth_date"] = birth
    r.clean["married_on"] = married


def validate_property(r: Any, person: Callable[[Any], None]) -> None:
    """A home: its county-level division, the day acquired, the day sold (on or after the day acquired) and the
    floor area (optional)."""
    person(r)
    r.set("division", r.division("division", required=True, county=True), "")
    acquired = r.date("acquired_on", required=True, past=True)
    sold = r.date("sold_on", past=True)
    if acquired is not None and sold is not None and sold < acquired:
        r.problem("sold_on", _("The day sold is before the day acquired %(day)s"), day=acquired.isoformat())
    r.set("acquired_on", acquired, None)
    r.set("sold_on", sold, None)
    area = r.raw("area_m2")
    value = None
    if area is not None:
        token = compact(area).removesuffix("㎡").removesuffix("m²").removesuffix("平方米")
        if _AREA.match(token) and Decimal(token) > 0:
            value = Decimal(token)
        else:
            r.problem("area_m2", _("%(value)s is not a floor area in square metres (such as 89.5)"), value=text(area))
    r.set("area_m2", value, None)


def _refused(r: Any, key: str) -> bool:
    """The cell already has a problem (unreadable), so a second one would only repeat it."""
    header = r.headers.get(key, key)
    return any(p.column == header for p in r.problems)
