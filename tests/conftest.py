"""Fixtures shared by every test folder: users of each role and a client logged in as one of them.

Folders add their own fixtures next to their tests (e.g. the ``world`` of ``factories.world``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

import pytest
from django.test import Client
from factories.world import PASSWORD

from talentpool.accounts.models import Role, User

_usernames = itertools.count(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With TALENTPOOL_BROWSER_ONCE=1, scripts/test sets TALENTPOOL_DESELECT_BROWSER=1 for its PostgreSQL run."""
    if os.environ.get("TALENTPOOL_DESELECT_BROWSER") != "1":
        return
    kept, dropped = [], []
    for item in items:
        is_browser = item.get_closest_marker("browser") or item.nodeid.startswith("tests/browser/")
        (dropped if is_browser else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def password() -> str:
    """The password every user made by ``make_user`` has (unless given another)."""
    return PASSWORD


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    """``make_user(role="officer", **fields)`` creates a valid account of that role.

    Bindings a role needs are filled in when not given: an enterprise for ``enterprise`` (a new one in 330106),
    ``scope_division="330106"`` (西湖区) for ``officer``. The password is ``PASSWORD`` unless ``password=`` is given.
    """

    def make(role: str = Role.TALENT, *, password: str = PASSWORD, **fields) -> User:
        fields.setdefault("username", f"{role}{next(_usernames)}")
        if role == Role.ENTERPRISE and "enterprise" not in fields:
            from factories.registry import make_enterprise

            fields["enterprise"] = make_enterprise()
        if role == Role.OFFICER:
            fields.setdefault("scope_division", "330106")
        user = User(role=role, **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        return user

    return make


@pytest.fixture
def client_for(db) -> Callable[[User], Client]:
    """``client_for(user)`` returns a Django test client already logged in as ``user``."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Reference names are cached per process; a test's database must not see another test's cache."""
    from talentpool.reference.selectors import reference_cache_clear

    reference_cache_clear()
    yield
    reference_cache_clear()
