import re

from talentpool.engines.matching import generate_jobs, generate_talents
from talentpool.engines.matching.taxonomy import division_key


def test_same_seed_same_documents_other_seed_others(tax):
    assert generate_talents(200, 1, tax) == generate_talents(200, 1, tax)
    assert generate_jobs(200, 1, tax) == generate_jobs(200, 1, tax)
    assert generate_talents(50, 1, tax) != generate_talents(50, 2, tax)
    assert generate_talents(50, 1, tax) == generate_talents(200, 1, tax)[:50]


def test_codes_come_from_the_taxonomies(tax):
    for t in generate_talents(300, 4, tax, first_id=1000):
        assert t.major_code in tax.majors and tax.major_levels[t.major_code] == "item"
        assert all(c in tax.occupations for c in t.desired_occupations)
        assert all(c in tax.industries for c in t.industry_codes)
        assert all(c in tax.divisions and division_key(c) for c in t.desired_divisions)
        assert t.id >= 1000 and 0 <= t.degree_rank <= 4
        assert t.salary_min is None or t.salary_max is None or t.salary_min <= t.salary_max
    for j in generate_jobs(300, 4, tax):
        assert j.occupation_code in tax.occupations and j.industry_code in tax.industries
        assert j.division_code in tax.divisions
        assert all(c in tax.majors for c in j.accepted_majors)


def test_texts_are_chinese_with_some_noise(tax):
    talents = generate_talents(1000, 5, tax)
    texts = [t.text for t in talents]
    assert all(re.search(r"[\u4e00-\u9fff]{10}", t) for t in texts)
    assert any("<p>" in t for t in texts)  # some HTML to clean
    assert sum(not t.consent for t in talents) > 100
    assert sum(not t.desired_divisions for t in talents) > 50
    jobs = generate_jobs(500, 5, tax, open_share=0.9)
    assert 20 < sum(not j.open for j in jobs) < 90
    assert all("任职要求" in j.text for j in jobs if "<p>" not in j.text)
