"""The recruitment API end to end through the real endpoints: an enterprise posts a job and sees ranked
candidates with reasons; the talent sees it recommended, applies, gets the interview invitation; the enterprise
moves the application through the pipeline to the hire; the officer's overview counts it all. Plus the error
shape of bad input and fixed query counts on the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from talentpool.core.models import Notice
from talentpool.recruitment import services
from talentpool.recruitment.models import Application, Job
from talentpool.recruitment.selectors import recruitment_overview
from talentpool.registry.models import Employment

from .conftest import SOFTWARE_JOB, TODAY, future

API = "/api/v1/recruitment"


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _post(client, path, body=None):
    return client.post(API + path, body or {}, content_type="application/json")


def test_the_whole_journey(rec):
    w = rec.world
    hr, me, officer = _client(w.hr), _client(w.talent_user), _client(w.officer)
    w.talent_user.email = "liming@example.com"
    w.talent_user.save()

    posted = _post(hr, "/jobs", SOFTWARE_JOB | {"title": "机器学习平台工程师", "description": "负责机器学习平台与Python服务。",
                                                "skills": ["机器学习", "Python"], "status": "open",
                                                "headcount": 1})
    assert posted.status_code == 201, posted.content
    job = posted.json()
    assert (job["status"], job["occupation_name"], job["division_name"]) == ("open", "计算机软件工程技术人员", "西湖区")

    ranked = hr.get(f"{API}/jobs/{job['id']}/candidates?k=5").json()
    assert ranked[0]["talent"]["id"] == w.talent.pk  # applied to another job of the firm: included
    assert ranked[0]["applied_to_enterprise"] and not ranked[0]["applied_to_job"]
    assert ranked[0]["reasons"] and "contributions" in ranked[0]["explanation"]
    assert "id_number" not in str(ranked) and w.talent.id_masked not in str(ranked)

    recommended = me.get(f"{API}/me/recommended?k=5").json()
    assert recommended[0]["job"]["id"] == job["id"] and not recommended[0]["applied"]
    assert any("机器学习" in r for r in recommended[0]["reasons"])

    applied = _post(me, f"/jobs/{job['id']}/apply", {"message": "<b>您好</b>"})
    assert applied.status_code == 201 and applied.json()["stage"] == "applied"
    app = applied.json()["id"]
    assert applied.json()["message"] == "您好"
    again = _post(me, f"/jobs/{job['id']}/apply")
    assert again.status_code == 400 and again.json()["error"]["code"] == "already_applied"
    assert me.get(f"{API}/me/recommended?k=5").json()[0]["applied"] is True

    moved = _post(hr, f"/applications/{app}/move", {"to": "screening", "note": "背景匹配"})
    assert moved.status_code == 200 and moved.json()["stage"] == "screening"
    assert _post(hr, f"/applications/{app}/notes", {"text": "技术面重点考察Python"}).status_code == 201
    interview = _post(hr, f"/applications/{app}/interviews", {
        "starts_at": future(3, 14).isoformat(), "ends_at": future(3, 15).isoformat(),
        "video_link": "https://meet.example.com/ml", "interviewers": ["王工", "李工"]})
    assert interview.status_code == 201, interview.content
    interview = interview.json()
    assert interview["round"] == 1 and interview["ics_url"].endswith(f"/interviews/{interview['id']}.ics")

    mine = me.get(f"{API}/me/interviews").json()
    assert [i["id"] for i in mine if i["job"]["id"] == job["id"]] == [interview["id"]]
    notice = Notice.objects.filter(user=w.talent_user, kind="interview_scheduled").first()
    assert notice.url == interview["ics_url"]
    ics = me.get(interview["ics_url"])
    assert ics["Content-Type"].startswith("text/calendar") and "attachment" in ics["Content-Disposition"]
    assert ics["Cache-Control"] == "no-store"
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert str(event["URL"]) == "https://meet.example.com/ml"
    assert event.decoded("DTSTART") == future(3, 14)

    detail = me.get(f"{API}/applications/{app}").json()
    assert detail["stage"] == "interview" and detail["notes"] == []  # the employer's notes stay with it
    assert [h["to"] for h in detail["history"]] == ["applied", "screening", "interview"]
    assert all(h["actor"] is None for h in detail["history"])
    hr_view = hr.get(f"{API}/applications/{app}").json()
    assert [n["text"] for n in hr_view["notes"]] == ["技术面重点考察Python"]
    assert hr_view["history"][1]["actor"] == "hr"

    start = (TODAY + dt.timedelta(days=30)).isoformat()
    offer = _post(hr, f"/applications/{app}/offer", {"start_date": start, "salary": 18000})
    assert offer.status_code == 200 and offer.json()["offer"]["salary"] == 18000
    assert _post(me, f"/me/applications/{app}/accept-offer").json()["offer"]["accepted_at"]
    hired = _post(hr, f"/applications/{app}/hire", {})
    assert hired.status_code == 200 and hired.json()["outcome"] == "hired"
    employment = Employment.objects.get(pk=hired.json()["employment_id"])
    assert (employment.talent_id, employment.start_date.isoformat(), employment.position) == (
        w.talent.pk, start, "机器学习平台工程师")
    assert hr.get(f"{API}/jobs/{job['id']}").json()["status"] == "filled"

    pipeline = hr.get(f"{API}/jobs/{job['id']}/pipeline").json()
    assert (pipeline["hires"], pipeline["headcount"]) == (1, 1)
    assert [c["code"] for c in pipeline["columns"]] == ["applied", "screening", "interview", "offer", "hired"]
    assert [a["id"] for a in pipeline["columns"][-1]["applications"]] == [app]

    overview = officer.get(f"{API}/overview").json()
    assert overview["hires_this_month"] == 1
    assert overview["open_jobs"] == 3  # job, job_open, job_offer of 西湖区 (the new one is filled)
    clusters = {c["cluster"]: c["jobs"] for c in overview["jobs_by_cluster"]}
    assert clusters["intelligent_manufacturing"] == 3 and clusters["digital_economy"] == 0
    assert {o["code"]: o["jobs"] for o in overview["jobs_by_occupation"]} == {"2-02": 2, "2-06": 1}
    assert overview["applications"] == 3 and overview["applications_by_outcome"] == {"hired": 1}
    other = _client(w.officer_other).get(f"{API}/overview").json()
    assert (other["open_jobs"], other["applications"], other["hires_this_month"]) == (1, 0, 0)


def test_bad_input_answers_with_the_field(rec):
    hr = _client(rec.world.hr)
    response = _post(hr, "/jobs", SOFTWARE_JOB | {"salary_min": 30000, "salary_max": 20000})
    assert response.status_code == 400
    assert response.json()["error"] | {"message": ""} == {"code": "salary_range", "field": "salary_min",
                                                          "message": ""}
    response = hr.patch(f"{API}/jobs/{rec.job.pk}", {"deadline": "2020-01-01"}, content_type="application/json")
    assert response.json()["error"]["field"] == "deadline"
    response = _post(hr, "/jobs", {"title": "x"})  # no occupation at all: the schema refuses
    assert response.status_code == 422 and response.json()["error"]["field"] == "occupation_code"


def test_the_profile_answer_says_what_cleaning_did(rec):
    me = _client(rec.world.talent_user)
    response = me.put(f"{API}/me/profile", {"resume": "<h1>李明</h1>" + "数" * 6000, "skills": ["Go语言"]},
                      content_type="application/json")
    body = response.json()
    assert response.status_code == 200 and len(body["resume"]) == 5000 and body["skills"] == ["go语言"]
    assert len(body["notes"]) == 2
    assert me.get(f"{API}/me/profile").json()["notes"] == []


def test_talents_see_only_open_visible_jobs_and_filters_work(rec):
    w = rec.world
    services.job_moderate(actor=w.officer, job_id=rec.job_open.pk, hidden=True, note="信息不实")
    draft = services.job_create(actor=w.hr, **SOFTWARE_JOB)
    me = _client(w.talent_user)
    ids = {j["id"] for j in me.get(f"{API}/jobs").json()["items"]}
    assert ids == {rec.job.pk, rec.job_offer.pk, rec.job_other.pk}
    assert me.get(f"{API}/jobs/{draft.pk}").status_code == 404
    assert all(j["applications"] is None for j in me.get(f"{API}/jobs").json()["items"])
    assert {j["id"] for j in me.get(f"{API}/jobs?division=330110").json()["items"]} == {rec.job_other.pk}
    assert {j["id"] for j in me.get(f"{API}/jobs?q=数据").json()["items"]} == {rec.job_offer.pk}
    officer = _client(w.officer).get(f"{API}/jobs?hidden=true").json()
    assert [j["id"] for j in officer["items"]] == [rec.job_open.pk]
    hr = _client(w.hr).get(f"{API}/jobs?status=draft").json()
    assert [j["id"] for j in hr["items"]] == [draft.pk]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.usefixtures("no_page_cache")
def test_lists_read_a_fixed_number_of_queries(rec):
    w = rec.world
    hr, me = _client(w.hr), _client(w.talent_user)
    hr.get(f"{API}/jobs")  # reference names are cached in the process after the first read
    counts = (_queries(hr, f"{API}/jobs"), _queries(hr, f"{API}/applications"), _queries(me, f"{API}/me/applications"),
              _queries(hr, f"{API}/jobs/{rec.job.pk}/pipeline"), _queries(me, f"{API}/me/interviews"))
    for i in range(3):
        job = services.job_create(actor=w.hr, status="open", **(SOFTWARE_JOB | {"title": f"岗位{i}"}))
        app = services.apply(actor=w.talent_user, job_id=job.pk)
        services.interview_schedule(actor=w.hr, application_id=app.pk, starts_at=future(5 + i),
                                    ends_at=future(5 + i, 11), location="会议室")
    services.application_move(actor=w.hr, application_id=rec.application.pk, to="offer")
    assert (_queries(hr, f"{API}/jobs"), _queries(hr, f"{API}/applications"), _queries(me, f"{API}/me/applications"),
            _queries(hr, f"{API}/jobs/{rec.job.pk}/pipeline"), _queries(me, f"{API}/me/interviews")) == counts


def test_the_overview_counts_each_application_once_by_stage_outcome_and_month(rec):
    """The application figures come from one grouped query: each application lands in exactly one stage or
    outcome, this month's and this month's hires are counted apart from older ones, and a hidden job is not open."""
    w = rec.world
    base = recruitment_overview(w.officer, today=TODAY)
    old = Application.objects.filter(job__division__startswith="330106").order_by("pk")
    month_start = dt.datetime.combine(TODAY.replace(day=1), dt.time.min, tzinfo=dt.UTC)
    last_month = month_start - dt.timedelta(days=3)
    first = old.first()
    Application.objects.filter(pk=first.pk).update(created_at=last_month, outcome="hired", outcome_at=last_month)
    second = old.exclude(pk=first.pk).first()
    Application.objects.filter(pk=second.pk).update(outcome="hired", outcome_at=month_start + dt.timedelta(days=1))
    Job.objects.filter(pk=rec.job_open.pk).update(hidden=True)
    o = recruitment_overview(w.officer, today=TODAY)
    assert o["applications"] == base["applications"] == old.count() >= 2
    assert o["applications_this_month"] == base["applications_this_month"] - 1
    assert (base["hires_this_month"], o["hires_this_month"]) == (0, 1)  # the older hire is not this month's
    assert o["applications_by_outcome"] == {"hired": 2}
    assert sum(o["applications_by_stage"].values()) == o["applications"] - 2
    assert list(o["applications_by_stage"]) == sorted(o["applications_by_stage"])
    assert (o["open_jobs"], o["hidden_jobs"]) == (base["open_jobs"] - 1, base["hidden_jobs"] + 1)
    assert o["open_jobs"] == sum(c["jobs"] for c in o["jobs_by_cluster"])
