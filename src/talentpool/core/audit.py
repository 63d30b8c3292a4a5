"""Writing the audit trail. Every read of a person's record by an officer goes through ``audit_record``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is believed only behind our own proxy (TALENTPOOL_BEHIND_PROXY),
    where the proxy appends the real address last; otherwise anyone could claim any address."""
    if request is None:
        return None
    if settings.TALENTPOOL_BEHIND_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    target: str = "",
    subject_talent_id: int | None = None,
    request=None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_role=getattr(actor, "role", "") if authenticated else "",
        action=action,
        target=target,
        subject_talent_id=subject_talent_id,
        ip_address=client_ip(request),
        detail=detail or {},
    )
