import pytest
from factories.policies import publish_living_policy, shipped_policies
from factories.world import build_world

from talentpool.policies.selectors import policy_cache_clear


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
    return shipped_policies()


@pytest.fixture
def living(db):
    """Only the living subsidy in force now, stored as published without running its cases (fast set-up)."""
    return publish_living_policy()
