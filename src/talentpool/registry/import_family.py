"""The ``members`` and ``properties`` import kinds on the registry side: from validated rows to the upsert plans
of ``registry.importing`` (natural keys, fields, fields set only on create), the existing rows of a chunk, and
what follows the writes (a spouse found in the registry is linked both ways). Row validation is the engine's
(``engines.tabular.family``); the generic upsert, change history and counters are ``importing._Runner``'s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from talentpool.core.crypto import encrypt_text, mask_id_number
from talentpool.core.lookups import values_in
from talentpool.core.models import ChangeSource

from .household import member_key, spouses_link
from .identity import talent_id_lookup
from .models import HouseholdMember, PropertyRecord, Talent

# (row, key, fields, create_only, history_extra, subject talent id): what importing._Plan is built from
PlanParts = tuple[int, tuple, dict[str, Any], dict[str, Any], dict[str, Any], int]


def _plan_members(runner: Any, results: list, outcome: Any) -> list[PlanParts]:
    rows = runner._with_talent(results, outcome)
    lookups = {r.row: talent_id_lookup(id_type=c["member_id_type"], id_number=c["member_id_number"])
               for r, _tid, c in rows if c["member_id_number"]}
    found = dict(Talent.objects.filter(values_in("id_lookup", set(lookups.values()))).values_list("id_lookup", "pk"))
    spouses = {(tid, key) for tid, key in HouseholdMember.objects.filter(
        values_in("talent_id", {tid for _r, tid, _c in rows}), relation="spouse").values_list("talent_id", "member_key")}
    out: list[PlanParts] = []
    for r, tid, c in rows:
        number, lookup = c["member_id_number"], lookups.get(r.row, "")
        linked = found.get(lookup) if lookup else None
        key = member_key(id_lookup=lookup, name=c["member_name"], birth_date=c["member_birth_date"])
        masked = mask_id_number(number) if number else ""
        if linked == tid:
            outcome.reject(runner.problem(r.row, "member_id_number", gettext_noop(
                "This is the person's own ID number"), masked))
            continue
        others = [k for t, k in spouses if t == tid and k != key]
        if c["relation"] == "spouse" and others:
            outcome.reject(runner.problem(r.row, "member_id_number", gettext_noop(
                "Another spouse is recorded for this person; remove that record on the person's household page "
                "first"), masked))
            continue
        fields = {"name": c["member_name"], "id_type": c["member_id_type"], "id_masked": masked,
                  "birth_date": c["member_birth_date"], "married_on": c["married_on"], "linked_talent_id": linked}
        create_only = {"talent_id": tid, "relation": c["relation"], "member_key": key,
                       "id_number_encrypted": encrypt_text(number) if number else ""}
        out.append((r.row, (tid, c["relation"], key), fields, create_only,
                    {"talent": tid, "relation": c["relation"]}, tid))
    return out


def _after_members(runner: Any, plans: list) -> None:
    pairs = [(p.key[0], p.fields["linked_talent_id"]) for p in plans
             if p.key[1] == "spouse" and p.fields.get("linked_talent_id")]
    spouses_link(actor=runner.actor, pairs=pairs, source=ChangeSource.IMPORT, source_ref=runner.source_ref)


def _plan_properties(runner: Any, results: list, outcome: Any) -> list[PlanParts]:
    return [(r.row, (tid, c["division"], c["acquired_on"]), c, {"talent_id": tid}, {"talent": tid}, tid)
            for r, tid, c in runner._with_talent(results, outcome)]


@dataclass(frozen=True)
class FamilyKind:
    model: type
    key_fields: tuple[str, ...]
    plan: Callable[[Any, list, Any], list[PlanParts]]
    after: Callable[[Any, list], None] | None = None

    def existing(self, talent_ids) -> dict[tuple, Any]:
        return {tuple(getattr(o, f) for f in self.key_fields): o
                for o in self.model.objects.filter(values_in("talent_id", set(talent_ids)))}

    def created_pks(self, talent_ids) -> dict[tuple, int]:
        return {tuple(row[:-1]): row[-1] for row in self.model.objects.filter(
            values_in("talent_id", set(talent_ids))).values_list(*self.key_fields, "id")}


FAMILY_KINDS: dict[str, FamilyKind] = {
    "members": FamilyKind(HouseholdMember, ("talent_id", "relation", "member_key"), _plan_members, _after_members),
    "properties": FamilyKind(PropertyRecord, ("talent_id", "division", "acquired_on"), _plan_properties),
}
