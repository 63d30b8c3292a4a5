"""What people type comes back from the JSON and partner APIs as plain text: an escaped or disguised tag in a job,
a profile or an application message is stored without it, so no client that inserts the text as HTML runs it."""

from __future__ import annotations

import re

from django.test import Client

from .conftest import SOFTWARE_JOB

API = "/api/v1/recruitment"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
TAG = re.compile(r"<[A-Za-z/!?]")


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_job_posted_with_an_escaped_tag_is_plain_text_in_every_api(rec):
    hr = _client(rec.world.hr)
    posted = hr.post(f"{API}/jobs", SOFTWARE_JOB | {
        "title": f"后端工程师{ESCAPED}", "status": "open",
        "description": f"负责后端开发{ESCAPED}，熟悉Python。＜svg onload=alert(1)＞&lt;script&gt;alert(2)&lt;/script&gt;"},
        content_type="application/json")
    assert posted.status_code == 201, posted.content
    job = posted.json()
    assert (job["title"], job["description"]) == ("后端工程师", "负责后端开发 ,熟悉Python。")
    for response in (hr.get(f"{API}/jobs/{job['id']}"),
                     Client(HTTP_X_PARTNER_KEY=rec.partner_key).get(f"{API}/partner/jobs/{job['id']}"),
                     _client(rec.world.talent_user).get(f"{API}/jobs/{job['id']}")):
        assert response.status_code == 200, response.content
        assert not TAG.search(response.content.decode()), response.content.decode()
        assert "onerror" not in response.content.decode() and "onload" not in response.content.decode()


def test_a_profile_and_an_application_message_are_plain_text(rec):
    me = _client(rec.world.talent_user)
    saved = me.put(f"{API}/me/profile", {"resume": f"五年会计经验{ESCAPED}", "skills": [f"Excel{ESCAPED}"]},
                   content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert (saved.json()["resume"], saved.json()["skills"]) == ("五年会计经验", ["excel"])
    assert not TAG.search(me.get(f"{API}/me/profile").content.decode())
    applied = me.post(f"{API}/jobs/{rec.job_open.pk}/apply", {"message": f"您好{ESCAPED}"},
                      content_type="application/json")
    assert applied.status_code == 201, applied.content
    assert applied.json()["message"] == "您好"
    seen = _client(rec.world.hr).get(f"{API}/applications/{applied.json()['id']}")
    assert seen.status_code == 200 and not TAG.search(seen.content.decode())
