"""What every signed-in request pays (issue 12): the session comes from the "sessions" cache, a directory every
worker of the host reads, and the unread notices are counted in the query that loads the user. Signing out must
still end the session for every worker at once."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories.world import PASSWORD

from talentpool.core.notices import Message, notify


def _other_worker() -> FileBasedCache:
    """The sessions cache as another gunicorn worker opens it: its own object on the same directory."""
    return FileBasedCache(settings.CACHES["sessions"]["LOCATION"], {})


def _badge(html: str) -> int | None:
    found = re.search(r'data-unread="(\d+)"', html)
    return int(found.group(1)) if found else None


def test_a_page_costs_one_query_and_shows_the_unread_notices_counted_in_it(world):
    client = Client()
    assert client.post("/accounts/login/", {"username": "grad", "password": PASSWORD}).status_code == 302
    notify([Message(user_id=world.talent_user.pk, kind="test", title=f"n{i}") for i in range(3)])
    client.get("/accounts/password/done/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/password/done/")
    assert response.status_code == 200 and _badge(response.content.decode()) == 3
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "django_session" not in queries[0]["sql"] and "core_notice" in queries[0]["sql"]

    client.post("/notices/")  # marks them read
    assert _badge(client.get("/accounts/password/done/").content.decode()) is None
    notify([Message(user_id=world.talent_user.pk, kind="test", title="one more")])
    assert _badge(client.get("/accounts/password/done/").content.decode()) == 1


def test_signing_out_ends_the_session_for_every_worker(world):
    client = Client()
    assert client.post("/accounts/login/", {"username": "grad", "password": PASSWORD}).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _other_worker().get(KEY_PREFIX + key) is not None  # the other worker reads it without the database

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stolen.get("/accounts/password/done/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert _other_worker().get(KEY_PREFIX + key) is None
    assert stolen.get("/accounts/password/done/")["Location"].startswith("/accounts/login/")


def test_a_session_missing_from_the_cache_is_read_from_the_database(world):
    client = Client()
    assert client.post("/accounts/login/", {"username": "grad", "password": PASSWORD}).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    _other_worker().delete(KEY_PREFIX + key)  # culled, or a host that never saw it
    assert client.get("/accounts/password/done/").status_code == 200
    assert _other_worker().get(KEY_PREFIX + key) is not None  # put back for the next request


def test_the_user_a_request_loads_is_the_user_the_orm_loads(world):
    """The backend loads the user with a statement of its own: every field must come back as the ORM gives it
    (dates as datetimes, flags as booleans, the enterprise link), with only this user's unread notices counted."""
    import datetime as dt

    from talentpool.accounts.backends import AccountBackend
    from talentpool.accounts.models import User

    hr = world.hr
    User.objects.filter(pk=hr.pk).update(last_login=dt.datetime(2026, 3, 9, 8, 30, tzinfo=dt.UTC),
                                          must_change_password=True)
    notify([Message(user_id=hr.pk, kind="test", title="a"), Message(user_id=hr.pk, kind="test", title="b"),
            Message(user_id=world.officer.pk, kind="test", title="not hers")])
    loaded, expected = AccountBackend().get_user(hr.pk), User.objects.get(pk=hr.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(loaded, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert loaded.unread_notices_at_load == 2 and loaded.enterprise == world.hr.enterprise
    assert loaded._state.adding is False and loaded._state.db == expected._state.db

    assert AccountBackend().get_user(10**9) is None
    User.objects.filter(pk=hr.pk).update(is_active=False)
    assert AccountBackend().get_user(hr.pk) is None
