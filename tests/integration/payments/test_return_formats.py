"""The bank's return file in every format the import accepts (.xls and .ods as well as .xlsx and CSV), read
with the same limits: a hostile workbook is refused with its reason and changes no line."""

from __future__ import annotations

import pytest
from django.utils import translation
from factories.workbooks import ods_bytes, ods_row, xls_bytes

from talentpool.core.errors import ApplicationError
from talentpool.eligibility.models import Status
from talentpool.payments import services

from .test_batches import sent  # noqa: F401 - the fixture: one line batched and sent to the bank

HEADER = ["参考号", "金额", "结果", "原因"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _cells(rows):
    return [(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v != ""]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_legacy_or_opendocument_return_file_marks_the_line_paid(world, sent, tmp_path, fmt):  # noqa: F811
    rows = [HEADER, [sent.reference, float(sent.amount), "成功", ""]]
    path = tmp_path / f"return.{fmt}"
    path.write_bytes(xls_bytes(_cells(rows), title="回盘") if fmt == "xls" else
                     ods_bytes([ods_row(r) for r in rows], title="回盘"))
    record = services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=path,
                                          filename=path.name)
    sent.refresh_from_db()
    assert (record.paid, record.rejected, sent.status) == (1, 0, Status.PAID)


def test_a_hostile_return_workbook_is_refused_and_changes_nothing(world, sent, tmp_path):  # noqa: F811
    path = tmp_path / "return.xls"
    path.write_bytes(xls_bytes(_cells([HEADER, [sent.reference, float(sent.amount), "成功", ""]])
                               + [(65535, 255, "z")]))
    with pytest.raises(ApplicationError) as exc:
        services.batch_return_import(actor=world.officer, batch_id=sent.batch_id, path=path, filename="r.xls")
    assert exc.value.code == "file_invalid" and "cell IV65536" in exc.value.message
    sent.refresh_from_db()
    assert sent.status == Status.BATCHED
