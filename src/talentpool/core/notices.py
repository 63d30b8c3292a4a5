"""Notices to users: stored for the in-app list, and sent by email after the transaction commits (in the
background task runner, so approving 14,000 lines does not wait for a mail server)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Notice


@dataclass(frozen=True)
class Message:
    user_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notify(messages: Iterable[Message]) -> int:
    """Store the notices and send their emails once the current transaction commits."""
    rows = Notice.objects.bulk_create(
        [Notice(user_id=m.user_id, kind=m.kind, title=m.title[:200], body=m.body, url=m.url[:300]) for m in messages],
        batch_size=2000)
    ids = [r.pk for r in rows if r.pk is not None]
    if ids:
        transaction.on_commit(lambda: notices_email_task.enqueue(notice_ids=ids))
    return len(rows)


def notices_email(*, notice_ids: list[int]) -> int:
    """Email the notices not emailed yet (to users with an address); returns how many were sent."""
    pending = []
    for start in range(0, len(notice_ids), 2000):
        pending += list(Notice.objects.filter(pk__in=notice_ids[start:start + 2000], emailed_at__isnull=True)
                        .select_related("user"))
    site = getattr(settings, "TALENTPOOL_SITE_URL", "").rstrip("/")
    mails, sent = [], []
    for n in pending:
        address = n.user.email
        if not address:
            continue
        body = n.body + (f"\n\n{site}{n.url}" if n.url and site else "")
        mails.append(EmailMessage(subject=n.title, body=body, to=[address]))
        sent.append(n.pk)
    if mails:
        with get_connection() as connection:
            connection.send_messages(mails)
    done = [n.pk for n in pending]
    for start in range(0, len(done), 2000):
        Notice.objects.filter(pk__in=done[start:start + 2000]).update(emailed_at=timezone.now())
    return len(sent)


@task()
def notices_email_task(notice_ids: list[int]) -> int:
    return notices_email(notice_ids=notice_ids)


def unread_count(user, *, fresh: bool = False) -> int:
    """The user's unread notices. Counted once per request: the figure is kept on the user object, which lives as
    long as its request, so the navigation badge and the home page share one query, which is the request's user
    load itself when the sign-in backend counted them there (``unread_notices_at_load``, accounts/backends.py).
    ``fresh=True`` counts again (after marking notices read in the same request)."""
    if not fresh and not hasattr(user, "_unread_notices") and hasattr(user, "unread_notices_at_load"):
        user._unread_notices = user.unread_notices_at_load
    if fresh or not hasattr(user, "_unread_notices"):
        user._unread_notices = Notice.objects.filter(user=user, read_at__isnull=True).count()
    return user._unread_notices
