import pytest
from factories.world import build_world

from talentpool.policies.selectors import policy_cache_clear
from talentpool.policies.services import policy_sync_shipped


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    policy_cache_clear()
    yield
    policy_cache_clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def shipped(db):
    """The shipped policy set loaded as published versions."""
    return policy_sync_shipped()
