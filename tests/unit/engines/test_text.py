"""Free text is stored as plain text: no spelling of a tag (escaped, full-width, split by invisible characters or
by another tag) survives ``clean_text`` as live markup, and ordinary text with ``<`` or ``&`` is kept."""

from __future__ import annotations

import re

import pytest

from talentpool.engines.text import clean_text

TAG_OPENING = re.compile(r"<[A-Za-z/!?]")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("&lt;img src=x onerror=alert(1)&gt;", ""),  # escaped: decoded, then stripped (it used to come back live)
        ("会计&lt;img src=x onerror=alert(1)&gt;师", "会计 师"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;岗位", "岗位"),
        ("&#60;img src=x onerror=alert(1)&#62;", ""),
        ("&amp;lt;b&amp;gt;", "&lt;b&gt;"),  # escaped twice: text that shows the entity, no tag
        ("＜img src=x onerror=alert(1)＞", ""),  # full-width brackets become < > before tags are looked for
        ("<\u200bimg src=x onerror=alert(1)>", ""),  # a zero-width space inside the opening
        ("<\x00img src=x onerror=alert(1)>", ""),
        ("<😀img src=x onerror=alert(1)>", ""),
        ("<svg<x>/onload=alert(1)>", "< svg /onload=alert(1)>"),  # the removal put a tag together
        ("<img src=x onerror=alert(1)", "< img src=x onerror=alert(1)"),  # never closed
        ("a<b", "a< b"),
        ("<!-- x -->财务", "财务"),
        ("R&amp;D&nbsp;工程师 &lt;3年&gt;", "R&D 工程师 <3年>"),
        ("a < b and c > d", "a < b and c > d"),
    ],
)
def test_no_spelling_of_a_tag_survives(raw, clean):
    assert clean_text(raw) == clean
    for fold in (True, False):
        assert not TAG_OPENING.search(clean_text(raw, fold=fold))
        assert not TAG_OPENING.search(clean_text(raw, single_line=True, fold=fold))


def test_without_folding_text_is_kept_as_typed_and_still_plain():
    assert clean_text("已核实，下期发放👍", fold=False) == "已核实，下期发放👍"
    assert clean_text("中国银行（西湖支行）&lt;img src=x onerror=alert(1)&gt;", fold=False) == "中国银行（西湖支行）"
    assert clean_text("＜img src=x＞", fold=False) == "＜img src=x＞"  # not markup: no browser opens a tag at ＜


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8])
def test_a_cut_never_leaves_a_tag_opening(limit):
    for raw in ("<b<i>>x", "a<" + "b" * 10, "&lt;&lt;img&gt;", "< <\n<img"):
        assert not TAG_OPENING.search(clean_text(raw, limit))


def test_cleaning_twice_changes_nothing():
    for raw in ("&lt;img src=x onerror=alert(1)&gt;会计", "<svg<x>/onload=alert(1)>", "a<b  c\n\n\n\nd"):
        once = clean_text(raw)
        assert clean_text(once) == once
