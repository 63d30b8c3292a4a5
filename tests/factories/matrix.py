"""The one rule every API permission matrix checks: the exact status for an allowed role; for a denied one the
error shape, no personal data in the body, and nothing changed."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from talentpool.core.security import csp_header_value


def check_api_outcome(response, *, role: str, allowed: dict[str, int], path: str, secret: str,
                      before, state: Callable[[], object]) -> None:
    if role in allowed:
        assert response.status_code == allowed[role], (role, path, response.status_code, response.content[:400])
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), (role, path, response.status_code)
        assert response.json()["error"]["code"] in {"unauthenticated", "forbidden"}
    if role not in allowed or allowed[role] == 404:
        assert secret not in response.content.decode()
        assert state() == before


def check_page_headers(response) -> None:
    """Every page answer (allowed, denied or redirected) carries the Content-Security-Policy: nothing inline."""
    assert response["Content-Security-Policy"] == csp_header_value(settings.TALENTPOOL_CSP)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
