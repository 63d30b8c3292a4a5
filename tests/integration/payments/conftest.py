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
    return policy_sync_shipped()


@pytest.fixture
def living(db):
    """Only the living subsidy in force now, stored as published without running its cases (fast set-up)."""
    from talentpool.engines.policy import parse_documents
    from talentpool.policies.models import Policy, PolicyVersion
    from talentpool.policies.services import SHIPPED_DIR, _split_documents

    text = _split_documents((SHIPPED_DIR / "hz-graduate-living.yaml").read_text(encoding="utf-8"))[-1]
    (doc,) = parse_documents(text)
    policy = Policy.objects.create(code=doc.code, title_zh=doc.title.zh, title_en=doc.title.en)
    return PolicyVersion.objects.create(policy=policy, version=doc.version, status="published", source=text,
                                        effective_from=doc.effective_from, tests_passed=True)
