"""The page list of ``factories.pages`` (what bench/web.py loads) covers every GET route: each route of the URLconf
and each GET operation of the OpenAPI document is either listed or excluded with its reason, and an excluded route
answers a GET the way its reason says (a POST-only form target 405, a redirect 302), so a new page cannot be
forgotten and a route that becomes a page cannot hide among the exclusions."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from factories.pages import API, DEMO_LOGINS, EXCLUDED, EXCLUDED_API, PAGES, api_template

from talentpool.accounts.models import Role

# ninja's own routes under /api/v1/ (the operations themselves are compared with the OpenAPI document)
API_OWN_ROUTES = {"api:api-root", "api:openapi-json", "api:openapi-view"}
ROLES = {"anonymous", "partner", *DEMO_LOGINS}


def _routes(patterns, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """Every named route of the URLconf: {"namespace:name": "its/pattern/"}."""
    out: dict[str, str] = {}
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""])) if p.namespace else namespace
            out.update(_routes(p.url_patterns, ns, prefix + str(p.pattern)))
        elif isinstance(p, URLPattern):
            assert p.name, f"unnamed route {prefix}{p.pattern}: name it so the page list can refer to it"
            out[f"{namespace}:{p.name}" if namespace else p.name] = prefix + str(p.pattern)
    return out


def _page_routes() -> dict[str, str]:
    return {name: pattern for name, pattern in _routes(get_resolver().url_patterns).items()
            if not name.startswith("api:") or name in API_OWN_ROUTES}


def _sample(template: str) -> str:
    """A page address with a sample value for every placeholder (enough to resolve it)."""
    return re.sub(r"\{\w+\}", "7", template)


def test_every_get_route_is_a_listed_page_or_a_reasoned_exclusion():
    routes = set(_page_routes())
    listed = {p.route for p in PAGES if not p.is_api}
    assert not listed & set(EXCLUDED), "a route is both listed and excluded"
    assert routes - listed - set(EXCLUDED) == set(), "new GET routes: add them to factories/pages.py"
    assert (listed | set(EXCLUDED)) - routes == set(), "listed or excluded routes that no longer exist"
    assert all(reason.strip() for reason, _status in EXCLUDED.values())


def test_every_get_operation_of_the_api_is_listed_or_excluded():
    from talentpool.api import api

    schema = api.get_openapi_schema()
    operations = {api_template(path) for path, ops in schema["paths"].items() if "get" in ops}
    listed = {api_template(p.route.removeprefix("GET ")) for p in PAGES if p.is_api}
    assert operations - listed - set(EXCLUDED_API) == set(), "new API reads: add them to factories/pages.py"
    assert listed - operations == set(), "listed API reads that the document no longer has"
    assert all(p.path.startswith(API + "/") for p in PAGES if p.is_api)


@pytest.mark.parametrize("page", [p for p in PAGES if not p.is_api], ids=lambda p: p.label)
def test_each_listed_page_address_resolves_to_its_route(page):
    match = resolve(_sample(page.path).split("?")[0])
    assert match.view_name == page.route
    assert page.role in ROLES


@pytest.mark.parametrize("page", [p for p in PAGES if p.is_api], ids=lambda p: p.label)
def test_each_listed_api_address_is_its_operation(page):
    assert api_template(page.path) == api_template(page.route.removeprefix("GET ")), page
    assert page.role in ROLES


def test_an_entry_without_its_record_has_no_address():
    page = next(p for p in PAGES if p.route == "registry:import-detail")
    assert page.needs == {"import_job"}
    assert page.url({"import_job": None}) is None
    assert page.url({"import_job": 12}) == "/registry/imports/12/"


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(EXCLUDED))
def test_an_excluded_route_answers_a_get_as_its_reason_says(route, make_user):
    reason, expected = EXCLUDED[route]
    match = resolve(_path_with_args(route))
    roles = getattr(match.func, "allowed_roles", (Role.ADMIN,))
    user = make_user(roles[0])
    client = Client()
    client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
    kwargs = {name: (user.pk if isinstance(value, int) else value) for name, value in match.kwargs.items()}
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == expected, (route, reason, response.status_code)


def _path_with_args(route: str) -> str:
    """The route's pattern with 7 for every ``<int:…>`` and ``x`` for every other argument."""
    pattern = "/" + _page_routes()[route]
    pattern = re.sub(r"<int:\w+>", "7", pattern)
    return re.sub(r"<(?:\w+:)?\w+>", "x", pattern)


def test_every_api_route_is_in_the_document():
    """An API route left out of the OpenAPI document would escape the check above."""
    from talentpool.api import api

    documented = {api_template(path) for path in api.get_openapi_schema()["paths"]}
    routes = {re.sub(r"<(?:\w+:)?\w+>", "{}", "/" + pattern) for name, pattern
              in _routes(get_resolver().url_patterns).items() if name.startswith("api:") and name not in API_OWN_ROUTES}
    assert routes and routes - documented == set()
