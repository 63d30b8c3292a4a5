"""The SLA sweep: every open ticket's state brought up to now by comparing the instants its clocks computed
(warning, breach, second-level escalation) with now, in four bulk updates; the people concerned are told once per
sweep (the assignee of a ticket near breach, the team lead at a breach, the office head at the second level).
Safe to run twice: a ticket already marked is not marked or reported again."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from talentpool.core.audit import audited
from talentpool.core.models import AuditAction
from talentpool.core.notices import Message, notify
from talentpool.eligibility.models import Entitlement, Status
from talentpool.policies.models import Objection, ObjectionStatus

from .models import OPEN_STATUSES, SlaState, Ticket
from .services import SYSTEM_ORIGINS, ticket_from_failed_payment, ticket_from_objection


def sla_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    running = Ticket.objects.filter(status__in=("new", "open"))
    with audited(actor=None, action=AuditAction.RECORD_CHANGE, target="servicedesk:sla-sweep",
                 detail={"op": "sla_sweep"}) as entry:
        second = running.filter(escalate_at__lte=now, escalation__lt=2)
        second_people = Counter(second.values_list("team__office__head_id", flat=True))
        n2 = second.update(escalation=2, sla_state=SlaState.BREACHED)
        first = running.filter(due_at__lte=now, escalation__lt=1)
        first_people = Counter(first.values_list("team__lead_id", flat=True))
        n1 = first.update(escalation=1, sla_state=SlaState.BREACHED)
        breached = running.filter(due_at__lte=now).exclude(sla_state=SlaState.BREACHED).update(
            sla_state=SlaState.BREACHED)
        warn = running.filter(warn_at__lte=now, sla_state=SlaState.OK)
        warn_people = Counter(warn.values_list("assignee__user_id", flat=True))
        nw = warn.update(sla_state=SlaState.WARNING)
        messages = []
        for people, title in ((warn_people, _("%(n)s of your tickets are near their SLA deadline")),
                              (first_people, _("%(n)s tickets of your team breached their SLA")),
                              (second_people, _("%(n)s tickets are escalated to you: far past their SLA"))):
            messages += [Message(user_id=uid, kind="servicedesk", title=title % {"n": n}, url="/services/console/")
                         for uid, n in people.items() if uid]
        notify(messages)
        entry.detail.update(warned=nw, escalated_1=n1, escalated_2=n2, breached=breached)
        entry.skip = not (nw or n1 or n2 or breached)
    return {"warned": nw, "escalated_1": n1, "escalated_2": n2, "breached": breached,
            "open": Ticket.objects.filter(status__in=OPEN_STATUSES).count()}


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
    """Scheduled (e.g. every five minutes, see docs/operations.md): tickets for new objections and failed
    payments, then ``sla_sweep`` at the current time."""
    now = timezone.now()
    made = inbound_tickets(now)
    return {"inbound": made, **sla_sweep(now)}
