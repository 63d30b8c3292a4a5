"""An objection and its answer are stored as plain text: an escaped tag typed into either comes back from the API
without it (the officer's queue and the talent's own answer included), and a message that is only markup is
refused as empty."""

from __future__ import annotations

import re

import pytest
from factories.policies import publish_living_policy

from talentpool.policies.models import Objection

CODE = "hz-graduate-living"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
TAG = re.compile(r"<[A-Za-z/!?]")


def _json(client, method, path, body):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.django_db
def test_an_objection_and_its_answer_come_back_as_plain_text(client, world):
    publish_living_policy(owner="330106")
    client.force_login(world.talent_user)
    raised = _json(client, "post", "/api/v1/policies/me/objections",
                   {"policy": CODE, "message": f"我符合条件，{ESCAPED}请核实", "as_of": "2025-03-01"})
    assert raised.status_code == 201, raised.content
    assert raised.json()["message"] == "我符合条件， 请核实"  # the full-width comma kept as typed
    empty = _json(client, "post", "/api/v1/policies/me/objections",
                  {"policy": CODE, "message": ESCAPED, "as_of": "2025-03-01"})
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "message"
    assert Objection.objects.count() == 1
    client.force_login(world.officer)
    queue = client.get("/api/v1/policies/objections")
    assert queue.status_code == 200 and not TAG.search(queue.content.decode())
    answered = _json(client, "post", f"/api/v1/policies/objections/{raised.json()['id']}/answer",
                     {"answer": f"已核实{ESCAPED}"})
    assert answered.status_code == 200, answered.content
    assert answered.json()["answer"] == "已核实" and Objection.objects.get().answer == "已核实"
