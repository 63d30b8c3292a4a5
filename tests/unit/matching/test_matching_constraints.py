"""Each hard constraint masks what it should and keeps what it should, in both directions."""

import pytest
from conftest import job, talent

from talentpool.engines.matching import MatchIndex


def _talent_ids(talents, j, **kw):
    index = MatchIndex.build(talents, [j])
    return {m.id for m in index.talents_for_job(j.id, k=100, **kw)}


def _job_ids(t, jobs, **kw):
    index = MatchIndex.build([t], jobs)
    return {m.id for m in index.jobs_for_talent(t.id, k=100, **kw)}


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        ({}, True),
        ({"degree_rank": 1}, False),
        ({"degree_rank": 3}, True),
        ({"degree_rank": 0}, False),  # unknown degree fails a minimum
        ({"years_experience": 1.9}, False),
        ({"years_experience": 2.0}, True),
        ({"desired_divisions": ["330106"]}, True),  # the job's district
        ({"desired_divisions": ["330108"]}, False),  # another district of the city
        ({"desired_divisions": ["330000"]}, True),  # the province covers it
        ({"desired_divisions": []}, True),  # anywhere
        ({"desired_divisions": ["310100"]}, False),
        ({"desired_divisions": ["310100", "330100"]}, True),
        ({"salary_min": 16000, "salary_max": 20000}, False),  # wants more than the job pays
        ({"salary_min": 15000, "salary_max": 18000}, True),  # ranges touch
        ({"salary_min": 5000, "salary_max": 8500}, False),  # asks less than the job's minimum: no overlap
        ({"salary_min": None, "salary_max": None}, True),
        ({"salary_min": 20000, "salary_max": None}, False),
        ({"consent": False}, False),
    ],
)
def test_talents_for_job_constraints(changes, kept):
    ids = _talent_ids([talent(1), talent(2, **changes)], job(10))
    assert 1 in ids
    assert (2 in ids) is kept


def test_an_applicant_is_included_without_consent_but_other_constraints_still_apply():
    talents = [talent(1), talent(2, consent=False), talent(3, consent=False, degree_rank=1)]
    assert _talent_ids(talents, job(10)) == {1}
    assert _talent_ids(talents, job(10), include_ids={2, 3}) == {1, 2}


def test_job_without_a_division_or_salary_constrains_nothing_there():
    talents = [talent(1, desired_divisions=["310100"]), talent(2, salary_min=50000)]
    assert _talent_ids(talents, job(10, division_code="", salary_min=None, salary_max=None)) == {1, 2}


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        ({}, True),
        ({"open": False}, False),
        ({"min_degree_rank": 3}, False),
        ({"min_years": 3.5}, False),
        ({"division_code": "330206"}, False),  # Ningbo; the talent wants 330100
        ({"division_code": "330113"}, True),  # 临平区 is in 330100
        ({"division_code": ""}, True),
        ({"salary_min": 13000, "salary_max": 20000}, False),  # talent's max 12000 below the job's min
        ({"salary_min": None, "salary_max": None}, True),
    ],
)
def test_jobs_for_talent_constraints(changes, kept):
    ids = _job_ids(talent(1), [job(10), job(11, **changes)])
    assert 10 in ids
    assert (11 in ids) is kept


def test_jobs_for_talent_filters():
    jobs = [
        job(10),
        job(11, occupation_code="2-02-10-05"),
        job(12, industry_code="6450"),
        job(13, division_code="330108"),
    ]
    t = talent(1)
    assert _job_ids(t, jobs, occupation="2-02-10-03") == {10, 12, 13}
    assert _job_ids(t, jobs, occupation="2-02-10-00") == {10, 11, 12, 13}
    assert _job_ids(t, jobs, industry="645") == {12}
    assert _job_ids(t, jobs, division="330108") == {13}
    assert _job_ids(t, jobs, exclude_ids={10, 11}) == {12, 13}
    with pytest.raises(ValueError):
        _job_ids(t, jobs, division="33")


def test_plain_bm25_ranking_ignores_constraints():
    talents = [talent(1), talent(2, consent=False, degree_rank=0, desired_divisions=["110100"])]
    assert _talent_ids(talents, job(10), ranking="bm25") == {1, 2}
    assert _talent_ids(talents, job(10), ranking="constrained") == {1}


def test_unknown_ids_and_rankings_are_refused():
    index = MatchIndex.build([talent(1)], [job(10)])
    with pytest.raises(KeyError):
        index.talents_for_job(99)
    with pytest.raises(KeyError):
        index.jobs_for_talent(99)
    with pytest.raises(ValueError):
        index.talents_for_job(10, ranking="magic")
    with pytest.raises(TypeError):
        index.talents_for_job(talent(1))
