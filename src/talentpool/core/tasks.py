"""The in-process task backend: like django-tasks' immediate backend, but each task runs in a daemon thread
after the enqueuing transaction commits, so a page that starts a long job returns at once and shows progress.
Tests use the immediate backend (synchronous); production may use a worker (see docs/operations.md)."""

from __future__ import annotations

import threading

from django.db import close_old_connections, transaction
from django_tasks.backends.immediate import ImmediateBackend


class ThreadBackend(ImmediateBackend):
    def _execute_task(self, task_result) -> None:
        def work():
            close_old_connections()
            try:
                ImmediateBackend._execute_task(self, task_result)
            finally:
                close_old_connections()

        transaction.on_commit(lambda: threading.Thread(target=work, daemon=True, name="talentpool-task").start())
