"""The interview form shows all of its refusals at once, each beside its field, and keeps what was typed: a slot in
the past and no place or video link are one round trip, not two."""

from __future__ import annotations

import re

from talentpool.recruitment.models import Interview


def test_a_past_slot_and_no_place_are_both_shown_and_the_interviewers_kept(rec, client_for):
    before = Interview.objects.count()
    response = client_for(rec.world.hr).post(f"/recruitment/applications/{rec.application.pk}/", {
        "action": "interview", "starts_at": "2026-03-01T10:00", "ends_at": "2026-03-01T11:00", "location": " ",
        "video_link": "", "interviewers": "张经理, 王主管"})
    html = response.content.decode()
    assert response.status_code == 400 and Interview.objects.count() == before
    assert set(re.findall(r'class="bad field-error" role="alert" data-field="([a-z_]+)"', html)) == {
        "starts_at", "location"}
    assert 'value="2026-03-01T10:00"' in html and 'value="张经理, 王主管"' in html


def test_a_good_interview_is_still_scheduled(rec, client_for):
    response = client_for(rec.world.hr).post(f"/recruitment/applications/{rec.application.pk}/", {
        "action": "interview", "starts_at": "2026-03-20T10:00", "ends_at": "2026-03-20T11:00",
        "location": "文三路 1 号"})
    assert response.status_code == 302
    assert rec.application.interviews.filter(location="文三路 1 号").exists()
