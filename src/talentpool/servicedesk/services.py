"""Writes of the service desk: raising tickets (talent, officer on behalf, objection, failed payment), replies and
internal notes, pause while waiting for the talent, resolve, rate and close, reopen, priority and assignment.

Every write checks the actor, moves the SLA clocks (``sla``) and records its audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
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
from talentpool.core.notices import Message, notify
from talentpool.core.permissions import OFFICE_ROLES, ensure_role, has_role
from talentpool.core.roles import Role
from talentpool.engines.sla import CalendarError, Escalation, china_calendar, parse_hours
from talentpool.policies.facts import talent_facts
from talentpool.registry.models import Talent
from talentpool.registry.selectors import talent_visible_to

from .assignment import mark_assigned, officer_for
from .attachments import MAX_FILES, attachment_check, attachment_size_check, seal
from .catalogue import PRIORITIES, criteria_evaluate, criterion_problems
from .models import (
    OPEN_STATUSES,
    Attachment,
    DeadlineRecompute,
    DeskOfficer,
    MessageKind,
    Office,
    Origin,
    Priority,
    Service,
    Ticket,
    TicketMessage,
    TicketStatus,
)
from .recompute import recompute_request
from .sla import calendar_known, clock_get, clock_put, marks_update, office_calendar

MINUTE = 60
SYSTEM_ORIGINS = (Origin.OBJECTION, Origin.PAYMENT)


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def uploads_from(files) -> list[Upload]:
    """Uploaded files (Django's) as Uploads: too many, or one over the size limit, refused before any is read."""
    files = list(files)
    _check_count(files)
    for f in files:
        attachment_size_check(f.name or "?", f.size or 0)
    return [Upload((f.name or "file")[:120], f.read()) for f in files]


def _check_count(uploads: list) -> None:
    if len(uploads) > MAX_FILES:
        raise ApplicationError(_("At most %(n)s files at a time") % {"n": MAX_FILES}, code="too_many_files",
                               field="files")


def _now() -> dt.datetime:
    return timezone.now()


def may_ask(talent: Talent, services: list[Service], as_of: dt.date) -> dict[int, bool | None]:
    """For each service (by pk): may this talent ask for it? None when a fact it needs is unknown."""
    facts = talent_facts(talent_id=talent.pk, as_of=as_of)
    result = criteria_evaluate({str(s.pk): s.criterion for s in services}, facts, as_of)
    return {int(k): v for k, v in result.items()}


def _targets(service: Service, priority: str) -> tuple[int, int]:
    sla = service.sla.get(priority) or {}
    try:
        return int(sla["response"]) * MINUTE, int(sla["resolution"]) * MINUTE
    except (KeyError, TypeError, ValueError):
        raise ApplicationError(_("Service %(code)s has no SLA for priority %(priority)s")
                               % {"code": service.code, "priority": priority}, code="no_sla") from None


def _attach(ticket: Ticket, message: TicketMessage | None, uploads: list[Upload], actor, *,
            internal: bool) -> list[Attachment]:
    _check_count(uploads)
    checked = [(up, attachment_check(up.name, up.data)) for up in uploads]  # every file checked before any is kept
    return [Attachment.objects.create(ticket=ticket, message=message, name=up.name[:120], content_type=content_type,
                                      size=len(up.data), sealed=seal(up.data), uploaded_by=actor,
                                      internal=internal, at=ticket_now(ticket))
            for up, content_type in checked]


def ticket_now(ticket: Ticket) -> dt.datetime:
    return getattr(ticket, "_now", None) or _now()


def _message(ticket: Ticket, actor, kind: str, body: str) -> TicketMessage:
    body = (body or "").strip()
    if not body and kind != MessageKind.EVENT:
        raise ApplicationError(_("Write a message"), code="empty_message", field="body")
    msg = TicketMessage(ticket=ticket, author=actor, kind=kind, body=body[:4000], at=ticket_now(ticket))
    msg.save()
    return msg


def _save(ticket: Ticket, now: dt.datetime) -> None:
    marks_update(ticket, now, ticket.team.office)
    try:
        ticket.full_clean(exclude=["talent", "service", "team", "assignee", "raised_by"])
    except ValidationError as exc:
        raise ApplicationError(str(exc), code="invalid") from None
    ticket.save()


def ticket_fields_check(*, body: str, priority: str = "normal", uploads: list[Upload] | None = None) -> None:
    """Every field of a new ticket checked at once: the refusals together (``core.errors.FieldErrors``), so the
    form shows each beside its field in one round trip."""
    errors = FieldErrors("body")
    if priority not in PRIORITIES:
        errors.refuse("priority", _("Unknown priority"), "bad_priority")
    if not (body or "").strip():
        errors.refuse("body", _("Write a message"), "empty_message")
    errors.check("files", lambda: [attachment_check(up.name, up.data) for up in _counted(uploads or [])])
    errors.raise_any()


def _counted(uploads: list) -> list:
    _check_count(uploads)
    return uploads


def ticket_raise(*, actor, talent: Talent, service: Service, subject: str, body: str, priority: str = "normal",
                 uploads: list[Upload] | None = None, origin: str = Origin.CATALOGUE, origin_ref: str = "",
                 request=None, now: dt.datetime | None = None) -> Ticket:
    """A talent asks for a service of the catalogue, or an officer raises one on a talent's behalf."""
    now = now or _now()
    if has_role(actor, Role.TALENT):
        if talent.user_id != actor.pk:
            raise PermissionDeniedError()
        if service.internal or not service.active:
            raise ApplicationError(_("This service is not open to requests"), code="not_open", field="service")
        allowed = may_ask(talent, [service], timezone.localdate(now)).get(service.pk)
        if allowed is not True:
            raise ApplicationError(_("Only %(who)s may ask for this service") % {"who": service.criterion_zh
                                   or service.criterion}, code="not_allowed", field="service")
        priority = Priority.NORMAL
    elif actor is None and origin in SYSTEM_ORIGINS:
        pass  # opened by the desk itself for an objection or a failed payment (see tasks.inbound_tickets)
    else:
        ensure_role(actor, *OFFICE_ROLES)
        if actor.role == Role.OFFICER and not talent_visible_to(actor).filter(pk=talent.pk).exists():
            raise NotFoundError()
        if origin == Origin.CATALOGUE:
            origin = Origin.OFFICER
    ticket_fields_check(body=body, priority=priority, uploads=uploads)
    subject = (subject or "").strip() or service.name_zh
    response, resolution = _targets(service, priority)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, subject_talent_id=talent.pk, request=request,
                 detail={"op": "ticket_raise", "service": service.code, "origin": origin}) as entry:
        assignee = officer_for(talent, service.team, skill=service.skill)
        ticket = Ticket(talent=talent, service=service, team=service.team, assignee=assignee, raised_by=actor,
                        origin=origin, origin_ref=origin_ref, subject=subject[:120], priority=priority,
                        created_at=now, response_target=response, response_since=now,
                        resolution_target=resolution, resolution_since=now)
        ticket._now = now
        _save(ticket, now)
        _message(ticket, actor, MessageKind.REPLY, body)
        _attach(ticket, None, uploads or [], actor, internal=False)
        mark_assigned(assignee)
        entry.target = f"ticket:{ticket.pk}"
        if assignee is not None:
            notify([Message(user_id=assignee.user_id, kind="servicedesk", title=_("New ticket: %(s)s") % {
                "s": ticket.subject}, url=f"/services/console/{ticket.pk}/")])
    return ticket


