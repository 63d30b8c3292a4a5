"""Writes on accounts: each one checks the actor (administrators manage accounts), validates, and saves with its
audit event in one transaction (``core.audit.audited``)."""

from __future__ import annotations

import secrets

from axes.models import AccessAttempt
from django.conf import settings
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction
from talentpool.core.permissions import ensure_role

from .models import Role, User


def user_role_problems(user: User) -> dict[str, str]:
    """What makes an account inconsistent with its role, by field (every one at once, so a form shows them all
    beside their fields): an enterprise user needs its enterprise, an officer a division scope, and no other role
    may carry an enterprise, a scope or an officer's flag."""
    problems: dict[str, str] = {}
    role = user.role
    if role == Role.ENTERPRISE and not user.enterprise_id:
        problems["enterprise"] = _("Choose the enterprise this account works for.")
    if role != Role.ENTERPRISE and user.enterprise_id:
        problems["enterprise"] = _("Only an enterprise account is bound to an enterprise: leave it empty.")
    if role == Role.OFFICER and not user.scope_division:
        problems["scope_division"] = _("Fill in the division the officer covers.")
    if role != Role.OFFICER and user.scope_division:
        problems["scope_division"] = _("Only an officer covers a division: leave it empty.")
    if role != Role.OFFICER:
        for flag in ("is_payment_officer", "is_service_officer"):
            if getattr(user, flag):
                problems[flag] = _("Only an officer can have this flag.")
    return problems


def user_save(*, actor, user: User, changed_fields: list[str], request=None) -> User:
    ensure_role(actor, Role.ADMIN)
    problems = user_role_problems(user)
    if problems:
        field, message = next(iter(problems.items()))  # the first as it is, every one in extra["errors"]
        raise ApplicationError(message, field=field, code="role_inconsistent",
                               extra={"errors": problems} if len(problems) > 1 else None)
    created = user.pk is None
    with audited(actor=actor, action=AuditAction.USER_CHANGE, request=request,
                 detail={"created": created, "fields": sorted(changed_fields), "role": user.role}) as entry:
        if created:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        entry.target = f"user:{user.pk}"
    return user


def user_password_reset(*, actor, user: User, request=None) -> str:
    """Sets a random one-time password and returns it for the administrator to hand over (shown once, never
    stored anywhere else). The user must choose a new one at the next sign-in (``PasswordChangeRequired``)."""
    ensure_role(actor, Role.ADMIN)
    password = secrets.token_urlsafe(9)
    with audited(actor=actor, action=AuditAction.PASSWORD_RESET, target=f"user:{user.pk}", request=request):
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
    return password


def user_password_change(*, user: User, password: str, request=None) -> User:
    """The user's own new password (already validated by the form); lifts a pending forced change."""
    forced = user.must_change_password
    with audited(actor=user, action=AuditAction.USER_CHANGE, target=f"user:{user.pk}", request=request,
                 detail={"fields": ["password"], "forced": forced}):
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    return user


def user_is_locked(user: User) -> bool:
    return bool(users_locked([user]))


def users_locked(users) -> set[int]:
    """The ids of those ``users`` locked out by too many failed sign-ins, in one query (a page of the user list)."""
    by_name = {u.username: u.pk for u in users}
    if not by_name:
        return set()
    names = AccessAttempt.objects.filter(username__in=list(by_name),
                                         failures_since_start__gte=settings.AXES_FAILURE_LIMIT).values_list(
        "username", flat=True)
    return {by_name[n] for n in names}


def user_unlock(*, actor, user: User, request=None) -> int:
    ensure_role(actor, Role.ADMIN)
    with audited(actor=actor, action=AuditAction.UNLOCK, target=f"user:{user.pk}", request=request) as entry:
        removed, _counts = AccessAttempt.objects.filter(username=user.username).delete()
        entry.detail = {"attempts_cleared": removed}
    return removed


# --- demo accounts (the ``demo`` command, run by the operator: no acting user) -------------------------------------

# must_change_password stays off: the printed demo logins must keep working for everyone who tries the demo
# (docs/operations.md, "Passwords"); running the demo again also lifts a pending forced change.
DEMO_USER_DEFAULTS = {"enterprise_id": None, "scope_division": "", "is_service_officer": False,
                      "is_payment_officer": False, "is_staff": False, "is_superuser": False,
                      "must_change_password": False}


def demo_user_put(*, username: str, password_hash: str, **attrs) -> User:
    """Create or reset one demo login: active, the given hashed password, the role and bindings in ``attrs``
    (anything not given goes back to its default, so a login reused from an earlier demo holds nothing stale)."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.password = password_hash
    user.is_active = True
    for attr, value in (DEMO_USER_DEFAULTS | attrs).items():
        setattr(user, attr, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def demo_users_delete(usernames) -> int:
    """Delete the demo logins (their audit events keep the username)."""
    deleted, _counts = User.objects.filter(username__in=list(usernames)).delete()
    return deleted
