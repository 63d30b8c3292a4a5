"""The enterprise's ranked candidates are kept per index revision, job version and applicant set
(``recruitment.ranking_cache``): a repeated request does not scan the index, and every change that alters the list
shows in the very next request — through the API as the enterprise reads it."""

from __future__ import annotations

import pytest
from django.test import Client

from talentpool.engines.matching import MatchIndex
from talentpool.recruitment import matching, services
from talentpool.recruitment.models import Application, JobProfile
from talentpool.recruitment.ranking_cache import ranked_talents
from talentpool.recruitment.selectors import ranked_candidates

API = "/api/v1/recruitment"


@pytest.fixture
def scans(monkeypatch) -> list:
    """The engine's scans for a job's talents, counted."""
    calls: list = []
    real = MatchIndex.talents_for_job

    def counting(self, job, *args, **kwargs):
        calls.append(job)
        return real(self, job, *args, **kwargs)

    monkeypatch.setattr(MatchIndex, "talents_for_job", counting)
    return calls


def _candidates(client: Client, job_id: int) -> list[int]:
    response = client.get(f"{API}/jobs/{job_id}/candidates")
    assert response.status_code == 200
    return [row["talent"]["id"] for row in response.json()]


def _hr(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_repeated_request_is_answered_without_scanning_the_index(rec, scans):
    w = rec.world
    first = ranked_candidates(w.hr, rec.job, 20)
    again = ranked_candidates(w.hr, rec.job, 20)
    assert len(scans) == 1
    assert [(m.talent.pk, m.score, m.reasons) for m in again] == [(m.talent.pk, m.score, m.reasons) for m in first]
    ranked_candidates(w.hr, rec.job, 5)  # another k is another ranking
    ranked_candidates(w.hr, rec.job_open, 20)  # and so is another job
    assert len(scans) == 3
    assert ranked_talents.hits >= 1


def test_consent_given_and_withdrawn_shows_at_once(rec, scans):
    w = rec.world
    hr = _hr(w.hr_other)
    assert w.talent.pk not in _candidates(hr, rec.job_other.pk)
    services.profile_save(actor=w.talent_user, resume="计算机科学与技术硕士，熟悉Python。", consent_search=True)
    assert w.talent.pk in _candidates(hr, rec.job_other.pk)
    services.profile_save(actor=w.talent_user, resume="计算机科学与技术硕士，熟悉Python。", consent_search=False)
    assert w.talent.pk not in _candidates(hr, rec.job_other.pk)
    scanned = len(scans)
    # withdrawn behind the index's back (no change noted, the cached ranking still lists the talent): the database
    # decides on every request
    assert w.talent_other_district.pk in _candidates(hr, rec.job_other.pk)
    JobProfile.objects.filter(talent=w.talent_other_district).update(consent_search=False)
    assert w.talent_other_district.pk not in _candidates(hr, rec.job_other.pk)
    assert len(scans) == scanned  # both served from the cached ranking


def test_an_edited_job_is_ranked_anew_at_once(rec):
    w = rec.world
    hr = _hr(w.hr)
    assert w.talent_other_district.pk in _candidates(hr, rec.job.pk)  # a bachelor of 软件工程
    services.job_update(actor=w.hr, job_id=rec.job.pk, min_degree="doctor")
    assert w.talent_other_district.pk not in _candidates(hr, rec.job.pk)
    services.job_update(actor=w.hr, job_id=rec.job.pk, min_degree="bachelor")
    assert w.talent_other_district.pk in _candidates(hr, rec.job.pk)


def test_a_new_application_shows_the_applicant_at_once(rec):
    w = rec.world
    hr = _hr(w.hr_other)
    assert w.talent.pk not in _candidates(hr, rec.job_other.pk)  # 李明 does not let enterprises find him
    services.apply(actor=w.talent_user, job_id=rec.job_other.pk)
    rows = hr.get(f"{API}/jobs/{rec.job_other.pk}/candidates").json()
    mine = [row for row in rows if row["talent"]["id"] == w.talent.pk]
    assert mine and mine[0]["applied_to_job"] and mine[0]["stage"]
    Application.objects.filter(talent=w.talent, job=rec.job_other).update(stage="interview")  # read afresh too
    rows = hr.get(f"{API}/jobs/{rec.job_other.pk}/candidates").json()
    assert [row["stage"] for row in rows if row["talent"]["id"] == w.talent.pk] == ["interview"]


def test_a_rebuilt_index_is_ranked_anew(rec, scans):
    w = rec.world
    ranked_candidates(w.hr, rec.job, 20)
    before = matching.match_index().revision
    matching.live_index().rebuild(save=False)
    assert matching.match_index().revision != before
    ranked_candidates(w.hr, rec.job, 20)
    assert len(scans) == 2
