"""Turning what people type into spreadsheets into clean values. Each parser returns the clean value or raises
``CellError`` with a message for the officer."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .messages import gettext_noop as _


class CellError(ValueError):
    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


_WS = re.compile(r"[\s\u00a0\u3000]+")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff·]) (?=[\u3400-\u9fff\uf900-\ufaff·])")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug is before March 1900)


def cell_text(value: Any) -> str:
    """A cell as text, before any normalisation: numbers that are whole print without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def text(value: Any) -> str:
    """NFKC (full-width letters, digits and punctuation to ASCII), whitespace runs to one space, trimmed; spaces
    between Chinese characters removed (张 三 -> 张三)."""
    s = unicodedata.normalize("NFKC", cell_text(value))
    s = _WS.sub(" ", s).strip()
    return _CJK_GAP.sub("", s)


def compact(value: Any) -> str:
    """NFKC with every space removed (codes, ID numbers, phone numbers)."""
    return _WS.sub("", unicodedata.normalize("NFKC", cell_text(value)))


_DATE_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


def _make_date(y: int, m: int, d: int, raw: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError(_("%(value)s is not a real date (no such day)"), value=raw) from None


def _from_serial(number: float, raw: str) -> date:
    whole = int(number)
    if 19000101 <= whole <= 29991231 and number == whole:  # 20230630 typed as a number
        return _make_date(whole // 10000, whole // 100 % 100, whole % 100, raw)
    if not 1 <= number < 2958466:
        raise CellError(_("%(value)s is not a date; write it as 2023-06-30"), value=raw)
    return EXCEL_EPOCH + timedelta(days=whole)


def parse_date(value: Any) -> date:
    """date/datetime cells, Excel serial numbers, 2023-06-30, 2023/6/30, 2023年6月30日, 2023.06.30, 20230630."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value), cell_text(value))
    raw = text(value)
    m = _DATE_SEPARATED.match(raw) or _DATE_COMPACT.match(raw)
    if m:
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    raise CellError(_("%(value)s is not a date; write it as 2023-06-30"), value=raw)


def parse_month(value: Any) -> date:
    """A month as its first day: 2023-06, 2023/6, 2023年6月, 2023.06, 202306, or any date in the month."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str | int) and not isinstance(value, bool):
        raw = text(value)
        m = _MONTH_SEPARATED.match(raw) or _MONTH_COMPACT.match(raw)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise CellError(_("%(value)s is not a month (months are 1 to 12)"), value=raw)
            return date(year, month, 1)
    try:
        day = parse_date(value)
    except CellError:
        raise CellError(_("%(value)s is not a month; write it as 2023-06"), value=text(value)) from None
    return day.replace(day=1)


_TRUE = {"是", "y", "yes", "true", "1", "√", "有", "t"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "f"}


def parse_bool(value: Any) -> bool:
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("%(value)s is not yes or no; write 是 or 否"), value=raw)


def code_text(value: Any) -> str:
    """A code cell: numbers without '.0', full-width folded, spaces removed, upper case."""
    return compact(value).upper()


_MONEY = re.compile(r"^\d+(?:\.\d+)?$")
MONEY_LIMIT = Decimal("1e12")


def parse_money(value: Any) -> Decimal:
    """An amount in yuan as Decimal with 2 decimals: 450000, 450,000.00, ¥450000, 450000元. Never through float
    arithmetic: a number cell is read from its shortest text form. Negative amounts, more than 2 decimals and
    amounts of a trillion or more are refused."""
    raw = text(value)
    s = compact(value).replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥").removesuffix("元")
    if isinstance(value, float) and not value.is_integer():
        s = repr(value)
    if not _MONEY.match(s):
        raise CellError(_("%(value)s is not an amount in yuan (such as 450000 or 450,000.00; not negative)"),
                        value=raw)
    amount = Decimal(s)
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("%(value)s has more than 2 decimals"), value=raw)
    if amount >= MONEY_LIMIT:
        raise CellError(_("%(value)s is too large for an amount in yuan"), value=raw)
    return amount.quantize(Decimal("0.01"))
