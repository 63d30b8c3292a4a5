"""A small registry whose every figure is known, and a snapshot of it in a folder of the test's own."""

from __future__ import annotations

from datetime import date

import pytest
from factories.insights import build_insights_registry
from factories.world import build_world

from talentpool.insights.snapshot import snapshot_build

AS_OF = date(2026, 6, 15)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def registry(world):
    return build_insights_registry(world)


@pytest.fixture
def snapshot(registry, tmp_path, settings):
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "insights")
    return snapshot_build()


@pytest.fixture(autouse=True)
def _no_refresh_guard():
    """Pages enqueue a refresh at most once per ten minutes (a cache key): each test starts without that key,
    and leaves no cached figures behind."""
    from django.core.cache import cache

    from talentpool.insights.selectors import REFRESH_GUARD

    cache.delete(REFRESH_GUARD)
    yield
    cache.clear()
