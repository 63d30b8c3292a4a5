"""Cleaning free text before it is stored, tokenized or shown: one function, stated rules, quotable limits.

Whatever a person types (a résumé, a job, an objection, a bank name) is stored as plain text: no markup survives,
however it was spelled, so the JSON and partner APIs never return live HTML. Rules, in order (``clean_text``):

1. Entities are decoded first (``&amp;`` → ``&``, ``&nbsp;`` → space, ``&lt;img&gt;`` → ``<img>``), so an escaped
   tag is treated as the tag it spells.
2. Unicode NFKC: full-width letters, digits and punctuation become their ordinary forms (``ＰＹＴＨＯＮ`` → ``PYTHON``,
   ``，`` → ``,``, ``＜`` → ``<``), compatibility characters are unfolded (``①`` → ``1``).
3. Control and format characters (C0/C1 controls except tab and newline, zero-width spaces, BOM, bidi marks),
   private-use characters, lone surrogates, emoji, pictographs and their modifiers (skin tones, ZWJ, variation
   selectors, flags, keycaps) are removed.
4. Markup: ``<script>``/``<style>`` blocks are dropped with their content, comments and every other tag become a
   space. Then a ``<`` still directly followed by a letter, ``/``, ``!`` or ``?`` (an unclosed tag, or one that the
   removals above put together) gets a space after it: the result never holds a tag opening. Steps 1–3 come first
   so that nothing they remove or decode can form a tag afterwards; ``a < b`` and ``<3年>`` are kept as written.
5. Whitespace: ``\\r\\n`` and ``\\r`` become ``\\n``; runs of spaces and tabs become one space; spaces around a
   newline are dropped; at most one empty line in a row; leading and trailing whitespace is stripped.
   ``single_line=True`` (titles, skills) turns every newline into a space as well.
6. Length: the cleaned text is cut to its first ``max_chars`` characters (then stripped again).

``fold=False`` keeps what a person reads back as typed (an objection, an officer's answer, a bank name): it skips
rule 2 and the emoji of rule 3, so ``已核实，下期发放`` keeps its full-width comma. A full-width ``＜`` is then kept
too; it is not markup (browsers open tags only at an ASCII ``<``).
"""

from __future__ import annotations

import html
import re
import unicodedata

DEFAULT_MAX_CHARS = 5000

_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_TAGS = re.compile(r"<[A-Za-z/!?][^<>]*>")
_TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")
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


def clean_text(text: str | None, max_chars: int = DEFAULT_MAX_CHARS, *, single_line: bool = False,
               fold: bool = True) -> str:
    """The cleaned form of ``text`` (see the module docstring for the rules); ``None`` gives ``""``."""
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    if fold:
        text = _EMOJI.sub("", unicodedata.normalize("NFKC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _LINE_SEPARATORS.sub("\n", text))
    if "<" in text:
        text = _COMMENTS.sub(" ", _BLOCKS.sub(" ", text))
        text = _TAG_OPENING.sub("< ", _TAGS.sub(" ", text))
    text = _HSPACE.sub(" ", text)
    if single_line:
        text = _HSPACE.sub(" ", text.replace("\n", " "))
    else:
        text = _MANY_NL.sub("\n\n", _SPACE_AROUND_NL.sub("\n", text))
    text = text.strip()
    if len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return text
