"""Smallest valid registry objects for tests: real checksums, real encryption, real look-up hashes."""

from __future__ import annotations

import itertools
from datetime import date

from stdnum.cn import uscc

from talentpool.engines.identity import resident_id_check_digit
from talentpool.registry.identity import talent_identity_columns
from talentpool.registry.models import Enterprise, IdType, Talent

_seq = itertools.count(1)


def resident_id(*, place: str = "330106", birth: date = date(1998, 5, 17), serial: int | None = None,
                male: bool = True) -> str:
    n = next(_seq) if serial is None else serial
    seq = (n * 2 + (1 if male else 0)) % 1000
    body = f"{place}{birth:%Y%m%d}{seq:03d}"
    return body + resident_id_check_digit(body)


def credit_code(serial: int | None = None) -> str:
    n = next(_seq) if serial is None else serial
    body = f"91330106MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_enterprise(*, name: str | None = None, division: str = "330106", **kw) -> Enterprise:
    n = next(_seq)
    return Enterprise.objects.create(credit_code=kw.pop("credit_code", None) or credit_code(n),
                                     name=name or f"测试科技有限公司{n}", division=division, **kw)


def make_talent(*, name: str = "张三", district: str = "330106", id_number: str | None = None,
                birth: date = date(1998, 5, 17), **kw) -> Talent:
    number = id_number or resident_id(birth=birth, male=kw.get("gender", "M") == "M")
    kw.setdefault("gender", "M" if int(number[16]) % 2 else "F")
    return Talent.objects.create(
        **talent_identity_columns(id_type=IdType.RESIDENT_ID, id_number=number),
        name=name, district=district, residence_division=district, birth_date=birth, **kw,
    )
