"""Teams of service officers and the one-to-one officers named by hand.

A team belongs to the office: the office head (or an administrator) creates it, renames it and sets its lead; the
lead too may set who is in it and their skills (life stages they know, preferred when a ticket of that skill is
assigned). A talent's one-to-one officer and backup are given by the rules (``assignment``) unless the office head
or the lead of the high-level team names them by hand; a pair named by hand is kept as it is by the rules (only
retiring one of its officers hands the talent on). Every write checks the actor and is audited.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from talentpool.accounts.models import User
from talentpool.core.audit import audited
from talentpool.core.errors import (
    ApplicationError,
    ConflictError,
    FieldErrors,
    NotFoundError,
    PermissionDeniedError,
)
from talentpool.core.models import AuditAction
from talentpool.core.permissions import OFFICE_ROLES, ensure_role
from talentpool.core.roles import Role
from talentpool.registry.models import Talent
from talentpool.registry.selectors import talent_visible_to

from .assignment import HIGH_LEVEL_TEAM
from .models import DeskOfficer, LifeStage, Office, OneToOne, Team
from .services import ensure_office_manager

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,29}$")
SKILLS = frozenset(LifeStage.values)


def _lead(username: str) -> User | None:
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, role=Role.OFFICER, is_active=True).first()
    if user is None:
        raise ApplicationError(_("No active officer %(u)s") % {"u": username}, code="no_officer", field="lead")
    return user


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ApplicationError(_("A team name of 1 to 80 characters"), code="bad_name", field="name")
    return name


def _raise(exc: ApplicationError) -> None:
    raise exc


def team_create(*, actor, office: Office, code: str, name: str, lead_username: str = "", request=None) -> Team:
    ensure_office_manager(actor, office)
    code = (code or "").strip().lower()
    errors = FieldErrors("code")  # every field checked: the form shows each refusal beside its field at once
    if not CODE.match(code):
        errors.refuse("code", _("A code of 2 to 30 lower-case letters, digits or hyphens"), "bad_code")
    elif Team.objects.filter(code=code).exists():
        errors.check("code", _raise, ConflictError(_("There is already a team %(c)s") % {"c": code}, code="taken",
                                                   field="code"))
    name, lead = errors.check("name", _name, name), errors.check("lead", _lead, lead_username)
    errors.raise_any()
    team = Team(office=office, code=code, name=name, lead=lead)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"team:{code}", request=request,
                 detail={"op": "team_create", "name": team.name, "lead": team.lead_id}):
        team.save()
    return team


def team_update(*, actor, team: Team, name: str, lead_username: str, request=None) -> Team:
    """Rename the team and set its lead (office head or administrator)."""
    ensure_office_manager(actor, team.office)
    errors = FieldErrors("name")
    name, lead = errors.check("name", _name, name), errors.check("lead", _lead, lead_username)
    errors.raise_any()
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"team:{team.code}", request=request,
                 detail={"op": "team_update", "name": [team.name, name], "lead": [team.lead_id, lead and lead.pk]}):
        team.name, team.lead = name, lead
        team.save(update_fields=["name", "lead"])
    return team


def _skills(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in SKILLS]
    if unknown:
        raise ApplicationError(_("Unknown skills %(s)s: use the life stages (%(all)s)")
                               % {"s": ", ".join(unknown), "all": ", ".join(sorted(SKILLS))}, code="bad_skill",
                               field="skills")
    return sorted(set(values))


def team_members_set(*, actor, team: Team, members: dict[int, list[str]], request=None) -> Team:
    """Who is in the team (desk officers by id) and each member's skills; officers left out leave the team (their
    open tickets stay with them until reassigned). The office head, an administrator or the team's lead."""
    ensure_role(actor, *OFFICE_ROLES)
    if team.lead_id != actor.pk:
        ensure_office_manager(actor, team.office)
    officers = {o.pk: o for o in DeskOfficer.objects.filter(pk__in=members, active=True)}
    missing = sorted(set(members) - set(officers))
    if missing:
        raise ApplicationError(_("No active desk officer %(ids)s") % {"ids": ", ".join(map(str, missing))},
                               code="no_officer", field="members")
    skills = {pk: _skills(values) for pk, values in members.items()}
    before = sorted(team.officers.values_list("pk", flat=True))
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"team:{team.code}", request=request,
                 detail={"op": "team_members", "before": before, "after": sorted(officers),
                         "skills": {str(k): v for k, v in skills.items()}}):
        team.officers.set(officers.values())
        for pk, officer in officers.items():
            if officer.skills != skills[pk]:
                officer.skills = skills[pk]
                officer.save(update_fields=["skills"])
    return team


def may_name_officers(actor) -> bool:
    """The office head or the lead of the high-level team (officers who see the talents)."""
    if actor.role != Role.OFFICER:
        return False
    return User.objects.filter(  # both asked in one statement
        Exists(Office.objects.filter(head=OuterRef("pk"))) |
        Exists(Team.objects.filter(code=HIGH_LEVEL_TEAM, lead=OuterRef("pk"))), pk=actor.pk).exists()


def one_to_one_set(*, actor, talent: Talent, officer: DeskOfficer, backup: DeskOfficer | None,
                   request=None) -> OneToOne:
    """Name a talent's one-to-one officer and backup by hand, overriding the rules (a talent of the actor's
    district; any active desk officer, the two different)."""
    ensure_role(actor, Role.OFFICER)
    if not talent_visible_to(actor).filter(pk=talent.pk).exists():
        raise NotFoundError()
    if not may_name_officers(actor):
        raise PermissionDeniedError(_("Only the office head or the lead of the high-level team names officers."),
                                    code="not_lead")
    for person, field in ((officer, "officer"), (backup, "backup")):
        if person is not None and not person.active:
            raise ConflictError(_("%(o)s is retired") % {"o": person}, code="retired", field=field)
    if backup is not None and backup.pk == officer.pk:
        raise ApplicationError(_("The backup must be another officer"), code="same_officer", field="backup")
    pair = OneToOne.objects.filter(talent=talent).first() or OneToOne(talent=talent)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"one-to-one:{talent.pk}",
                 subject_talent_id=talent.pk, request=request,
                 detail={"op": "one_to_one_set", "before": [pair.officer_id, pair.backup_id] if pair.pk else None,
                         "after": [officer.pk, backup and backup.pk]}):
        pair.officer, pair.backup, pair.manual = officer, backup, True
        try:
            pair.full_clean(exclude=["talent", "officer", "backup"])
        except ValidationError as exc:
            raise ApplicationError(str(exc), code="invalid") from None
        pair.save()
    return pair
