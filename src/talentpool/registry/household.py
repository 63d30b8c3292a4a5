"""Household members (spouse, children) and property records of a talent: the officer's form services and the
spouse link shared with the ``members`` import kind (``registry.import_family``).

A spouse's ID number is kept like a talent's (``registry.identity``: ciphertext, look-up hash, masked form); it is
never logged, never in a URL and never in the change history (the masked form is). A spouse whose number belongs
to a registered talent is linked: ``HouseholdMember.linked_talent`` and both ``Talent.spouse`` fields, so the
policies see one household. Each write checks the officer's scope and records the change history and the audit
event in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.crypto import encrypt_text, mask_id_number
from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.lookups import values_in
from talentpool.core.models import AuditAction, ChangeRecord, ChangeSource
from talentpool.core.permissions import has_role
from talentpool.core.roles import Role
from talentpool.engines.identity import (
    IdentityError,
    normalise_other_id,
    normalise_passport,
    parse_resident_id,
)
from talentpool.engines.tabular.family import RELATIONS

from .identity import talent_id_lookup
from .models import HouseholdMember, IdType, MemberRelation, PropertyRecord, Talent
from .selectors import talent_visible_to


def _check(actor, talent: Talent) -> None:
    if not has_role(actor, Role.OFFICER) or not talent_visible_to(actor).filter(pk=talent.pk).exists():
        raise PermissionDeniedError()


def _day(text: str, field: str, *, required: bool = False, today: dt.date | None = None) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise ApplicationError(_("A date such as 2024-07-01."), code="invalid", field=field)
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(_("A date such as 2024-07-01."), code="invalid", field=field) from None
    if today is not None and day > today:
        raise ApplicationError(_("The date is in the future."), code="invalid", field=field)
    return day


def _member_number(id_type: str, raw: str) -> tuple[str, dt.date | None]:
    """The normalised number and, for a resident ID, the birth date it holds."""
    try:
        if id_type == IdType.RESIDENT_ID:
            parsed = parse_resident_id(raw)
            return parsed.number, parsed.birth_date
        return (normalise_passport(raw) if id_type == IdType.PASSPORT else normalise_other_id(raw)), None
    except IdentityError as exc:
        raise ApplicationError(_(exc.message) % exc.params if exc.params else _(exc.message), code="invalid",
                               field="id_number") from None


def member_key(*, id_lookup: str, name: str, birth_date: dt.date | None) -> str:
    """The natural key of a member with its talent and relation: the ID look-up hash, else name and birth date."""
    return id_lookup or f"{name}|{birth_date.isoformat() if birth_date else ''}"[:80]


def spouses_link(*, actor, pairs: list[tuple[int, int]], source: str, source_ref: str = "") -> int:
    """Make each (talent, spouse) pair each other's ``Talent.spouse``; whoever pointed at either before is
    unlinked (one spouse each). Writes the change history of every talent changed; returns how many changed.
    Runs inside the caller's transaction."""
    want: dict[int, int] = {}
    for a, b in pairs:
        if a != b:
            want[a], want[b] = b, a
    if not want:
        return 0
    current = dict(Talent.objects.filter(pk__in=want).values_list("pk", "spouse_id"))
    stale = dict(Talent.objects.filter(spouse_id__in=want).exclude(pk__in=want).values_list("pk", "spouse_id"))
    history = []
    for pk, old in stale.items():
        history.append(ChangeRecord(actor=actor, source=source, source_ref=source_ref, entity="registry.talent",
                                    entity_id=pk, subject_talent_id=pk, changes={"spouse": [old, None]}))
    Talent.objects.filter(pk__in=stale).update(spouse=None)
    changed = {pk: new for pk, new in want.items() if current.get(pk) != new}
    if changed:
        Talent.objects.filter(pk__in=changed).update(spouse=None)  # free the one-to-one column first
        for pk, new in changed.items():
            Talent.objects.filter(pk=pk).update(spouse_id=new)
            history.append(ChangeRecord(actor=actor, source=source, source_ref=source_ref, entity="registry.talent",
                                        entity_id=pk, subject_talent_id=pk, changes={"spouse": [current.get(pk), new]}))
    ChangeRecord.objects.bulk_create(history)
    return len(changed) + len(stale)


