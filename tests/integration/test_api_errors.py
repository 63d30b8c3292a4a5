"""The API's refusals: out-of-range integers are 422 naming the field (not a server error), an unauthenticated
call is 401 whatever its CSRF token, and the OpenAPI document lists every error status with the one error shape."""

from __future__ import annotations

import pytest
from django.test import Client
from factories.world import build_world

from talentpool.core.models import Notice
from talentpool.recruitment.services import partner_create

API = "/api/v1"
HUGE = "99999999999999999999"  # past 64 bits
ERROR_STATUSES = {"400", "401", "403", "404", "409", "422"}


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_role(world, client_for):
    users = {"officer": world.officer, "admin": world.admin, "talent": world.talent_user, "enterprise": world.hr}
    return lambda role: client_for(users[role])


def _refused(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    if field is not None:
        assert error["field"] == field, error
    return error


LISTS = [
    ("officer", "/registry/talents"),
    ("officer", "/registry/enterprises"),
    ("officer", "/policies/objections"),
    ("officer", "/imports/"),
    ("officer", "/imports/1/errors"),
    ("admin", "/audit/events"),
    ("officer", "/payments/runs"),
    ("officer", "/payments/entitlements"),
    ("officer", "/payments/batches"),
    ("talent", "/payments/notices"),
    ("talent", "/recruitment/jobs"),
    ("talent", "/recruitment/me/applications"),
    ("officer", "/recruitment/applications"),
    ("enterprise", "/recruitment/candidates"),
]


@pytest.mark.parametrize("offset", ["-1", HUGE])
@pytest.mark.parametrize(("role", "path"), LISTS)
def test_an_offset_before_the_first_row_or_past_64_bits_is_422_naming_offset(as_role, role, path, offset):
    _refused(as_role(role).get(f"{API}{path}", {"offset": offset}), 422, "validation", "offset")


@pytest.mark.parametrize(("role", "path"), LISTS)
def test_a_page_size_outside_its_bounds_is_422_naming_limit(as_role, role, path):
    client = as_role(role)
    _refused(client.get(f"{API}{path}", {"limit": "0"}), 422, "validation", "limit")
    _refused(client.get(f"{API}{path}", {"limit": HUGE}), 422, "validation", "limit")
    within = client.get(f"{API}{path}", {"limit": "1", "offset": "0"})
    assert within.status_code == (404 if path == "/imports/1/errors" else 200)  # there is no import 1


@pytest.mark.parametrize(("role", "path", "name"), [
    ("officer", "/payments/entitlements", "run"),
    ("officer", "/recruitment/applications", "job"),
    ("officer", "/recruitment/jobs", "enterprise"),
    ("admin", "/audit/events", "subject_talent_id"),
    ("officer", "/policies/living/explain", "talent_id"),
])
def test_an_id_past_64_bits_in_the_query_is_422_naming_it(as_role, role, path, name):
    _refused(as_role(role).get(f"{API}{path}", {name: HUGE}), 422, "validation", name)


@pytest.mark.parametrize(("role", "path"), [
    ("officer", "/payments/entitlements/approve"),
    ("officer", "/payments/entitlements/reject"),
    ("officer", "/payments/entitlements/retry"),
    ("officer", "/payments/batches"),
    ("talent", "/payments/notices/read"),
])
def test_an_id_past_64_bits_in_a_body_is_422_naming_the_list_item(as_role, role, path):
    response = as_role(role).post(f"{API}{path}", f'{{"ids": [7, {HUGE}]}}', content_type="application/json")
    error = _refused(response, 422, "validation", "ids.1")
    assert [p["field"] for p in error["problems"]] == ["ids.1"]


def test_reading_notices_with_an_id_past_64_bits_marks_nothing_read(world, as_role):
    Notice.objects.create(user=world.talent_user, kind="test", title="t")
    as_role("talent").post(f"{API}/payments/notices/read", f'{{"ids": [{HUGE}]}}', content_type="application/json")
    assert Notice.objects.filter(user=world.talent_user, read_at__isnull=True).count() == 1


def test_the_partner_candidate_list_refuses_an_offset_past_64_bits(world):
    _, key = partner_create(actor=world.admin, name="HR partner", scopes=["candidates:read"])
    client = Client(HTTP_X_PARTNER_KEY=key)
    _refused(client.get(f"{API}/recruitment/partner/candidates", {"offset": HUGE}), 422, "validation", "offset")
    _refused(client.get(f"{API}/recruitment/partner/candidates", {"offset": "-1"}), 422, "validation", "offset")
    assert client.get(f"{API}/recruitment/partner/candidates").status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/payments/entitlements/approve", '{"ids": [1]}'),
    ("post", "/registry/me/corrections", '{"message": "x"}'),
    ("put", "/payments/me/bank-account", "{}"),
    ("delete", "/payments/review-routes/1", None),
])
def test_an_unauthenticated_write_is_401_in_the_error_shape_not_a_csrf_refusal(db, method, path, body):
    client = Client(enforce_csrf_checks=True)
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    _refused(getattr(client, method)(f"{API}{path}", **kwargs), 401, "unauthenticated")


