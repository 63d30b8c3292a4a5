"""Reads of the service desk: the catalogue with what a talent may ask for, a talent's tickets and officer, the
officer's queue (sorted by time to breach), a ticket as its reader may see it, the team lead's dashboard."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from talentpool.accounts.models import User
from talentpool.core.errors import NotFoundError
from talentpool.core.permissions import OFFICE_ROLES, has_role
from talentpool.core.roles import Role
from talentpool.registry.models import Talent, Tier
from talentpool.registry.selectors import talent_visible_to

from .attachments import unseal
from .load import open_load
from .models import (
    OPEN_STATUSES,
    Attachment,
    CalendarException,
    DayKind,
    DeskOfficer,
    LifeStage,
    MessageKind,
    Office,
    OneToOne,
    Priority,
    Service,
    SlaState,
    Team,
    Ticket,
    TicketStatus,
)
from .services import may_ask


def talent_of(user) -> Talent | None:
    return Talent.objects.filter(user=user).first() if has_role(user, Role.TALENT) else None


@dataclass
class StageGroup:
    stage: str
    label: str
    services: list[tuple[Service, bool | None]]


# what a catalogue card shows of a service (the talent's page): not its SLA, materials or team
CARD_FIELDS = ("id", "code", "life_stage", "name_zh", "name_en", "description_zh", "description_en",
               "criterion", "criterion_zh", "criterion_en")


def catalogue_for(user, *, stage: str = "", as_of: dt.date | None = None,
                  fields: tuple[str, ...] | None = None) -> list[StageGroup]:
    """Active services by life stage; for a talent, with whether they may ask for each (internal ones hidden).
    ``fields``: only these columns of each service (``team__code`` for its team's code), else whole rows."""
    qs = Service.objects.filter(active=True)
    if fields is None:
        qs = qs.select_related("team")
    else:
        qs = qs.only(*fields)
        if any(f.startswith("team__") for f in fields):
            qs = qs.select_related("team")
    if stage:
        qs = qs.filter(life_stage=stage)
    # the talent's id is all "who may ask" needs (not the whole registry row)
    talent = Talent.objects.filter(user=user).only("id").first() if has_role(user, Role.TALENT) else None
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


def ticket_reachable(user, pk: int) -> int:
    """The ticket's id when ``user`` may read it (404 otherwise), without loading it (its files' pages need no more)."""
    found = list(tickets_visible_to(user).select_related(None).filter(pk=pk).order_by().values_list("pk", flat=True)[:1])
    if not found:
        raise NotFoundError()
    return found[0]


def ticket_get(user, pk: int) -> Ticket:
    ticket = tickets_visible_to(user).filter(pk=pk).first()
    if ticket is None:
        raise NotFoundError()
    return ticket


def ticket_messages(user, ticket: Ticket, *, files: bool = True) -> list:
    """The thread its reader may see (a talent: no internal notes); with ``files`` each message's attachments."""
    qs = ticket.messages.select_related("author")
    if files:
        qs = qs.prefetch_related("attachments")
    if not has_role(user, *OFFICE_ROLES):
        qs = qs.exclude(kind=MessageKind.NOTE)
    return list(qs)


def ticket_files(user, ticket: Ticket | int) -> list[Attachment]:
    """The ticket's files (by the ticket or its id) without their content, those of internal notes to the office."""
    qs = Attachment.objects.filter(ticket=ticket).defer("sealed")
    if not has_role(user, *OFFICE_ROLES):
        qs = qs.filter(internal=False)
    return list(qs)


def attachment_content(user, pk: int) -> tuple[Attachment, bytes]:
    """A file its reader may see, with its content, in one statement: the file's row where its ticket is among
    the reader's (a talent: not a file of an internal note). 404 otherwise, whichever check failed."""
    qs = Attachment.objects.filter(
        pk=pk, ticket__in=tickets_visible_to(user).select_related(None).order_by().values("pk")).order_by()
    if not has_role(user, *OFFICE_ROLES):
        qs = qs.filter(internal=False)
    found = list(qs[:1])
    if not found:
        raise NotFoundError()
    return found[0], unseal(found[0].sealed)


# what is shown of a talent's pair: each officer's name (``DeskOfficer.__str__``) and whether they are away
PAIR_FIELDS = ("id", "officer__away", "officer__user__display_name", "officer__user__username",
               "backup__away", "backup__user__display_name", "backup__user__username")


def my_officer(user) -> OneToOne | None:
    """The talent's pair, read by the talent's account (one query: the talent's row is not needed)."""
    if not has_role(user, Role.TALENT):
        return None
    return (OneToOne.objects.filter(talent__user=user).select_related("officer__user", "backup__user")
            .only(*PAIR_FIELDS).first())


def desk_officer_of(user) -> DeskOfficer | None:
    return DeskOfficer.objects.filter(user=user).first() if has_role(user, *OFFICE_ROLES) else None


QUEUE_PAGE = 50


def queue_for(user, *, scope: str = "open", mine: bool = False, state: str = "") -> QuerySet[Ticket]:
    """The officer's queue: open tickets by time to breach (those without a running deadline, paused ones, after
    them), ties by raising time and id; with ``scope="all"`` every ticket, newest first. See ``queue_page``."""
    qs = tickets_visible_to(user)
    if mine:
        qs = qs.filter(assignee__user=user)
    if state in SlaState.values:
        qs = qs.filter(sla_state=state)
    if scope != "open":
        return qs.order_by("-id")
    return qs.filter(status__in=OPEN_STATUSES).order_by(F("due_at").asc(nulls_last=True), "created_at", "id")


# what a queue row shows: the ticket's own columns, the talent's name, the assignee's names (not the whole rows)
ROW_FIELDS = ("id", "subject", "priority", "status", "sla_state", "escalation", "due_at", "created_at", "talent_id",
              "assignee_id", "talent__name", "assignee__user__display_name", "assignee__user__username")


def queue_rows(tickets: list[Ticket]) -> list[Ticket]:
    """Each ticket with its labels (priority, status, SLA state, assignee) as plain text, each choice translated
    once per page rather than once per row (a lazy label costs a translation lookup each time it is shown)."""
    labels = {field: {v: str(label) for v, label in choices} for field, choices in (
        ("priority", Priority.choices), ("status", TicketStatus.choices), ("sla_state", SlaState.choices))}
    for t in tickets:
        t.priority_label = labels["priority"].get(t.priority, t.priority)
        t.status_label = labels["status"].get(t.status, t.status)
        t.sla_label = labels["sla_state"].get(t.sla_state, t.sla_state)
        t.assignee_name = (t.assignee.user.display_name or t.assignee.user.username) if t.assignee_id else ""
        t.due_label = timezone.localtime(t.due_at).strftime("%Y-%m-%d %H:%M") if t.due_at else ""
    return tickets


def queue_page(user, *, scope: str = "open", mine: bool = False, state: str = "", after: int | None = None,
               size: int = QUEUE_PAGE) -> tuple[list[Ticket], int | None]:
    """One page of ``queue_for`` starting after the ticket ``after`` (keyset: no offset to count through), and
    the ticket the next page starts after (None on the last page).

    The open queue is read in the order of the partial index ``desk_ticket_queue`` (open tickets by deadline,
    raising time, id), never sorted: first the tickets with a deadline from the mark on (``due_at >=`` bounds
    the index range), then, if the page is not full, those without (``due_at IS NULL``, the index's last part).
    So a page costs its own rows at any number of open tickets."""
    qs = (queue_for(user, scope=scope, mine=mine, state=state).select_related(None)
          .select_related("talent", "assignee__user").only(*ROW_FIELDS))
    mark = Ticket.objects.filter(pk=after).values("due_at", "created_at", "pk").first() if after else None
    if scope != "open":
        rows = list((qs.filter(pk__lt=mark["pk"]) if mark else qs)[:size + 1])
        return queue_rows(rows[:size]), (rows[size - 1].pk if len(rows) > size else None)
    after_mark = Q()
    if mark is not None:
        after_mark = Q(created_at__gt=mark["created_at"]) | Q(created_at=mark["created_at"], pk__gt=mark["pk"])
    rows: list[Ticket] = []
    if mark is None or mark["due_at"] is not None:
        dated = qs.filter(due_at__isnull=False)
        if mark is not None:
            due = mark["due_at"]
            dated = dated.filter(due_at__gte=due).filter(Q(due_at__gt=due) | after_mark)
        rows = list(dated[:size + 1])
    if len(rows) <= size:
        undated = qs.filter(due_at__isnull=True)
        if mark is not None and mark["due_at"] is None:
            undated = undated.filter(after_mark)
        rows += list(undated.order_by("created_at", "id")[:size + 1 - len(rows)])
    return queue_rows(rows[:size]), (rows[size - 1].pk if len(rows) > size else None)


def officers_for(user) -> QuerySet[DeskOfficer]:
    return DeskOfficer.objects.filter(active=True).select_related("user").order_by("user__username")


# what a ticket at risk shows on the dashboard (its assignee chosen in the officers' list, not loaded)
AT_RISK_FIELDS = ("id", "subject", "sla_state", "escalation", "due_at", "created_at", "assignee_id")


def dashboard_for(user) -> dict:
    """Workload and SLA per officer and per team, for the team lead (tickets in the officer's scope): the open
    tickets from the maintained counts (``load.open_load``: exact, a few rows whatever the number of tickets), the
    closed ones in one aggregate over their partial index."""
    visible = tickets_visible_to(user)
    per_officer: dict[int, Counter] = defaultdict(Counter)
    per_team: dict[int, Counter] = defaultdict(Counter)
    unassigned = 0
    scoped = has_role(user, Role.OFFICER) and bool(user.scope_prefix)
    for row in open_load(user.scope_prefix if scoped else ""):
        for counter in (per_officer[row["assignee_id"]], per_team[row["team_id"]]):
            counter["open"] += row["n"]
            counter[row["sla_state"]] += row["n"]
        unassigned += row["n"] if row["assignee_id"] is None else 0
    officers = list(DeskOfficer.objects.select_related("user").order_by("user__username"))
    for o in officers:
        c = per_officer[o.pk]
        o.open, o.breached, o.warning = c["open"], c[SlaState.BREACHED], c[SlaState.WARNING]
    teams = list(Team.objects.order_by("code"))
    for t in teams:
        t.open, t.breached = per_team[t.pk]["open"], per_team[t.pk][SlaState.BREACHED]
    done = visible.filter(status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED)).order_by().aggregate(
        n=Count("pk"), met=Count("pk", filter=Q(sla_state=SlaState.MET)), rating=Avg("rating"))
    at_risk = (visible.filter(Q(sla_state__in=(SlaState.WARNING, SlaState.BREACHED)) | Q(assignee__isnull=True),
                              status__in=OPEN_STATUSES)
               .order_by(F("due_at").asc(nulls_last=True), "created_at", "id")
               .select_related(None).only(*AT_RISK_FIELDS)[:50])
    return {"officers": officers, "teams": teams, "at_risk": list(at_risk),
            "met_share": round(100 * done["met"] / done["n"]) if done["n"] else None, "done": done["n"],
            "rating": done["rating"], "unassigned": unassigned}


