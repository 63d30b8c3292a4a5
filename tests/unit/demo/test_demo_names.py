"""Demo names look like people's names: a surname and a given name of one or two characters, never three or
four (Faker's zh_CN lists hold two-character given names, and two of them once made 罗秀英秀兰)."""

import random

from talentpool.engines.demo.names import SURNAMES, chinese_name


def test_a_given_name_has_one_or_two_characters():
    rng = random.Random(13)
    for i in range(5000):
        name = chinese_name(rng, male=i % 2 == 0)
        surname = next(s for s in sorted(SURNAMES, key=len, reverse=True) if name.startswith(s))
        given = name[len(surname):]
        assert 1 <= len(given) <= 2, name
