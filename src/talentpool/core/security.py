"""The Content-Security-Policy header, on every response.

Django 5.2 has no CSP support of its own (it arrives in 6.0) and the policy here is one fixed header, so a small
middleware does it rather than a dependency. Pages load scripts and styles from our own static files only: no
template has an inline ``<script>``, ``<style>`` or ``style=``/``on...=`` attribute (tests/integration/
test_security.py scans them); behaviour is wired from ``data-`` attributes by ``static/js/app.js``.

The policy is ``settings.TALENTPOOL_CSP`` (directive -> sources), the same in every environment, so the browser tests
run under the policy production serves.
"""

from __future__ import annotations

from django.conf import settings

HEADER = "Content-Security-Policy"


def csp_header_value(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}".strip() for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = csp_header_value(settings.TALENTPOOL_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = self.value
        return response
