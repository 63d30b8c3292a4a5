"""Kept pages (core/pagecache.py): a signed-in GET is served again only while every table it read is unwritten,
and never when it wrote, showed a flash message, or is a download."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories.world import build_world

from talentpool.core import pagecache
from talentpool.core.audit import audit_record
from talentpool.core.models import AuditEvent, ChangeRecord, Notice
from talentpool.registry.models import Employment

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOW = datetime(2026, 11, 20, 10, 0, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _login(client, user):
    """Signed in, with the CSRF cookie a browser has after its first page (the key holds the CSRF secret)."""
    client.force_login(user)
    client.get("/accounts/password/done/")
    return client


def _get(client, path, **headers):
    """The response, and whether it was made afresh (a statement read the registry's tables, besides their counts)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    made = any("registry_" in q["sql"] for q in queries.captured_queries if "core_tablewrite" not in q["sql"])
    return _CSRF.sub("", response.content.decode()), made  # each serve masks the form tokens afresh


def test_a_kept_page_is_served_until_a_table_it_read_is_written(client, world, clock):
    _login(client, world.talent_user)
    first, made = _get(client, "/registry/me/")
    assert made and "算法工程师" in first
    again, made = _get(client, "/registry/me/")
    assert not made and again == first

    Employment.objects.filter(talent=world.talent).update(position="数据工程师")  # one UPDATE: no signal, no save()
    fresh, made = _get(client, "/registry/me/")
    assert made and "数据工程师" in fresh and "算法工程师" not in fresh

    with connection.cursor() as cursor:  # raw SQL is counted by the trigger all the same
        cursor.execute("UPDATE registry_employment SET position = %s WHERE talent_id = %s", ["架构师", world.talent.pk])
    fresh, made = _get(client, "/registry/me/")
    assert made and "架构师" in fresh


def test_a_write_to_a_table_the_page_did_not_read_keeps_it(client, world, clock):
    _login(client, world.talent_user)
    _get(client, "/registry/me/")
    Notice.objects.create(user=world.officer, kind="x", title="for someone else")  # a table the page reads? no
    _, made = _get(client, "/registry/me/")
    assert not made


def test_the_language_the_user_and_the_minute_are_parts_of_the_key(client, world, clock):
    _login(client, world.talent_user)
    zh, _ = _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    en, made = _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert made and en != zh and 'lang="en"' in en
    assert _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="zh-hans") == (zh, False)

    clock.shift(timedelta(seconds=30))  # 10:00:42, the same minute
    assert _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")[1] is False
    clock.shift(timedelta(seconds=30))  # 10:01:12
    assert _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")[1] is True

    mine, _ = _get(_login(Client(), world.hr), "/registry/my-enterprise/")
    other, made = _get(_login(Client(), world.hr_other), "/registry/my-enterprise/")
    assert made and "王芳" in mine and "王芳" not in other


def test_an_audited_read_is_audited_each_time_it_is_served(client, world, clock):
    _login(client, world.officer)
    made = []
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        html, fresh = _get(client, f"/registry/talents/{world.talent.pk}/", REMOTE_ADDR=address)
        assert world.talent.id_masked in html
        made.append(fresh)
    assert made == [True, False, False]
    events = AuditEvent.objects.filter(action="view_person", subject_talent_id=world.talent.pk).order_by("pk")
    assert [(e.actor, e.ip_address) for e in events] == [(world.officer, a) for a in ("10.0.0.1", "10.0.0.2", "10.0.0.3")]
    # each written by one prepared INSERT: the same event the ORM's audit_record writes
    expected = audit_record(actor=world.officer, action="view_person", target=events[0].target,
                            subject_talent_id=world.talent.pk, detail=events[0].detail, request=None)

    def fields(event):
        return {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields
                if f.attname not in ("id", "ip_address")}

    for event in events:
        event.refresh_from_db()
        assert fields(event) == fields(expected)
        assert event.at == NOW


def test_a_response_that_wrote_or_was_marked_is_not_kept(client, world, clock, settings):
    _login(client, world.talent_user)
    settings.ROOT_URLCONF = "integration.core.pagecache_urls"
    assert [client.get("/writes/").content for _ in range(2)] == [b"records: 1", b"records: 2"]
    assert [client.get("/marked/").content for _ in range(2)] == [b"records: 2", b"records: 2"]
    assert len(pagecache.page_cache_store().entries) == 1  # the sign-in's first page, before the URLs changed
    assert client.get("/reads/").content == b"records: 2"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/reads/").content == b"records: 2"
    assert not any("core_changerecord" in q["sql"] for q in queries.captured_queries
                   if "core_tablewrite" not in q["sql"])
    ChangeRecord.objects.create(entity="probe", entity_id=2, changes={})
    assert client.get("/reads/").content == b"records: 3"


