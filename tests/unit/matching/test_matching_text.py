import pytest

from talentpool.engines.matching import (
    MAX_RESUME_CHARS,
    MAX_SKILL_CHARS,
    MAX_SKILLS,
    clean_text,
    normalise_skill,
    normalise_skills,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>熟悉<b>Python</b></p>", "熟悉 Python"),
        ("<script>alert('x')</script>会计<style>p{color:red}</style>", "会计"),
        ("<!-- note -->财务分析", "财务分析"),
        ("R&amp;D&nbsp;工程师 &lt;3年&gt;", "R&D 工程师 <3年>"),
        ("a < b and c > d", "a < b and c > d"),  # not tags: kept
    ],
)
def test_html_tags_and_entities(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("emoji", ["😀", "👍🏽", "👨‍👩‍👧", "🇨🇳", "❤️", "⭐", "1️⃣"])
def test_emoji_are_removed_with_their_modifiers(emoji):
    assert clean_text(f"擅长{emoji}沟通") == ("擅长1沟通" if emoji == "1️⃣" else "擅长沟通")


def test_control_and_format_characters_are_removed():
    assert clean_text("会\x00计\x07师\u200b\ufeff岗\u202e位\x1b") == "会计师岗位"
    assert clean_text("a\u2028b") == "a\nb"  # line separator becomes a newline


def test_full_width_forms_are_normalised():
    assert clean_text("ＰＹＴＨＯＮ，３年　经验①") == "PYTHON,3年 经验1"


def test_whitespace_rules():
    assert clean_text("  a \t  b\r\n\r\n\r\n\r\n c  \n d  ") == "a b\n\nc\nd"
    assert clean_text("标题\n第二行", single_line=True) == "标题 第二行"
    assert clean_text(None) == "" and clean_text("   \n ") == ""


def test_length_limit_counts_characters_after_cleaning():
    assert len(clean_text("测" * (MAX_RESUME_CHARS + 10))) == MAX_RESUME_CHARS
    assert clean_text("<b>" * 3 + "abcdef", 4) == "abcd"
    assert clean_text("ab   cd", 3) == "ab"  # cut, then stripped again


def test_skills_are_normalised_deduplicated_and_limited():
    assert normalise_skill("  Ｓpring   Boot ") == "spring boot"
    assert len(normalise_skill("x" * 100)) == MAX_SKILL_CHARS
    assert normalise_skills(["Python", "python ", "", None, "会计"]) == ["python", "会计"]
    assert len(normalise_skills([f"s{i}" for i in range(80)])) == MAX_SKILLS
