import random

import numpy as np
import pytest

from talentpool.engines.matching.codes import CodeColumn, code_similarity
from talentpool.engines.matching.taxonomy import (
    DIVISIONS,
    INDUSTRIES,
    MAJORS,
    OCCUPATIONS,
    division_key,
    major_key,
    occupation_key,
)


def test_code_keys():
    assert major_key("080910T") == (80910, 3)
    assert major_key("0809") == (80900, 2)
    assert major_key("08") == (80000, 1)
    assert major_key("809") is None and major_key("abc") is None and major_key("08091") is None
    assert occupation_key("2-02-10-03") == (2021003, 4)
    assert occupation_key("2-02-10-00") == (2021000, 3)
    assert occupation_key("1-05-00-01") == (1050001, 4)
    assert occupation_key("2-02-00-00") == (2020000, 2)
    assert occupation_key("20210") is None
    assert division_key("330000") == (330000, 1)
    assert division_key("330100") == (330100, 2)
    assert division_key("330106") == (330106, 3)
    assert division_key("33010") is None


def test_industry_keys_carry_the_section(tax):
    i = tax.industry_key
    assert i("I") == (90000, 1)
    assert i("65") == (96500, 2)
    assert i("651") == (96510, 3)
    assert i("6513") == (96513, 4)
    assert i("27")[0] // 10000 == 3  # C, manufacturing
    assert i("99") is None and i("Z") is None


def _sim(scheme, a, b):
    (ka, da), (kb, db) = a, b
    return float(code_similarity(scheme, np.array([ka]), np.array([da], dtype=np.int8), kb, db)[0])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("080901", "080901", 1.0),  # same major
        ("080901", "0809", 1.0),  # accepted class covers the major
        ("080901", "08", 1.0),
        ("080901", "080902", 0.6),  # same class
        ("080901", "080701", 0.3),  # same category
        ("080901", "120203", 0.0),
    ],
)
def test_major_similarity_levels(a, b, expected):
    assert _sim(MAJORS, major_key(a), major_key(b)) == expected
    assert _sim(MAJORS, major_key(b), major_key(a)) == expected  # symmetric


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2-02-10-03", "2-02-10-03", 1.0),
        ("2-02-10-03", "2-02-10-00", 1.0),  # a group covers its items
        ("2-02-10-03", "2-02-10-05", 0.6),  # same group (小类)
        ("2-02-10-03", "2-02-38-01", 0.3),  # same category (中类)
        ("2-02-10-03", "2-05-01-01", 0.0),  # same section only
        ("1-05-00-01", "1-05-00-02", 0.6),  # items straight under a category
    ],
)
def test_occupation_similarity_levels(a, b, expected):
    assert _sim(OCCUPATIONS, occupation_key(a), occupation_key(b)) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("6513", "6513", 1.0),
        ("6513", "65", 1.0),
        ("6513", "I", 1.0),
        ("6513", "6511", 0.6),  # same group 651
        ("6513", "6520", 0.3),  # same division 65
        ("6513", "64", 0.0),  # same section I only
        ("2710", "271", 1.0),  # a class whose code ends in 0 under its group
    ],
)
def test_industry_similarity_levels(tax, a, b, expected):
    assert _sim(INDUSTRIES, tax.industry_key(a), tax.industry_key(b)) == expected


def _random_codes(rng, scheme_name, n):
    out = []
    for _ in range(n):
        if scheme_name == "majors":
            code = f"{rng.choice([7, 8, 12]):02d}{rng.randint(1, 3):02d}{rng.randint(1, 4):02d}"
            out.append(major_key(code[: rng.choice([2, 4, 6, 6, 6])]))
        else:
            parts = [rng.choice([2, 4]), rng.randint(1, 3), rng.randint(0, 3), rng.randint(0, 3)]
            cut = rng.choice([1, 2, 3, 4, 4])
            parts = parts[:cut] + [0] * (4 - cut)
            out.append(occupation_key(f"{parts[0]}-{parts[1]:02d}-{parts[2]:02d}-{parts[3]:02d}"))
    return out


@pytest.mark.parametrize("name", ["majors", "occupations"])
def test_column_lookup_equals_brute_force(name):
    """similarity_into (nested key ranges) gives, for every row, the best code_similarity of its codes."""
    rng = random.Random(5)
    scheme = MAJORS if name == "majors" else OCCUPATIONS
    rows = [_random_codes(rng, name, rng.randint(0, 3)) for _ in range(400)]
    col = CodeColumn.from_lists(rows)
    for query in _random_codes(rng, name, 60):
        out = np.zeros(len(rows))
        col.similarity_into(out, scheme, *query)
        expected = [max((_sim(scheme, c, query) for c in r), default=0.0) for r in rows]
        assert out.tolist() == expected


def test_covering_and_covered_by():
    col = CodeColumn.from_lists(
        [
            [division_key("330100")],
            [division_key("330000")],
            [division_key("330106")],
            [division_key("330206")],
            [],
            [division_key("310101"), division_key("330108")],
        ]
    )
    assert sorted(col.covering(DIVISIONS, *division_key("330106")).tolist()) == [0, 1, 2]
    assert sorted(col.covered_by(DIVISIONS, *division_key("330100")).tolist()) == [0, 2, 5]
    assert sorted(col.covered_by(DIVISIONS, *division_key("330000")).tolist()) == [0, 1, 2, 3, 5]


def test_take_and_concat_keep_rows():
    a = CodeColumn.from_lists([[(1, 1)], [], [(2, 1), (3, 1)]])
    b = CodeColumn.from_lists([[(4, 1)]])
    both = CodeColumn.concat([a, b])
    assert [both.row(i) for i in range(4)] == [[(1, 1)], [], [(2, 1), (3, 1)], [(4, 1)]]
    assert [both.take(np.array([3, 2])).row(i) for i in range(2)] == [[(4, 1)], [(2, 1), (3, 1)]]
    assert both.containing(3).tolist() == [2]
