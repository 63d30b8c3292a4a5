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
    folder = getattr(settings, "INSIGHTS_SNAPSHOT_DIR", None) or os.path.join(settings.HOME_DIR, "insights")
    try:
        stat = os.stat(os.path.join(folder, "current"))  # strings, not paths: this runs on every signed-in GET
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns
