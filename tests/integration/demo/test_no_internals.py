"""No internals in a zh-Hans page: every page of every role (``factories.pages``) is loaded on a demo district in
Chinese, and its visible text (text nodes, titles, placeholders, labels for screen readers and confirm questions)
must hold none of the tokens below: stored codes of choices and stages, database constraint names, Python's
booleans, record keys such as ``talent:17``, rule expressions and English type names.

Every text field must state its limit (``maxlength``; app.js shows "used / limit" beside it).

The tokens are built from the code (every choice value and constraint name of the project's models), so a new
enum or constraint is covered without editing this file; ``FIXED`` adds what cannot be read from the models.
``KNOWN`` lists what is still shown today, each with its page: the test fails on any leak not listed there (and
on a listed one that is gone, so the list only shrinks).
"""

from __future__ import annotations

import io
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from factories.pages import DEMO_LOGINS, PAGES, demo_ids

from talentpool.accounts.models import User
from talentpool.recruitment.models import DEFAULT_STAGES
from talentpool.reference.selectors import reference_cache_clear

FIXED = {
    r"\b(?:True|False|None)\b": "Python value",
    r"\b[a-z_]+:\d+\b": "record key",
    r"\bparam\.\w+": "rule expression",
    r"\b\d+ evaluated\b": "English run summary",
    r"\b[a-z]+ 类型": "English type name",
}
# page route -> tokens it still shows (each one an open item of issue 13, to be fixed where it is made)
KNOWN: dict[str, set[str]] = {
    # (a token written ``~pattern`` stands for every leak it matches in full: record keys depend on the demo's ids)
}
# pages whose subject is the codes themselves (an enterprise edits its stage codes there)
EDITORS = {"recruitment:stages"}


def _choice_tokens() -> set[str]:
    """Stored values of the project's choices that read as words (``junior_college``, ``applied``), not
    single letters or digits, plus the pipeline's stage codes; and every constraint name."""
    tokens = {s["code"] for s in DEFAULT_STAGES}
    for model in apps.get_models():
        if not model.__module__.startswith("talentpool."):
            continue
        tokens |= {c.name for c in model._meta.constraints}
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{3,}", value):
                    tokens.add(value)
    return tokens


class _Visible(HTMLParser):
    ATTRS = ("title", "placeholder", "aria-label", "data-confirm", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in self.ATTRS and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


class _Unbounded(HTMLParser):
    """Text fields (inputs that take free text, textareas) without a ``maxlength``: their limit is not stated."""

    TEXT = {"text", "search", "email", "tel", "url", "password", ""}

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (tag == "textarea" or (tag == "input" and (a.get("type") or "").lower() in self.TEXT)) \
                and "maxlength" not in a and "readonly" not in a:
            self.names.add(a.get("name") or a.get("id") or tag)


def unbounded_fields(html: str) -> set[str]:
    parser = _Unbounded()
    parser.feed(html)
    return parser.names


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def leaks(text: str, tokens: set[str]) -> set[str]:
    found = {t for t in tokens if re.search(rf"(?<![\w/.-]){re.escape(t)}(?![\w/.-])", text)}
    found |= {m.group(0) for pattern in FIXED for m in re.finditer(pattern, text)}
    return found


def _not_known(hits: set[str], known: set[str]) -> set[str]:
    """The hits no entry of ``known`` accounts for (``~pattern`` entries match a whole hit as a regex)."""
    patterns = [re.compile(k[1:]) for k in known if k.startswith("~")]
    return {h for h in hits if h not in known and not any(p.fullmatch(h) for p in patterns)}


def test_the_field_finder_sees_text_fields_without_a_limit():
    html = ('<input name="a"><input type="text" name="b" maxlength="9"><input type="date" name="c">'
            '<textarea name="d"></textarea><input type="hidden" name="e"><input type="search" name="f">')
    assert unbounded_fields(html) == {"a", "d", "f"}


def test_the_token_finder_sees_what_it_should():
    text = visible_text('<p>学历：bachelor</p><p title="= True">x</p><code>applied</code><p>talent:12</p>'
                        '<script>var interview = 1;</script><p>money 类型</p><a href="/x/applied/">投递</a>')
    assert leaks(text, {"bachelor", "applied", "interview"}) == {"bachelor", "True", "talent:12", "money 类型"}


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTPOOL_HOME", str(tmp_path))
    settings.TALENTPOOL_MATCHING_DIR = tmp_path / "matching"
    out = io.StringIO()
    for args in (["reference", "load"], ["policies", "sync"],
                 ["demo", "--talents", "200", "--jobs", "40", "-v", "0"]):
        call_command(*args, stdout=out, stderr=out)
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    try:
        from web_prepare import prepare

        prepare()
    finally:
        sys.path.pop(0)
    yield demo_ids()
    reference_cache_clear()


@pytest.mark.once  # the text of every page in Chinese: the same on both databases (70 s of CI on PostgreSQL)
def test_no_page_shows_codes_constraint_names_or_internals_in_chinese(demo):
    tokens = _choice_tokens() - set(User.objects.values_list("username", flat=True))  # names are data
    found: dict[str, set[str]] = {}
    unbounded: dict[str, set[str]] = {}  # item 10: every text field states its limit (maxlength, shown by app.js)
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS.values())}
    for page in PAGES:
        if page.is_api or page.role not in DEMO_LOGINS or page.route in EDITORS or page.path.endswith((".json", ".xlsx", ".csv", ".ics")):
            continue
        url = page.url(demo)
        if url is None:
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(users[DEMO_LOGINS[page.role]])
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if names := unbounded_fields(response.content.decode()):
            unbounded[page.route] = unbounded.get(page.route, set()) | names
        hits = leaks(visible_text(response.content.decode()), tokens)
        if hits:
            found[page.route] = found.get(page.route, set()) | hits
    new = {route: unknown for route, hits in found.items() if (unknown := _not_known(hits, KNOWN.get(route, set())))}
    gone = {route: {k for k in known if not _not_known(found.get(route, set()), {k}) < found.get(route, set())}
            for route, known in KNOWN.items()}
    gone = {route: tokens for route, tokens in gone.items() if tokens}
    listing = "\n".join(f"  {route}: {sorted(hits)}" for route, hits in sorted(new.items()))
    assert new == {}, f"raw values on zh-Hans pages (show a label, a name or a sentence instead):\n{listing}"
    assert gone == {}, f"fixed: remove these from KNOWN: {gone}"
    assert unbounded == {}, "text fields without a stated limit (maxlength):\n" + "\n".join(
        f"  {route}: {sorted(names)}" for route, names in sorted(unbounded.items()))