def test_a_signed_in_write_without_its_csrf_token_is_403_in_the_error_shape(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.talent_user, backend="talentpool.accounts.backends.AccountBackend")
    read = f"{API}/payments/notices/read"
    _refused(client.post(read, "{}", content_type="application/json"), 403, "csrf_failed")
    client.cookies["csrftoken"] = token = "t" * 32
    assert client.post(read, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token).status_code == 200


def test_a_body_that_is_not_json_is_400_in_the_error_shape(as_role):
    response = as_role("officer").post(f"{API}/payments/entitlements/approve", "{not json",
                                       content_type="application/json")
    error = _refused(response, 400, "bad_request")
    assert "detail" in error


def test_the_openapi_document_lists_every_error_status_with_the_one_error_shape(client):
    document = client.get(f"{API}/openapi.json").json()
    operations = [(path, method, op) for path, methods in document["paths"].items() for method, op in methods.items()]
    assert len(operations) >= 100
    for path, method, op in operations:
        assert ERROR_STATUSES <= set(op["responses"]), (method, path, sorted(op["responses"]))
        for status in ERROR_STATUSES:
            schema = op["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
    shape = document["components"]["schemas"]["ErrorOut"]
    assert shape["required"] == ["error"]
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message"}
    assert {"field", "problems"} <= set(detail["properties"])


def test_the_openapi_document_states_the_bounds_of_paging_and_ids(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    params = {p["name"]: p["schema"] for p in paths[f"{API}/registry/talents"]["get"]["parameters"]}
    assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, 2**31 - 1)
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 200)
    run = {p["name"]: p["schema"] for p in paths[f"{API}/payments/entitlements"]["get"]["parameters"]}["run"]
    assert {"minimum": 1, "maximum": 2**63 - 1, "type": "integer"} in run["anyOf"]


def test_a_nul_character_anywhere_in_the_input_is_422_naming_where(world, as_role):
    """PostgreSQL text cannot hold U+0000: refused before any query, whichever part of the request carries it."""
    officer = as_role("officer")
    _refused(officer.get(f"{API}/registry/talents", {"q": "李\x00"}), 422, "validation", "q")
    _refused(officer.get(f"{API}/policies/a%00b/explain", {"talent_id": "1"}), 422, "validation", "code")
    response = officer.post(f"{API}/payments/entitlements/reject", '{"ids": [1], "reason": "no\\u0000"}',
                            content_type="application/json")
    error = _refused(response, 422, "validation", "reason")
    assert error["problems"][0]["message"]
    nested = '{"parameter_values": {"age_limit": [{"from": "2025-01-01", "value": "3\\u00005"}]}}'
    response = officer.post(f"{API}/policies/living/drafts", nested, content_type="application/json")
    _refused(response, 422, "validation", "parameter_values.age_limit.0.value")
    response = officer.post(f"{API}/policies/living/drafts", '{"parameter_values": {"a\\u0000": []}}',
                            content_type="application/json")
    _refused(response, 422, "validation", "parameter_values.a")
    _refused(officer.post(f"{API}/imports/", {"kind": "talents\x00"}), 422, "validation", "kind")


