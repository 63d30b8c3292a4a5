"""The SLA sweep: every open ticket's state brought up to now, set-based. Each ticket carries the next instant the
sweep has to act on (``next_check_at``: its warning, its breach, its second-level escalation, see
``sla.next_check``); the sweep reads that one index range, counts per person whom to tell in one grouped query, and
moves every due ticket in one UPDATE (state, level, when it was escalated, its next instant). The people concerned
are told once per sweep (the assignee of tickets near breach, the team lead at a breach, the office head at the
second level) and one audit event summarises the sweep; each escalated ticket keeps the instant in
``escalated_at``, so the event's tickets can be found again. Safe to run twice: a ticket already marked has moved
its next instant on and is neither marked nor reported again."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db.models import Case, CharField, Count, DateTimeField, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction
from talentpool.core.notices import Message, notify
from talentpool.eligibility.models import Entitlement, Status
from talentpool.policies.models import Objection, ObjectionStatus

from .assignment import one_to_one_fill
from .models import OPEN_STATUSES, DeskOfficer, SlaState, Team, Ticket
from .recompute import recompute_resume
from .services import SYSTEM_ORIGINS, ticket_from_failed_payment, ticket_from_objection

log = logging.getLogger(__name__)


def _moves(now: dt.datetime) -> dict[str, Q]:
    """What the sweep does to a due ticket, as conditions on its row at ``now``: a first breach goes to the team
    lead, a second level to the office head (both in one sweep when it is that late); a breach already escalated
    is only marked; a ticket still on time past its warning instant warns its assignee."""
    due, second = Q(due_at__lte=now), Q(escalate_at__lte=now)
    level_2 = Q(escalation__lt=2) & second
    level_1 = Q(escalation=0) & due
    return {"escalated_1": level_1, "escalated_2": level_2,
            "breached": Q(sla_state__in=(SlaState.OK, SlaState.WARNING)) & due & ~level_1 & ~level_2,
            "warned": Q(sla_state=SlaState.OK, warn_at__lte=now) & ~due}


WHO = {"warned": "assignee", "escalated_1": "lead", "escalated_2": "head"}


def _counts(due, moves: dict[str, Q]) -> tuple[dict[str, int], dict[str, Counter]]:
    """How many tickets each move touches, in all and per person to tell: one grouped query over the ticket rows
    alone (by assignee and team), then the few teams' leads and heads and the assignees' accounts."""
    # grouped by expressions, not bare columns: SQLite would otherwise walk a foreign-key index of the whole table
    # to group in order instead of reading the few due rows from the next-instant index
    rows = list(due.order_by().values(by_assignee=Coalesce("assignee_id", 0), by_team=Coalesce("team_id", 0))
                .annotate(**{k: Count("pk", filter=q) for k, q in moves.items()}))
    teams = {t["pk"]: t for t in Team.objects.filter(pk__in={r["by_team"] for r in rows})
             .values("pk", "lead_id", "office__head_id")}
    users = dict(DeskOfficer.objects.filter(pk__in={r["by_assignee"] for r in rows}).values_list("pk", "user_id"))
    counts = dict.fromkeys(moves, 0)
    people: dict[str, Counter] = {k: Counter() for k in WHO}
    for row in rows:
        team = teams[row["by_team"]]
        whom = {"assignee": users.get(row["by_assignee"]), "lead": team["lead_id"], "head": team["office__head_id"]}
        for key in moves:
            counts[key] += row[key]
            if key in WHO and row[key] and whom[WHO[key]]:
                people[key][whom[WHO[key]]] += row[key]
    return counts, people


def _move(due, now: dt.datetime) -> int:
    """One UPDATE: the new state and level of every due ticket, and its next instant (see ``sla.next_check``)."""
    past_second, past_due = Q(escalate_at__lte=now), Q(due_at__lte=now)
    escalating = (Q(escalation__lt=2) & past_second) | (Q(escalation=0) & past_due)
    return due.update(
        escalation=Case(When(past_second, then=Value(2)), When(Q(escalation=0) & past_due, then=Value(1)),
                        default=F("escalation"), output_field=IntegerField()),
        sla_state=Case(When(past_due, then=Value(SlaState.BREACHED.value)),
                       When(Q(sla_state=SlaState.OK, warn_at__lte=now), then=Value(SlaState.WARNING.value)),
                       default=F("sla_state"), output_field=CharField()),
        escalated_at=Case(When(escalating, then=Value(now)), default=F("escalated_at"),
                          output_field=DateTimeField()),
        next_check_at=Case(When(past_second, then=Value(None)), When(past_due, then=F("escalate_at")),
                           When(warn_at__lte=now, then=F("due_at")), default=F("next_check_at"),
                           output_field=DateTimeField()))


def sla_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    # only running tickets have a next instant (``sla.next_check``): the one index range is the whole question
    due = Ticket.objects.filter(next_check_at__lte=now)
    with audited(actor=None, action=AuditAction.RECORD_CHANGE, target="servicedesk:sla-sweep",
                 detail={"op": "sla_sweep", "at": now.isoformat()}) as entry:
        counts, people = _counts(due, _moves(now))
        moved = _move(due, now) if any(counts.values()) else 0
        messages = []
        for key, title in (("warned", _("%(n)s of your tickets are near their SLA deadline")),
                           ("escalated_1", _("%(n)s tickets of your team breached their SLA")),
                           ("escalated_2", _("%(n)s tickets are escalated to you: far past their SLA"))):
            messages += [Message(user_id=uid, kind="servicedesk", title=title % {"n": n}, url="/services/console/")
                         for uid, n in people[key].items()]
        notify(messages)
        entry.detail.update(counts, tickets=moved, told=len(messages))
        entry.skip = not moved
    return {**counts, "open": Ticket.objects.filter(status__in=OPEN_STATUSES).count()}


def inbound_tickets(now: dt.datetime | None = None) -> int:
    """Open a ticket for every open objection to a policy verdict and every failed payment that has none yet
    (the desk reads the other apps; they need not know it exists). Safe to run twice."""
    now = now or timezone.now()
    taken = set(Ticket.objects.filter(origin__in=SYSTEM_ORIGINS).values_list("origin_ref", flat=True))
    made = 0
    for objection in Objection.objects.filter(status=ObjectionStatus.OPEN).select_related("talent", "policy"):
        if f"objection:{objection.pk}" not in taken:
            ticket_from_objection(actor=None, objection=objection, now=now)
            made += 1
    for line in Entitlement.objects.filter(status=Status.FAILED).select_related("talent", "policy"):
        if f"entitlement:{line.pk}" not in taken:
            ticket_from_failed_payment(actor=None, entitlement=line, now=now)
            made += 1
    return made


@task()
def sla_sweep_task() -> dict[str, int]:
    """Scheduled (e.g. every five minutes, see docs/operations.md): deadline recomputes whose worker died taken
    up again, tickets for new objections and failed payments, then ``sla_sweep`` at the current time."""
    resumed = recompute_resume()
    now = timezone.now()
    made = inbound_tickets(now)
    return {"recomputes_resumed": resumed, "inbound": made, "one_to_one": one_to_one_keep(), **sla_sweep(now)}


def one_to_one_keep() -> int:
    """Give new tier A–E talents their named officer; 0 (and a log line) when the team has nobody present."""
    try:
        return one_to_one_fill()
    except ApplicationError as exc:
        log.warning("one-to-one officers not assigned: %s", exc.message)
        return 0