def ticket_from_objection(*, actor, objection, request=None, now: dt.datetime | None = None) -> Ticket:
    """Open a ticket for a talent's objection to a policy verdict (service ``policy-objection``)."""
    service = Service.objects.get(code="policy-objection")
    return ticket_raise(actor=actor, talent=objection.talent, service=service, origin=Origin.OBJECTION,
                        origin_ref=f"objection:{objection.pk}", subject=f"{service.name_zh}：{objection.policy.code}",
                        body=objection.message, request=request, now=now)


def ticket_from_failed_payment(*, actor, entitlement, request=None, now: dt.datetime | None = None) -> Ticket:
    """Open a ticket for a failed payment (service ``payment-failure``), at high priority."""
    if entitlement.status != "failed":
        raise ConflictError(_("This payment has not failed"), code="not_failed")
    service = Service.objects.get(code="payment-failure")
    body = _("Payment of %(amount)s yuan (%(policy)s) failed: %(reason)s") % {
        "amount": entitlement.amount, "policy": entitlement.policy.code, "reason": entitlement.bank_reason or "-"}
    return ticket_raise(actor=actor, talent=entitlement.talent, service=service, origin=Origin.PAYMENT,
                        origin_ref=f"entitlement:{entitlement.pk}", priority=Priority.HIGH, body=body,
                        subject=f"{service.name_zh}：{entitlement.policy.code}", request=request, now=now)