def spouses_registered(*, actor, lookups: Iterable[str], source: str, source_ref: str = "") -> int:
    """People just registered (``lookups``: their ID look-up hashes) who were recorded earlier as someone's spouse
    (by the officer's form or a members import, unlinked then): each such record is linked to them and the two
    talents become each other's ``Talent.spouse``, so the policies see one household from this import on instead
    of from the next members import. Writes the change history; returns the records linked. Runs inside the
    caller's transaction."""
    lookups = set(lookups)
    if not lookups:
        return 0
    waiting = list(HouseholdMember.objects.select_for_update().filter(  # usually none: one index probe per chunk
        values_in("member_key", lookups), relation=MemberRelation.SPOUSE, linked_talent__isnull=True))
    if not waiting:
        return 0
    found = dict(Talent.objects.filter(values_in("id_lookup", {m.member_key for m in waiting}))
                 .values_list("id_lookup", "pk"))
    history, pairs = [], []
    for member in waiting:
        spouse = found.get(member.member_key)
        if spouse is None or spouse == member.talent_id:
            continue
        HouseholdMember.objects.filter(pk=member.pk).update(linked_talent_id=spouse)
        history.append(ChangeRecord(actor=actor, source=source, source_ref=source_ref,
                                    entity="registry.householdmember", entity_id=member.pk,
                                    subject_talent_id=member.talent_id, changes={"linked_talent": [None, spouse]}))
        pairs.append((member.talent_id, spouse))
    ChangeRecord.objects.bulk_create(history)
    spouses_link(actor=actor, pairs=pairs, source=source, source_ref=source_ref)
    return len(pairs)


def household_member_record(*, actor, talent: Talent, values: dict[str, str], today: dt.date,
                            request=None) -> HouseholdMember:
    """An officer records a spouse (name, ID number, day of marriage) or a child (name, birth date, ID number
    optional) of ``talent``. A second spouse is refused while one is recorded; a spouse found in the registry is
    linked both ways. A value that does not read is refused naming its field, and nothing changes."""
    _check(actor, talent)
    relation = RELATIONS.get((values.get("relation") or "").strip().lower())
    if relation is None:
        raise ApplicationError(_("Choose spouse or child."), code="invalid", field="relation")
    name = (values.get("name") or "").strip()
    if not name or len(name) > 60:
        raise ApplicationError(_("A name of at most 60 characters is required."), code="invalid", field="name")
    id_type = (values.get("id_type") or IdType.RESIDENT_ID).strip()
    if id_type not in IdType.values:
        raise ApplicationError(_("Choose an ID type."), code="invalid", field="id_type")
    raw = (values.get("id_number") or "").strip()
    number, id_birth = _member_number(id_type, raw) if raw else ("", None)
    birth = _day(values.get("birth_date", ""), "birth_date", today=today) or id_birth
    if id_birth is not None and birth != id_birth:
        raise ApplicationError(_("The birth date does not agree with the ID number."), code="invalid",
                               field="birth_date")
    married = _day(values.get("married_on", ""), "married_on", required=relation == MemberRelation.SPOUSE,
                   today=today) if relation == MemberRelation.SPOUSE else None
    if relation == MemberRelation.SPOUSE and not number:
        raise ApplicationError(_("A spouse is recorded with an ID number."), code="invalid", field="id_number")
    if relation == MemberRelation.CHILD and birth is None:
        raise ApplicationError(_("A child is recorded with a birth date."), code="invalid", field="birth_date")
    lookup = talent_id_lookup(id_type=id_type, id_number=number) if number else ""
    key = member_key(id_lookup=lookup, name=name, birth_date=birth)
    linked = Talent.objects.filter(id_lookup=lookup).values_list("pk", flat=True).first() if lookup else None
    if linked == talent.pk:
        raise ApplicationError(_("This is the person's own ID number."), code="invalid", field="id_number")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"talent:{talent.pk}", request=request,
                 subject_talent_id=talent.pk, detail={"event": "household_member", "relation": relation}) as entry:
        if relation == MemberRelation.SPOUSE and HouseholdMember.objects.filter(
                talent=talent, relation=relation).exclude(member_key=key).exists():
            raise ApplicationError(_("A spouse is already recorded; remove that record first."), code="conflict",
                                   field="id_number")
        fields = {"name": name, "id_type": id_type if number else "", "id_masked": mask_id_number(number) if number
                  else "", "birth_date": birth, "married_on": married, "linked_talent_id": linked}
        member = HouseholdMember.objects.select_for_update().filter(talent=talent, relation=relation,
                                                                    member_key=key).first()
        if member is None:
            member = HouseholdMember.objects.create(talent=talent, relation=relation, member_key=key,
                                                    id_number_encrypted=encrypt_text(number) if number else "",
                                                    **fields)
            changes = {k: [None, _plain(v)] for k, v in {"relation": relation, **fields}.items() if v}
        else:
            changes = {k: [_plain(getattr(member, k)), _plain(v)] for k, v in fields.items() if getattr(member, k) != v}
            for k, v in fields.items():
                setattr(member, k, v)
            member.save()
        if changes:
            ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.householdmember",
                                        entity_id=member.pk, subject_talent_id=talent.pk, changes=changes)
        if linked is not None and relation == MemberRelation.SPOUSE:
            spouses_link(actor=actor, pairs=[(talent.pk, linked)], source=ChangeSource.FORM)
        entry.detail["member"] = member.pk
    return member


