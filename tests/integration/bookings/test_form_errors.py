"""The form adding a station, event or space shows all of its refusals at once, each beside its field, and keeps
what was typed (an event with no name, no day and no places is one round trip, not three)."""

from __future__ import annotations

import re

from talentpool.bookings import resources
from talentpool.bookings.models import PartnerKind, Referral, Resource
from talentpool.recruitment.models import Job, JobStatus


def test_an_event_without_name_day_or_places_shows_all_three_and_keeps_the_rest(world, client_for):
    before = Resource.objects.count()
    response = client_for(world.officer).post("/bookings/console/new/", {
        "kind": "event", "name": " ", "address": "西溪路 88 号", "category": "salon", "day": "", "hour": "15",
        "capacity": "", "series": "创业沙龙", "audience": "区内初创企业"})
    html = response.content.decode()
    assert response.status_code == 400 and Resource.objects.count() == before
    assert set(re.findall(r'class="bad field-error" role="alert" data-field="([a-z_]+)"', html)) == {
        "name", "starts_at", "capacity"}
    assert 'value="西溪路 88 号"' in html and 'value="创业沙龙"' in html and 'value="区内初创企业"' in html
    assert 'value="15"' in html and '<option value="event" selected>' in html


def test_a_space_with_a_name_is_made(world, client_for):
    response = client_for(world.officer).post("/bookings/console/new/", {"kind": "space", "name": "直播间"})
    assert response.status_code == 302 and Resource.objects.filter(name="直播间", capacity=1).exists()


def test_a_referral_without_its_service_to_an_unknown_person_shows_both_and_keeps_the_note(world, client_for):
    resources.partner_create(actor=world.officer, name="西湖人力资源服务协会", kind=PartnerKind.ASSOCIATION,
                             enterprise=world.hr.enterprise)
    response = client_for(world.hr).post("/bookings/partner/", {
        "name": "无名氏", "phone": "13900000009", "target": "service", "service": " ", "note": "周三上午来访"})
    html = response.content.decode()
    assert response.status_code == 400 and not Referral.objects.exists()
    assert set(re.findall(r'class="bad field-error" role="alert" data-field="([a-z_]+)"', html)) == {
        "phone", "service"}
    assert 'value="无名氏"' in html and 'value="13900000009"' in html and 'value="周三上午来访"' in html
    assert '<option value="service" selected>' in html


def test_a_partner_chooses_the_job_by_title_not_by_record_number(world, client_for):
    resources.partner_create(actor=world.officer, name="西湖人力资源服务协会", kind=PartnerKind.ASSOCIATION,
                             enterprise=world.hr.enterprise)
    job = Job.objects.create(enterprise=world.hr_other.enterprise, title="数据分析师", occupation_code="2-02-10-03",
                             division="330110", status=JobStatus.OPEN)
    page = client_for(world.hr)
    html = page.get("/bookings/partner/").content.decode()
    named = f'<option value="{job.pk}">数据分析师 · {world.hr_other.enterprise.name}</option>'
    assert '<select name="job">' in html and named in html
    assert 'name="job" inputmode="numeric"' not in html
    response = page.post("/bookings/partner/", {"name": "李明", "phone": "13800000001", "target": "job",
                                                "job": job.pk})
    assert response.status_code == 302 and Referral.objects.get().job == job
