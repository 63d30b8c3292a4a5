"""The talent's recommended jobs are kept per index revision (``recruitment.ranking_cache.ranked_jobs``): a repeated
"jobs for me" page does not scan the index, and every change that alters the list shows on the very next page —
a new job, an edited profile, a closed job, an application."""

from __future__ import annotations

import pytest
from django.test import Client

from talentpool.engines.matching import MatchIndex
from talentpool.recruitment import matching, services
from talentpool.recruitment.models import Job, JobStatus
from talentpool.recruitment.ranking_cache import ranked_jobs

from .conftest import SOFTWARE_JOB

PAGE = "/recruitment/jobs/"


@pytest.fixture
def scans(monkeypatch) -> list:
    """The engine's scans for a talent's jobs, counted."""
    calls: list = []
    real = MatchIndex.jobs_for_talent

    def counting(self, talent, *args, **kwargs):
        calls.append(talent)
        return real(self, talent, *args, **kwargs)

    monkeypatch.setattr(MatchIndex, "jobs_for_talent", counting)
    return calls


def _page(client: Client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def talent(rec) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(rec.world.talent_user)
    return client


def test_a_repeated_page_is_answered_without_scanning_the_index(rec, talent, scans):
    first = _page(talent)
    assert f'data-job="{rec.job_other.pk}"' in first
    assert _page(talent).split('id="recommended"')[1] == first.split('id="recommended"')[1]
    assert len(scans) == 1
    assert ranked_jobs.hits >= 1


def test_a_new_job_shows_on_the_next_page(rec, talent, scans):
    _page(talent)
    new = services.job_create(actor=rec.world.hr, status="open", **(SOFTWARE_JOB | {"title": "机器学习平台工程师"}))
    page = _page(talent)
    assert f'data-job="{new.pk}"' in page and "机器学习平台工程师" in page
    assert len(scans) == 2  # the index changed: ranked anew


def test_an_edited_profile_is_ranked_anew_at_once(rec, talent, scans):
    before = _page(talent)
    services.profile_save(actor=rec.world.talent_user, resume="注册会计师，熟悉成本核算、税务申报和Excel。",
                          skills=["会计", "Excel", "税务"], desired_occupations=["2-06-03-00"],
                          desired_divisions=["330100"], consent_search=False)
    after = _page(talent)
    assert len(scans) == 2
    listed = after.split('id="recommended"')[1].split("</ul>")[0]
    first = listed.split('data-job="')[1].split('"')[0]
    assert first == str(rec.job_open.pk)  # the accounting job now leads
    assert first != before.split('id="recommended"')[1].split('data-job="')[1].split('"')[0]


def test_a_job_closed_behind_the_index_leaves_at_once(rec, talent, scans):
    """Even with no change noted (the kept ranking still lists the job), the jobs are read afresh per page."""
    assert f'data-job="{rec.job_other.pk}"' in _page(talent)
    Job.objects.filter(pk=rec.job_other.pk).update(status=JobStatus.CLOSED)
    assert f'data-job="{rec.job_other.pk}"' not in _page(talent)
    assert len(scans) == 1  # served from the kept ranking


def test_an_application_shows_on_the_next_page(rec, talent):
    def card(page: str) -> str:
        return page.split(f'data-job="{rec.job_other.pk}"')[1].split("</li>")[0]

    assert "applied" not in card(_page(talent)).split("</h2>")[0]
    services.apply(actor=rec.world.talent_user, job_id=rec.job_other.pk)
    assert '<span class="badge">applied</span>' in card(_page(talent)).split("</h2>")[0]


def test_a_rebuilt_index_is_ranked_anew(rec, talent, scans):
    _page(talent)
    matching.live_index().rebuild(save=False)
    _page(talent)
    assert len(scans) == 2
