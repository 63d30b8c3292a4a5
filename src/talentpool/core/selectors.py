from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from .lookups import values_in
from .models import AuditEvent


def audit_event_list(
    *, actor: str = "", action: str = "", subject_talent_id: int | None = None,
    subject_talent_ids: list[int] | None = None,
    date_from: date | None = None, date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if actor:
        qs = qs.filter(actor_username=actor)
    if action:
        qs = qs.filter(action=action)
    if subject_talent_id is not None:
        qs = qs.filter(subject_talent_id=subject_talent_id)
    if subject_talent_ids is not None:
        qs = qs.filter(values_in("subject_talent_id", subject_talent_ids))
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs
