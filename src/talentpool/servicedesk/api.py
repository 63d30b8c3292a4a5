"""One-stop service desk: the service catalogue by life stage, tickets under SLA on the working calendar,
one-to-one service officers (/api/v1/services/).

Talents: the catalogue with what they may ask for, their officer, their tickets (never internal notes), asking,
replying, rating and closing, reopening. Officers: the queue of their district sorted by time to breach, any
ticket of it with notes, raising on a talent's behalf, replies and notes, priority. Files of a ticket: listed,
uploaded (checked by content and size) and downloaded by the same readers; a talent never gets a file of an internal
note. Others get 403; a ticket or file out of reach 404."""

from __future__ import annotations

import json

from django.http import HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.responses import NinjaJSONEncoder

from talentpool.core.downloads import file_response
from talentpool.core.errors import NotFoundError
from talentpool.core.paging import EXACT_BELOW, planner_rows
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.registry.selectors import talent_visible_to

from . import selectors, services
from .models import Attachment, Ticket
from .schemas import (
    AttachmentOut,
    CloseIn,
    MyTicketPage,
    OfficerOut,
    OfficerTicketOut,
    PriorityChange,
    RaiseIn,
    ReopenIn,
    ReplyIn,
    ServiceOut,
    TicketDetail,
    TicketPage,
)

router = Router(tags=["servicedesk"])


# the columns ``_ticket`` reads (the queue loads only these: not the talents' nor the services' whole rows)
API_ROW_FIELDS = ("id", "subject", "service__code", "status", "priority", "origin", "created_at", "first_response_at",
                  "resolved_at", "assignee__user__display_name", "assignee__user__username", "rating", "reopened",
                  "talent_id", "sla_state", "escalation", "response_due_at", "resolution_due_at")


def _ticket(t: Ticket, officer: bool) -> dict:
    out = {"id": t.pk, "subject": t.subject, "service": t.service.code, "status": t.status, "priority": t.priority,
           "origin": t.origin, "created_at": t.created_at, "first_response_at": t.first_response_at,
           "resolved_at": t.resolved_at, "assignee": str(t.assignee) if t.assignee else None, "rating": t.rating,
           "reopened": t.reopened}
    if officer:
        out.update(talent_id=t.talent_id, sla_state=t.sla_state, escalation=t.escalation,
                   response_due_at=t.response_due_at, resolution_due_at=t.resolution_due_at)
    return out


# the queue's rows as plain values (no ticket, service, officer and account objects built per row: 200 rows)
QUEUE_VALUES = ("id", "subject", "service__code", "status", "priority", "origin", "created_at", "first_response_at",
                "resolved_at", "assignee_id", "assignee__user__display_name", "assignee__user__username", "rating",
                "reopened", "talent_id", "sla_state", "escalation", "response_due_at", "resolution_due_at")


def _queue_item(row: dict) -> dict:
    """``_ticket(t, True)`` of a row of ``QUEUE_VALUES`` (the assignee named as ``DeskOfficer.__str__`` does)."""
    name = row.pop("assignee__user__display_name")
    username = row.pop("assignee__user__username")
    row["assignee"] = (name or username) if row.pop("assignee_id") is not None else None
    row["service"] = row.pop("service__code")
    return row


def _detail(request, pk: int) -> dict:
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    # the ticket's columns the answer shows (not the talent's, team's and accounts' whole rows), its thread without
    # the files (they have their own endpoint)
    t = (selectors.tickets_visible_to(request.user).select_related(None).select_related("service", "assignee__user")
         .only(*API_ROW_FIELDS).filter(pk=pk).first())
    if t is None:
        raise NotFoundError()
    officer = request.user.role == Role.OFFICER
    return {"ticket": _ticket(t, officer),
            "messages": [{"kind": m.kind, "author": (m.author.display_name or m.author.username) if m.author else "",
                          "body": m.body, "at": m.at}
                         for m in selectors.ticket_messages(request.user, t, files=False)]}


# the answer's fields in the order of ``ServiceOut`` (the service's own columns, then its team and "may ask")
CATALOGUE_OUT = ("code", "life_stage", "name_zh", "name_en", "description_zh", "description_en", "criterion_zh",
                 "criterion_en", "materials")


@router.get("/catalogue", response=list[ServiceOut], summary="The service catalogue by life stage (talents: with "
                                                            "whether they may ask)")
