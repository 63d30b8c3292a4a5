"""A talent's correction requests, from asking to the officer's decision.

The talent names the field and the value they believe is right (or only describes the problem); the officer of
the record's district sees the request beside what the registry holds, and accepts it (the value is written
through ``talent_fields_update``, with field history and the audit event) or rejects it with a reason. Either
way the talent is told in the app (``core.notices``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditAction, ChangeRecord, ChangeSource
from talentpool.core.notices import Message, notify
from talentpool.core.permissions import has_role
from talentpool.core.roles import Role
from talentpool.reference.selectors import division_name, reference_codes

from .models import CorrectableField, CorrectionRequest, CorrectionStatus, Gender, Housing, Talent
from .selectors import talent_visible_to

_BOOLEAN = {"是": True, "true": True, "yes": True, "1": True, "否": False, "false": False, "no": False, "0": False}
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}$")


def _bad(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", field="requested_value")


def _parse_date(raw: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise _bad(_("Enter the date as YYYY-MM-DD, e.g. 2024-07-01.")) from None
    if not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise _bad(_("The date must lie between 1900 and 2100."))
    return value


def _parse_choice(raw: str, choices) -> str:
    for value, label in choices:
        if raw in (value, str(label)):
            return value
    raise _bad(_("Choose one of: %(options)s.") % {"options": "、".join(str(label) for _v, label in choices)})


def _parse_division(raw: str) -> str:
    codes = reference_codes("divisions")
    if not (re.fullmatch(r"[0-9]{6}", raw) and (not codes or raw in codes)):
        raise _bad(_("Enter a six-digit division code from the reference table, e.g. 330106."))
    return raw


def correction_value_parse(field: str, raw: str):
    """The requested value as the registry stores it; an ``ApplicationError`` on ``requested_value`` if it is not
    a valid value of that field (so a talent learns it when asking, not weeks later)."""
    raw = (raw or "").strip()
    if field in (CorrectableField.PHONE, CorrectableField.EMAIL) and raw == "":
        return ""
    if not raw:
        raise _bad(_("Give the value you believe is right."))
    if field == CorrectableField.NAME:
        if len(raw) > 60:
            raise _bad(_("A name has at most 60 characters."))
        return raw
    if field == CorrectableField.GENDER:
        return _parse_choice(raw, Gender.choices)
    if field in (CorrectableField.BIRTH_DATE, CorrectableField.ARRIVAL_DATE):
        return _parse_date(raw)
    if field == CorrectableField.PHONE:
        if not _PHONE.match(raw):
            raise _bad(_("Enter a phone number of digits, e.g. 13800000000."))
        return raw
    if field == CorrectableField.EMAIL:
        try:
            validate_email(raw)
        except ValidationError:
            raise _bad(_("Enter a valid email address.")) from None
        return raw
    if field in (CorrectableField.HUKOU_DIVISION, CorrectableField.RESIDENCE_DIVISION):
        return _parse_division(raw)
    if field == CorrectableField.OWNS_PROPERTY:
        if raw.lower() not in _BOOLEAN:
            raise _bad(_("Answer yes or no."))
        return _BOOLEAN[raw.lower()]
    if field == CorrectableField.HOUSING:
        return _parse_choice(raw, Housing.choices)
    raise ApplicationError(_("This field cannot be corrected here."), code="invalid", field="field")


def correction_value_display(field: str, value) -> str:
    """A value of a correctable field as a person reads it (labels, division names, 是/否)."""
    if value in (None, ""):
        return "—"
    if field == CorrectableField.GENDER:
        return str(dict(Gender.choices).get(value, value))
    if field == CorrectableField.HOUSING:
        return str(dict(Housing.choices).get(value, value))
    if field == CorrectableField.OWNS_PROPERTY:
        return _("Yes") if value else _("No")
    if field in (CorrectableField.HUKOU_DIVISION, CorrectableField.RESIDENCE_DIVISION):
        name = division_name(value)
        return f"{name}（{value}）" if name and name != value else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def correction_current_display(correction: CorrectionRequest) -> str:
    return correction_value_display(correction.field, getattr(correction.talent, correction.field)) \
        if correction.field else ""


def correction_requested_display(correction: CorrectionRequest) -> str:
    if not correction.field:
        return ""
    try:
        return correction_value_display(correction.field,
                                        correction_value_parse(correction.field, correction.requested_value))
    except ApplicationError:
        return correction.requested_value


def correction_queue_for(user, *, status: str = CorrectionStatus.OPEN) -> QuerySet[CorrectionRequest]:
    """The requests about the records an officer's district scope holds, oldest first (first come, first served)."""
    if not has_role(user, Role.OFFICER):
        return CorrectionRequest.objects.none()
    qs = CorrectionRequest.objects.filter(talent__in=talent_visible_to(user)).select_related("talent", "resolved_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


def correction_for_officer(user, pk: int) -> CorrectionRequest:
    correction = correction_queue_for(user, status="").filter(pk=pk).first()
    if correction is None:
        raise NotFoundError()
    return correction


def talent_fields_update(*, actor, talent: Talent, values: dict, source_ref: str = "", request=None) -> dict:
    """An officer writes fields of a person's record in scope: the field history ({field: [old, new]}) and the
    audit event in the same transaction. Returns the changes (empty when nothing differed)."""
    if not has_role(actor, Role.OFFICER) or not talent_visible_to(actor).filter(pk=talent.pk).exists():
        raise PermissionDeniedError()
    changes = {}
    for name, new in values.items():
        old = getattr(talent, name)
        if old != new:
            changes[name] = [old.isoformat() if isinstance(old, dt.date) else old,
                             new.isoformat() if isinstance(new, dt.date) else new]
            setattr(talent, name, new)
    if not changes:
        return {}
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"talent:{talent.pk}",
                 subject_talent_id=talent.pk, request=request,
                 detail={"event": "talent_update", "fields": sorted(changes), "source": source_ref}):
        talent.full_clean(exclude=["spouse", "user"])
        talent.save(update_fields=[*changes, "updated_at"])
        ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, source_ref=source_ref[:64],
                                    entity="registry.talent", entity_id=talent.pk, subject_talent_id=talent.pk,
                                    changes=changes)
    return changes


