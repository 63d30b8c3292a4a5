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


_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                                "live_server", "django_db_setup"})


def _uses_database(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("django_db")) or not _DATABASE_FIXTURES.isdisjoint(
        getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """For scripts/test's second database: with TALENTPOOL_DESELECT_BROWSER=1 (set when TALENTPOOL_BROWSER_ONCE=1)
    the browser journeys are left out, and with TALENTPOOL_DATABASE_TESTS_ONLY=1 the unit tests that touch no
    database (engines, parsers, source checks): their results cannot depend on which database is configured, and
    they already ran on the first (only under tests/unit: integration tests reach the database through shared
    fixtures and subprocesses that pytest-django's markers do not show), and the tests marked ``once``, whose
    subject is what a page says rather than what the database does."""
    no_browser = os.environ.get("TALENTPOOL_DESELECT_BROWSER") == "1"
    database_only = os.environ.get("TALENTPOOL_DATABASE_TESTS_ONLY") == "1"
    if not (no_browser or database_only):
        return
    kept, dropped = [], []
    for item in items:
        is_browser = item.get_closest_marker("browser") or item.nodeid.startswith("tests/browser/")
        engine_only = (item.nodeid.startswith("tests/unit/") and not _uses_database(item)) or bool(
            item.get_closest_marker("once"))
        drop = (no_browser and is_browser) or (database_only and engine_only)
        (dropped if drop else kept).append(item)
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
        client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
        return client

    return make


@pytest.fixture
def no_page_cache(settings):
    """Every request makes its page afresh (core.pagecache off): for tests that pin what making a page costs in
    queries. A kept page costs the user load and one count of writes; test_pagecache.py tests that."""
    settings.TALENTPOOL_PAGE_CACHE_MB = 0


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Reference names are cached per process; a test's database must not see another test's cache."""
    from talentpool.core.pagecache import page_cache_clear
    from talentpool.reference.selectors import reference_cache_clear

    reference_cache_clear()
    page_cache_clear()  # kept pages are exact for one database; a test's database starts over
    yield
    reference_cache_clear()
