"""Session fixtures of the demo engine tests."""

from __future__ import annotations

import pytest
from demo_support import generate, load_reference

from talentpool.engines.demo import DemoReference


@pytest.fixture(scope="session")
def reference() -> DemoReference:
    return load_reference()


@pytest.fixture(scope="session")
def world(reference):
    """20,000 talents and 1,000 enterprises, shared by the distribution tests."""
    firms, chunks = generate(reference, talents=20_000, enterprises=1_000)
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged.extend(chunk)
    return firms, merged