def teams_with_members() -> list[Team]:
    """The teams with their members, each member with ``skill_labels`` (the life stages they know, by name)."""
    members = Prefetch("officers", queryset=DeskOfficer.objects.select_related("user").order_by("pk"))  # + accounts
    teams = list(Team.objects.select_related("office", "lead").prefetch_related(members).order_by("code"))
    labels = dict(LifeStage.choices)
    for team in teams:
        for officer in team.officers.all():
            officer.skill_labels = [str(labels.get(s, s)) for s in officer.skills or []]
    return teams


def lead_candidates() -> QuerySet[User]:
    """Who may lead a team: the active desk officers' accounts."""
    return (User.objects.filter(role=Role.OFFICER, is_active=True, desk_officer__active=True)
            .order_by("username"))


# what a one-to-one row shows: the talent's record number, name and tier, and the pair (its officers are named from
# the office's few officers, read once: not two officers and two accounts built per row)
ONE_TO_ONE_FIELDS = ("id", "name", "tier", "service_officer__id", "service_officer__talent_id",
                     "service_officer__officer_id", "service_officer__backup_id", "service_officer__manual")


def one_to_one_rows(user, *, q: str = "", limit: int = 100) -> list[Talent]:
    """Talents of the officer's district with a tier (A–E), by tier, then those named without one; with ``q`` (a record
    number or part of a name) any talent of the district that matches. Each with ``service_officer`` loaded (its
    officer and backup by id only)."""
    qs = talent_visible_to(user).select_related("service_officer").only(*ONE_TO_ONE_FIELDS)
    if q:
        qs = qs.filter(pk=int(q)) if q.isdigit() else qs.filter(name__icontains=q)
        return list(qs.order_by("tier", "pk")[:limit])
    # Tiered talents first (A to E, by the tier index), then the named talents without a tier (by the one-to-one
    # table, a row per named talent; only when the page is not full). One query on "tier in A-E or named" sorted
    # by tier put the blank tier first and made PostgreSQL test each of the 270,000 untiered talents of a
    # 400,000-talent district for a named officer (1.2 s per request).
    rows = list(qs.filter(tier__in=Tier.values).order_by("tier", "pk")[:limit])
    if len(rows) < limit:
        rows += qs.filter(tier="", service_officer__isnull=False).order_by("service_officer__id")[:limit - len(rows)]
    return rows


def calendar_days(office: Office) -> list[CalendarException]:
    """The office's entered days by date; they also become the office's exceptions (``sla.office_exceptions``,
    what the years' table counts), so a page showing both reads them once."""
    days = list(CalendarException.objects.filter(office=office).select_related("updated_by").order_by("day"))
    office._calendar_exceptions = tuple((d.day, d.kind == DayKind.WORKDAY) for d in days)
    return days
