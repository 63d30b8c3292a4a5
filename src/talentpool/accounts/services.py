"""Writes on accounts: each one checks the actor, validates, saves and audits in one transaction."""

from __future__ import annotations

import secrets

from axes.models import AccessAttempt
from django.db import transaction
from django.utils.translation import gettext as _

from talentpool.core.audit import audit_record
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction

from .models import Role, User


def user_save(*, actor, user: User, changed_fields: list[str], request=None) -> User:
    if user.role == Role.ENTERPRISE and not user.enterprise_id:
        raise ApplicationError(_("An enterprise user must be bound to an enterprise."), field="enterprise")
    if user.role == Role.OFFICER and not user.scope_division:
        raise ApplicationError(_("An officer must have a division scope."), field="scope_division")
    with transaction.atomic():
        created = user.pk is None
        if created:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit_record(
            actor=actor, action=AuditAction.USER_CHANGE, target=f"user:{user.pk}", request=request,
            detail={"created": created, "fields": sorted(changed_fields), "role": user.role},
        )
    return user


def user_password_reset(*, actor, user: User, request=None) -> str:
    """Sets a random one-time password and returns it for the administrator to hand over."""
    password = secrets.token_urlsafe(9)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action=AuditAction.PASSWORD_RESET, target=f"user:{user.pk}", request=request)
    return password


def user_is_locked(user: User) -> bool:
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def user_unlock(*, actor, user: User, request=None) -> int:
    with transaction.atomic():
        removed, _ = AccessAttempt.objects.filter(username=user.username).delete()
        audit_record(actor=actor, action=AuditAction.UNLOCK, target=f"user:{user.pk}", request=request,
                     detail={"attempts_cleared": removed})
    return removed


# --- demo accounts (the ``demo`` command, run by the operator: no acting user) -------------------------------------

DEMO_USER_DEFAULTS = {"enterprise_id": None, "scope_division": "", "is_service_officer": False,
                      "is_payment_officer": False, "is_staff": False, "is_superuser": False}


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
