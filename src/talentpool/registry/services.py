"""Writes on the registry that are not bulk imports: audited reads, reveals, corrections, certifications."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audit_record
from talentpool.core.crypto import decrypt_text
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import AuditAction, ChangeRecord, ChangeSource

from .models import CorrectionRequest, Employment, Talent


def talent_record_viewed(*, actor, talent: Talent, request=None, channel: str = "page") -> None:
    """Every officer read of a person's record is written to the audit trail."""
    audit_record(actor=actor, action=AuditAction.VIEW_PERSON, target=f"talent:{talent.pk}",
                 subject_talent_id=talent.pk, request=request, detail={"channel": channel})


def talent_id_reveal(*, actor, talent: Talent, reason: str, request=None) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplicationError(_("Say why you need the full ID number."), code="reason_required", field="reason")
    number = decrypt_text(talent.id_number_encrypted)
    audit_record(actor=actor, action=AuditAction.REVEAL_ID, target=f"talent:{talent.pk}",
                 subject_talent_id=talent.pk, request=request, detail={"reason": reason[:200]})
    return number


def correction_request_create(*, talent: Talent, message: str) -> CorrectionRequest:
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Describe what is wrong."), code="required", field="message")
    if len(message) > 2000:
        raise ApplicationError(_("Keep it under 2,000 characters."), code="too_long", field="message")
    correction = CorrectionRequest(talent=talent, message=message)
    correction.full_clean()
    correction.save()
    return correction


def employment_certify(*, actor, employment: Employment) -> Employment:
    """An enterprise confirms that a registered staff member's employment record is true."""
    if actor.enterprise_id != employment.enterprise_id or employment.end_date is not None:
        raise NotFoundError()
    if employment.certified_at:
        return employment
    with transaction.atomic():
        employment.certified_at = timezone.now()
        employment.save(update_fields=["certified_at"])
        ChangeRecord.objects.create(
            actor=actor, source=ChangeSource.FORM, entity="registry.employment", entity_id=employment.pk,
            subject_talent_id=employment.talent_id,
            changes={"certified_at": [None, employment.certified_at.isoformat()]},
        )
    return employment
