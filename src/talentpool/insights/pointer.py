"""Where the snapshot lives and which one is current, without the snapshot's heavy imports (DuckDB, Arrow): every
signed-in request reads the mark (``core.pagecache``)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def snapshot_root() -> Path:
    return Path(getattr(settings, "INSIGHTS_SNAPSHOT_DIR", None) or settings.HOME_DIR / "insights")


def snapshot_mark() -> tuple[int, int] | None:
    """Which snapshot is current (its pointer file is replaced, never rewritten, by each build): a part of every
    kept page's key, so the maps and figures are made afresh once a new snapshot is in."""
    try:
        stat = os.stat(snapshot_root() / "current")
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns
