"""The job texts' stop list is learned from document frequency: words in the ads of every occupation family
(吃苦耐劳, 服从安排, 五险一金) are boilerplate, words of one family (材料, 环评, 算法) are not; boilerplate neither
lifts a score nor shows among a match's reasons."""

import numpy as np
from conftest import job, talent

from talentpool.engines.matching import MatchIndex
from talentpool.engines.matching import boilerplate as bp

FAMILIES = {  # occupation code -> the domain's own words
    "2-02-10-03": "负责后端服务与算法开发，熟悉Python和分布式系统。",
    "2-02-01-05": "负责新材料研发与材料性能测试，熟悉材料表征方法。",
    "2-02-27-02": "负责建设项目环评报告编制与污染物监测。",
    "4-01-06-02": "负责直播运营与短视频内容策划。",
    "2-06-01-01": "负责财务报表编制与税务申报。",
}
FILLER = "吃苦耐劳，服从安排，具有团队合作精神。福利：五险一金。"


def _jobs():
    out, n = [], 0
    for code, words in FAMILIES.items():
        for _ in range(5):
            n += 1
            out.append(job(n, title="岗位", text=words + FILLER, occupation_code=code, skills=[], accepted_majors=[]))
    return out


def _stop_words(index: MatchIndex) -> set[str]:
    items = index._vocab.items
    return {items[i] for i in np.flatnonzero(index.boilerplate())}


def test_words_of_every_family_are_boilerplate_and_domain_words_are_not():
    index = MatchIndex.build([talent(1)], _jobs())
    stop = _stop_words(index)
    assert {"吃苦耐劳", "服从", "五险"} & stop == {"吃苦耐劳", "服从", "五险"} or {"吃苦耐劳", "五险一金"} <= stop
    assert not {"材料", "环评", "算法", "直播", "财务"} & stop


def test_a_small_index_learns_nothing():
    index = MatchIndex.build([talent(1)], _jobs()[: bp.MIN_JOBS - 1])
    assert not index.boilerplate().any()


def test_boilerplate_is_no_reason_to_match():
    index = MatchIndex.build([talent(1)], _jobs())
    cs_master = talent(2, text="计算机硕士，研究算法与分布式系统。吃苦耐劳，服从安排，具有团队合作精神。",
                       desired_occupations=[], industry_codes=[], skills=[], major_code="")
    for match in index.jobs_for_talent(cs_master, k=25, ranking="bm25"):
        terms = set(match.explanation.matched_terms)
        assert not terms & _stop_words(index), terms
    best = index.jobs_for_talent(cs_master, k=5, ranking="bm25")
    assert best and all(m.id <= 5 for m in best)  # only the software family shares real words
