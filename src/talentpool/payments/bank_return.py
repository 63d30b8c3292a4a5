"""Reading a bank's return file: which lines of a batch the bank paid, which failed and why, and which rows of the
file are wrong (with their row, column and reason). Pure: it reads a table and the batch's lines as plain values
and changes nothing; ``services.batch_return_import`` applies the result in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from talentpool.eligibility.models import Status
from talentpool.engines.tabular.columns import Column, KindSpec
from talentpool.engines.tabular.normalise import cell_text, parse_date
from talentpool.engines.tabular.reading import Table

RETURN_SPEC = KindSpec("bank_return", "回盘", "Bank return file", (
    Column("reference", "参考号", "Line reference from the payment file", "E0000000001", required=True,
           aliases=("reference", "ref", "流水参考号")),
    Column("amount", "金额", "Amount the bank paid or tried to pay", "12500.00", required=True, aliases=("amount",)),
    Column("result", "结果", "成功 (paid) or 失败 (failed)", "成功", required=True,
           aliases=("result", "status", "处理结果", "状态")),
    Column("reason", "原因", "The bank's reason for a failure", "账户已销户", aliases=("reason", "失败原因", "备注")),
    Column("account", "账号", "Account number (checked when present)", "", aliases=("account",)),
    Column("paid_on", "日期", "Date of payment", "2026-11-30", aliases=("date", "paid_on", "交易日期")),
), ("reference",))

_PAID_WORDS = {"成功", "已支付", "支付成功", "paid", "success", "ok", "s"}
_FAILED_WORDS = {"失败", "支付失败", "退票", "failed", "fail", "f"}
_REFERENCE = re.compile(r"^E(\d{10})$")


@dataclass(frozen=True)
class ReturnLine:
    """What the reader needs to know of one line of the batch."""

    amount: Decimal
    status: str
    status_label: str
    account: str | None  # the account number the line was sent to (None: no account on file)


@dataclass
class ReturnReading:
    paid: dict[int, dt.date] = field(default_factory=dict)  # line -> day paid
    failed: dict[int, str] = field(default_factory=dict)  # line -> the bank's reason
    unchanged: int = 0  # rows repeating what is already recorded
    problems: list[dict] = field(default_factory=list)  # {row, column, value, reason}


class _Rejected(Exception):
    def __init__(self, column: str, value, reason: str):
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def bank_return_read(table: Table, lines: dict[int, ReturnLine], *, batch_number: str,
                     today: dt.date) -> ReturnReading:
    """Judge every row of ``table`` against the batch's ``lines``; a row that is wrong becomes a problem and
    changes nothing."""
    out = ReturnReading()
    first_row: dict[int, int] = {}
    for row, cells in table.rows:
        values = table.values(cells)
        try:
            _read_row(values, lines, first_row, row, out, batch_number=batch_number, today=today)
        except _Rejected as exc:
            out.problems.append({"row": row, "column": table.header_of(exc.column),
                                 "value": cell_text(exc.value)[:100], "reason": exc.reason})
    return out


def _line_of(values: dict, lines: dict[int, ReturnLine], first_row: dict[int, int], row: int, *,
             batch_number: str) -> tuple[int, ReturnLine]:
    ref = cell_text(values.get("reference")).strip().upper()
    m = _REFERENCE.match(ref)
    if m is None:
        raise _Rejected("reference", ref, _("not a line reference of a payment file (E followed by 10 digits)"))
    pk = int(m.group(1))
    if pk in first_row:
        raise _Rejected("reference", ref, _("this line appears again (first in row %(row)s)") % {"row": first_row[pk]})
    first_row[pk] = row
    line = lines.get(pk)
    if line is None:
        raise _Rejected("reference", ref, _("no such line in batch %(batch)s") % {"batch": batch_number})
    return pk, line


def _check_amount_and_account(values: dict, line: ReturnLine) -> None:
    try:
        amount = Decimal(cell_text(values.get("amount")).replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _Rejected("amount", values.get("amount"), _("not an amount")) from None
    if amount != line.amount:
        raise _Rejected("amount", values.get("amount"), _("%(found)s does not match the line's %(expected)s") % {
            "found": f"{amount:.2f}", "expected": f"{line.amount:.2f}"})
    account_text = re.sub(r"\s", "", cell_text(values.get("account")))
    if account_text and line.account != account_text:
        raise _Rejected("account", "****" + account_text[-4:], _("not the account the line was sent to"))


def _result_of(values: dict) -> str:
    word = cell_text(values.get("result")).strip().lower()
    if word in _PAID_WORDS:
        return Status.PAID
    if word in _FAILED_WORDS:
        return Status.FAILED
    raise _Rejected("result", values.get("result"), _("the result must be 成功 (paid) or 失败 (failed)"))


def _read_row(values: dict, lines: dict[int, ReturnLine], first_row: dict[int, int], row: int, out: ReturnReading,
              *, batch_number: str, today: dt.date) -> None:
    pk, line = _line_of(values, lines, first_row, row, batch_number=batch_number)
    _check_amount_and_account(values, line)
    result = _result_of(values)
    if line.status in (Status.PAID, Status.FAILED):
        if line.status != result:
            raise _Rejected("result", values.get("result"), _(
                "the line is already recorded as %(status)s; a return file cannot change it") % {
                    "status": line.status_label})
        out.unchanged += 1
        return
    if line.status != Status.BATCHED:
        raise _Rejected("reference", values.get("reference"), _(
            "the line is %(status)s, not waiting for the bank") % {"status": line.status_label})
    if result == Status.PAID:
        day = today
        if cell_text(values.get("paid_on")).strip():
            try:
                day = parse_date(values.get("paid_on"))
            except ValueError:
                raise _Rejected("paid_on", values.get("paid_on"), _("not a date")) from None
        out.paid[pk] = day
        return
    reason = cell_text(values.get("reason")).strip()
    if not reason:
        raise _Rejected("reason", "", _("a failed line needs the bank's reason"))
    out.failed[pk] = reason[:300]
