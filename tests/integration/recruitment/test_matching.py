"""The match index fed from the database: documents from the records, changes searchable at once, other
processes catching up through the change log, the saved index, and the consent rule on candidates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as settings_module
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talentpool.recruitment import matching, services
from talentpool.recruitment.matching import LiveIndex, match_index, talent_docs
from talentpool.recruitment.models import Application, ChangeKind, JobProfile, MatchChange
from talentpool.recruitment.selectors import ranked_candidates, recommended_jobs
from talentpool.registry.models import Education, Employment

from .conftest import ACCOUNTING_JOB, NOW, SOFTWARE_JOB, TODAY


def _job_ids(user, **kw) -> list[int]:
    return [m.job.pk for m in recommended_jobs(user, 10, **kw)]


def test_talent_documents_come_from_the_records(rec):
    w = rec.world
    Education.objects.create(talent=w.talent, degree="bachelor", major_code="080902",
                             graduation_date=dt.date(2019, 6, 30))
    Employment.objects.filter(talent=w.talent).update(start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 1, 1))
    Employment.objects.create(talent=w.talent, enterprise=w.hr_other.enterprise, start_date=dt.date(2021, 7, 1),
                              end_date=dt.date(2023, 1, 1))  # overlaps the first: counted once
    (doc,) = talent_docs([w.talent.pk], today=dt.date(2024, 1, 1))
    assert doc.degree_rank == 4 - 1  # master, from the 2024 education (the latest major too)
    assert doc.major_code == "080901"
    assert doc.years_experience == pytest.approx(3.0, abs=0.05)
    assert (doc.desired_occupations, doc.desired_divisions, doc.consent) == (["2-02-10-03"], ["330100"], False)
    assert doc.skills == ["python", "机器学习"] and "机器学习" in doc.text
    assert talent_docs([w.talent_other_district.pk])[0].consent is True
    assert talent_docs([w.colleague.pk + 1000]) == []


def test_a_new_job_is_recommended_right_after_it_is_created(rec):
    w = rec.world
    first = _job_ids(w.talent_user)
    assert rec.job_offer.pk in first and rec.job_other.pk in first  # 余杭 330110 lies in 杭州 330100
    new = services.job_create(actor=w.hr, status="open", **(SOFTWARE_JOB | {
        "title": "机器学习工程师", "description": "负责机器学习模型训练与Python服务开发。", "skills": ["机器学习", "python"]}))
    ids = _job_ids(w.talent_user)
    assert new.pk in ids and new.pk not in first
    assert ids[0] == new.pk  # the closest to 李明's résumé (机器学习, Python)
    match = recommended_jobs(w.talent_user, 10)[0]
    assert match.explanation["matched_terms"][:1] and "机器学习" in match.explanation["matched_terms"]
    assert any("机器学习" in r for r in match.reasons)
    assert abs(sum(match.explanation["contributions"].values()) - match.score) < 1e-6


def test_changes_apply_after_commit_without_waiting_for_a_query(rec, django_capture_on_commit_callbacks):
    w = rec.world
    index = match_index()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.job_create(actor=w.hr, status="open", **ACCOUNTING_JOB)
    assert index.has_job(new.pk)
    assert MatchChange.objects.filter(kind=ChangeKind.JOB, object_id=new.pk).exists()


def test_jobs_leave_the_recommendations_when_paused_hidden_or_expired(rec):
    w = rec.world
    assert rec.job_offer.pk in _job_ids(w.talent_user)
    services.job_set_status(actor=w.hr, job_id=rec.job_offer.pk, status="paused")
    assert rec.job_offer.pk not in _job_ids(w.talent_user)
    services.job_set_status(actor=w.hr, job_id=rec.job_offer.pk, status="open")
    services.job_moderate(actor=w.officer, job_id=rec.job_offer.pk, hidden=True, note="信息不实")
    assert rec.job_offer.pk not in _job_ids(w.talent_user)


def test_a_changed_profile_ranks_differently(rec):
    w = rec.world
    before = _job_ids(w.talent_user)
    assert before.index(rec.job.pk) < before.index(rec.job_open.pk)  # software before accounting
    services.profile_save(actor=w.talent_user, resume="注册会计师，负责成本核算、财务报表和税务申报，熟悉用友和Excel。",
                          skills=["会计", "Excel", "税务"], desired_occupations=["2-06-03-00"],
                          desired_divisions=["330100"])
    after = _job_ids(w.talent_user)
    assert after[0] == rec.job_open.pk
    assert after.index(rec.job_open.pk) < after.index(rec.job.pk)


def test_recommendations_follow_the_filters_and_the_place_wanted(rec):
    w = rec.world
    assert set(_job_ids(w.talent_user, occupation="2-06-03-00")) == {rec.job_open.pk}
    assert set(_job_ids(w.talent_user, division="330110")) == {rec.job_other.pk}
    services.profile_save(actor=w.talent_user, resume="熟悉Python", desired_divisions=["330110"])
    assert set(_job_ids(w.talent_user)) == {rec.job_other.pk}


def test_candidates_only_applicants_and_consenting_talents(rec):
    w = rec.world
    ids = {m.talent.pk for m in ranked_candidates(w.hr, rec.job, 20)}
    assert w.talent.pk in ids                    # applied to 西湖智造 (no consent)
    assert w.talent_other_district.pk in ids     # consented
    assert w.colleague.pk not in ids             # neither
    other = {m.talent.pk for m in ranked_candidates(w.hr_other, rec.job_other, 20)}
    assert w.talent.pk not in other and w.colleague.pk not in other
    assert w.talent_other_district.pk in other
    assert ranked_candidates(w.hr_other, rec.job, 20) == []  # not its job
    services.profile_save(actor=w.talent_user, resume="计算机科学与技术硕士，熟悉Python。", consent_search=True)
    assert w.talent.pk in {m.talent.pk for m in ranked_candidates(w.hr_other, rec.job_other, 20)}
    services.profile_save(actor=w.talent_user, resume="计算机科学与技术硕士，熟悉Python。", consent_search=False)
    assert w.talent.pk not in {m.talent.pk for m in ranked_candidates(w.hr_other, rec.job_other, 20)}


def test_a_stale_index_never_shows_a_talent_who_withdrew_consent(rec):
    """Consent withdrawn behind the index's back (no change noted) is still honoured: the database decides."""
    w = rec.world
    other = {m.talent.pk for m in ranked_candidates(w.hr_other, rec.job_other, 20)}
    assert w.talent_other_district.pk in other
    JobProfile.objects.filter(talent=w.talent_other_district).update(consent_search=False)
    assert w.talent_other_district.pk not in {m.talent.pk for m in ranked_candidates(w.hr_other, rec.job_other, 20)}