def _for_officer(actor, ticket: Ticket) -> None:
    ensure_role(actor, *OFFICE_ROLES)
    if actor.role == Role.OFFICER and not talent_visible_to(actor).filter(pk=ticket.talent_id).exists():
        raise NotFoundError()


def _for_owner(actor, ticket: Ticket) -> None:
    if not (has_role(actor, Role.TALENT) and ticket.talent.user_id == actor.pk):
        raise NotFoundError()


def _change(ticket: Ticket, actor, op: str, request, **detail):
    return audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"ticket:{ticket.pk}",
                   subject_talent_id=ticket.talent_id, request=request, detail={"op": op, **detail})


def _locked(ticket: Ticket) -> Ticket:
    return (Ticket.objects.select_for_update(of=("self",)).select_related("team__office", "service", "talent")
            .get(pk=ticket.pk))


def ticket_reply(*, actor, ticket: Ticket, body: str, internal: bool = False, uploads: list[Upload] | None = None,
                 request=None, now: dt.datetime | None = None) -> TicketMessage:
    """A reply (seen by the talent) or an internal note (officers only). An officer's first reply stops the
    response clock; the talent's reply to a ticket waiting for them starts the resolution clock again."""
    now = now or _now()
    is_talent = has_role(actor, Role.TALENT)
    (_for_owner if is_talent else _for_officer)(actor, ticket)
    if is_talent and internal:
        raise PermissionDeniedError()
    with _change(ticket, actor, "note" if internal else "reply", request):
        ticket = _locked(ticket)
        ticket._now = now
        if ticket.status == TicketStatus.CLOSED:
            raise ConflictError(_("This ticket is closed; reopen it to write"), code="closed")
        msg = _message(ticket, actor, MessageKind.NOTE if internal else MessageKind.REPLY, body)
        _attach(ticket, msg, uploads or [], actor, internal=internal)
        calendar = office_calendar(ticket.team.office)
        if is_talent:
            if ticket.status == TicketStatus.WAITING:
                clock_put(ticket, "resolution", clock_get(ticket, "resolution").resume(now))
                ticket.status = TicketStatus.OPEN
        elif not internal:
            if ticket.first_response_at is None:
                ticket.first_response_at = now
                with calendar_known():
                    clock_put(ticket, "response", clock_get(ticket, "response").stop(now, calendar))
            if ticket.status == TicketStatus.NEW:
                ticket.status = TicketStatus.OPEN
        _save(ticket, now)
        if not internal:
            _tell_other_side(ticket, actor, is_talent)
    return msg


def ticket_attach(*, actor, ticket: Ticket, uploads: list[Upload], internal: bool = False, request=None,
                  now: dt.datetime | None = None) -> list[Attachment]:
    """Files added to a ticket without a message (the API's upload): the talent to their own ticket, an officer to
    one of their district, internal (officers only) or not. Each file checked by its content and size."""
    now = now or _now()
    is_talent = has_role(actor, Role.TALENT)
    (_for_owner if is_talent else _for_officer)(actor, ticket)
    if is_talent and internal:
        raise PermissionDeniedError()
    if not uploads:
        raise ApplicationError(_("Choose a file"), code="no_file", field="files")
    with _change(ticket, actor, "attach", request, files=len(uploads), internal=internal):
        ticket = _locked(ticket)
        ticket._now = now
        if ticket.status == TicketStatus.CLOSED:
            raise ConflictError(_("This ticket is closed; reopen it to write"), code="closed")
        return _attach(ticket, None, uploads, actor, internal=internal)


def _tell_other_side(ticket: Ticket, actor, is_talent: bool) -> None:
    if is_talent and ticket.assignee_id:
        notify([Message(user_id=ticket.assignee.user_id, kind="servicedesk", title=_("The talent replied: %(s)s")
                        % {"s": ticket.subject}, url=f"/services/console/{ticket.pk}/")])
    elif not is_talent and ticket.talent.user_id:
        notify([Message(user_id=ticket.talent.user_id, kind="servicedesk", title=_("Reply to your request: %(s)s")
                        % {"s": ticket.subject}, url=f"/services/mine/{ticket.pk}/")])


