"""Cleaning free text before it is stored, tokenized or shown: one function, stated rules, quotable limits.

Rules, in order (``clean_text``):

1. ``<script>``/``<style>`` blocks are dropped with their content, every other HTML tag becomes a space, and
   entities are decoded (``&amp;`` → ``&``, ``&nbsp;`` → space).
2. Unicode NFKC: full-width letters, digits and punctuation become their ordinary forms (``ＰＹＴＨＯＮ`` → ``PYTHON``,
   ``，`` → ``,``), compatibility characters are unfolded (``①`` → ``1``).
3. Control and format characters (C0/C1 controls except tab and newline, zero-width spaces, BOM, bidi marks),
   private-use characters, lone surrogates, emoji, pictographs and their modifiers (skin tones, ZWJ, variation
   selectors, flags, keycaps) are removed.
4. Whitespace: ``\\r\\n`` and ``\\r`` become ``\\n``; runs of spaces and tabs become one space; spaces around a
   newline are dropped; at most one empty line in a row; leading and trailing whitespace is stripped.
   ``single_line=True`` (titles, skills) turns every newline into a space as well.
5. Length: the cleaned text is cut to its first ``max_chars`` characters (then stripped again). The limits below are
   the ones the index applies; the Django side quotes them in its help and error texts.
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_RESUME_CHARS = 5000
"""A talent's résumé text is cut to its first 5,000 characters after cleaning."""
MAX_JOB_TEXT_CHARS = 5000
"""A job description is cut to its first 5,000 characters after cleaning."""
MAX_TITLE_CHARS = 80
"""A job title is cut to 80 characters (single line)."""
MAX_SKILL_CHARS = 40
"""One declared skill is cut to 40 characters (single line, lower case)."""
MAX_SKILLS = 50
"""At most 50 declared skills per document are kept (the first 50 distinct ones)."""

_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_TAGS = re.compile(r"<[A-Za-z/!][^<>]*>")
# Emoji and pictographs: the symbol planes, dingbats, misc symbols, their modifiers and joiners.
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # mahjong .. symbols and pictographs extended-A (incl. emoticons, flags)
    "\U0001fc00-\U0001ffff"
    "\u2600-\u27bf"  # misc symbols, dingbats
    "\u2b00-\u2bff"  # arrows and stars used as emoji (⭐ ⬆)
    "\u2300-\u23ff"  # misc technical (⌚ ⏰)
    "\ufe00-\ufe0f"  # variation selectors
    "\U000e0000-\U000e007f"  # tags (subdivision flags)
    "\u200d\u20e3"  # zero-width joiner, combining keycap
    "]"
)
_HSPACE = re.compile(r"[ \t\u00a0\u3000]+")
_SPACE_AROUND_NL = re.compile(r" ?\n ?")
_MANY_NL = re.compile(r"\n{3,}")
# Controls (C0/C1 except tab and newline), format characters (soft hyphen, zero-width spaces and joiners, bidi
# marks, BOM, interlinear annotation), private use, surrogates, the object replacement and replacement characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffd\ue000-\uf8ff\ud800-\udfff\U000f0000-\U0010ffff]"
)
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")


def clean_text(text: str | None, max_chars: int = MAX_RESUME_CHARS, *, single_line: bool = False) -> str:
    """The cleaned form of ``text`` (see the module docstring for the rules); ``None`` gives ``""``."""
    if not text:
        return ""
    if "<" in text:
        text = _COMMENTS.sub(" ", _BLOCKS.sub(" ", text))
        text = _TAGS.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _EMOJI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _LINE_SEPARATORS.sub("\n", text))
    text = _HSPACE.sub(" ", text)
    if single_line:
        text = _HSPACE.sub(" ", text.replace("\n", " "))
    else:
        text = _MANY_NL.sub("\n\n", _SPACE_AROUND_NL.sub("\n", text))
    text = text.strip()
    if len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return text


def normalise_skill(skill: str | None) -> str:
    """A declared skill as compared and stored: cleaned, one line, lower case, at most ``MAX_SKILL_CHARS``."""
    return clean_text(skill, MAX_SKILL_CHARS, single_line=True).lower()


def normalise_skills(skills: list[str] | tuple[str, ...] | None) -> list[str]:
    """Distinct non-empty normalised skills in their first order, at most ``MAX_SKILLS``."""
    seen: dict[str, None] = {}
    for skill in skills or ():
        s = normalise_skill(skill)
        if s and s not in seen:
            seen[s] = None
            if len(seen) == MAX_SKILLS:
                break
    return list(seen)
