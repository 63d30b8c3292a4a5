"""The 403, 404 and 500 pages are the platform's own, in the reader's language, each with a way back; the site
icon exists."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


def test_not_found_and_forbidden_are_our_pages_in_chinese_with_a_way_back(client, make_user):
    talent = make_user("talent")
    client.force_login(talent)
    missing = client.get("/registry/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = missing.content.decode()
    assert missing.status_code == 404 and "页面不存在" in body and 'data-status="404"' in body
    assert 'href="/"' in body and "Not Found" not in body
    forbidden = client.get("/registry/talents/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = forbidden.content.decode()
    assert forbidden.status_code == 403 and "无权打开此页面" in body and "返回我的首页" in body


def test_the_server_error_page_is_localised_and_needs_no_database():
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "出错了" in body and 'href="/"' in body


def test_the_site_icon_exists(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