def ticket_pause(*, actor, ticket: Ticket, body: str, request=None, now: dt.datetime | None = None) -> Ticket:
    """Ask the talent for something: the reply goes to them and the resolution clock stops until they answer."""
    now = now or _now()
    with transaction.atomic():  # the question and the pause together, or neither
        ticket_reply(actor=actor, ticket=ticket, body=body, request=request, now=now)
        return _pause(actor, ticket, request, now)


def _pause(actor, ticket: Ticket, request, now: dt.datetime) -> Ticket:
    with _change(ticket, actor, "pause", request):
        ticket = _locked(ticket)
        if ticket.status not in (TicketStatus.NEW, TicketStatus.OPEN):
            raise ConflictError(_("Only a ticket in progress can wait for the talent"), code="bad_status")
        with calendar_known():
            clock_put(ticket, "resolution", clock_get(ticket, "resolution").pause(now,
                                                                                   office_calendar(ticket.team.office)))
        ticket.status = TicketStatus.WAITING
        _save(ticket, now)
    return ticket


def ticket_resolve(*, actor, ticket: Ticket, body: str, request=None, now: dt.datetime | None = None) -> Ticket:
    now = now or _now()
    with transaction.atomic():  # the answer and the resolution together, or neither
        ticket_reply(actor=actor, ticket=ticket, body=body, request=request, now=now)
        return _resolve(actor, ticket, request, now)


def _resolve(actor, ticket: Ticket, request, now: dt.datetime) -> Ticket:
    with _change(ticket, actor, "resolve", request):
        ticket = _locked(ticket)
        if ticket.status not in OPEN_STATUSES:
            raise ConflictError(_("This ticket is already resolved"), code="bad_status")
        calendar = office_calendar(ticket.team.office)
        with calendar_known():
            for name in ("response", "resolution"):
                clock_put(ticket, name, clock_get(ticket, name).stop(now, calendar))
        ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, now
        _save(ticket, now)
    return ticket


def ticket_close(*, actor, ticket: Ticket, rating: int, comment: str = "", request=None,
                 now: dt.datetime | None = None) -> Ticket:
    """The talent rates the resolved ticket (1–5) and closes it."""
    now = now or _now()
    _for_owner(actor, ticket)
    if not 1 <= int(rating) <= 5:
        raise ApplicationError(_("A rating is from 1 to 5"), code="bad_rating", field="rating")
    with _change(ticket, actor, "close", request, rating=int(rating)):
        ticket = _locked(ticket)
        if ticket.status != TicketStatus.RESOLVED:
            raise ConflictError(_("Only a resolved ticket can be rated and closed"), code="bad_status")
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
        ticket.rating, ticket.rating_comment = int(rating), (comment or "").strip()[:500]
        _save(ticket, now)
    return ticket


def ticket_reopen(*, actor, ticket: Ticket, body: str, request=None, now: dt.datetime | None = None) -> Ticket:
    """The talent (or an officer) reopens a resolved or closed ticket: the resolution clock runs on from what it
    had used; the time it stood resolved is not counted."""
    now = now or _now()
    is_talent = has_role(actor, Role.TALENT)
    (_for_owner if is_talent else _for_officer)(actor, ticket)
    with _change(ticket, actor, "reopen", request):
        ticket = _locked(ticket)
        ticket._now = now
        if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            raise ConflictError(_("Only a resolved or closed ticket can be reopened"), code="bad_status")
        _message(ticket, actor, MessageKind.REPLY, body)
        clock_put(ticket, "resolution", clock_get(ticket, "resolution").restart(now))
        ticket.status, ticket.reopened = TicketStatus.OPEN, ticket.reopened + 1
        ticket.resolved_at = ticket.closed_at = ticket.rating = None
        ticket.rating_comment = ""
        _save(ticket, now)
    return ticket


def ticket_set_priority(*, actor, ticket: Ticket, priority: str, request=None,
                        now: dt.datetime | None = None) -> Ticket:
    """A new priority gives both clocks that priority's targets; the working time used so far stays used."""
    now = now or _now()
    _for_officer(actor, ticket)
    if priority not in PRIORITIES:
        raise ApplicationError(_("Unknown priority"), code="bad_priority", field="priority")
    with _change(ticket, actor, "priority", request, priority=priority):
        ticket = _locked(ticket)
        response, resolution = _targets(ticket.service, priority)
        clock_put(ticket, "response", clock_get(ticket, "response").retarget(response))
        clock_put(ticket, "resolution", clock_get(ticket, "resolution").retarget(resolution))
        ticket.priority = priority
        _save(ticket, now)
    return ticket


