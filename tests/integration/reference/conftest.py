import pytest

from talentpool.reference.selectors import reference_cache_clear
from talentpool.reference.services import reference_load


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Each test sees its own database's reference tables, not a previous test's cached ones."""
    reference_cache_clear()
    yield
    reference_cache_clear()


@pytest.fixture
def reference_loaded(db) -> dict[str, int]:
    return reference_load()
