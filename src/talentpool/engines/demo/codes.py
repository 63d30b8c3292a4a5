"""Identity numbers and credit codes with real check digits (GB 11643, GB 11714, GB 32100)."""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from stdnum import numdb
from stdnum.cn import uscc

from talentpool.engines.identity import resident_id_check_digit

# GB 32100 character set (no I, O, Z, S, V) and the GB 11714 organisation-code weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(*, place: str, birth: date, serial: int) -> str:
    """``serial`` is the three-digit order code: odd for men, even for women."""
    body = f"{place}{birth:%Y%m%d}{serial:03d}"
    return body + resident_id_check_digit(body)


@cache
def place_code_years(code: str) -> tuple[tuple[int, int], ...]:
    """Years in which ``code`` was a county code, from python-stdnum's GB/T 2260 history (empty when unknown).

    An ID number keeps the county code of its first issue for life, so a plausible number uses a code that
    existed in the holder's birth year (余杭区 330110 only from 2001); ``stdnum.cn.ric.validate`` checks this too.
    """
    info: dict[str, str] = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if "county" not in info:
        return ()
    spans: list[tuple[int, int]] = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            return ((0, 9999),)
        start, _, end = county[1:].split("]")[0].partition("-")
        spans.append((int(start) if start else 0, int(end) if end else 9999))
    return tuple(spans)


def place_code_valid_in(code: str, year: int) -> bool:
    return any(start <= year <= end for start, end in place_code_years(code))


def organisation_code_check(body8: str) -> str:
    """GB 11714 check character of an eight-character organisation code body."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(*, division: str, rng: random.Random) -> str:
    """A company's unified social credit code: 9 (market regulator) 1 (enterprise), its division, a new-style
    organisation code MA + six characters + GB 11714 check, and the GB 32100 check character."""
    body8 = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    body17 = "91" + division + body8 + organisation_code_check(body8)
    return body17 + uscc.calc_check_digit(body17)


def passport_number(rng: random.Random) -> str:
    return rng.choice("CEGKPS") + f"{rng.randrange(10**8):08d}"
