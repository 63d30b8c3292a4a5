"""The layout every page shares (templates/base.html): its fixed parts and the side navigation are written once per
process (web/navigation.py), so what is kept must follow the language, the role and the page being shown."""

from __future__ import annotations

import re

from django.test import Client

from talentpool.core.roles import Role


def _nav(html: str) -> list[tuple[str, str, bool]]:
    block = re.search(r'<nav id="nav" class="sidenav"[^>]*>(.*?)</nav>', html, re.S)
    assert block, "no side navigation"
    return [(href, label, bool(current)) for href, current, label in
            re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', block.group(1))]


def test_the_navigation_follows_the_page_the_role_and_the_language(make_user, client_for):
    client = client_for(make_user(Role.OFFICER))
    zh = client.get("/registry/talents/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    items = _nav(zh)
    assert items[0] == ("/registry/talents/", "人才库", True) and sum(current for *_, current in items) == 1
    assert "/payments/queue/" in [href for href, *_ in items]
    assert '<html lang="zh-hans">' in zh and 'value="en" class="link" lang="en">English</button>' in zh

    en = client.get("/policies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    items = _nav(en)
    assert items[0] == ("/registry/talents/", "Registry", False)
    assert [label for href, label, current in items if current] == ["Policies"]
    assert '<html lang="en">' in en and 'value="zh-hans"' in en and 'value="en" class="link"' not in en
    assert '>Sign out</button>' in en and '>退出登录</button>' not in en

    bare = _nav(client.get("/accounts/password/done/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert bare and not any(current for *_, current in bare)

    talent = _nav(client_for(make_user(Role.TALENT)).get("/accounts/password/done/").content.decode())
    hrefs = [href for href, *_ in talent]
    assert "/policies/mine/" in hrefs and "/registry/talents/" not in hrefs and "/payments/queue/" not in hrefs


def test_a_visitor_gets_the_layout_without_navigation_or_account_links():
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert '<nav id="nav"' not in html and "notices-link" not in html and "Sign out" not in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/app[^"]*\.css">', html)
    assert '<form action="/i18n/setlang/" method="post" class="lang-switch">' in html
