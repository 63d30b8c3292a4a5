"""Background tasks of the registry, defined beside their work (``importing``) and named here for callers that
look for an app's tasks. With the default backend they run in-process on enqueue; with a worker backend they run
there. Either way they are safe to run twice (see ``import_job_run``)."""

from __future__ import annotations

from .importing import import_job_run_task

__all__ = ["import_job_run_task"]
