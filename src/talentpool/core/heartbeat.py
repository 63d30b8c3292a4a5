"""A sign of life for long jobs (eligibility runs, registry imports), and the "interrupted" state read from it.

A job that runs in a worker (a task thread, ``db_worker``, the command line) stamps ``heartbeat_at`` on its own
row every ``HEARTBEAT_EVERY`` seconds while it works, from a thread of its own, so the stamp keeps coming while
the job is busy in one long step (reading a large file, evaluating the registry) and stops the moment the process
dies (SIGKILL, a crashed server, a restart). A job whose status is *running* and whose last stamp is older than
``STALE_AFTER`` has lost its worker: pages, the API and the command line show it as *interrupted* and offer to
resume it, instead of showing "running" until someone gives up.

The stamping thread uses its own database connection (Django's connections are per thread) and closes it when
the job ends. A stamp that cannot be written (SQLite busy past its timeout, a PostgreSQL row lock held past
``lock_timeout`` by a chunk transaction) is skipped and tried again on the next beat: a heartbeat never stops the
job it watches. When the caller holds a transaction open, another connection could neither see rows made in it
nor update rows it locked, so the row is stamped once through the caller's own connection and no thread starts;
the same for an in-memory SQLite database (the test settings), where two connections writing at once fail
instead of waiting. Jobs run by the task runner or the command line hold no transaction around the whole job.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from types import TracebackType

from django.db import DatabaseError, connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = float(os.environ.get("TALENTPOOL_HEARTBEAT_SECONDS", "15"))
STALE_AFTER = dt.timedelta(seconds=float(os.environ.get("TALENTPOOL_HEARTBEAT_STALE_SECONDS", "60")))
# A stamp waits at most this long for a lock held by the job's own chunk transaction, then waits for the next beat.
LOCK_WAIT_SECONDS = 10

# The derived status value shown for a running job whose worker stopped (it is never stored).
INTERRUPTED = "interrupted"
INTERRUPTED_LABEL = _("Interrupted")


def heartbeat_stale(heartbeat_at: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """No sign of life for longer than ``STALE_AFTER`` (or never any)."""
    return heartbeat_at is None or heartbeat_at < (now or timezone.now()) - STALE_AFTER


def heartbeat_stale_q(field: str = "heartbeat_at", *, now: dt.datetime | None = None) -> Q:
    """The same test as ``heartbeat_stale``, for a queryset filter."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": (now or timezone.now()) - STALE_AFTER})


class Heartbeat:
    """``with Heartbeat(Run.objects.filter(pk=run.pk, status="running")):`` stamps ``field`` with the current
    time on the rows of the queryset (re-evaluated at each beat, so a status filter stops the stamps once the
    job has moved on) at once and then every ``every`` seconds, until the block ends.

    ``threaded`` None decides as the module's docstring says; True or False forces it (tests of the thread)."""

    def __init__(self, rows: QuerySet, *, field: str = "heartbeat_at", every: float | None = None,
                 threaded: bool | None = None):
        self.rows = rows
        self.field = field
        self.every = HEARTBEAT_EVERY if every is None else every
        self.threaded = threaded
        self.beats = 0  # stamps written, for tests and logs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _use_thread(self) -> bool:
        if self.threaded is not None:
            return self.threaded
        conn = connections[self.rows.db]
        in_memory = conn.vendor == "sqlite" and conn.is_in_memory_db()
        return not (conn.in_atomic_block or in_memory)

    def stamp(self) -> bool:
        """Write one stamp through this thread's connection; False when it could not be written now."""
        conn = connections[self.rows.db]
        nested = conn.in_atomic_block
        try:
            with transaction.atomic(using=self.rows.db):  # a savepoint inside the caller's transaction
                if conn.vendor == "postgresql" and not nested:
                    with conn.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
                self.rows.update(**{self.field: timezone.now()})
        except DatabaseError as exc:
            log.warning("heartbeat of %s skipped: %s", self.rows.model._meta.label, exc)
            return False
        self.beats += 1
        return True

    def _beat(self) -> None:
        try:
            while True:
                self.stamp()
                if self._stop.wait(self.every):
                    return
        finally:
            connections.close_all()  # this thread's connections only (they are per thread)

    def __enter__(self) -> Heartbeat:
        if not self._use_thread():
            self.stamp()
            return self
        name = f"heartbeat-{self.rows.model._meta.model_name}"
        self._thread = threading.Thread(target=self._beat, name=name, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            # A stamp in flight may wait for a lock; the thread then ends on its own and closes its connection.
            self._thread.join(timeout=LOCK_WAIT_SECONDS + 1)
