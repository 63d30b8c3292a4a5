"""Browser-facing hardening: a Content-Security-Policy that allows nothing inline, templates that need nothing
inline, and a production configuration that ``check --deploy`` finds nothing to say about.

(The permission matrices check the header on every page: ``factories.matrix.check_page_headers``.)"""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import talentpool

PACKAGE = Path(talentpool.__file__).parent
OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
TEMPLATES = sorted(PACKAGE.rglob("templates/**/*.html"))

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.I)


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50 and PACKAGE / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_template_holds_inline_script_or_style(path):
    html = path.read_text(encoding="utf-8")
    for attrs, body in _SCRIPT.findall(html):
        assert "src=" in attrs and not body.strip(), f"{path.name}: inline <script> (move it to static/js)"
    assert not _HANDLER.search(html), f"{path.name}: on...= handler (use a data- attribute and static/js/app.js)"
    assert not _STYLE.search(html), f"{path.name}: inline style (use a class in static/css/app.css or data-width)"
    assert "javascript:" not in html.lower()


def test_the_policy_allows_only_our_own_scripts_and_styles(client):
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in header.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and "unsafe" not in header


def test_the_api_docs_page_works_under_the_policy(client):
    """Swagger UI is served from django-ninja's own static files, its settings in a JSON (non-executed) block."""
    response = client.get("/api/v1/docs")
    assert "Content-Security-Policy" in response
    for attrs, _body in _SCRIPT.findall(response.content.decode()):
        assert "src=" in attrs or "application/json" in attrs, attrs


def _documented_environment(tmp_path: Path) -> dict[str, str]:
    """The environment block of docs/operations.md, with real values where it shows ``...``."""
    text = OPERATIONS.read_text(encoding="utf-8")
    block = re.search(r"## Environment\n.*?```sh\n(.*?)```", text, re.S).group(1)
    env = {}
    for line in block.splitlines():
        m = re.match(r"([A-Z_]+)=(\S*)", line)
        if m:
            env[m.group(1)] = m.group(2)
    fake_key = lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
    fills = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "TALENTPOOL_DATA_KEY": fake_key(),
             "TALENTPOOL_LOOKUP_KEY": fake_key(), "DJANGO_EMAIL_HOST_PASSWORD": "x"}
    for name, value in fills.items():
        assert env.get(name) == "...", f"docs/operations.md no longer documents {name}=..."
        env[name] = value
    env["TALENTPOOL_HOME"] = str(tmp_path)  # the documented /var/lib/talentpool is not ours to create
    return env


def test_check_deploy_with_the_documented_production_settings_is_clean(tmp_path):
    env = _documented_environment(tmp_path)
    assert env["DJANGO_SETTINGS_MODULE"] == "talentpool.settings.prod"
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "HOME", "LANG")}
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                          env=keep | env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output and "System check identified no issues" in output, output
