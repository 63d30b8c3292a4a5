"""Every string the code marks for translation has its zh-Hans entry: the messages are extracted the way a
translator would (Django's ``makemessages``, on a copy of the package in a temporary folder) and compared with the
committed catalogue. A new page, form label or error message without its Chinese fails here, not in a user's face.

(``{% translate '50%' %}`` is looked up with its ``%`` doubled, so the extracted msgid is what the page asks for.)
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "talentpool"
LOCALE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"


def _unquote(chunk: str) -> str:
    return "".join(ast.literal_eval(piece) for piece in re.findall(r'"(?:[^"\\]|\\.)*"', chunk))


def _keys(po_text: str) -> set[tuple[str | None, str]]:
    keys = set()
    for block in po_text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M)
        context = re.search(r'^msgctxt (".*")$', block, re.M)
        if msgid and _unquote(msgid.group(1)):
            keys.add((_unquote(context.group(1)) if context else None, _unquote(msgid.group(1))))
    return keys


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_marked_string_has_a_zh_hans_entry(tmp_path: Path):
    copy = tmp_path / "talentpool"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "static", "migrations", "__pycache__"))
    (copy / "locale").mkdir()
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "--no-wrap"],
                   cwd=copy, env=env, check=True, capture_output=True, timeout=120)
    extracted = _keys((copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    committed = _keys((LOCALE / "django.po").read_text(encoding="utf-8"))
    missing = sorted(f"{m!r}" + (f" (context {c!r})" if c else "") for c, m in extracted - committed)
    assert missing == [], "add these to src/talentpool/locale/zh_Hans/LC_MESSAGES/django.po:\n" + "\n".join(missing)
