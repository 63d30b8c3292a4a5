import pytest
from factories.policies import shipped_policies
from factories.world import build_world

from talentpool.policies.selectors import policy_cache_clear


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    policy_cache_clear()
    yield
    policy_cache_clear()


@pytest.fixture
def world(db):
    w = build_world()
    shipped_policies()
    return w


@pytest.fixture
def city(make_user):
    """Two officers of the city (330100), which owns the shipped Hangzhou policies: one drafts and asks, the
    other approves."""
    return (make_user("officer", username="city", scope_division="330100"),
            make_user("officer", username="city2", scope_division="330100"))
