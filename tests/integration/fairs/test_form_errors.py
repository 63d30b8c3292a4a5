"""The fair and booth forms show all of their refusals at once, each beside its field, and keep what was typed."""

from __future__ import annotations

import re

from django.test import Client

from talentpool.fairs import services
from talentpool.fairs.models import Booth, Fair, Registration


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _beside(html: str) -> set[str]:
    return set(re.findall(r'class="bad field-error" role="alert" data-field="([a-z_]+)"', html))


def test_a_fair_ending_before_it_starts_with_no_places_shows_both_and_keeps_the_title(fw):
    before = Fair.objects.count()
    response = _login(fw.world.officer).post("/fairs/office/", {
        "kind": "station", "title": "北站春招", "venue": "北站广场", "starts_at": "2026-04-01T13:00",
        "ends_at": "2026-04-01T09:00", "capacity": "0", "slot_minutes": "20", "walk_minutes": "abc"})
    html = response.content.decode()
    assert response.status_code == 400 and Fair.objects.count() == before
    assert _beside(html) == {"ends_at", "capacity", "walk_minutes"}
    assert 'value="北站春招"' in html and 'value="北站广场"' in html and 'value="2026-04-01T13:00"' in html
    assert 'value="0"' in html and '<option value="station" selected>' in html


def test_a_booth_with_too_many_interviewers_and_a_bad_link_shows_both_and_keeps_the_stand(fw):
    fair = services.fair_create(actor=fw.world.officer, kind="cloud", title="云招聘", starts_at="2026-04-01T09:00",
                                ends_at="2026-04-01T13:00")
    services.fair_publish(actor=fw.world.officer, fair_id=fair.pk)
    response = _login(fw.world.hr).post("/fairs/booths/", {
        "fair": fair.pk, "interviewers": "99", "stand": "B12", "video_link": "meet.example.cn",
        "opens_at": "2026-04-01T08:00", "jobs": [fw.job.pk]})
    html = response.content.decode()
    assert response.status_code == 400 and not Booth.objects.filter(fair=fair).exists()
    assert _beside(html) == {"interviewers", "video_link", "opens_at"}
    assert 'value="B12"' in html and 'value="meet.example.cn"' in html and 'value="99"' in html
    assert f'value="{fw.job.pk}" checked' in html and re.search(rf'value="{fair.pk}" selected', html)


def test_registering_without_consent_and_leaving_before_arriving_shows_both_and_keeps_the_train(fw):
    fair = services.fair_create(actor=fw.world.officer, kind="station", title="南站招聘会",
                                starts_at="2026-04-01T09:00", ends_at="2026-04-01T13:00")
    services.fair_publish(actor=fw.world.officer, fair_id=fair.pk)
    response = _login(fw.world.talent_user).post(f"/fairs/{fair.pk}/register/", {
        "train_number": "G7311", "arrival_at": "2026-04-01T10:00", "departure_at": "2026-04-01T09:00"})
    html = response.content.decode()
    assert response.status_code == 400 and not Registration.objects.filter(fair=fair).exists()
    assert _beside(html) == {"consent", "departure_at"}
    assert 'value="G7311"' in html and 'value="2026-04-01T10:00"' in html
