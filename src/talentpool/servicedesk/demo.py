"""Demo service desk on top of a demo district: the ``officer`` and ``service`` logins as desk officers of every
team (``officer`` leads them, ``city`` heads the office), named officers for every tier A–E talent and for the
``talent`` login, and tickets at every stage raised over the last working days — the ``talent`` login's own with a
reply, a file and a rated, closed one — then one SLA sweep.

``demo_servicedesk(seed, today=None)`` returns counts, or ``{"skipped": reason}`` when the day is beyond the
working calendar's years (chinesecalendar knows 2004–2026)."""

from __future__ import annotations

import base64
import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from talentpool.accounts.models import User
from talentpool.engines.sla import CalendarRangeError, china_calendar
from talentpool.registry.models import Talent

from . import services
from .assignment import one_to_one_fill
from .models import DeskOfficer, Office, OneToOne, Service, Team, Ticket
from .services import Upload
from .tasks import sla_sweep

SH = ZoneInfo("Asia/Shanghai")
# a 1×1 PNG, the demo's uploaded "photo of the CV"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
ASKS = ["请问需要准备哪些材料？", "想了解办理进度。", "材料已准备好，请安排办理。", "能否预约下周面谈？"]


def _officers() -> tuple[DeskOfficer, DeskOfficer] | None:
    users = {u.username: u for u in User.objects.filter(username__in=["officer", "service", "city"])}
    if "officer" not in users or "service" not in users:
        return None
    lead, _ = DeskOfficer.objects.get_or_create(user=users["officer"], defaults={"skills": ["policy"]})
    service, _ = DeskOfficer.objects.get_or_create(user=users["service"], defaults={"skills": ["children",
                                                                                              "medical"]})
    for team in Team.objects.all():
        team.officers.add(lead, service)
    Team.objects.update(lead=users["officer"])
    if "city" in users:
        Office.objects.update(head=users["city"])
    return lead, service


def demo_servicedesk(seed: int = 1, *, today: dt.date | None = None) -> dict:
    officers = _officers()
    if officers is None:
        return {"skipped": "no demo officers"}
    lead, service_officer = officers
    today = today or timezone.localdate()
    calendar = china_calendar()
    try:
        calendar.working_index(dt.datetime.combine(today, dt.time(12), tzinfo=SH))
    except CalendarRangeError as exc:
        return {"skipped": str(exc)}
    rng = random.Random(seed)
    Ticket.objects.filter(talent__district__startswith=lead.user.scope_prefix).delete()
    named = one_to_one_fill()
    me = Talent.objects.filter(user__username="talent").first()
    if me is not None and not OneToOne.objects.filter(talent=me).exists():
        OneToOne.objects.create(talent=me, officer=service_officer, backup=lead)
    now = dt.datetime.combine(today, dt.time(10), tzinfo=SH)
    start = calendar.add(now, -5 * 7 * 3600)  # five working days back
    catalogue = list(Service.objects.filter(active=True, internal=False, criterion=""))
    people = list(Talent.objects.filter(district__startswith=lead.user.scope_prefix)
                  .filter(~Q(user__username="talent")).order_by("pk")[:200])
    made = 0
    if me is not None:
        made += _talent_tickets(me, start, now)
    for i in range(min(36, len(people))):
        when = calendar.add(start, rng.randrange(0, 5 * 7 * 3600, 900))
        ticket = services.ticket_raise(actor=lead.user, talent=people[i], service=rng.choice(catalogue), subject="",
                                       body=rng.choice(ASKS), priority=rng.choice(["low", "normal", "normal", "high"]),
                                       now=when)
        _advance(ticket, i % 6, rng, calendar, when, now)
        made += 1
    swept = sla_sweep(now)
    return {"tickets": made, "one_to_one": named, **{k: v for k, v in swept.items() if k != "open"}}


def _talent_tickets(me: Talent, start: dt.datetime, now: dt.datetime) -> int:
    user = me.user
    cv = Service.objects.get(code="resume-clinic")
    first = services.ticket_raise(actor=user, talent=me, service=cv, subject="简历修改", body="请帮我看看简历。",
                                  uploads=[Upload("简历照片.png", PNG)], now=start)
    services.ticket_reply(actor=first.assignee.user, ticket=first, body="已收到，建议突出项目经历。",
                          now=start + dt.timedelta(hours=2))
    done = services.ticket_raise(actor=user, talent=me, service=Service.objects.get(code="residence-permit"),
                                 subject="", body="居住证如何办理？", now=start + dt.timedelta(hours=1))
    services.ticket_resolve(actor=done.assignee.user, ticket=done, body="请携带身份证到服务中心办理。",
                            now=start + dt.timedelta(days=1))
    services.ticket_close(actor=user, ticket=done, rating=5, comment="很快", now=now - dt.timedelta(hours=1))
    return 2


def _advance(ticket: Ticket, step: int, rng: random.Random, calendar, when: dt.datetime, now: dt.datetime) -> None:
    """Move a demo ticket on: 0 new, 1 answered, 2 waiting for the talent, 3 resolved, 4 closed, 5 reopened."""
    officer = ticket.assignee.user
    later = min(calendar.add(when, rng.randrange(1800, 4 * 3600, 900)), now)
    if step == 0:
        return
    if step == 2:
        services.ticket_pause(actor=officer, ticket=ticket, body="请补充材料。", now=later)
        return
    services.ticket_reply(actor=officer, ticket=ticket, body="收到，正在办理。", now=later)
    if step >= 3:
        services.ticket_resolve(actor=officer, ticket=ticket, body="已办结。", now=min(later + dt.timedelta(hours=3),
                                                                                     now))
    if step == 4 and ticket.talent.user is not None:
        services.ticket_close(actor=ticket.talent.user, ticket=ticket, rating=rng.randint(3, 5), now=now)
    if step == 5:
        services.ticket_reopen(actor=officer, ticket=ticket, body="仍有疑问，重新处理。", now=now)
