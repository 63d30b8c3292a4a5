"""Builders for import tests (imported by the test modules; conftest puts this folder on sys.path)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import openpyxl
from stdnum.cn import ric, uscc

_seq = itertools.count(100)


def rid(birth: date = date(1998, 5, 17), seq: int | None = None, place: str = "330106") -> str:
    body = f"{place}{birth:%Y%m%d}{(next(_seq) if seq is None else seq) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit(n: int) -> str:
    body = f"91330106MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def write_xlsx(path: Path, rows: list[list], title: str = "人才") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


TALENT_HEADER = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号", "户籍地", "居住地", "人才层次"]


def talent_row(name: str, number: str, **kw) -> list:
    gender = ("男" if int(number[16]) % 2 else "女") if len(number) == 18 else ""
    return [name, kw.get("id_type", "居民身份证"), number, kw.get("gender", gender), kw.get("birth", ""),
            kw.get("phone", "13800138000"), kw.get("hukou", "330106"), kw.get("residence", "330106"),
            kw.get("tier", "E")]