def test_text_without_nul_and_an_escaped_backslash_u0000_pass_the_guard(world, as_role):
    officer = as_role("officer")
    assert officer.get(f"{API}/registry/talents", {"q": "李"}).status_code == 200
    response = officer.post(f"{API}/payments/entitlements/reject", '{"ids": [1], "reason": "C:\\\\u0000"}',
                            content_type="application/json")
    assert response.status_code == 200, response.content  # a backslash, then "u0000": no NUL (and no line 1)
    assert response.json()["done"] == 0


@pytest.mark.parametrize(("role", "method", "path", "field", "in_range"), [
    ("admin", "get", "/recruitment/partners/{}/exchanges", "pk", 404),
    ("officer", "get", "/payments/runs/{}", "pk", 404),
    ("officer", "get", "/registry/talents/{}", "pk", 404),
    ("officer", "get", "/imports/{}/errors", "pk", 404),
    ("enterprise", "post", "/registry/my-enterprise/staff/{}/certify", "employment_id", 404),
    ("officer", "post", "/policies/drafts/{}/publish", "pk", 404),
])
def test_an_id_in_the_path_outside_the_id_range_is_422_naming_it(as_role, role, method, path, field, in_range):
    client = as_role(role)
    for bad in (HUGE, "0"):
        _refused(getattr(client, method)(f"{API}{path.format(bad)}"), 422, "validation", field)
    assert getattr(client, method)(f"{API}{path.format(2**63 - 1)}").status_code == in_range


def test_the_openapi_document_bounds_the_ids_in_paths(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    pk = paths[f"{API}/payments/runs/{{pk}}"]["get"]["parameters"][0]
    assert (pk["name"], pk["schema"]["minimum"], pk["schema"]["maximum"]) == ("pk", 1, 2**63 - 1)
    code = paths[f"{API}/policies/{{code}}"]["get"]["parameters"][0]
    assert code["name"] == "code" and "maximum" not in code["schema"]


@pytest.mark.parametrize("amount", ["1e999999", "-1e-999999", "12.345", "1234567890123.00"])
def test_an_amount_the_ledger_cannot_hold_is_422_naming_it(as_role, amount):
    """PostgreSQL cannot compare numeric with 1e999999 (a server error there); money has at most 2 decimals."""
    officer = as_role("officer")
    _refused(officer.get(f"{API}/payments/entitlements", {"amount_min": amount}), 422, "validation", "amount_min")
    response = officer.post(f"{API}/payments/entitlements/1/correct", f'{{"amount": "{amount}"}}',
                            content_type="application/json")
    _refused(response, 422, "validation", "amount")
    assert officer.get(f"{API}/payments/entitlements", {"amount_min": "123456789012.50"}).status_code == 200


def test_a_time_with_an_offset_postgresql_refuses_is_taken_to_utc(world):
    """ISO 8601 allows +16:16; PostgreSQL does not (a server error there): the time is read as the same instant
    in UTC. One that has no UTC equivalent is 422."""
    _, key = partner_create(actor=world.admin, name="HR partner", scopes=["jobs:read"])
    client = Client(HTTP_X_PARTNER_KEY=key)
    jobs = f"{API}/recruitment/partner/jobs"
    assert client.get(jobs, {"since": "2026-07-08T04:30:55+16:16"}).json() == {"count": 0, "items": []}
    _refused(client.get(jobs, {"since": "0001-01-01T00:00:00+01:00"}), 422, "validation", "since")


@pytest.mark.parametrize("path", [f"{API}/no-such-thing", f"{API}/registry/talents/1/no-such-part", "/api/v2/"])
def test_an_unknown_api_path_answers_in_the_error_shape(db, path):
    _refused(Client().get(path), 404, "not_found")


def test_an_unknown_page_is_told_in_chinese_with_a_way_back(world, client_for):
    response = client_for(world.talent_user).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'href="/"' in page
