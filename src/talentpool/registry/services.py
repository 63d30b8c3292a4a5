"""Writes on the registry that are not bulk imports: audited reads, reveals, corrections, certifications.
Each checks what the acting user may do itself, so no page, endpoint or command can forget it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audit_read, audit_record, audited
from talentpool.core.crypto import decrypt_text
from talentpool.core.errors import ApplicationError, FieldErrors, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditAction, ChangeRecord, ChangeSource
from talentpool.core.permissions import has_role
from talentpool.core.roles import Role

from .corrections import correction_value_parse
from .models import CorrectableField, CorrectionRequest, Employment, HouseholdFacts, Talent
from .selectors import talent_visible_to


def talent_record_viewed(*, actor, talent: Talent, request=None, channel: str = "page") -> None:
    """Every officer read of a person's record is written to the audit trail: a page or API read served again from
    the kept responses (``core.pagecache``) writes its event again, with that request's address."""
    if request is not None and request.user is actor:
        audit_read(request, action=AuditAction.VIEW_PERSON, target=f"talent:{talent.pk}",
                   subject_talent_id=talent.pk, detail={"channel": channel})
    else:
        audit_record(actor=actor, action=AuditAction.VIEW_PERSON, target=f"talent:{talent.pk}",
                     subject_talent_id=talent.pk, request=request, detail={"channel": channel})


def talent_id_reveal(*, actor, talent: Talent, reason: str, request=None) -> str:
    """The full ID number, for an officer whose scope holds the person, with the reason on the audit trail."""
    if not has_role(actor, Role.OFFICER) or not talent_visible_to(actor).filter(pk=talent.pk).exists():
        raise PermissionDeniedError()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplicationError(_("Say why you need the full ID number."), code="reason_required", field="reason")
    number = decrypt_text(talent.id_number_encrypted)
    audit_record(actor=actor, action=AuditAction.REVEAL_ID, target=f"talent:{talent.pk}",
                 subject_talent_id=talent.pk, request=request, detail={"reason": reason[:200]})
    return number


def correction_request_create(*, talent: Talent, message: str, field: str = "",
                              requested_value: str = "") -> CorrectionRequest:
    """A talent asks the office to correct their record (the talent's own account is the actor): a field and the
    value they believe is right (checked now, so they learn a mistake at once), or only a description."""
    message = (message or "").strip()
    field = (field or "").strip()
    requested_value = (requested_value or "").strip()
    errors = FieldErrors("message")  # every field checked: the form shows each refusal beside its field at once

    def refuse(text: str, code: str, name: str) -> None:
        raise ApplicationError(text, code=code, field=name)

    if field:
        if field not in CorrectableField.values:
            errors.check("field", refuse, _("This field cannot be corrected here."), "invalid", "field")
        else:
            errors.check("requested_value", correction_value_parse, field, requested_value)
        if len(requested_value) > 200:
            errors.check("requested_value", refuse, _("Keep it under 200 characters."), "too_long", "requested_value")
    elif not message:
        errors.check("message", refuse, _("Describe what is wrong."), "required", "message")
    if len(message) > 2000:
        errors.check("message", refuse, _("Keep it under 2,000 characters."), "too_long", "message")
    errors.raise_any()
    with audited(actor=talent.user, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk,
                 detail={"event": "correction_request", "field": field}) as entry:
        correction = CorrectionRequest(talent=talent, message=message, field=field, requested_value=requested_value)
        correction.full_clean()
        correction.save()
        entry.target = f"correction:{correction.pk}"
    return correction


def employment_certify(*, actor, employment: Employment) -> Employment:
    """An enterprise confirms that a registered staff member's employment record is true."""
    if not has_role(actor, Role.ENTERPRISE) or actor.enterprise_id != employment.enterprise_id \
            or employment.end_date is not None:
        raise NotFoundError()
    if employment.certified_at:
        return employment
    if employment.start_date > timezone.localdate():
        raise ApplicationError(_("%(name)s starts on %(day)s: the employment can be certified from that day.")
                               % {"name": employment.talent.name, "day": employment.start_date.isoformat()},
                               code="employment_not_started")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"employment:{employment.pk}",
                 subject_talent_id=employment.talent_id, detail={"event": "employment_certify"}):
        employment.certified_at = timezone.now()
        employment.save(update_fields=["certified_at"])
        ChangeRecord.objects.create(
            actor=actor, source=ChangeSource.FORM, entity="registry.employment", entity_id=employment.pk,
            subject_talent_id=employment.talent_id,
            changes={"certified_at": [None, employment.certified_at.isoformat()]},
        )
    return employment


def employment_record_hire(*, actor, talent: Talent, start_date: dt.date, position: str, occupation_code: str,
                           source_ref: str = "", request=None) -> tuple[Employment, bool]:
    """An enterprise user records that its enterprise hired a talent from ``start_date``: the employment is
    created (certified by the enterprise) or, when the record was already there, certified; the field history and
    the audit event are written in the same transaction. The caller vouches for the hire itself (recruitment
    calls this for an application to one of the enterprise's own jobs). Returns the record and whether it is
    new. A hire that starts later is recorded uncertified: the enterprise certifies it once the person has
    started (``employment_certify``), never before."""
    if not has_role(actor, Role.ENTERPRISE) or actor.enterprise_id is None:
        raise PermissionDeniedError()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"event": "employment_hire", "source": source_ref}) as entry:
        now = timezone.now()
        started = start_date <= timezone.localdate()
        employment, created = Employment.objects.get_or_create(
            talent=talent, enterprise_id=actor.enterprise_id, start_date=start_date,
            defaults={"position": position[:100], "occupation_code": occupation_code,
                      "certified_at": now if started else None})
        if created:
            changes = {"enterprise": [None, actor.enterprise_id], "start_date": [None, start_date.isoformat()],
                       "position": [None, employment.position], "occupation_code": [None, employment.occupation_code]}
        elif not employment.certified_at and started:
            employment.certified_at = now
            employment.save(update_fields=["certified_at"])
            changes = {"certified_at": [None, now.isoformat()]}
        else:
            changes = {}
        if changes:
            ChangeRecord.objects.create(actor=actor, source=ChangeSource.SYSTEM, source_ref=source_ref[:64],
                                        entity="registry.employment", entity_id=employment.pk,
                                        subject_talent_id=talent.pk, created=created, changes=changes)
        entry.target = f"employment:{employment.pk}"
        entry.detail["created"] = created
    return employment, created


