"""Who takes a ticket, and the one-to-one service officers of high-level talents.

Rules, in order: the talent's named officer, then their backup (tier A–E talents have both), skipping anyone away
or retired; otherwise an officer of the service's team, preferring those with the service's skill, the least loaded
(open tickets) first and, among equals, the one assigned longest ago (round robin). Retiring an officer hands each
of their open tickets and talents on by the same rules, so none is lost.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.accounts.models import User
from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, ConflictError
from talentpool.core.models import AuditAction
from talentpool.core.permissions import OFFICE_ROLES, ensure_role
from talentpool.core.roles import Role
from talentpool.registry.models import Talent, Tier

from .models import OPEN_STATUSES, DeskOfficer, OneToOne, Team, Ticket

HIGH_LEVEL_TEAM = "high-level"
TIERS = tuple(Tier.values)


def _available(qs: QuerySet[DeskOfficer]) -> QuerySet[DeskOfficer]:
    return qs.filter(active=True, away=False, user__is_active=True)


def officer_pick(team: Team, *, skill: str = "", exclude: tuple[int, ...] = ()) -> DeskOfficer | None:
    """The officer of ``team`` to take the next ticket (None when every member is away or retired)."""
    qs = (_available(team.officers.all()).exclude(pk__in=exclude)
          .annotate(load=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))))
    candidates = list(qs.order_by("load", F("last_assigned_at").asc(nulls_first=True), "pk")[:50])
    if skill:
        skilled = [o for o in candidates if skill in (o.skills or [])]
        candidates = skilled or candidates
    return candidates[0] if candidates else None


def officer_for(talent: Talent, team: Team, *, skill: str = "", exclude: tuple[int, ...] = ()) -> DeskOfficer | None:
    pair = OneToOne.objects.filter(talent=talent).select_related("officer__user", "backup__user").first()
    if pair is not None:
        for person in (pair.officer, pair.backup):
            if (person is not None and person.pk not in exclude and person.active and not person.away
                    and person.user.is_active):
                return person
    return officer_pick(team, skill=skill, exclude=exclude)


def mark_assigned(officer: DeskOfficer | None) -> None:
    if officer is not None:
        DeskOfficer.objects.filter(pk=officer.pk).update(last_assigned_at=timezone.now())


def one_to_one_fill(*, actor=None, team_code: str = HIGH_LEVEL_TEAM) -> int:
    """Give every tier A–E talent without one a named officer and a backup from the high-level team; returns how
    many talents got one. Safe to run twice."""
    team = Team.objects.filter(code=team_code).first()
    if team is None:
        raise ApplicationError(f"no team {team_code!r} for one-to-one service", code="no_team")
    missing = Talent.objects.filter(tier__in=TIERS, service_officer__isnull=True).order_by("pk")
    count = 0
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target="servicedesk:one-to-one",
                 detail={"op": "one_to_one_fill"}) as entry:
        for talent in missing.iterator():
            officer = officer_pick(team)
            if officer is None:
                raise ApplicationError(_no_officer_message(team), code="no_officer")
            backup = officer_pick(team, exclude=(officer.pk,))
            OneToOne.objects.create(talent=talent, officer=officer, backup=backup)
            mark_assigned(officer)
            count += 1
        entry.detail["talents"] = count
        entry.skip = count == 0
    return count


def _no_officer_message(team: Team) -> str:
    return f"team {team.code}: every officer is away or retired; nobody can take this"


def officer_set_away(*, actor, officer: DeskOfficer, away: bool, request=None) -> DeskOfficer:
    ensure_role(actor, *OFFICE_ROLES)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"desk-officer:{officer.pk}",
                 request=request, detail={"op": "away" if away else "back"}):
        officer.away = away
        officer.save(update_fields=["away"])
    return officer


def officer_retire(*, actor, officer: DeskOfficer, request=None) -> dict[str, int]:
    """Deactivate ``officer``: their open tickets and one-to-one talents go to others by the rules."""
    ensure_role(actor, *OFFICE_ROLES)
    if not officer.active:
        raise ConflictError("this officer is already retired", code="already_retired")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"desk-officer:{officer.pk}",
                 request=request, detail={"op": "retire"}) as entry:
        officer.active = False
        officer.save(update_fields=["active"])
        moved = 0
        for ticket in Ticket.objects.filter(assignee=officer, status__in=OPEN_STATUSES).select_related("team",
                                                                                                         "service"):
            new = officer_for(ticket.talent, ticket.team, skill=ticket.service.skill, exclude=(officer.pk,))
            if new is None:
                raise ApplicationError(_no_officer_message(ticket.team), code="no_officer")
            ticket.assignee = new
            ticket.save(update_fields=["assignee"])
            mark_assigned(new)
            moved += 1
        talents = 0
        for pair in OneToOne.objects.filter(Q(officer=officer) | Q(backup=officer)).select_related("officer",
                                                                                                   "backup"):
            team = Team.objects.get(code=HIGH_LEVEL_TEAM)
            if pair.officer_id == officer.pk:
                pair.officer = pair.backup if pair.backup is not None and pair.backup.active else None
                if pair.officer is None:
                    pair.officer = officer_pick(team, exclude=(officer.pk,))
                pair.backup = None
            if pair.officer is None:
                raise ApplicationError(_no_officer_message(team), code="no_officer")
            if pair.backup_id in (None, officer.pk):
                pair.backup = officer_pick(team, exclude=(officer.pk, pair.officer.pk))
            pair.manual = False  # the rules chose (one of) them now
            pair.save(update_fields=["officer", "backup", "manual"])
            talents += 1
        entry.detail.update(tickets=moved, talents=talents)
    return {"tickets": moved, "talents": talents}


def officer_join(*, actor, username: str, team: Team, skills: list[str] | None = None, request=None) -> DeskOfficer:
    """Make an officer of the actor's scope a desk officer of ``team`` (with skills), or add a team to one."""
    ensure_role(actor, *OFFICE_ROLES)
    user = User.objects.filter(username=username, role=Role.OFFICER, is_active=True).first()
    if user is None or (actor.role == Role.OFFICER and not user.scope_prefix.startswith(actor.scope_prefix)):
        raise ApplicationError(_("No active officer %(u)s in your scope") % {"u": username}, code="no_officer",
                               field="username")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"desk-officer:{user.pk}", request=request,
                 detail={"op": "join", "team": team.code}):
        officer, _created = DeskOfficer.objects.get_or_create(user=user)
        if skills is not None:
            officer.skills = [s for s in skills if s][:20]
        officer.active = True
        officer.save()
        officer.teams.add(team)
    return officer
