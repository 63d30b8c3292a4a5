"""Name pools taken from Faker's zh_CN provider lists (read as data, so drawing a name is one cheap choice)."""

from __future__ import annotations

import random
from itertools import accumulate

from faker.providers.person.zh_CN import Provider as ZhPerson

SURNAMES: tuple[str, ...] = tuple(ZhPerson.last_names)
SURNAME_CUM_WEIGHTS: tuple[float, ...] = tuple(accumulate(ZhPerson.last_names.values()))
MALE_CHARS: tuple[str, ...] = tuple(ZhPerson.first_names_male)
FEMALE_CHARS: tuple[str, ...] = tuple(ZhPerson.first_names_female)
NEUTRAL_CHARS: tuple[str, ...] = ("子", "思", "雨", "一", "嘉", "欣", "宇", "晨", "文", "佳", "梓", "浩", "睿", "可",
                                  "若", "言", "安", "明", "清", "书")

FOREIGN_GIVEN_MALE = ("约翰", "大卫", "迈克尔", "托马斯", "彼得", "亚历山大", "丹尼尔", "詹姆斯", "汉斯", "卢卡斯")
FOREIGN_GIVEN_FEMALE = ("安娜", "玛丽亚", "索菲亚", "伊丽莎白", "艾米丽", "克莱尔", "劳拉", "朱莉娅")
FOREIGN_SURNAMES = ("史密斯", "约翰逊", "布朗", "米勒", "施密特", "穆勒", "马丁", "伯纳德", "罗西", "加西亚",
                    "威尔逊", "泰勒", "费舍尔", "杜邦")


def chinese_name(rng: random.Random, *, male: bool) -> str:
    """A surname and a given name of one or two characters, as people are named (胡晶英, never 胡晶桂英: Faker's
    lists hold two-character given names too). Draws as many numbers as ever, so the rest of a demo stays put."""
    surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0]
    chars = MALE_CHARS if male else FEMALE_CHARS
    if rng.random() < 0.3:
        return surname + rng.choice(chars)
    first = rng.choice(NEUTRAL_CHARS) if rng.random() < 0.35 else rng.choice(chars)
    second = rng.choice(chars)
    return surname + _given(first, second)


def _given(first: str, second: str) -> str:
    if len(first) == 2:
        return first                  # 建国 + 坤 -> 建国
    if first == second[-1]:
        return first                  # 华 + 华 -> 华
    return first + second[-1]         # 晶 + 桂英 -> 晶英


def foreign_name(rng: random.Random, *, male: bool) -> str:
    given = rng.choice(FOREIGN_GIVEN_MALE if male else FOREIGN_GIVEN_FEMALE)
    return f"{given}·{rng.choice(FOREIGN_SURNAMES)}"