def talent_account_link(*, actor, talent: Talent, user, request=None) -> Talent:
    """An administrator links a talent's sign-in account to their registry record (so the portal shows it). Only
    a talent account may be linked, and a record holds one account: an account linked elsewhere moves here, a
    record already linked to another account is refused (unlink that one first)."""
    if not has_role(actor, Role.ADMIN):
        raise PermissionDeniedError()
    if user.role != Role.TALENT:
        raise ApplicationError(_("Only a talent account can be linked to a person's record."), code="role_inconsistent",
                               field="talent")
    if talent.user_id and talent.user_id != user.pk:
        raise ApplicationError(_("%(name)s's record is already linked to the account %(account)s.")
                               % {"name": talent.name, "account": talent.user.username}, code="already_linked",
                               field="talent")
    previous = Talent.objects.filter(user=user).exclude(pk=talent.pk).first()
    if previous is None and talent.user_id == user.pk:
        return talent
    with audited(actor=actor, action=AuditAction.USER_CHANGE, target=f"user:{user.pk}", subject_talent_id=talent.pk,
                 request=request, detail={"event": "talent_account_link", "talent": talent.pk,
                                          "previous_talent": previous.pk if previous else None}):
        if previous:
            previous.user = None
            previous.save(update_fields=["user", "updated_at"])
            ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.talent",
                                        entity_id=previous.pk, subject_talent_id=previous.pk,
                                        changes={"user": [user.username, None]})
        talent.user = user
        talent.save(update_fields=["user", "updated_at"])
        ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.talent",
                                    entity_id=talent.pk, subject_talent_id=talent.pk,
                                    changes={"user": [None, user.username]})
    return talent


# --- household and housing facts ------------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = ("house_price", "settling_allowance", "settling_allowance_on", "income_low", "income_per_capita",
                    "income_assessed_on")


def _household_value(name: str, text: str):
    text = (text or "").strip()
    if not text:
        return None
    if name in ("house_price", "settling_allowance", "income_per_capita"):
        try:
            value = Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            value = None
        if value is None or value < 0 or value >= Decimal("1e12"):
            raise ApplicationError(_("An amount in yuan such as 450000.00, not negative."), code="invalid", field=name)
        return value
    if name == "income_low":
        if text not in ("true", "false"):
            raise ApplicationError(_("Choose yes or no."), code="invalid", field=name)
        return text == "true"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(_("A date such as 2024-07-01."), code="invalid", field=name) from None


def _refuse(message: str, field: str) -> None:
    raise ApplicationError(message, code="invalid", field=field)


def household_facts_record(*, actor, talent: Talent, values: dict[str, str], request=None) -> HouseholdFacts:
    """An officer records a person's household and housing facts (``HouseholdFacts``): each field as text, empty
    clears it. Refused unless the officer's scope holds the person; a value that does not read is refused naming
    its field, and nothing changes. The change history and the audit event are written in one transaction."""
    if not has_role(actor, Role.OFFICER) or not talent_visible_to(actor).filter(pk=talent.pk).exists():
        raise PermissionDeniedError()
    errors = FieldErrors("house_price")  # every field checked: the form shows each refusal beside its field at once
    parsed = {name: errors.check(name, _household_value, name, values.get(name, "")) for name in HOUSEHOLD_FIELDS}
    if parsed["settling_allowance_on"] is not None and parsed["settling_allowance"] is None \
            and "settling_allowance" not in errors.errors:
        errors.check("settling_allowance", _refuse, _("Give the amount received with its date."), "settling_allowance")
    if parsed["income_assessed_on"] is not None and parsed["income_low"] is None \
            and parsed["income_per_capita"] is None and "income_per_capita" not in errors.errors:
        errors.check("income_per_capita", _refuse, _("Give the per-capita income, or say whether it is below the "
                                                     "average, on the day assessed."), "income_per_capita")
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"talent:{talent.pk}", request=request,
                 subject_talent_id=talent.pk, detail={"event": "household_facts"}) as entry:
        record, _created = HouseholdFacts.objects.select_for_update().get_or_create(talent=talent)
        changes = {name: [_plain(getattr(record, name)), _plain(value)] for name, value in parsed.items()
                   if getattr(record, name) != value}
        if changes:
            for name, value in parsed.items():
                setattr(record, name, value)
            record.save()
            ChangeRecord.objects.create(actor=actor, source=ChangeSource.FORM, entity="registry.householdfacts",
                                        entity_id=record.pk, subject_talent_id=talent.pk, changes=changes)
        entry.detail["fields"] = sorted(changes)
    return record


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else str(value) if isinstance(value, Decimal) else value
