"""``core.errors.FieldErrors``: every check of a form run, each refusal kept beside its field, the first raised as
it was with all of them in ``extra["errors"]``; a check that itself collected several keeps each."""

from __future__ import annotations

import pytest

from talentpool.core.errors import ApplicationError, FieldErrors, field_errors


def _refuse(message: str, field: str | None = None, code: str = "invalid"):
    raise ApplicationError(message, code=code, field=field)


def test_nothing_refused_raises_nothing_and_returns_the_values():
    errors = FieldErrors("title")
    assert errors.check("title", str.strip, "  招聘  ") == "招聘"
    errors.raise_any()


def test_one_refusal_is_raised_as_it_was_without_a_list():
    errors = FieldErrors("title")
    assert errors.check("salary", _refuse, "太低", "salary", "too_low") is None
    with pytest.raises(ApplicationError) as info:
        errors.raise_any()
    assert (info.value.code, info.value.field, info.value.extra) == ("too_low", "salary", {})
    assert field_errors(info.value) == {"salary": "太低"}


def test_several_refusals_are_all_kept_by_field_the_first_raised():
    errors = FieldErrors("title")
    errors.check("salary", _refuse, "太低", "salary")
    errors.check("division", _refuse, "没有这个区划")  # no field of its own: the check's field
    errors.refuse("deadline", "已过期", "past")
    errors.check("", _refuse, "不能为空")  # neither: the default field
    with pytest.raises(ApplicationError) as info:
        errors.raise_any()
    assert info.value.field == "salary"
    assert field_errors(info.value) == {"salary": "太低", "division": "没有这个区划", "deadline": "已过期",
                                        "title": "不能为空"}


def test_a_nested_collector_keeps_each_of_its_refusals_and_the_first_of_a_field_wins():
    inner = FieldErrors("body")
    inner.refuse("body", "请写内容")
    inner.refuse("files", "文件太大")
    outer = FieldErrors("talent")
    outer.refuse("files", "最多 5 个文件")
    outer.check("body", inner.raise_any)
    with pytest.raises(ApplicationError) as info:
        outer.raise_any()
    assert field_errors(info.value) == {"files": "最多 5 个文件", "body": "请写内容"}
