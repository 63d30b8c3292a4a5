from datetime import date, datetime

from ninja import Router, Schema

from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.core.schema_types import Id, Offset, limit_at_most

from .selectors import audit_event_list

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_username: str
    actor_role: str
    action: str
    target: str
    subject_talent_id: int | None
    ip_address: str | None
    detail: dict


@router.get("/events", response=list[AuditEventOut], summary="Search the audit trail (administrators)")
def audit_events(request, actor: str = "", action: str = "", subject_talent_id: Id | None = None,
                 date_from: date | None = None, date_to: date | None = None, limit: limit_at_most(500) = 100,
                 offset: Offset = 0):
    ensure_role(request.user, Role.ADMIN)
    limit = max(1, min(limit, 500))
    qs = audit_event_list(actor=actor, action=action, subject_talent_id=subject_talent_id,
                          date_from=date_from, date_to=date_to)
    return list(qs[offset: offset + limit])
