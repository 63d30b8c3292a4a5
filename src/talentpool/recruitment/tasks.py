"""Background tasks of recruitment: building the match index, which a request never does (see ``matching``).

``match_index_build_enqueue`` asks for one build at a time across processes (a claim file beside the saved
index); the task builds from the database, saves the index for every process to load and releases the claim,
also when it fails. Safe to run twice: a second build only writes a newer copy.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver
from django_tasks import task

from talentpool.registry.signals import import_finished

from .matching import build_claim, build_release, live_index, rebuild_requested

log = logging.getLogger(__name__)


@task()
def match_index_build_task() -> dict:
    """Build the match index from the database and save it for every process to load."""
    try:
        info = live_index().rebuild(save=True)
    finally:
        build_release()
    return {"talents": info.talents, "jobs": info.jobs, "seconds": round(info.seconds, 2)}


def match_index_build_enqueue() -> bool:
    """Ask for the background build unless one is already asked for (in any process); True when asked now."""
    if not build_claim():
        return False
    try:
        match_index_build_task.enqueue()
    except Exception:
        build_release()
        raise
    return True


@receiver(import_finished, dispatch_uid="recruitment.match_index_after_import")
def _rebuild_after_import(sender, *, job, **kwargs) -> None:
    """A registry import changed talents, education, employment or enterprises behind the change log: every
    process is told to load a newer saved index (serving the one it has meanwhile), and the build that saves it
    is asked for (after the import's own commit)."""
    if job.new or job.updated:
        log.info("import %s changed %s rows: match index build asked for", job.pk, job.new + job.updated)
        transaction.on_commit(_after_import)


def _after_import() -> None:
    rebuild_requested()  # before the build takes its watermark, so the copy it saves meets the request
    match_index_build_enqueue()
