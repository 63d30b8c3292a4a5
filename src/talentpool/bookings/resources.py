"""Writes of what can be booked: youth stations with rooms and beds, events, park spaces (officers of the
district), and the partners of the talent partner programme with their referrals."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import (
    ApplicationError,
    ConflictError,
    FieldErrors,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.core.models import AuditAction
from talentpool.core.permissions import OFFICE_ROLES, ensure_role
from talentpool.core.roles import Role
from talentpool.registry.models import Enterprise, Talent

from .models import Bed, Kind, Partner, Referral, ReferralStatus, ReferralTarget, Resource, Room, Slot
from .services import _ensure_office, _talent_of, event_register_talent


def _office_district(actor, district: str) -> str:
    ensure_role(actor, *OFFICE_ROLES)
    district = (district or getattr(actor, "scope_division", "") or "").strip()
    if len(district) != 6 or not district.isdigit():
        raise ApplicationError(_("The district is a 6-digit division code."), field="district")
    probe = Resource(district=district)
    _ensure_office(actor, probe)
    return district


def resource_create(*, actor, kind: str, name: str, district: str = "", request=None, **fields) -> Resource:
    """A station (capacity comes from its beds), an event (capacity = its places) or a space (capacity 1)."""
    district = _office_district(actor, district)
    errors = FieldErrors("name")  # every field checked: the form shows each refusal beside its field at once
    if kind not in Kind.values:
        errors.refuse("kind", _("Unknown kind of resource."))
    if kind == Kind.SPACE:
        fields["capacity"] = 1
    if kind == Kind.LODGING:
        fields["capacity"] = 0
    if kind == Kind.EVENT and not fields.get("starts_at"):
        errors.refuse("starts_at", _("An event needs its day (and hour)."), "required")
    if kind == Kind.EVENT and not fields.get("capacity"):
        errors.refuse("capacity", _("An event needs its number of places."), "required")
    resource = Resource(kind=kind, name=name.strip(), district=district, **fields)
    errors.check("name", _cleaned, resource, exclude=list(errors.errors))
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"op": "resource_create", "kind": kind}) as entry:
        resource.save()
        entry.target = f"resource:{resource.pk}"
    return resource


def _cleaned(record, exclude: list[str]) -> None:
    """``full_clean`` with every refused field named (``extra["errors"]``), as the form shows them."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as exc:
        found = {name: " ".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
        first = next(iter(found))
        raise ApplicationError(found[first], field=first if first != "__all__" else None,
                               extra={"errors": found} if len(found) > 1 else None) from None


def room_add(*, actor, station: Resource, name: str, beds: int, request=None) -> Room:
    """Add a room with ``beds`` beds: the station's capacity (and that of its future nights) grows with it."""
    _ensure_office(actor, station)
    if station.kind != Kind.LODGING:
        raise ApplicationError(_("Rooms belong to youth stations."), field="station")
    if not 1 <= beds <= 50:
        raise ApplicationError(_("A room has 1 to 50 beds."), field="beds")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"resource:{station.pk}", request=request,
                 detail={"op": "room_add", "beds": beds}):
        station = Resource.objects.select_for_update().get(pk=station.pk)
        room = Room(station=station, name=name.strip()[:40])
        room.full_clean()
        room.save()
        Bed.objects.bulk_create([Bed(room=room, label=str(i)) for i in range(1, beds + 1)])
        Resource.objects.filter(pk=station.pk).update(capacity=F("capacity") + beds)
        Slot.objects.filter(resource=station, day__gte=timezone.localdate()).update(capacity=F("capacity") + beds)
    return room


def resource_set_active(*, actor, resource: Resource, active: bool, request=None) -> Resource:
    _ensure_office(actor, resource)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"resource:{resource.pk}", request=request,
                 detail={"op": "open" if active else "close"}):
        resource.active = active
        resource.save(update_fields=["active"])
    return resource


# --- partners -----------------------------------------------------------------------------------------------------

def partner_create(*, actor, name: str, kind: str, enterprise: Enterprise, request=None) -> Partner:
    """Admit an organisation to the programme; its enterprise accounts then see the partner portal."""
    district = _office_district(actor, "")
    partner = Partner(name=name.strip(), kind=kind, enterprise=enterprise, district=district)
    partner.full_clean()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"op": "partner_create"}) as entry:
        partner.save()
        entry.target = f"partner:{partner.pk}"
    return partner


def partner_of(actor) -> Partner | None:
    if not (actor and actor.is_authenticated and actor.role == Role.ENTERPRISE and actor.enterprise_id):
        return None
    return Partner.objects.filter(enterprise_id=actor.enterprise_id, active=True).first()


def referral_create(*, actor, name: str, phone: str, target: str, event: Resource | None = None, job=None,
                    service: str = "", note: str = "", request=None) -> Referral:
    """A partner refers a person (named with the phone number they gave the partner) to an event, a job or a
    service. The talent is asked to consent; the partner sees nothing of the record but the referral's outcome."""
    partner = partner_of(actor)
    if partner is None:
        raise PermissionDeniedError(_("Only partners of the talent partner programme can refer talents."))
    errors = FieldErrors("phone")  # every field checked: the form shows each refusal beside its field at once
    if target not in ReferralTarget.values:
        errors.refuse("target", _("Refer to an event, a job or a service."))
    if target == ReferralTarget.EVENT and (event is None or event.kind != Kind.EVENT):
        errors.refuse("event", _("Choose the event."))
    if target == ReferralTarget.JOB and job is None:
        errors.refuse("job", _("Choose the job."))
    if target == ReferralTarget.SERVICE and not service.strip():
        errors.refuse("service", _("Name the service."))
    talent = Talent.objects.filter(name=name.strip(), phone=phone.strip()).first() if phone.strip() else None
    if talent is None:
        errors.refuse("phone", _("No registered talent has this name and phone number: ask them to register first."),
                      "not_found")
    errors.raise_any()
    if Referral.objects.filter(partner=partner, talent=talent, target=target, event=event, job=job,
                               status=ReferralStatus.ASKED).exists():
        raise ApplicationError(_("This referral is already waiting for the talent's answer."), code="duplicate")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"op": "referral_create", "partner": partner.pk, "target": target}) as entry:
        referral = Referral.objects.create(partner=partner, talent=talent, target=target, event=event, job=job,
                                           service=service.strip()[:120], note=note.strip()[:300])
        entry.target = f"referral:{referral.pk}"
    return referral


def referral_answer(*, actor, referral: Referral, accept: bool, now: dt.datetime | None = None,
                    request=None) -> Referral:
    """The talent consents (an event referral registers them at once, credited to the partner) or declines."""
    now = now or timezone.now()
    talent = _talent_of(actor)
    if referral.talent_id != talent.pk:
        raise NotFoundError()
    if referral.status != ReferralStatus.ASKED:
        raise ConflictError(_("This referral has been answered already."), code="wrong_status")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"referral:{referral.pk}",
                 subject_talent_id=talent.pk, request=request,
                 detail={"op": "referral_accept" if accept else "referral_decline"}):
        moved = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.ASKED).update(
            status=ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED, answered_at=now)
        if not moved:
            raise ConflictError(_("This referral has been answered already."), code="wrong_status")
        referral.refresh_from_db()
        if accept and referral.target == ReferralTarget.EVENT and referral.event_id:
            booking = event_register_talent(actor=actor, talent=talent, event=referral.event,
                                            partner=referral.partner, now=now, request=request)
            Referral.objects.filter(pk=referral.pk).update(booking=booking)
            referral.booking = booking
    return referral
