"""The job lists count applications for the rows shown only (issue 12: the district's job list grouped every job
with its applications before cutting the page, the slowest officer page at 20,000 talents)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talentpool.recruitment import services
from talentpool.recruitment.models import DEFAULT_STAGES, Application, Job

from .conftest import SOFTWARE_JOB


def _rows(html: str) -> dict[str, str]:
    """data-job id -> the applications cell of the district list."""
    return dict(re.findall(r'<tr data-job="(\d+)">(?:<td>.*?</td>){3}<td>(\d+)</td>', html))


def _queries(client, url: str) -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    grouped = [q["sql"] for q in queries if 'FROM "recruitment_job"' in q["sql"] and "COUNT(" in q["sql"]]
    assert grouped == []  # counting is done over the page's jobs only, never over the whole district's
    return len(queries), response.content.decode()


@pytest.mark.usefixtures("no_page_cache")
def test_the_district_list_shows_each_jobs_applications_with_queries_independent_of_the_jobs(client, rec):
    w = rec.world
    client.force_login(w.officer)
    before, html = _queries(client, "/recruitment/district-jobs/")
    rows = _rows(html)
    assert rows[str(rec.job.pk)] == "1" and rows[str(rec.job_offer.pk)] == "1" and rows[str(rec.job_open.pk)] == "0"
    assert str(rec.job_other.pk) not in rows  # another district's job
    for n in range(12):
        services.job_create(actor=w.hr, status="open", **(SOFTWARE_JOB | {"title": f"后端工程师{n}"}))
    after, html = _queries(client, "/recruitment/district-jobs/")
    assert after == before
    assert len(_rows(html)) == len(rows) + 12


def test_the_api_and_the_enterprise_list_count_the_same_applications(client, rec):
    w = rec.world
    client.force_login(w.hr)
    page = client.get("/api/v1/recruitment/jobs?limit=2").json()
    mine = Job.objects.filter(enterprise=w.hr.enterprise)
    assert page["count"] == mine.count() and len(page["items"]) == 2
    expected = {j.pk: j.applications.count() for j in mine}
    assert {i["id"]: i["applications"] for i in page["items"]} == {i["id"]: expected[i["id"]]
                                                                         for i in page["items"]}
    html = client.get("/recruitment/my-jobs/").content.decode()
    cells = dict(re.findall(r'<tr data-job="(\d+)"><td>.*?</td><td>.*?</td><td>(\d+)</td>', html))
    assert cells == {str(pk): str(n) for pk, n in expected.items()}


@pytest.mark.usefixtures("no_page_cache")
def test_the_officers_application_list_names_each_employers_stages_in_a_fixed_number_of_queries(client, rec,
                                                                                                make_user):
    w = rec.world
    client.force_login(w.officer)
    before, html = _queries(client, "/recruitment/applications/")
    assert "简历已收到" not in html
    for n in range(3):  # three more employers of the district, each with its own name for "applied"
        hr = make_user("enterprise")
        services.pipeline_stages_set(actor=hr, stages=[s | {"zh": f"简历已收到{n}"} if s["code"] == "applied" else s
                                                       for s in DEFAULT_STAGES])
        job = services.job_create(actor=hr, status="open", **SOFTWARE_JOB)
        services.apply(actor=w.talent_user, job_id=job.pk)
    after, html = _queries(client, "/recruitment/applications/")
    assert after == before  # one query for the stages of every employer shown, not one per employer
    assert all(f"简历已收到{n}" in html for n in range(3))


def test_the_district_list_pages_by_keyset_newest_first_keeping_the_filters(client, rec, monkeypatch):
    from talentpool.recruitment import views

    monkeypatch.setattr(views, "DISTRICT_JOBS_PAGE", 2)
    client.force_login(rec.world.officer)
    newest = list(Job.objects.filter(division__startswith="330106").order_by("-created_at", "-pk")
                  .values_list("pk", flat=True))
    assert len(newest) == 3
    first = client.get("/recruitment/district-jobs/?status=open").content.decode()
    assert list(_rows(first)) == [str(pk) for pk in newest[:2]]
    link = re.search(r'href="\?([^"]*)" id="older-jobs"', first).group(1).replace("&amp;", "&")
    assert link == f"status=open&after={newest[1]}" and 'id="newest-jobs"' not in first
    second = client.get(f"/recruitment/district-jobs/?{link}").content.decode()
    assert list(_rows(second)) == [str(newest[2])]
    assert 'id="older-jobs"' not in second and 'id="newest-jobs"' in second


def _cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]


def test_each_application_row_links_names_and_dates_its_own_application(client, rec):
    """The rows are worked out once per page: each gets its own link, name, job, date (Shanghai) and state."""
    w = rec.world
    services.job_moderate(actor=w.officer, job_id=rec.job_open.pk, hidden=True, note="重复发布")
    expected = {}
    for app in Application.objects.filter(job__enterprise=w.hr.enterprise).select_related("job", "talent"):
        day = timezone.localtime(app.created_at).date().isoformat()
        stage = {s["code"]: s["zh"] for s in DEFAULT_STAGES}[app.stage]
        expected[app.pk] = (app.talent.name, app.job_id, app.job.title, day, "已录用" if app.outcome else stage)
    assert len(expected) >= 2
    client.force_login(w.hr)
    rows = _cells(client.get("/recruitment/applications/").content.decode(), "applications")
    mine = {}
    for name, job, day, state in rows:
        pk, shown = re.fullmatch(r'<a href="/recruitment/applications/(\d+)/">(.*)</a>', name).groups()
        mine[int(pk)] = (shown, job, day, re.sub(r"<.*?>", "", state))
    assert mine == {pk: (n, title, day, state) for pk, (n, _, title, day, state) in expected.items()}
    client.force_login(w.officer)
    rows = _cells(client.get("/recruitment/applications/").content.decode(), "applications")
    shown = sorted((name, re.fullmatch(r'<a href="/recruitment/jobs/(\d+)/">(.*)</a>', job).groups(), day)
                   for name, job, day, _state in rows)
    assert shown == sorted((n, (str(job), title), day) for n, job, title, day, _ in expected.values())


def test_each_district_job_row_shows_its_own_job(client, rec):
    w = rec.world
    services.job_moderate(actor=w.officer, job_id=rec.job_open.pk, hidden=True, note="重复发布")
    services.job_set_status(actor=w.hr, job_id=rec.job_offer.pk, status="paused")
    client.force_login(w.officer)
    rows = _cells(client.get("/recruitment/district-jobs/").content.decode(), "district-jobs")
    found = {}
    for title, employer, status, count, day in rows:
        pk, text, rest = re.fullmatch(r'<a href="/recruitment/jobs/(\d+)/">(.*?)</a>(.*)', title).groups()
        found[int(pk)] = (text, "hidden by the office" in rest or "已被办公室隐藏" in rest or bool(rest), employer,
                          status, count, day)
    jobs = Job.objects.filter(division__startswith="330106").select_related("enterprise")
    labels = {"open": "招聘中", "paused": "已暂停"}
    assert found == {j.pk: (j.title, j.hidden, j.enterprise.name, labels.get(j.status, found[j.pk][3]),
                            str(j.applications.count()), timezone.localtime(j.created_at).date().isoformat())
                     for j in jobs}
    assert found[rec.job_open.pk][1] and not found[rec.job.pk][1]
    assert found[rec.job_offer.pk][3] == "已暂停"
