"""Writing the audit trail, and the one way a service writes.

Every service that changes something does it inside ``audited(...)``: the helper opens the transaction, the body
makes the change, and the audit event is recorded in the same transaction when the body ends. If the body raises,
nothing is written; if the audit write fails, the change is rolled back with it. Notifications, emails and tasks
started by the body go through ``transaction.on_commit`` (``core.notices.notify`` does), so nobody is told of a
change that did not happen. Reads that must be audited (an officer opening a person's record) call
``audit_record`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from .inserts import insert_row
from .models import AuditAction, AuditEvent
from .pagecache import each_time


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


def audit_read(request, *, action: AuditAction | str, target: str = "", subject_talent_id: int | None = None,
               detail: dict[str, Any] | None = None) -> None:
    """A read by the request's user, written to the audit trail: again each time the response is served from the
    kept responses (``core.pagecache.each_time``), with that request's address."""
    each_time(request, _audit_read, action=str(action), target=target, subject_talent_id=subject_talent_id,
              detail=dict(detail or {}))


def _audit_read(request, *, action: str, target: str, subject_talent_id: int | None, detail: dict) -> None:
    """The read's event, as ``audit_record`` writes it, by one prepared INSERT (``core.inserts``): it runs on every
    serve of a kept page, where the ORM's insert was a third of the serve."""
    actor = request.user
    if not getattr(actor, "is_authenticated", False):
        audit_record(actor=actor, action=action, target=target, subject_talent_id=subject_talent_id,
                     request=request, detail=detail)
        return
    insert_row(AuditEvent, actor=actor.pk, actor_username=actor.get_username(), actor_role=getattr(actor, "role", ""),
               action=action, target=target, subject_talent_id=subject_talent_id, ip_address=client_ip(request),
               detail=detail)


@dataclass
class AuditEntry:
    """The audit event a write will record; the body fills in what it learns (the new record's key, counts)."""

    action: AuditAction | str
    target: str = ""
    subject_talent_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    skip: bool = False  # set when the body ended up changing nothing (no event is recorded)


@contextmanager
def audited(*, actor, action: AuditAction | str, target: str = "", subject_talent_id: int | None = None,
            request=None, detail: dict[str, Any] | None = None) -> Iterator[AuditEntry]:
    """``with audited(actor=..., action=...) as entry:`` — change things, fill ``entry``; the event is recorded
    in the same transaction as the change (see the module's docstring)."""
    entry = AuditEntry(action=action, target=target, subject_talent_id=subject_talent_id, detail=dict(detail or {}))
    with transaction.atomic():
        yield entry
        if not entry.skip:
            audit_record(actor=actor, action=entry.action, target=entry.target,
                         subject_talent_id=entry.subject_talent_id, request=request, detail=entry.detail)