def household_member_remove(*, actor, talent: Talent, member_id: int, request=None) -> None:
    """Remove a recorded member (a spouse recorded by mistake, say); a linked spouse is unlinked both ways."""
    _check(actor, talent)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"talent:{talent.pk}", request=request,
                 subject_talent_id=talent.pk, detail={"event": "household_member_removed", "member": member_id}):
        member = HouseholdMember.objects.select_for_update().filter(pk=member_id, talent=talent).first()
        if member is None:
            raise NotFoundError()
        if member.relation == MemberRelation.SPOUSE and member.linked_talent_id:
            pair = [talent.pk, member.linked_talent_id]
            for pk in Talent.objects.filter(pk__in=pair, spouse_id__in=pair).values_list("pk", flat=True):
                ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.talent",
                                            entity_id=pk, subject_talent_id=pk,
                                            changes={"spouse": [pair[1] if pk == pair[0] else pair[0], None]})
            Talent.objects.filter(pk__in=pair, spouse_id__in=pair).update(spouse=None)
        ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.householdmember",
                                    entity_id=member.pk, subject_talent_id=talent.pk,
                                    changes={"removed": [member.get_relation_display() + " " + member.name, None]})
        member.delete()


def property_record_save(*, actor, talent: Talent, values: dict[str, str], today: dt.date,
                         request=None) -> PropertyRecord:
    """An officer records a home of ``talent`` (division, day acquired, day sold, floor area), keyed by division
    and day acquired: recording the same home again with a day sold marks it sold."""
    _check(actor, talent)
    division = (values.get("division") or "").strip()
    if not (len(division) == 6 and division.isdigit() and not division.endswith("00")):
        raise ApplicationError(_("A county-level division code such as 330106."), code="invalid", field="division")
    acquired = _day(values.get("acquired_on", ""), "acquired_on", required=True, today=today)
    sold = _day(values.get("sold_on", ""), "sold_on", today=today)
    if sold is not None and acquired is not None and sold < acquired:
        raise ApplicationError(_("The day sold is before the day acquired."), code="invalid", field="sold_on")
    area_text = (values.get("area_m2") or "").strip()
    try:
        area = Decimal(area_text).quantize(Decimal("0.01")) if area_text else None
    except InvalidOperation:
        area = Decimal(-1)
    if area is not None and not Decimal(0) < area < Decimal(100000):
        raise ApplicationError(_("A floor area in square metres such as 89.5."), code="invalid", field="area_m2")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"talent:{talent.pk}", request=request,
                 subject_talent_id=talent.pk, detail={"event": "property_record"}) as entry:
        record, created = PropertyRecord.objects.select_for_update().get_or_create(
            talent=talent, division=division, acquired_on=acquired, defaults={"sold_on": sold, "area_m2": area})
        if created:
            changes = {k: [None, _plain(v)] for k, v in (("division", division), ("acquired_on", acquired),
                                                         ("sold_on", sold), ("area_m2", area)) if v is not None}
        else:
            changes = {k: [_plain(getattr(record, k)), _plain(v)] for k, v in (("sold_on", sold), ("area_m2", area))
                       if getattr(record, k) != v}
            record.sold_on, record.area_m2 = sold, area
            record.save()
        if changes:
            ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.propertyrecord",
                                        entity_id=record.pk, subject_talent_id=talent.pk, changes=changes)
        entry.detail["property"] = record.pk
    return record


def property_record_remove(*, actor, talent: Talent, record_id: int, request=None) -> None:
    _check(actor, talent)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"talent:{talent.pk}", request=request,
                 subject_talent_id=talent.pk, detail={"event": "property_record_removed", "property": record_id}):
        record = PropertyRecord.objects.select_for_update().filter(pk=record_id, talent=talent).first()
        if record is None:
            raise NotFoundError()
        ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.propertyrecord",
                                    entity_id=record.pk, subject_talent_id=talent.pk,
                                    changes={"removed": [f"{record.division} {record.acquired_on.isoformat()}", None]})
        record.delete()


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else str(value) if isinstance(value, Decimal) else value