def _decide(*, actor, correction: CorrectionRequest, status: str, answer: str, event: str, request) -> None:
    if correction.status != CorrectionStatus.OPEN:
        raise ApplicationError(_("This request was already decided."), code="already_decided")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"correction:{correction.pk}",
                 subject_talent_id=correction.talent_id, request=request, detail={"event": event}):
        correction.status, correction.answer = status, answer
        correction.resolved_by, correction.resolved_at = actor, timezone.now()
        correction.save(update_fields=["status", "answer", "resolved_by", "resolved_at"])
        if correction.talent.user_id:
            title = (_("Your correction request was accepted") if status == CorrectionStatus.ACCEPTED
                     else _("Your correction request was rejected"))
            notify([Message(user_id=correction.talent.user_id, kind=f"correction_{status}", title=title,
                            body=answer, url=reverse("registry:my-profile") + "#correction")])


def correction_request_accept(*, actor, correction: CorrectionRequest, answer: str = "", request=None) -> dict:
    """Accept: the requested value (checked again, the record may have moved on) is written to the record, the
    request closed and the talent told. A request without a field is closed with the officer's answer."""
    if not has_role(actor, Role.OFFICER):
        raise PermissionDeniedError()
    correction = correction_for_officer(actor, correction.pk)
    answer = (answer or "").strip()[:2000]
    changes: dict = {}
    with transaction.atomic():  # the record's change and the decision, each with its own audit event
        if correction.field:
            value = correction_value_parse(correction.field, correction.requested_value)
            changes = talent_fields_update(actor=actor, talent=correction.talent, values={correction.field: value},
                                           source_ref=f"correction:{correction.pk}", request=request)
        elif not answer:
            raise ApplicationError(_("Say what was done about it."), code="required", field="answer")
        if not answer:
            answer = _("Corrected: %(field)s is now %(value)s.") % {
                "field": correction.get_field_display(), "value": correction_requested_display(correction)}
        _decide(actor=actor, correction=correction, status=CorrectionStatus.ACCEPTED, answer=answer,
                event="correction_accept", request=request)
    return changes


def correction_request_reject(*, actor, correction: CorrectionRequest, reason: str, request=None) -> None:
    """Reject with a reason the talent reads; the record is not touched."""
    if not has_role(actor, Role.OFFICER):
        raise PermissionDeniedError()
    correction = correction_for_officer(actor, correction.pk)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplicationError(_("Give the reason for rejecting, the talent reads it."), code="reason_required",
                               field="reason")
    _decide(actor=actor, correction=correction, status=CorrectionStatus.REJECTED, answer=reason[:2000],
            event="correction_reject", request=request)
