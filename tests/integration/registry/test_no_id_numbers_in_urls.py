"""ID numbers never travel in a URL (access logs, proxies, history, Referer): searches that may hold one are posted and
kept behind a session token (``core.searches``); the result page, its pager and every link it builds carry the token
only, and paging keeps the search."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from factories.registry import make_talent, resident_id

from talentpool.core.searches import SESSION_KEY

NUMBER = resident_id(birth=date(1993, 8, 8), serial=417)


class _Links(HTMLParser):
    """Every URL a page may send the browser to: href, src, form actions and the language switch's ``next``."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.urls += [a[k] for k in ("href", "src", "action") if a.get(k)]
        if tag == "input" and a.get("name") in ("next", "back"):
            self.urls.append(a.get("value") or "")


def _urls(response) -> list[str]:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.urls


def _holds_id_digits(text: str) -> bool:
    """The whole number, its birth date (the digits the mask hides) or any 8 digits of it in a row."""
    return any(NUMBER[i:i + 8] in text for i in range(len(NUMBER) - 7))


def _visited(response) -> list[str]:
    final = response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", "")
    return [url for url, _status in response.redirect_chain] + [final]


@pytest.fixture
def officer(client, world):
    client.force_login(world.officer)
    return client


def test_a_full_id_search_keeps_the_number_out_of_every_url(officer, world):
    target = make_talent(name="钱多多", id_number=NUMBER)
    response = officer.post("/registry/talents/", {"q": NUMBER}, follow=True)
    assert response.status_code == 200
    assert [t.pk for t in response.context["page"]] == [target.pk]
    visited = _visited(response)
    assert re.fullmatch(r"/registry/talents/\?s=[\w-]+", visited[-1]), visited
    assert not any(_holds_id_digits(u) for u in visited), visited
    urls = _urls(response)
    assert any(f"/registry/talents/{target.pk}/" in u for u in urls)
    assert not [u for u in urls if _holds_id_digits(u)]
    # reloading the result page repeats the search; the session keeps it encrypted, not in clear
    assert f"/registry/talents/{target.pk}/" in officer.get(visited[-1]).content.decode()
    assert NUMBER not in json.dumps(officer.session[SESSION_KEY])


def test_paging_keeps_the_search(officer, world):
    for i in range(30):
        make_talent(name=f"钱{i:02d}")
    first = officer.post("/registry/talents/", {"q": "钱"}, follow=True)
    token_url = _visited(first)[-1]
    assert first.context["page"].paginator.count == 30 and len(first.context["page"]) == 25
    following = [u for u in _urls(first) if "page=2" in u]
    assert following == [token_url.split("/registry/talents/")[1] + "&page=2"]
    second = officer.get("/registry/talents/" + following[0])
    names = [t.name for t in second.context["page"]]
    assert len(names) == 5 and all(n.startswith("钱") for n in names)


def test_an_old_link_with_the_number_is_sent_to_a_token_at_once(officer, world):
    make_talent(name="钱多多", id_number=NUMBER)
    response = officer.get("/registry/talents/", {"q": NUMBER, "page": "1"})
    assert response.status_code == 302 and not _holds_id_digits(response["Location"])
    assert [t.name for t in officer.get(response["Location"]).context["page"]] == ["钱多多"]


def test_a_token_means_nothing_to_another_session(officer, world, client_for):
    make_talent(name="钱多多", id_number=NUMBER)
    token_url = _visited(officer.post("/registry/talents/", {"q": NUMBER}, follow=True))[-1]
    other = client_for(world.officer).get(token_url)
    assert other.status_code == 200 and NUMBER not in other.content.decode()
    assert other.context["form"].data == {}


def test_the_payment_queue_and_the_audit_trail_take_their_searches_by_post(officer, world, client_for):
    response = officer.post("/payments/queue/", {"q": NUMBER, "status": "candidate"}, follow=True)
    assert response.context["f"].q == NUMBER and response.context["f"].status == "candidate"
    assert not any(_holds_id_digits(u) for u in _visited(response) + _urls(response))
    back = response.context["back"]
    assert re.fullmatch(r"s=[\w-]+", back)
    decided = officer.post("/payments/queue/decide/", {"action": "approve", "scope": "all",
                                                       "query": response.context["query"], "back": back})
    assert decided["Location"] == "/payments/queue/?" + back

    admin = client_for(world.admin)
    response = admin.post("/audit/", {"actor": NUMBER, "action": ""}, follow=True)
    assert response.context["form"].cleaned_data["actor"] == NUMBER
    assert not any(_holds_id_digits(u) for u in _visited(response) + _urls(response))


def test_the_api_takes_a_full_id_number_only_in_a_body(officer, world):
    target = make_talent(name="钱多多", id_number=NUMBER)
    refused = officer.get("/api/v1/registry/talents", {"q": NUMBER})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "id_number_in_url"
    found = officer.post("/api/v1/registry/talents/search", {"q": NUMBER}, content_type="application/json").json()
    assert found["count"] == 1 and found["items"][0]["id"] == target.pk
    assert officer.get("/api/v1/registry/talents", {"q": NUMBER[-4:]}).status_code == 200  # the last four may
