"""Actions with large effects ask before they act (``data-confirm``, answered by static/js/app.js): every button
that acts on everything a filter shows, and every form posting to one of the actions below. A new such button or
form without its question fails here."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "talentpool"
LARGE_EFFECTS = ("payments:batch-action", "policies:draft-publish", "policies:version-retire")


def _templates():
    return sorted(SRC.glob("**/templates/**/*.html"))


def test_every_act_on_all_button_asks_first():
    missing = [f"{path.relative_to(SRC)}: {tag[:80]}" for path in _templates()
               for tag in re.findall(r"<button[^>]*data-scope-all[^>]*>", path.read_text(encoding="utf-8"))
               if "data-confirm=" not in tag]
    assert missing == []


def test_every_form_with_a_large_effect_asks_first():
    missing, seen = [], set()
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b.*?</form>", text, re.S):
            for name in LARGE_EFFECTS:
                if f"'{name}'" in form:
                    seen.add(name)
                    if "data-confirm=" not in form:
                        missing.append(f"{path.relative_to(SRC)}: {name}")
    assert missing == []
    assert seen == set(LARGE_EFFECTS)  # the list names forms that exist


def test_the_script_asks_for_buttons_as_well_as_forms():
    script = (SRC / "static" / "js" / "app.js").read_text(encoding="utf-8")
    assert "event.submitter" in script and "window.confirm(question)" in script
