"""Large effects ask first and every answer says what was done: a return file none of whose rows could be used
is a failure on the page, not a green success; the buttons acting on everything a filter shows carry a question
with the count."""

from __future__ import annotations

from django.contrib.messages import get_messages

from talentpool.eligibility.models import Status

from .test_batches import _english, _xlsx, sent  # noqa: F401  (fixtures)


def test_a_return_file_whose_rows_were_all_rejected_is_shown_as_a_failure(client, world, sent, tmp_path):  # noqa: F811
    path = _xlsx(tmp_path, [["参考号", "金额", "结果", "原因"], ["NO-SUCH-REF", "1000.00", "成功", ""],
                            ["ALSO-NOT", "1.00", "成功", ""]])
    client.force_login(world.officer)
    with path.open("rb") as fh:
        response = client.post(f"/payments/batches/{sent.batch_id}/return/", {"file": fh})
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["error"]
    sent.refresh_from_db()
    assert sent.status == Status.BATCHED
    page = client.get(f"/payments/batches/{sent.batch_id}/").content.decode()
    assert "return-unusable" in page


def test_a_return_file_with_some_rows_rejected_is_a_warning(client, world, sent, tmp_path):  # noqa: F811
    path = _xlsx(tmp_path, [["参考号", "金额", "结果", "原因"], [sent.reference, str(sent.amount), "成功", ""],
                            ["NO-SUCH-REF", "1.00", "成功", ""]])
    client.force_login(world.officer)
    with path.open("rb") as fh:
        response = client.post(f"/payments/batches/{sent.batch_id}/return/", {"file": fh})
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["warning"]
    sent.refresh_from_db()
    assert sent.status == Status.PAID
