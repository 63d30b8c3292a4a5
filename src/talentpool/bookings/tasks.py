"""Background tasks of bookings: expire the waitlist offers past their time (offering the places to the next in
line) and mark no-shows. Both are safe to run twice and at the same time as requests (every move is a
conditional update under the resource's lock). Schedule ``talentpool bookings tick`` every few minutes."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .services import no_shows_mark, offers_expire


@task()
def bookings_tick_task() -> dict:
    now = timezone.now()
    return {"offers_expired": offers_expire(now=now), "no_shows": no_shows_mark(now=now)}