def catalogue(request, stage: str = ""):
    """Answered as JSON text made here: every value is already of its ``ServiceOut`` type (text, the materials'
    list, a yes/no/unknown), and ninja's check of 40 services against the schema cost more than reading them
    (tests/integration/servicedesk/test_desk_reads.py checks the answer against the schema)."""
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    items = [{**{f: getattr(s, f) for f in CATALOGUE_OUT}, "team": s.team.code, "may_ask": may}
             for g in selectors.catalogue_for(request.user, stage=stage[:16],
                                              fields=(*selectors.CARD_FIELDS, "materials", "team__code"))
             for s, may in g.services]
    return HttpResponse(json.dumps(items, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8")


@router.get("/me/officer", response=OfficerOut, summary="My one-to-one service officer (talents)")
def my_officer(request):
    ensure_role(request.user, Role.TALENT)
    pair = selectors.my_officer(request.user)
    if pair is None:
        raise NotFoundError()
    return {"officer": str(pair.officer), "officer_away": pair.officer.away,
            "backup": str(pair.backup) if pair.backup else None}


@router.get("/me/tickets", response=MyTicketPage, summary="My requests (talents)")
def my_tickets(request):
    ensure_role(request.user, Role.TALENT)
    qs = selectors.tickets_visible_to(request.user)
    return {"count": qs.count(), "items": [_ticket(t, False) for t in qs[:200]]}


@router.get("/tickets", response=TicketPage, summary="The queue of my district, by time to breach (officers)")
def queue(request, mine: bool = False, state: str = ""):
    ensure_role(request.user, Role.OFFICER)
    qs = selectors.queue_for(request.user, mine=mine, state=state[:10]).select_related(None)
    guess = planner_rows(qs)  # counting 100,000 open tickets per request would cost more than the page
    items = [_queue_item(row) for row in qs.values(*QUEUE_VALUES)[:200]]
    if guess is not None and guess >= EXACT_BELOW:
        return {"count": guess, "count_estimated": True, "items": items}
    return {"count": qs.count(), "items": items}


@router.get("/tickets/{int:pk}", response=TicketDetail, summary="A ticket and its messages (internal notes for "
                                                                "officers only)")
def ticket_detail(request, pk: int):
    return _detail(request, pk)


@router.post("/tickets", response={201: TicketDetail}, summary="Ask for a service (talents) or raise one on a "
                                                                "talent's behalf (officers)")
def ticket_raise(request, payload: RaiseIn):
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    service = selectors.service_get(payload.service, user=request.user)
    if request.user.role == Role.TALENT:
        talent = selectors.talent_of(request.user)
    else:
        talent = talent_visible_to(request.user).filter(pk=payload.talent_id or 0).first()
    if talent is None:
        raise NotFoundError()
    t = services.ticket_raise(actor=request.user, talent=talent, service=service, subject=payload.subject,
                              body=payload.body, priority=payload.priority, request=request)
    return Status(201, _detail(request, t.pk))


@router.post("/tickets/{int:pk}/replies", response={201: TicketDetail}, summary="Reply, or an internal note "
                                                                                "(officers)")
def ticket_reply(request, pk: int, payload: ReplyIn):
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    t = selectors.ticket_get(request.user, pk)
    services.ticket_reply(actor=request.user, ticket=t, body=payload.body, internal=payload.internal,
                          request=request)
    return Status(201, _detail(request, pk))


@router.post("/tickets/{int:pk}/close", response=TicketDetail, summary="Rate and close a resolved ticket (talents)")
def ticket_close(request, pk: int, payload: CloseIn):
    ensure_role(request.user, Role.TALENT)
    services.ticket_close(actor=request.user, ticket=selectors.ticket_get(request.user, pk), rating=payload.rating,
                          comment=payload.comment, request=request)
    return _detail(request, pk)


@router.post("/tickets/{int:pk}/reopen", response=TicketDetail, summary="Reopen a resolved or closed ticket")
def ticket_reopen(request, pk: int, payload: ReopenIn):
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    services.ticket_reopen(actor=request.user, ticket=selectors.ticket_get(request.user, pk), body=payload.body,
                           request=request)
    return _detail(request, pk)


@router.post("/tickets/{int:pk}/priority", response=OfficerTicketOut, summary="Change the priority (officers)")
def ticket_priority(request, pk: int, payload: PriorityChange):
    ensure_role(request.user, Role.OFFICER)
    t = services.ticket_set_priority(actor=request.user, ticket=selectors.ticket_get(request.user, pk),
                                     priority=payload.priority, request=request)
    return _ticket(t, True)


def _file(a: Attachment) -> dict:
    return {"id": a.pk, "ticket": a.ticket_id, "name": a.name, "content_type": a.content_type, "size": a.size,
            "at": a.at, "internal": a.internal}


@router.get("/tickets/{int:pk}/attachments", response=list[AttachmentOut],
            summary="A ticket's files (a talent: their own tickets', never those of internal notes)")
def attachment_list(request, pk: int):
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    return [_file(a) for a in selectors.ticket_files(request.user, selectors.ticket_reachable(request.user, pk))]


@router.post("/tickets/{int:pk}/attachments", response={201: list[AttachmentOut]},
             summary="Upload files to a ticket: PDF, PNG or JPEG judged by their content, at most 5 MB each and 5 at a "
                     "time (officers may mark them internal)")
def attachment_upload(request, pk: int, files: File[list[UploadedFile]], internal: Form[bool] = False):
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    ticket = selectors.ticket_get(request.user, pk)
    items = services.ticket_attach(actor=request.user, ticket=ticket, uploads=services.uploads_from(files),
                                   internal=internal, request=request)
    return Status(201, [_file(a) for a in items])


@router.get("/attachments/{int:pk}", summary="Download a file (sent as an attachment, never cached; a talent: not "
                                             "a file of an internal note)")
def attachment_download(request, pk: int):
    ensure_role(request.user, Role.TALENT, Role.OFFICER)
    item, data = selectors.attachment_content(request.user, pk)
    return file_response(data, filename=item.name, content_type=item.content_type)