def test_a_page_that_showed_a_flash_message_is_not_kept(client, world, clock):
    _login(client, world.talent_user)
    _get(client, "/registry/me/")
    assert client.post("/registry/me/", {"message": "我的硕士专业应为软件工程"},
                       HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    shown, _ = _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Your request was sent to the talent office." in shown
    after, made = _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert made and "Your request was sent to the talent office." not in after
    assert _get(client, "/registry/me/", HTTP_ACCEPT_LANGUAGE="en") == (after, False)


def test_a_download_is_written_for_each_request_unless_it_holds_no_secret(client, world, clock, settings):
    _login(client, world.officer)
    settings.ROOT_URLCONF = "integration.core.pagecache_urls"
    kept = len(pagecache.page_cache_store().entries)

    def get(path):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"] == f'attachment; filename="{path[1:]}"'
        made = any("core_changerecord" in q["sql"] for q in queries.captured_queries
                   if "core_tablewrite" not in q["sql"])
        counts_read = any("core_tablewrite" in q["sql"] for q in queries.captured_queries)
        return response.content, made, counts_read

    # a file with a secret is made for each download and held nowhere; once its path is known as a download, its
    # requests skip the write counts read
    assert [get("/secret.txt") for _ in range(2)] == [(b"records: 0", True, True), (b"records: 0", True, False)]
    assert len(pagecache.page_cache_store().entries) == kept
    pagecache.page_cache_clear()  # forgets the downloads too
    assert get("/secret.txt")[2] is True
    # a file marked kept (no secret) is served from the store until what it read changes
    assert [get("/open.txt")[:2] for _ in range(2)] == [(b"records: 0", True), (b"records: 0", False)]
    ChangeRecord.objects.create(entity="probe", entity_id=1, changes={})
    assert get("/open.txt")[:2] == (b"records: 1", True)


def test_visitors_are_not_kept_by_default(db):
    for _ in range(2):
        assert Client().get("/accounts/login/").status_code == 200
    assert not pagecache.page_cache_store().entries
    # nor with an API key header no view accepted (the open API's keys are kept per key once accepted)
    for key in ("tpk_made_up_one", "tpk_made_up_two"):
        assert Client(HTTP_X_PARTNER_KEY=key).get("/api/v1/openapi.json").status_code == 200
        assert Client(HTTP_X_PARTNER_KEY=key).get("/api/v1/recruitment/partner/jobs").status_code == 401
    assert not pagecache.page_cache_store().entries


def test_a_kept_pages_form_posts(world, clock):
    client = Client(enforce_csrf_checks=True)
    _login(client, world.talent_user)
    _get(client, "/registry/me/")
    html, made = _get(client, "/registry/me/")
    assert not made
    html = client.get("/registry/me/").content.decode()
    assert pagecache.page_cache_store().served == 2
    response = client.post("/registry/me/", {"message": "请更正专业", "csrfmiddlewaretoken": _CSRF.search(html).group(1)})
    assert response.status_code == 302


def test_every_table_counts_its_writes(world):
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        tracked = pagecache._tracked(cursor, connection.vendor)
    assert tracked == tables - {"core_tablewrite", "django_migrations"}

    before = pagecache.write_counts(connection, ("registry_employment",)).get("registry_employment", (0, 0))[0]
    with connection.cursor() as cursor:
        for _ in range(pagecache.FOLD_AT + 5):
            cursor.execute("UPDATE registry_employment SET position = position")
    counts = pagecache.write_counts(connection, ("registry_employment",))["registry_employment"]
    assert counts[0] >= before + pagecache.FOLD_AT + 5
    pagecache.fold(connection)
    folded = pagecache.write_counts(connection, ("registry_employment",))["registry_employment"]
    assert folded == (counts[0], 1)  # one row per table after a fold, the same count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="delta rows are PostgreSQL's")
def test_a_hit_folds_the_delta_rows_other_tables_piled_up(client, world, clock):
    """The audit trail gains a delta row per audited serve; a kept page that never reads it still folds them once
    they pass ``fold_rows`` (one per counted table and FOLD_SLACK), so its count read never scans an ever longer
    table."""
    _login(client, world.talent_user)
    _get(client, "/registry/me/")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_tablewrite (name, n) SELECT 'core_auditevent', 1 "
                       "FROM generate_series(1, %s)", [pagecache.fold_rows(connection) + 10])
    assert sum(rows for _, rows in pagecache.write_counts(connection).values()) > pagecache.fold_rows(connection)
    total = pagecache.write_counts(connection)["core_auditevent"][0]
    assert _get(client, "/registry/me/")[1] is False  # still served from the store
    folded = pagecache.write_counts(connection)
    assert folded["core_auditevent"] == (total, 1)
    assert sum(rows for _, rows in folded.values()) == len(folded)


def test_a_page_reading_a_table_without_the_trigger_is_not_kept(client, world, clock):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_table_written ON registry_employment")
        else:
            for op in "iud":
                cursor.execute(f"DROP TRIGGER core_table_written_{op}_registry_employment")
    pagecache._tables.clear()
    try:
        _login(client, world.talent_user)
        _get(client, "/registry/me/")
        assert _get(client, "/registry/me/")[1] is True
    finally:
        pagecache._tables.clear()


def test_the_store_drops_the_least_recently_used_past_its_budget():
    store = pagecache.Store(budget=10)
    kept = [pagecache.Kept(body=bytes(4), headers=(), tables=(), counts=(), csrf=False) for _ in range(3)]
    store.put(b"a", kept[0])
    store.put(b"b", kept[1])
    assert store.get(b"a") is kept[0]  # a is now the most recent
    store.put(b"c", kept[2])
    assert set(store.entries) == {b"a", b"c"} and store.used == 8
    store.put(b"c", kept[2])
    assert store.used == 8