def ticket_assign(*, actor, ticket: Ticket, officer: DeskOfficer, request=None) -> Ticket:
    _for_officer(actor, ticket)
    if not officer.active:
        raise ConflictError(_("This officer is retired"), code="retired")
    with _change(ticket, actor, "assign", request, officer=officer.pk):
        Ticket.objects.filter(pk=ticket.pk).update(assignee=officer)
        ticket.assignee = officer
        mark_assigned(officer)
        notify([Message(user_id=officer.user_id, kind="servicedesk", title=_("Ticket assigned to you: %(s)s")
                        % {"s": ticket.subject}, url=f"/services/console/{ticket.pk}/")])
    return ticket


EDITABLE = ("name_zh", "name_en", "description_zh", "description_en", "criterion", "criterion_zh", "criterion_en",
            "materials", "team", "sla", "active")


def service_update(*, actor, service: Service, changes: dict, request=None) -> Service:
    """An officer edits a service of the catalogue: "who may ask" must be a condition the policy engine accepts,
    the SLA must give whole working minutes for every priority."""
    ensure_role(actor, *OFFICE_ROLES)
    changes = {k: v for k, v in changes.items() if k in EDITABLE}
    for key, value in changes.items():  # on a refusal the caller's copy shows what was typed; nothing is saved
        setattr(service, key, value)
    errors = FieldErrors("name_zh")  # every field checked: the form shows each refusal beside its field at once
    problems = criterion_problems(service.criterion)
    if problems:
        errors.refuse("criterion", _("Who may ask: %(p)s") % {"p": "; ".join(problems)}, "bad_criterion")
    for p in PRIORITIES:
        values = service.sla.get(p) if isinstance(service.sla, dict) else None
        if not (isinstance(values, dict) and all(isinstance(values.get(k), int) and values[k] > 0
                                                 for k in ("response", "resolution"))):
            errors.refuse("sla", _("SLA for %(p)s: whole working minutes above 0 for response and resolution")
                          % {"p": Priority(p).label}, "bad_sla")
    try:
        service.full_clean(exclude=list(errors.errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.refuse(name if name != "__all__" else "name_zh", " ".join(messages))
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"service:{service.code}", request=request,
                 detail={"op": "service_update", "fields": sorted(changes)}):
        service.save()
    return service


def office_update(*, actor, office: Office, working_hours: str, zone: str, warn_share, second_share,
                  request=None, now: dt.datetime | None = None) -> DeadlineRecompute:
    """New working hours, zone or escalation shares for an office: checked by building the calendar, then every
    open ticket of the office gets its deadlines recomputed by a task (the time already used stays used; see
    ``recompute``). Returns the recompute, queued. The office head or an administrator, like the office's teams
    and calendar days."""
    ensure_office_manager(actor, office)
    now = now or _now()
    try:
        china_calendar(zone=zone, hours=parse_hours(working_hours))
        Escalation(warn_share=float(warn_share), second_share=float(second_share))
    except (CalendarError, ValueError) as exc:
        raise ApplicationError(str(exc), code="bad_calendar", field="working_hours") from None
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"office:{office.code}", request=request,
                 detail={"op": "office_update", "hours": working_hours, "zone": zone}) as entry:
        office.working_hours, office.zone = working_hours, zone
        office.warn_share, office.second_share = warn_share, second_share
        try:
            office.full_clean()
        except ValidationError as exc:
            raise ApplicationError(str(exc), code="invalid") from None
        office.save()
        job = recompute_request(office=office, reason="office", since=None, actor=actor, now=now)
        entry.detail["recompute"] = job.pk
    return job


def ensure_office_manager(actor, office: Office | None) -> None:
    """The office's own settings (its teams, its calendar days): an administrator, or the office's head."""
    ensure_role(actor, *OFFICE_ROLES)
    if not (actor.role == Role.ADMIN or (office is not None and office.head_id == actor.pk)):
        raise PermissionDeniedError(_("Only the office head or an administrator may change this."),
                                    code="not_office_head")
