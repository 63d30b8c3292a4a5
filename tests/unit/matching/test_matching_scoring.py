"""Scores, explanations and near misses."""

import json

import pytest
from conftest import job, talent

from talentpool.engines.matching import JOB_VIEW_WEIGHTS, RANKINGS, TALENT_VIEW_WEIGHTS, MatchIndex


def test_view_weights_sum_to_one():
    assert sum(JOB_VIEW_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(TALENT_VIEW_WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("ranking", RANKINGS)
def test_contributions_add_up_to_the_score(world, ranking):
    talents, jobs, index = world
    lists = [index.talents_for_job(j.id, k=10, ranking=ranking, near_misses=3) for j in jobs[:20]]
    lists += [index.jobs_for_talent(t.id, k=10, ranking=ranking, near_misses=3) for t in talents[:20]]
    assert sum(len(r) for r in lists) > 100
    for results in lists:
        for m in results:
            assert sum(m.explanation.contributions.values()) == pytest.approx(m.score, abs=1e-12)
            assert m.explanation.ranking == ranking
        full = [m.score for m in results if not m.near_miss]
        assert full == sorted(full, reverse=True)
        assert all(not m.near_miss for m in results[: len(full)])  # near misses come after the full matches


def test_reciprocal_score_is_the_harmonic_mean_of_the_two_views(world):
    _, _, index = world
    for m in index.jobs_for_talent(8, k=5):
        jv, tv = m.explanation.views["job"], m.explanation.views["talent"]
        assert m.score == pytest.approx(2 * jv * tv / (jv + tv))
        comps = m.explanation.components["talent"]
        assert tv == pytest.approx(sum(TALENT_VIEW_WEIGHTS[c] * comps[c] for c in TALENT_VIEW_WEIGHTS))


def test_explanation_lists_matched_terms_and_is_json():
    index = MatchIndex.build([talent(1), talent(2, text="会计学专业，熟悉财务报表")], [job(10)])
    results = index.talents_for_job(10)
    assert [m.id for m in results][0] == 1
    terms = results[0].explanation.matched_terms
    assert {"python", "mysql", "redis", "微服务"} <= set(terms)
    assert "会计" not in terms
    data = json.loads(json.dumps([m.to_dict() for m in results]))
    assert data[0]["explanation"]["contributions"]["bm25"] > 0
    assert set(data[0]["explanation"]["contributions"]) == {
        "bm25",
        "major",
        "occupation",
        "industry",
        "skills",
    }


def test_code_similarity_ranks_a_same_major_talent_higher():
    same_text = "熟悉Python和MySQL开发"
    talents = [
        talent(1, text=same_text, major_code="080902", skills=[]),  # same class as 0809
        talent(2, text=same_text, major_code="120203", skills=[]),
    ]
    index = MatchIndex.build(talents, [job(10, accepted_majors=["0809"])])
    first, second = index.talents_for_job(10)
    assert (first.id, second.id) == (1, 2)
    assert first.explanation.components["job"]["major"] == 1.0
    assert second.explanation.components["job"]["major"] == 0.0


@pytest.mark.parametrize(
    ("changes", "constraint", "margin"),
    [
        ({"years_experience": 1.5}, "experience", -0.5),
        ({"salary_min": 15500, "salary_max": 20000}, "salary", -500.0),
        ({"degree_rank": 1}, "degree", -1.0),
        ({"desired_divisions": ["330200"]}, "place", 0.0),  # Ningbo wanted, job in Hangzhou: same province
    ],
)
def test_near_misses_are_offered_only_when_asked_and_flagged(changes, constraint, margin):
    index = MatchIndex.build([talent(1), talent(2, **changes)], [job(10)])
    assert [m.id for m in index.talents_for_job(10)] == [1]
    results = index.talents_for_job(10, near_misses=5)
    assert [(m.id, m.near_miss) for m in results] == [(1, False), (2, True)]
    (note,) = results[1].explanation.notes
    assert (note.constraint, note.status, note.margin) == (constraint, "near_miss", margin)
    assert results[1].to_dict()["explanation"]["notes"][0]["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"years_experience": 0.5},  # 1.5 years short
        {"salary_min": 17000, "salary_max": 20000},  # 2,000 apart
        {"degree_rank": 0},
        {"desired_divisions": ["310100"]},  # another province
        {"years_experience": 1.5, "degree_rank": 1},  # two near misses at once
        {"consent": False, "years_experience": 1.5},  # consent is never relaxed
    ],
)
def test_far_or_double_misses_are_not_near_misses(changes):
    index = MatchIndex.build([talent(1), talent(2, **changes)], [job(10)])
    assert [m.id for m in index.talents_for_job(10, near_misses=5)] == [1]


def test_near_miss_jobs_for_a_talent():
    jobs = [job(10), job(11, min_years=3.5), job(12, min_years=6)]
    index = MatchIndex.build([talent(1)], jobs)
    results = index.jobs_for_talent(1, near_misses=5)
    assert [(m.id, m.near_miss) for m in results] == [(10, False), (11, True)]
    assert results[1].explanation.notes[0].constraint == "experience"


def test_tight_passes_are_noted_on_full_matches():
    index = MatchIndex.build([talent(1, years_experience=2.0, salary_min=14500, salary_max=20000)], [job(10)])
    (m,) = index.talents_for_job(10)
    notes = {(n.constraint, n.status): n for n in m.explanation.notes}
    assert notes["experience", "tight"].margin == 0.0
    assert notes["salary", "tight"].margin == 500.0
    assert not m.near_miss


def test_a_document_query_equals_the_id_query(world):
    talents, jobs, index = world
    for j in jobs[:5]:
        by_doc = index.talents_for_job(j, k=10)
        by_id = index.talents_for_job(j.id, k=10)
        assert [m.id for m in by_doc] == [m.id for m in by_id]
        assert [m.score for m in by_doc] == pytest.approx([m.score for m in by_id])
    t = talents[7]
    assert [m.id for m in index.jobs_for_talent(t, k=10)] == [m.id for m in index.jobs_for_talent(t.id, k=10)]


def test_engine_bm25_equals_bm25s_scores(world):
    """The engine's plain BM25 is bm25s's: same index layout, same Lucene formula."""
    import numpy as np

    _, _, index = world
    seg = index._talents.main
    q = index._query(index._jobs, "job", 4)
    keep = seg.stats.df_of(q.tokens) <= max(0.2 * seg.stats.n_docs, 1000)
    expected = seg.text.get_scores([int(t) for t in q.tokens[keep]])
    for m in index.talents_for_job(4, k=10, ranking="bm25"):
        row = int(seg.rows_of(np.array([m.id]))[0])
        assert m.score == pytest.approx(float(expected[row]), rel=1e-5)
