"""Fixtures for import tests: the shipped reference data loaded, English messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.utils import translation

from talentpool.reference.selectors import reference_cache_clear
from talentpool.reference.services import reference_load

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def references(db):
    reference_load()
    reference_cache_clear()
    yield
    reference_cache_clear()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
