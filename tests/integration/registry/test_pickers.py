"""Codes are picked, not typed: the code fields of the registry search, the job form, the job search and the
user form carry a ``data-picker`` that static/js/app.js fills from the reference tables as one types (人工,
330106, 西湖), and the tables answer such a query with codes and names."""

from __future__ import annotations

import re

from talentpool.reference.models import Division, Occupation


def _pickers(html: str) -> dict[str, str]:
    return {name: url for url, name in re.findall(r'<input[^>]*data-picker="([^"]+)"[^>]*name="([^"]+)"', html)} | {
        name: url for name, url in re.findall(r'<input[^>]*name="([^"]+)"[^>]*data-picker="([^"]+)"', html)}


def test_code_fields_are_pickers(client, world):
    client.force_login(world.officer)
    assert _pickers(client.get("/registry/talents/").content.decode()) == {
        "major": "/api/v1/reference/majors", "division": "/api/v1/reference/divisions",
        "university": "/api/v1/reference/universities", "enterprise": "/registry/enterprises/pick.json"}
    assert _pickers(client.get("/services/console/new/").content.decode()) == {"talent": "/registry/talents/pick.json"}
    client.force_login(world.hr)
    form = _pickers(client.get("/recruitment/my-jobs/new/").content.decode())
    assert form == {"occupation_code": "/api/v1/reference/occupations", "division": "/api/v1/reference/divisions",
                    "accepted_majors": "/api/v1/reference/majors"}
    client.force_login(world.talent_user)
    assert _pickers(client.get("/recruitment/jobs/").content.decode()) == {
        "division": "/api/v1/reference/divisions", "occupation": "/api/v1/reference/occupations"}
    assert _pickers(client.get("/recruitment/profile/").content.decode()) == {
        "desired_occupations": "/api/v1/reference/occupations", "desired_divisions": "/api/v1/reference/divisions"}
    assert _pickers(client.get("/registry/me/").content.decode()) == {
        "requested_division": "/api/v1/reference/divisions"}
    client.force_login(world.admin)
    assert _pickers(client.get("/accounts/users/new/").content.decode()) == {
        "enterprise": "/registry/enterprises/pick.json", "scope_division": "/api/v1/reference/divisions"}


def test_the_reference_tables_answer_a_typed_name_or_code(client, world):
    Division.objects.create(code="330106", name="西湖区", level="county")
    Occupation.objects.create(code="2-02-10-03", name="人工智能工程技术人员", level="item")
    client.force_login(world.hr)
    assert [r["code"] for r in client.get("/api/v1/reference/divisions", {"q": "330106"}).json()] == ["330106"]
    assert [r["code"] for r in client.get("/api/v1/reference/divisions", {"q": "西湖"}).json()] == ["330106"]
    assert [r["code"] for r in client.get("/api/v1/reference/occupations", {"q": "人工"}).json()] == ["2-02-10-03"]
