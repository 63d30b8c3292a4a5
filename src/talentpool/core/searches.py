"""Searches that may hold an ID number never travel in a URL.

A URL ends up in access logs, proxy logs, browser history and Referer headers, so a page whose search box accepts an
ID number (or any free text an officer might paste one into) takes its search by POST. ``search_by_post`` keeps the
submitted fields in the session, encrypted under the data key, behind a random token, and redirects to
``?s=<token>``: the result page, its pager and the language switch then carry only the token, and reloading or paging
works as with an ordinary GET search. The token means nothing outside the session that made it (another officer's
session, a log reader): it is not derived from the search.

An old link or bookmark that still sends a private field by GET is answered with the same redirect, so the page and
every link it builds drop the number at once. Filters that cannot hold an ID number (a status, a run number) may still
come by GET: links such as ``queue/?run=5`` keep working.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.utils.translation import gettext as _

from .crypto import decrypt_text, encrypt_text

TOKEN_PARAM = "s"
SESSION_KEY = "searches"
KEEP = 20  # searches remembered per session; the oldest is forgotten first
_NOT_KEPT = {"csrfmiddlewaretoken", "page", TOKEN_PARAM}


def search_store(request, *, scope: str, data: QueryDict) -> str:
    """Keeps ``data`` (less the CSRF token and the page number) for this session; returns its token."""
    fields = {k: data.getlist(k) for k in data if k not in _NOT_KEPT}
    token = secrets.token_urlsafe(12)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[token] = {"scope": scope, "data": encrypt_text(json.dumps(fields, ensure_ascii=False))}
    while len(kept) > KEEP:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return token


def search_load(request, *, scope: str, token: str) -> QueryDict | None:
    """The search stored under ``token`` for ``scope`` in this session, or None (unknown, forgotten, other page)."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry.get("scope") != scope:
        return None
    try:
        fields = json.loads(decrypt_text(entry["data"]))
    except (ValueError, KeyError):  # a session from before a key change: treat as forgotten
        return None
    return QueryDict(urlencode(fields, doseq=True))


def search_url(request, token: str) -> str:
    return f"{request.path}?{TOKEN_PARAM}={token}"


def search_by_post(scope: str, *, private: Iterable[str] = ("q",)):
    """View decorator for a list page whose search may hold an ID number.

    - POST (the search form): store the fields, redirect to ``?s=<token>``;
    - GET with a private field (an old link): the same, so the number leaves the address bar and every link;
    - GET ``?s=<token>``: ``request.search`` holds the stored fields (empty, with a message, if forgotten);
    - any other GET: ``request.search`` is ``request.GET`` (filters that cannot hold an ID number).

    The view reads its filters from ``request.search`` and its page number from ``request.GET``.
    """
    private = tuple(private)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                return HttpResponseRedirect(search_url(request, search_store(request, scope=scope, data=request.POST)))
            if any(request.GET.get(name, "").strip() for name in private):
                return HttpResponseRedirect(search_url(request, search_store(request, scope=scope, data=request.GET)))
            token = request.GET.get(TOKEN_PARAM)
            if token is None:
                request.search = request.GET
            else:
                request.search = search_load(request, scope=scope, token=token)
                if request.search is None:
                    messages.warning(request, _("That search has expired; please search again."))
                    request.search = QueryDict()
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def search_query(request, *, drop: Iterable[str] = ("page",)) -> str:
    """The current page's own query string without ``drop`` (for a form that returns here): a token or plain
    filters, never a private field."""
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()
