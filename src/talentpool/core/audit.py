"""Writing the audit trail. Every read of a person's record by an officer goes through ``audit_record``."""

from __future__ import annotations

from typing import Any

from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None


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
