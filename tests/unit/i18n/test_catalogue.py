"""The zh-Hans catalogue is complete and the committed .mo matches the .po (no stale compiled file)."""

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[3] / "src" / "talentpool" / "locale" / "zh_Hans" / "LC_MESSAGES"


def _unquote(chunk: str) -> str:
    return "".join(ast.literal_eval(piece) for piece in re.findall(r'"(?:[^"\\]|\\.)*"', chunk))


def _entries():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M)
        msgstr = re.search(r"^msgstr(?:\[0\])? ((?:\".*\"\n?)+)", block, re.M)
        yield block, _unquote(msgid.group(1)), _unquote(msgstr.group(1))


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = list(_entries())
    assert len(entries) > 400
    assert [m for b, m, s in entries if not s] == []
    assert [m for b, m, s in entries if "#, fuzzy" in b] == []


def test_compiled_catalogue_matches_the_source():
    with open(LOCALE / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    def compiled_text(block: str, msgid: str) -> str:
        context = re.search(r'^msgctxt (".*")$', block, re.M)
        return compiled.pgettext(_unquote(context.group(1)), msgid) if context else compiled.gettext(msgid)

    stale = [m for _b, m, s in _entries() if "msgid_plural" not in _b and compiled_text(_b, m) != s]
    assert stale == []
