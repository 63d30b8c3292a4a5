"""The phone pages (register with a train, timetable, QR ticket, late train), the HR queue, the officer's live
dashboard (polling its JSON endpoint) and the command line (``fair list --json``, ``fair schedule --json`` with
exactly the issue's keys, times with +08:00)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from talentpool.fairs import scheduling, services
from talentpool.fairs.models import Booth, Fair, Registration, Slot

from .conftest import NOW, at


def _login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_talent_registers_with_a_train_and_sees_timetable_ticket_and_late_train_update(fw, clock):
    Registration.objects.all().delete()
    talent = _login(fw.world.talent_user)
    page = talent.get("/fairs/mine/").content.decode()
    assert f'data-fair="{fw.fair.pk}"' in page and 'name="train_number"' in page
    response = talent.post(f"/fairs/{fw.fair.pk}/register/", {"consent": "1", "train_number": "G7311",
                                                             "arrival_at": "2026-03-12T08:40"})
    reg = Registration.objects.get(talent=fw.world.talent)
    assert response["Location"] == f"/fairs/mine/{reg.pk}/"
    assert (reg.train_number, reg.arrival_at, reg.state) == ("G7311", at(8, 40), "confirmed")
    talent.post(f"/fairs/mine/{reg.pk}/", {"action": "choices", "booths": [str(fw.booth.pk)]})
    scheduling.fair_schedule(actor=fw.world.officer, fair_id=fw.fair.pk, time_limit=1, now=NOW)
    page = talent.get(f"/fairs/mine/{reg.pk}/").content.decode()
    assert "<svg" in page and "09:00–09:20" in page
    clock.move_to(at(8, 30))
    talent.post(f"/fairs/mine/{reg.pk}/", {"action": "late", "arrival_at": "2026-03-12T09:50"})
    page = talent.get(f"/fairs/mine/{reg.pk}/").content.decode()
    assert "10:20–10:40" in page  # 09:50 + 15 min walk -> the 10:20 slot
    notices = talent.get("/notices/").content.decode()
    assert "your interview times changed" in notices


def test_hr_queue_lists_the_slot_and_records_an_intent(fw):
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk}])
    scheduling.fair_schedule(actor=fw.world.officer, fair_id=fw.fair.pk, time_limit=1, now=NOW)
    slot = Slot.objects.get()
    hr = _login(fw.world.hr)
    assert f'data-slot="{slot.pk}"' in hr.get(f"/fairs/booths/{fw.booth.pk}/").content.decode()
    hr.post(f"/fairs/booths/{fw.booth.pk}/", {"slot": slot.pk, "level": "strong", "note": "好"})
    assert Slot.objects.get().intent.level == "strong"


def test_live_dashboard_polls_its_json(fw):
    officer = _login(fw.world.officer)
    page = officer.get(f"/fairs/office/{fw.fair.pk}/live/").content.decode()
    assert f'data-poll-url="/api/v1/fairs/{fw.fair.pk}/live"' in page
    live = officer.get(f"/api/v1/fairs/{fw.fair.pk}/live").json()
    assert (live["confirmed"], live["checked_in"]) == (1, 0)
    services.check_in(actor=fw.world.talent_user, token=fw.registration.qr_token)
    assert officer.get(f"/api/v1/fairs/{fw.fair.pk}/live").json()["checked_in"] == 1


def test_cli_list_and_schedule_json(fw):
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk}])
    out = StringIO()
    call_command("fair", "list", "--json", stdout=out)
    assert [(f["id"], f["kind"], f["title"]) for f in json.loads(out.getvalue())] == [
        (fw.fair.pk, "station", "东站招聘会")]
    out = StringIO()
    call_command("fair", "schedule", str(fw.fair.pk), "--time-limit", "1", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"interviews", "objective", "greedy", "bound", "registrants", "booths", "slots"} <= set(data)
    assert (data["interviews"], data["greedy"]) == (1, 1)
    assert data["bound"] >= data["objective"]
    assert data["registrants"] == [{"id": fw.registration.pk, "arrival": "2026-03-12T08:40:00+08:00",
                                    "departure": "2026-03-12T12:30:00+08:00"}]
    assert data["booths"] == [{"id": fw.booth.pk, "interviewers": 2,
                               "hours": ["2026-03-12T09:00:00+08:00", "2026-03-12T13:00:00+08:00"]}]
    assert data["slots"] == [{"registrant": fw.registration.pk, "booth": fw.booth.pk,
                              "start": "2026-03-12T09:00:00+08:00", "end": "2026-03-12T09:20:00+08:00"}]


def test_cli_schedule_refuses_a_missing_fair(fw):
    with pytest.raises(CommandError):
        call_command("fair", "schedule", "999999", stdout=StringIO())


def test_tour_planner_proposes_from_the_registrys_graduates_and_publishes_a_campus_tour(fw):
    from talentpool.fairs.models import Fair, TourStop
    from talentpool.reference.models import University
    from talentpool.registry.models import Education

    University.objects.create(code="4133010335", name="浙江大学", province="浙江省", city="杭州市", division="330100")
    University.objects.create(code="4132010284", name="南京大学", province="江苏省", city="南京市", division="320100")
    Education.objects.create(talent=fw.world.colleague, degree="bachelor", university_code="4132010284",
                             major_code="080902", graduation_date="2020-06-30")
    Education.objects.create(talent=fw.world.talent_other_district, degree="bachelor",
                             university_code="4132010284", major_code="120203", graduation_date="2019-06-30")
    fw.job.accepted_majors = ["0809"]
    fw.job.save()
    officer = _login(fw.world.officer)
    page = officer.get("/fairs/office/tours/", {"jobs": str(fw.job.pk), "stops": "2",
                                                "first_day": "2026-04-01"}).content.decode()
    assert 'value="浙江大学"' in page and 'value="南京大学"' in page  # 李明 (0809) at 浙大, 王芳 (080902) at 南大
    assert page.index("浙江大学") < page.index("南京大学")  # from 杭州 first
    assert f'<option value="{fw.job.pk}" selected>{fw.job.title} · ' in page  # chosen from a list, not typed
    response = officer.post("/fairs/office/tours/", {
        "title": "春季巡回", "university": ["浙江大学", "南京大学"], "city": ["杭州", "南京"],
        "date": ["2026-04-01", "2026-04-02"]})
    tour = Fair.objects.get(title="春季巡回")
    assert response["Location"] == f"/fairs/office/{tour.pk}/"
    assert (tour.kind, tour.status) == ("campus_tour", "published")
    assert list(TourStop.objects.filter(fair=tour).values_list("order", "university")) == [(1, "浙江大学"),
                                                                                          (2, "南京大学")]


def test_hr_applies_for_a_booth_with_its_hours_length_and_video_link_and_the_office_sets_the_walk(fw):
    office = _login(fw.world.officer)
    office.post("/fairs/office/", {"kind": "station", "title": "北站", "starts_at": "2026-04-01T09:00",
                                   "ends_at": "2026-04-01T13:00", "slot_minutes": "15", "walk_minutes": "10"})
    fair = Fair.objects.get(title="北站")
    assert (fair.slot_minutes, fair.walk_minutes) == (15, 10)
    services.fair_publish(actor=fw.world.officer, fair_id=fair.pk)
    hr = _login(fw.world.hr_other)
    response = hr.post("/fairs/booths/", {"fair": fair.pk, "interviewers": "2", "opens_at": "2026-04-01T10:00",
                                          "closes_at": "2026-04-01T12:00", "slot_minutes": "30",
                                          "video_link": "https://meet.example.cn/b"})
    assert response.status_code == 302
    booth = Booth.objects.get(fair=fair)
    assert (booth.opens_at, booth.closes_at, booth.interview_minutes, booth.video_link) == (
        at(10, day=fair.starts_at.date()), at(12, day=fair.starts_at.date()), 30, "https://meet.example.cn/b")
