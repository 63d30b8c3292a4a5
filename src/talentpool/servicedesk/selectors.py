"""Reads of the service desk: the catalogue with what a talent may ask for, a talent's tickets and officer, the
officer's queue (sorted by time to breach), a ticket as its reader may see it, the team lead's dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from talentpool.accounts.models import User
from talentpool.core.errors import NotFoundError
from talentpool.core.permissions import OFFICE_ROLES, has_role
from talentpool.core.roles import Role
from talentpool.registry.models import Talent, Tier
from talentpool.registry.selectors import talent_visible_to

from .attachments import unseal
from .models import (
    OPEN_STATUSES,
    Attachment,
    CalendarException,
    DeskOfficer,
    LifeStage,
    MessageKind,
    Office,
    OneToOne,
    Service,
    SlaState,
    Team,
    Ticket,
)
from .services import may_ask


def talent_of(user) -> Talent | None:
    return Talent.objects.filter(user=user).first() if has_role(user, Role.TALENT) else None


@dataclass
class StageGroup:
    stage: str
    label: str
    services: list[tuple[Service, bool | None]]


def catalogue_for(user, *, stage: str = "", as_of: dt.date | None = None) -> list[StageGroup]:
    """Active services by life stage; for a talent, with whether they may ask for each (internal ones hidden)."""
    qs = Service.objects.filter(active=True).select_related("team")
    if stage:
        qs = qs.filter(life_stage=stage)
    talent = talent_of(user)
    if talent is not None:
        qs = qs.filter(internal=False)
    services = list(qs)
    allowed = may_ask(talent, services, as_of or timezone.localdate()) if talent is not None else {}
    groups = []
    for value, label in LifeStage.choices:
        items = [(s, allowed.get(s.pk)) for s in services if s.life_stage == value]
        if items:
            groups.append(StageGroup(value, str(label), items))
    return groups


def service_get(code: str, *, user) -> Service:
    service = Service.objects.filter(code=code, active=True).select_related("team").first()
    if service is None or (service.internal and not has_role(user, *OFFICE_ROLES)):
        raise NotFoundError()
    return service


def tickets_visible_to(user) -> QuerySet[Ticket]:
    base = Ticket.objects.select_related("service", "team", "assignee__user", "talent")
    if has_role(user, Role.TALENT):
        return base.filter(talent__user=user)
    if has_role(user, Role.OFFICER) and user.scope_prefix:
        return base.filter(talent__district__startswith=user.scope_prefix)
    return base.none()


def ticket_get(user, pk: int) -> Ticket:
    ticket = tickets_visible_to(user).filter(pk=pk).first()
    if ticket is None:
        raise NotFoundError()
    return ticket


def ticket_messages(user, ticket: Ticket) -> list:
    qs = ticket.messages.select_related("author").prefetch_related("attachments")
    if not has_role(user, *OFFICE_ROLES):
        qs = qs.exclude(kind=MessageKind.NOTE)
    return list(qs)


def ticket_files(user, ticket: Ticket) -> list[Attachment]:
    qs = ticket.attachments.defer("sealed")
    if not has_role(user, *OFFICE_ROLES):
        qs = qs.filter(internal=False)
    return list(qs)


def attachment_content(user, pk: int) -> tuple[Attachment, bytes]:
    item = Attachment.objects.filter(pk=pk).select_related("ticket").first()
    if item is None or (item.internal and not has_role(user, *OFFICE_ROLES)):
        raise NotFoundError()
    ticket_get(user, item.ticket_id)
    return item, unseal(item.sealed)


def my_officer(user) -> OneToOne | None:
    talent = talent_of(user)
    if talent is None:
        return None
    return OneToOne.objects.filter(talent=talent).select_related("officer__user", "backup__user").first()


def desk_officer_of(user) -> DeskOfficer | None:
    return DeskOfficer.objects.filter(user=user).first() if has_role(user, *OFFICE_ROLES) else None


def queue_for(user, *, scope: str = "open", mine: bool = False, state: str = "") -> QuerySet[Ticket]:
    """The officer's queue: open tickets first by time to breach (paused ones after), then the rest."""
    qs = tickets_visible_to(user)
    if scope == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if mine:
        qs = qs.filter(assignee__user=user)
    if state in SlaState.values:
        qs = qs.filter(sla_state=state)
    return qs.order_by(F("due_at").asc(nulls_last=True), "created_at")


def officers_for(user) -> QuerySet[DeskOfficer]:
    return DeskOfficer.objects.filter(active=True).select_related("user").order_by("user__username")


def dashboard_for(user) -> dict:
    """Workload and SLA per officer and per team, for the team lead (tickets in the officer's scope)."""
    visible = tickets_visible_to(user)
    open_q = Q(tickets__status__in=OPEN_STATUSES, tickets__in=visible)
    officers = (DeskOfficer.objects.select_related("user").order_by("user__username")
                .annotate(open=Count("tickets", filter=open_q),
                          breached=Count("tickets", filter=open_q & Q(tickets__sla_state=SlaState.BREACHED)),
                          warning=Count("tickets", filter=open_q & Q(tickets__sla_state=SlaState.WARNING))))
    teams = (Team.objects.order_by("code")
             .annotate(open=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES, tickets__in=visible)),
                       breached=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES,
                                                          tickets__sla_state=SlaState.BREACHED,
                                                          tickets__in=visible))))
    done = visible.exclude(status__in=OPEN_STATUSES)
    met = done.filter(sla_state=SlaState.MET).count()
    total_done = done.count()
    at_risk = (visible.filter(Q(sla_state__in=(SlaState.WARNING, SlaState.BREACHED)) | Q(assignee__isnull=True),
                              status__in=OPEN_STATUSES)
               .order_by(F("due_at").asc(nulls_last=True), "created_at")[:50])
    return {"officers": list(officers), "teams": list(teams), "at_risk": list(at_risk),
            "met_share": round(100 * met / total_done) if total_done else None, "done": total_done,
            "rating": done.aggregate(r=Avg("rating"))["r"],
            "unassigned": visible.filter(status__in=OPEN_STATUSES, assignee__isnull=True).count()}


def teams_with_members() -> list[Team]:
    """The teams with their members, each member with ``skill_labels`` (the life stages they know, by name)."""
    teams = list(Team.objects.select_related("office", "lead").prefetch_related("officers__user").order_by("code"))
    labels = dict(LifeStage.choices)
    for team in teams:
        for officer in team.officers.all():
            officer.skill_labels = [str(labels.get(s, s)) for s in officer.skills or []]
    return teams


def lead_candidates() -> QuerySet[User]:
    """Who may lead a team: the active desk officers' accounts."""
    return (User.objects.filter(role=Role.OFFICER, is_active=True, desk_officer__active=True)
            .order_by("username"))


def one_to_one_rows(user, *, q: str = "", limit: int = 100) -> list[Talent]:
    """Talents of the officer's district with a named officer or a tier (A–E), by tier; with ``q`` (a record
    number or part of a name) any talent of the district that matches. Each with ``service_officer`` loaded."""
    qs = talent_visible_to(user).select_related("service_officer__officer__user", "service_officer__backup__user")
    if q:
        qs = qs.filter(pk=int(q)) if q.isdigit() else qs.filter(name__icontains=q)
    else:
        qs = qs.filter(Q(tier__in=Tier.values) | Q(service_officer__isnull=False))
    return list(qs.order_by("tier", "pk")[:limit])


def calendar_days(office: Office) -> list[CalendarException]:
    return list(CalendarException.objects.filter(office=office).select_related("updated_by").order_by("day"))