def test_a_talent_without_a_profile_is_matched_from_the_registry(rec):
    w = rec.world
    JobProfile.objects.filter(talent=w.talent).delete()
    Application.objects.filter(talent=w.talent).delete()
    matching.index_reset()
    assert not match_index().has_talent(w.talent.pk)
    assert _job_ids(w.talent_user)  # the employment's position and the education's major still match


def test_another_process_catches_up_through_the_change_log(rec, django_assert_num_queries):
    w = rec.world
    match_index()  # this process
    second = LiveIndex(load_saved=False)  # a second web process
    index = second.index()
    with django_assert_num_queries(1):  # nothing changed: one indexed query
        assert second.sync() == 0
    new = services.job_create(actor=w.hr, status="open", **(SOFTWARE_JOB | {"title": "爬虫工程师"}))
    assert not index.has_job(new.pk)
    assert second.index().has_job(new.pk)
    assert new.pk in [m.id for m in second.index().jobs_for_talent(w.talent.pk, k=10)]
    services.job_set_status(actor=w.hr, job_id=new.pk, status="closed")
    assert new.pk not in [m.id for m in second.index().jobs_for_talent(w.talent.pk, k=10)]


def test_an_id_skipped_in_the_log_is_asked_for_again(rec):
    """A change whose transaction commits after a later one (PostgreSQL sequences) is still applied."""
    w = rec.world
    second = LiveIndex(load_saved=False)
    second.index()
    new = services.job_create(actor=w.hr, status="draft", **ACCOUNTING_JOB)
    late = MatchChange.objects.get(kind=ChangeKind.JOB, object_id=new.pk)
    late_id = late.pk
    late.delete()  # not committed yet, as far as readers can tell
    MatchChange.objects.create(kind=ChangeKind.TALENT, object_id=w.talent.pk)  # a later change, committed
    second.sync()
    assert late_id in second._mark.gaps and not second.index().has_job(new.pk)
    MatchChange.objects.create(id=late_id, kind=ChangeKind.JOB, object_id=new.pk)  # now it commits
    second.sync()
    assert second._mark.gaps == {} and second.index().has_job(new.pk)


