"""Incremental updates: visible to the next query, and equal to a full rebuild."""

import dataclasses

import pytest
from conftest import job, talent

from talentpool.engines.matching import RANKINGS, MatchIndex, generate_jobs, generate_talents


def test_new_changed_and_removed_jobs():
    index = MatchIndex.build(
        [talent(1, text="熟悉Python、MySQL和Redis，也做过有限元分析")], [job(10), job(11)]
    )
    assert {m.id for m in index.jobs_for_talent(1)} == {10, 11}

    index.upsert_job(job(12, title="仿真工程师", text="负责有限元分析与ANSYS仿真"))
    assert 12 in {m.id for m in index.jobs_for_talent(1)}

    index.upsert_job(job(11, title="会计", text="负责会计核算和财务报表", skills=["会计"]))
    (changed,) = [m for m in index.jobs_for_talent(1) if m.id == 11]
    assert "python" not in changed.explanation.matched_terms
    assert index.jobs_for_talent(1)[-1].id == 11  # shares no term any more

    assert index.remove_job(10) is True
    assert index.remove_job(10) is False
    assert 10 not in {m.id for m in index.jobs_for_talent(1)}
    assert not index.has_job(10) and index.has_job(12)
    assert index.job_count == 2 and index.pending_count == 2


def test_upserting_twice_keeps_the_last_version_and_removing_a_pending_document():
    index = MatchIndex.build([talent(1)], [job(10)])
    index.upsert_talent(talent(2, consent=False))
    assert {m.id for m in index.talents_for_job(10)} == {1}
    index.upsert_talent(talent(2, consent=True))
    assert {m.id for m in index.talents_for_job(10)} == {1, 2}
    assert index.talent_count == 2
    index.remove_talent(2)
    index.remove_talent(1)
    assert index.talents_for_job(10) == []
    assert index.talent_count == 0


def _changes(talents, jobs, tax):
    """A day of changes: new, edited and removed documents on both sides."""
    new_jobs = generate_jobs(25, 99, tax, first_id=10_001)
    edited_jobs = [
        dataclasses.replace(
            j, text=j.text[: len(j.text) // 2] + "熟悉机器学习和数据分析。", min_years=j.min_years + 1
        )
        for j in jobs[:15]
    ]
    new_talents = generate_talents(30, 99, tax, first_id=50_001)
    edited_talents = [
        dataclasses.replace(t, consent=not t.consent, desired_divisions=["330000"]) for t in talents[:20]
    ]
    return (
        new_jobs + edited_jobs,
        [j.id for j in jobs[20:30]],
        new_talents + edited_talents,
        [t.id for t in talents[40:50]],
    )


def _apply(index, up_jobs, rm_jobs, up_talents, rm_talents):
    for j in up_jobs:
        index.upsert_job(j)
    for t in up_talents:
        index.upsert_talent(t)
    for i in rm_jobs:
        index.remove_job(i)
    for i in rm_talents:
        index.remove_talent(i)


def _final(docs, upserts, removed):
    by_id = {d.id: d for d in docs}
    by_id.update({d.id: d for d in upserts})
    return [d for i, d in by_id.items() if i not in set(removed)]


@pytest.fixture(scope="module")
def day(tax):
    """Documents, a day of changes, and a full rebuild on the final documents."""
    talents = generate_talents(800, 3, tax)
    jobs = generate_jobs(200, 3, tax)
    changes = _changes(talents, jobs, tax)
    up_jobs, rm_jobs, up_talents, rm_talents = changes
    rebuilt = MatchIndex.build(_final(talents, up_talents, rm_talents), _final(jobs, up_jobs, rm_jobs))
    query_jobs = [j.id for j in up_jobs[::3]] + [j.id for j in jobs[100:110]]
    query_talents = [t.id for t in up_talents[::3]] + [t.id for t in talents[300:310]]
    return talents, jobs, changes, rebuilt, query_jobs, query_talents


@pytest.fixture
def updated(day):
    """An index built on the first documents with the day's changes applied (its own copy per test)."""
    talents, jobs, changes, rebuilt, query_jobs, query_talents = day
    index = MatchIndex.build(talents, jobs)
    _apply(index, *changes)
    return index, rebuilt, query_jobs, query_talents


def test_before_compaction_the_same_documents_pass_the_constraints(updated):
    index, rebuilt, query_jobs, query_talents = updated
    assert index.pending_count > 0
    assert (index.talent_count, index.job_count) == (rebuilt.talent_count, rebuilt.job_count)
    for j in query_jobs:
        assert {m.id for m in index.talents_for_job(j, k=10**6)} == {
            m.id for m in rebuilt.talents_for_job(j, k=10**6)
        }
    for t in query_talents:
        assert {m.id for m in index.jobs_for_talent(t, k=10**6)} == {
            m.id for m in rebuilt.jobs_for_talent(t, k=10**6)
        }


def test_after_compaction_results_equal_a_full_rebuild(updated):
    index, rebuilt, query_jobs, query_talents = updated
    index.compact()
    assert index.pending_count == 0
    for ranking in RANKINGS:
        for j in query_jobs:
            got = [
                (m.id, m.score, m.explanation.matched_terms)
                for m in index.talents_for_job(j, k=20, ranking=ranking)
            ]
            want = [
                (m.id, m.score, m.explanation.matched_terms)
                for m in rebuilt.talents_for_job(j, k=20, ranking=ranking)
            ]
            assert got == want
        for t in query_talents:
            got = [(m.id, m.score) for m in index.jobs_for_talent(t, k=20, ranking=ranking, near_misses=5)]
            want = [(m.id, m.score) for m in rebuilt.jobs_for_talent(t, k=20, ranking=ranking, near_misses=5)]
            assert got == want


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate talent ids"):
        MatchIndex.build([talent(1), talent(1)], [job(10)])


def test_an_index_built_empty_takes_upserts_and_finds_them():
    from talentpool.engines.matching import JobDoc, MatchIndex, TalentDoc

    index = MatchIndex.build([], [])
    index.upsert_job(JobDoc(id=7, title="Python后端开发工程师", text="负责后端服务开发，熟悉Python和Django。", skills=["Python"],
                            occupation_code="2-02-10-03", min_degree_rank=0, accepted_majors=[], min_years=0,
                            salary_min=None, salary_max=None, division_code="330106", industry_code="", open=True))
    talent = TalentDoc(id=1, text="熟悉Python和Django的后端工程师", skills=["Python"], degree_rank=2, major_code="080901",
                       years_experience=1, desired_occupations=["2-02-10-03"], desired_divisions=[], salary_min=None,
                       salary_max=None, industry_codes=[], consent=True)
    found = index.jobs_for_talent(talent, k=5)
    assert [m.id for m in found] == [7]
