"""Recruitment's loose ends tied: a headcount of 0 is refused (not stored as 1), a hire closes the person's open
interviews, the .ics says the talent accepted, one name per state, candidates link to their application with
their fit shown."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from icalendar import Calendar, Timezone

from talentpool.recruitment import services
from talentpool.recruitment.ics import interview_ics
from talentpool.recruitment.models import DEFAULT_STAGES, Interview, Job, Outcome

from .conftest import TODAY, future


def test_a_headcount_of_zero_is_refused_not_stored_as_one(client, rec):
    client.force_login(rec.world.hr)
    fields = {"title": "测试工程师", "description": "负责测试", "occupation_code": "2-02-10-03", "headcount": "0"}
    response = client.post("/recruitment/my-jobs/new/", fields)
    assert response.status_code == 400 and 'data-field="headcount"' in response.content.decode()
    assert not Job.objects.filter(title="测试工程师").exists()
    response = client.post("/recruitment/my-jobs/new/", fields | {"headcount": ""})  # empty: one person
    assert response.status_code == 302 and Job.objects.get(title="测试工程师").headcount == 1


def test_a_hire_closes_the_open_interviews(rec, clock):
    w = rec.world
    later = Interview.objects.create(application=rec.application, round=2, starts_at=future(5), ends_at=future(5, 11),
                                     uid="later@test")
    clock.move_to(future(2, 10, 30))  # the first round (day 2, 10:00) has begun, the second not yet
    services.hire(actor=w.hr, application_id=rec.application.pk, start_date=TODAY + dt.timedelta(days=30))
    rec.interview.refresh_from_db()
    later.refresh_from_db()
    assert rec.interview.status == "done"
    assert (later.status, later.sequence) == ("cancelled", 1)
    assert str(Calendar.from_ical(interview_ics(later))["METHOD"]) == "CANCEL"


def test_the_ics_carries_the_talents_acceptance(rec):
    w = rec.world
    w.talent_user.email = "liming@example.com"
    w.talent_user.save()
    attendee = Calendar.from_ical(interview_ics(rec.interview)).walk("VEVENT")[0]["ATTENDEE"]
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    services.interview_confirm(actor=w.talent_user, interview_id=rec.interview.pk)
    rec.interview.refresh_from_db()
    attendee = Calendar.from_ical(interview_ics(rec.interview)).walk("VEVENT")[0]["ATTENDEE"]
    assert (attendee.params["PARTSTAT"], attendee.params["RSVP"]) == ("ACCEPTED", "FALSE")


def test_each_ics_carries_the_vtimezone_of_its_own_zone_as_icalendar_makes_it(rec):
    """The VTIMEZONE is kept per zone: a file in another zone gets that zone's, never the last one made."""
    for zone in ("Asia/Shanghai", "Europe/Berlin", "Asia/Shanghai"):
        rec.interview.timezone = zone
        cal = Calendar.from_ical(interview_ics(rec.interview))
        zones = cal.walk("VTIMEZONE")
        assert [str(z["TZID"]) for z in zones] == [zone]
        assert zones[0].to_ical() == Timezone.from_tzid(zone).to_ical()
        assert str(cal.walk("VEVENT")[0]["DTSTART"].params["TZID"]) == zone
        assert cal.walk("VEVENT")[0].decoded("DTSTART") == rec.interview.starts_at


def test_the_hired_stage_and_the_hired_outcome_have_one_name():
    hired = next(s for s in DEFAULT_STAGES if s["code"] == "hired")
    with translation.override("zh-hans"):
        assert hired["zh"] == str(Outcome.HIRED.label) == "已录用"


def test_candidates_show_their_fit_and_link_to_their_application(client, rec):
    client.force_login(rec.world.hr)
    page = client.get(f"/recruitment/jobs/{rec.job.pk}/").content.decode()
    assert f'href="/recruitment/applications/{rec.application.pk}/">李明</a>' in page
    assert "匹配度" in page and "%" in page


def test_the_applications_list_names_stages_never_codes(client, rec):
    client.force_login(rec.world.officer)
    page = client.get("/recruitment/applications/").content.decode()
    assert ">interview<" not in page and ">applied<" not in page
    assert "面试" in page or "已投递" in page


def test_the_occupation_code_is_shown_once_with_its_name(client, rec):
    client.force_login(rec.world.talent_user)
    page = client.get(f"/recruitment/jobs/{rec.job.pk}/").content.decode()
    assert page.count(rec.job.occupation_code) == 1
