"""What pages used to recompute per request is built once and kept, with what invalidates it
(docs/architecture.md, "What is kept and what invalidates it")."""

from __future__ import annotations

import ninja.main
import pytest
from django.utils import translation
from factories.policies import publish_living_policy
from factories.world import build_world

from talentpool.api import api
from talentpool.policies import selectors as policy_selectors
from talentpool.policies.models import PolicyVersion


def _counting(monkeypatch, owner, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_openapi_document_is_built_once_per_process_and_language(client, monkeypatch):
    api.__dict__.pop("_openapi_texts", None)
    builds = _counting(monkeypatch, ninja.main, "get_schema")
    first = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    again = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    assert len(builds) == 1
    assert first.status_code == again.status_code == 200
    assert first["Content-Type"].startswith("application/json")
    assert first.content == again.content and "/api/v1/registry/talents" in first.json()["paths"]
    with translation.override("zh-hans"):
        document = api.get_openapi_schema()
    assert len(builds) == 2  # another language, another document
    document["paths"].clear()  # a caller's copy: changing it changes nothing kept
    assert api.get_openapi_schema()["paths"]


@pytest.mark.django_db
def test_the_officer_policy_pages_parse_a_stored_version_once(client, monkeypatch):
    world = build_world()
    version = publish_living_policy(owner="330106")
    policy_selectors.policy_cache_clear()
    client.force_login(world.officer)
    parses = _counting(monkeypatch, policy_selectors, "parse_documents")
    assert client.get("/policies/").status_code == 200
    assert client.get(f"/policies/{version.policy.code}/").status_code == 200
    assert len(parses) == 1
    assert client.get("/policies/").status_code == 200
    assert len(parses) == 1
    version.save()  # a save changes updated_at: the document is read again
    assert PolicyVersion.objects.get(pk=version.pk).updated_at == version.updated_at
    assert client.get("/policies/").status_code == 200
    assert len(parses) == 2


@pytest.mark.django_db
def test_a_worker_warms_its_caches_before_serving(monkeypatch):
    import datetime as dt

    import time_machine

    monkeypatch.setenv("TALENTPOOL_WARM_CACHES", "0")
    from talentpool import wsgi

    version = publish_living_policy(owner="330106")
    policy_selectors.policy_cache_clear()
    api.__dict__.pop("_openapi_texts", None)
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        wsgi.warm_caches()
    assert {language for _prefix, language in api.__dict__["_openapi_texts"]} == {"zh-hans", "en"}
    assert [key[0] for key in policy_selectors._COMPILED] == [version.pk]


@pytest.mark.django_db
def test_the_warm_up_also_compiles_the_earlier_versions_a_talents_page_explains(monkeypatch):
    """A talent's "what policy gives me" explains the versions in force and the earlier ones whose entitlements
    arose under them: warming only the first kind left the others to parse on the first hit (1 s at 20,000)."""
    import datetime as dt

    import time_machine

    from talentpool.policies.services import policy_sync_shipped

    monkeypatch.setenv("TALENTPOOL_WARM_CACHES", "0")
    from talentpool import wsgi

    policy_sync_shipped()
    day = dt.date(2026, 11, 20)
    applicable = {row.pk for row, _doc in policy_selectors.policy_versions_applicable(day)}
    in_force = {row.pk for row, _doc in policy_selectors.policy_versions_in_force(day)}
    assert applicable - in_force  # an earlier version still judges some people (e.g. the living subsidy's v1)
    policy_selectors.policy_cache_clear()
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        wsgi.warm_caches()
    assert {key[0] for key in policy_selectors._COMPILED} == applicable
    assert {key[0] for key in policy_selectors._DOCUMENTS} >= applicable


@pytest.mark.django_db
def test_the_warm_up_compiles_every_template_and_explains_one_person_leaving_no_verdicts_behind(monkeypatch):
    """The first page after a restart paid ~100 ms compiling its templates and ~100 ms for the first real person
    (the facts reader's and DuckDB's first use): the warm-up does both, and keeps nobody's verdicts."""
    import datetime as dt

    import time_machine
    from django.core.cache import caches
    from factories.registry import make_talent

    monkeypatch.setenv("TALENTPOOL_WARM_CACHES", "0")
    from talentpool import wsgi

    publish_living_policy(owner="330106")
    talent = make_talent(name="王暖", district="330106")
    explained, compiled = [], []
    real_explain, real_template = wsgi.eligibility_for_talent, wsgi.get_template
    monkeypatch.setattr(wsgi, "eligibility_for_talent",
                        lambda **kw: explained.append(kw["talent"].pk) or real_explain(**kw))
    monkeypatch.setattr(wsgi, "get_template", lambda name: compiled.append(name) or real_template(name))
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        wsgi.warm_caches()
    assert {"base.html", "eligibility/mine.html", "servicedesk/console.html"} <= set(compiled)
    assert explained == [talent.pk]
    assert caches["verdicts"].get_many([]) == {} and len(caches["verdicts"]._cache) == 0