def test_a_saved_index_is_loaded_and_caught_up(rec):
    w = rec.world
    info = matching.live_index().rebuild(save=True)
    assert (info.talents, info.jobs) == (3, 4)  # 李明 (profile, applications), 王芳, 赵强; four jobs
    later = services.job_create(actor=w.hr, status="open", **ACCOUNTING_JOB)
    fresh = LiveIndex()
    index = fresh.index()
    assert fresh.last_build.source == "saved"
    assert index.has_job(later.pk)
    MatchChange.objects.create(kind=ChangeKind.ALL)  # a bulk load after the save: rebuild from the database
    fresh.index()
    assert fresh.last_build.source == "database"


def test_a_saved_index_of_another_database_or_too_old_is_not_loaded(rec, settings):
    live = matching.live_index()
    live.rebuild(save=True)
    MatchChange.objects.all().delete()  # the log of a fresh database is behind the saved watermark
    fresh = LiveIndex()
    fresh.index()
    assert fresh.last_build.source == "database"


def test_a_saved_index_is_loaded_when_the_database_is_reached_at_another_address(rec, monkeypatch):
    matching.live_index().rebuild(save=True)
    db = settings_module.DATABASES["default"]
    monkeypatch.setitem(db, "HOST", "db.elsewhere.example")
    monkeypatch.setitem(db, "PORT", "6543")  # e.g. a throwaway cluster started again on another free port
    fresh = LiveIndex()
    index, wanted = fresh.ready_index()
    assert index is not None and not wanted
    assert fresh.last_build.source == "saved"


def test_while_a_rebuild_is_awaited_a_request_does_not_ask_the_log_for_its_top(rec):
    matching.live_index().rebuild(save=True)
    fresh = LiveIndex()
    assert fresh.ready_index()[0] is not None
    MatchChange.objects.create(kind=ChangeKind.ALL)  # a rebuild asked for; the saved index is still the old one
    index, wanted = fresh.ready_index()
    assert index is not None and wanted
    with CaptureQueriesContext(connection) as queries:
        assert fresh.ready_index() == (index, True)  # served from what it has
    assert [q["sql"] for q in queries.captured_queries if "MAX(" in q["sql"].upper()] == []
    assert len(queries) == 1  # the changes not seen yet


def test_a_saved_index_of_another_database_name_is_not_loaded(rec, monkeypatch):
    matching.live_index().rebuild(save=True)
    monkeypatch.setitem(settings_module.DATABASES["default"], "NAME", "another_district")
    fresh = LiveIndex()
    assert fresh.ready_index() == (None, True)


def test_jobs_whose_deadline_passes_close_at_the_change_of_day(rec, clock):
    w = rec.world
    services.job_update(actor=w.hr, job_id=rec.job_offer.pk, deadline=TODAY)
    index = match_index()
    assert rec.job_offer.pk in [m.id for m in index.jobs_for_talent(w.talent.pk, k=10)]
    clock.move_to(NOW + dt.timedelta(days=1))
    index = match_index()
    assert rec.job_offer.pk not in [m.id for m in index.jobs_for_talent(w.talent.pk, k=10)]
    assert rec.job.pk in [m.id for m in index.jobs_for_talent(w.talent.pk, k=10)]  # deadline in 30 days


def test_an_index_built_from_nothing_takes_its_first_documents(world):
    """A new platform: the first query builds an empty index; the first job and profile still become
    searchable (the engine cannot add a delta to an index without vocabulary, so it is rebuilt)."""
    assert recommended_jobs(world.talent_user, 5) == []
    assert match_index().job_count == 0
    job = services.job_create(actor=world.hr, status="open", **SOFTWARE_JOB)
    assert [m.job.pk for m in recommended_jobs(world.talent_user, 5)] == [job.pk]
    services.profile_save(actor=world.talent_user, resume="熟悉Python和Django", consent_search=True)
    assert [m.talent.pk for m in ranked_candidates(world.hr, job, 5)] == [world.talent.pk]
