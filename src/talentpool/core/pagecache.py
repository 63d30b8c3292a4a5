"""Whole responses of signed-in GET requests, kept per process and served again while nothing they read changed.

What a response depends on, and so what invalidates it:

- **The database, table by table.** Every table carries a trigger (installed after each ``migrate``, see
  ``install_triggers``) that counts the writes to it in ``core_tablewrite``: on PostgreSQL one delta row per
  statement (inserts only, so writers never wait on a counter row; folded from time to time), on SQLite one row per
  table counted up in place. While a response is made, every statement it runs is watched: the tables it names are
  its dependencies, and the write counts of all tables were read *before* it began. It is served again only while
  those tables' counts are unchanged, so a write committed before, during or after the render, by this process or any
  other (a service, a bulk update, raw SQL, a trigger, a task), makes the next request render afresh.
- **Who asks and how.** The key holds the path with its query, scheme and host, the active language, the user's
  loaded row (its columns and the unread notice count loaded with it), the session's key and data, the ``Accept``
  and ``HX-Request`` headers (and any the view's ``Vary`` names), a digest of an API key header, and the minute (pages count SLA time, "today" and "stale after a minute";
  nothing shown is finer than a minute).
- **State outside the database.** An owner of such state registers a function whose value joins every key
  (``vary_every_page``): the reference stamp file, the insights snapshot in use.

Never kept: a response that wrote anything (a refresh it queued, a notice marked read) other than through
``each_time`` (the audit event of an officer's read of a person's record, written again each time the response is
served), that read a table without the trigger, that changed the session, that showed or left a flash message, that
set a cookie, that is not a 200 HTML or JSON answer, that says ``Cache-Control: no-store`` (file downloads: bank
files, exports, error files and attachments are written for each download and not held; only a file
``core.downloads`` marks ``kept``, one holding no secret such as a calendar invitation or a certificate, may be), or
whose making called ``not_kept``. Requests of visitors (unless the view is ``kept_for_visitors``, or they carry an
API key registered with ``credential_header``: the open API's partners, keyed by a digest of their key and kept only
once the view accepted it), and every method but GET, pass by. A kept page's forms get a CSRF token of the serving
request's secret. A path whose answer was a download is remembered (the last 4,096), and its next requests skip the
write counts read that only a response being kept needs.

The store is a plain LRU per process bounded in bytes (``TALENTPOOL_PAGE_CACHE_MB``, 0 turns it off); a restart
or a deploy empties it. A hit costs the session and user load every page pays and one statement reading the
dependencies' counts.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from talentpool.core.counters import counters_fold

TABLE = "core_tablewrite"
TRIGGER = "core_table_written"
FOLD_AT = 64  # delta rows of one table (PostgreSQL) past which a read folds them
FOLD_SLACK = 64  # delta rows of all tables, beyond one per table, past which a read folds them (``fold_rows``)
MAX_ENTRY = 1 << 20
_NOT_TRACKED = frozenset({TABLE, "django_migrations"})
_KEPT_TYPES = ("text/html", "application/json")

_NEUTRAL = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW)\b", re.IGNORECASE)
_READ = re.compile(r"^\s*(SELECT|WITH|VALUES|EXPLAIN|\()", re.IGNORECASE)  # EXPLAIN: the planner's row estimates
_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|COPY|CREATE|DROP|ALTER|TRUNCATE|LOCK|NOTIFY|SHARE)\b",
                    re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]*"')

_key_parts: list[Callable[[], object]] = []
_credentials: list[str] = []  # request.META names of the headers that carry an API key (``credential_header``)
_current: ContextVar[_Watch | None] = ContextVar("page_watch", default=None)


def vary_every_page(part: Callable[[], object]) -> None:
    """Make ``part()`` (cheap: it runs on every signed-in GET) a part of every key: for state pages read outside
    the database. Registered once, from the owning app's ``ready``."""
    if part not in _key_parts:
        _key_parts.append(part)


def credential_header(name: str) -> None:
    """Keep the answers to requests that carry the header ``name`` (an API key the view authenticates) like those
    of a signed-in user, each keyed by a digest of the header's value. A kept answer was made for that very value,
    and the view's check of it read the key's row, so a key stopped or changed makes the next answer afresh.
    Registered once, from the owning app's ``ready``."""
    meta = "HTTP_" + name.upper().replace("-", "_")
    if meta not in _credentials:
        _credentials.append(meta)


def each_time(request, fn: Callable[..., object], **data) -> None:
    """Run ``fn(request, **data)`` now and again each time this response is served from the store: a write that
    belongs to every read (the audit event of an officer's read of a person's record). Its statements do not count
    as the response's own writes; ``data`` must be plain values (it is kept with the response)."""
    watch = _current.get()
    if watch is None:
        fn(request, **data)
        return
    watch.paused += 1
    try:
        fn(request, **data)
    finally:
        watch.paused -= 1
    watch.replay.append((fn, data))


def kept_for_visitors(view):
    """Keep this view's responses for visitors too (public pages that read much, such as the investors' map):
    by default only signed-in requests are kept."""
    view.kept_for_visitors = True
    return view


def not_kept() -> None:
    """The response being made is made afresh each time: it shows state no key holds (a match index still being
    prepared in this process, say). A no-op outside a request."""
    watch = _current.get()
    if watch is not None:
        watch.wrote = True


# --- the write counts -------------------------------------------------------------------------------------------


def install_triggers(using: str = DEFAULT_DB_ALIAS, **_kwargs) -> None:
    """Give every table that lacks it the trigger counting its writes (``post_migrate``: after ``migrate`` and
    ``flush``, so a table a migration adds or rebuilds gets it too)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        if TABLE not in present:
            return
        tables = present - _NOT_TRACKED
        have = _tracked(cursor, connection.vendor)
        quote = connection.ops.quote_name
        for table in sorted(tables - have):
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                               f"{quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()")
            elif connection.vendor == "sqlite":
                bump = (f"INSERT INTO {TABLE} (name, n) VALUES ('{table}', 1) "
                        f"ON CONFLICT (name) DO UPDATE SET n = n + 1;")
                for op, word in (("i", "INSERT"), ("u", "UPDATE"), ("d", "DELETE")):
                    cursor.execute(f"CREATE TRIGGER {TRIGGER}_{op}_{table} AFTER {word} ON {quote(table)} "
                                   f"BEGIN {bump} END")
    _tables.pop(using, None)


def _tracked(cursor, vendor: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = %s AND NOT t.tgisinternal", [TRIGGER])
        return {row[0] for row in cursor.fetchall()}
    if vendor == "sqlite":
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                       [f"{TRIGGER}_d_%"])
        return {row[0] for row in cursor.fetchall()}
    return set()


_tables: dict[str, tuple[frozenset[str], frozenset[str]]] = {}


def _known(connection) -> tuple[frozenset[str], frozenset[str]]:
    """(every table of the database, the tables whose writes are counted), read once per process."""
    known = _tables.get(connection.alias)
    if known is None:
        with connection.cursor() as cursor:
            # views too: they carry no trigger, so a response reading one is never kept
            every = frozenset(connection.introspection.table_names(cursor, include_views=True))
            known = _tables[connection.alias] = (every, frozenset(_tracked(cursor, connection.vendor)))
    return known


ALL_ROWS = ""
"""The key under which ``write_counts(connection, tables)`` gives the number of rows of ``core_tablewrite``."""


def write_counts(connection, tables: tuple[str, ...] | None = None) -> dict[str, tuple[int, int]]:
    """Each table's write count and its number of rows in ``core_tablewrite`` (all tables when ``tables`` is None;
    a table never written is absent). With ``tables``, also ``ALL_ROWS``: (0, the rows of every table), so a reader
    sees when other tables' delta rows pile up (the audit trail's, one per audited serve) and folds them before
    its reads scan them."""
    with connection.cursor() as cursor:
        if tables is None:
            cursor.execute(f"SELECT name, SUM(n), COUNT(*) FROM {TABLE} GROUP BY name")
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"SELECT name, SUM(n), COUNT(*) FROM {TABLE} WHERE name IN ({marks}) GROUP BY name "
                           f"UNION ALL SELECT %s, 0, COUNT(*) FROM {TABLE}", [*tables, ALL_ROWS])
        return {name: (int(total), count) for name, total, count in cursor.fetchall()}


def fold_rows(connection) -> int:
    """The rows of ``core_tablewrite`` past which a read folds them: one per counted table (what a fold leaves at
    most) and ``FOLD_SLACK`` delta rows. Every kept page's count read scans them all (~0.4 µs a row on PostgreSQL),
    so the audit trail's row per audited serve is folded every ``FOLD_SLACK`` or so serves, not left to pile up."""
    return len(_known(connection)[1]) + FOLD_SLACK


def fold(connection) -> None:
    """Fold PostgreSQL's delta rows into one row per table (safe beside writers and another fold)."""
    if connection.vendor == "postgresql":
        counters_fold(TABLE, "name", ("n",))


# --- the store ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kept:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    tables: tuple[str, ...]
    counts: tuple[int, ...]
    csrf: bool
    replay: tuple[tuple[Callable[..., object], dict], ...] = ()
    vary: tuple[tuple[str, str | None], ...] = ()  # request headers the view's Vary names, as they were


class Store:
    """An LRU of kept responses bounded by the bytes of their bodies."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.entries: OrderedDict[tuple, Kept] = OrderedDict()
        self.lock = threading.Lock()
        self.served = 0  # responses served from the store since the process started

    def get(self, key: tuple) -> Kept | None:
        with self.lock:
            kept = self.entries.get(key)
            if kept is not None:
                self.entries.move_to_end(key)
            return kept

    def put(self, key: tuple, kept: Kept) -> None:
        with self.lock:
            self._drop(key)
            self.entries[key] = kept
            self.used += len(kept.body)
            while self.used > self.budget and self.entries:
                self._drop(next(iter(self.entries)))

    def drop(self, key: tuple) -> None:
        with self.lock:
            self._drop(key)

    def _drop(self, key: tuple) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.used -= len(old.body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = self.served = 0


class _Paths:
    """The last few thousand paths (with their query) whose answer was a download: ``Cache-Control: no-store``,
    never kept. Their next requests skip the write counts read before the view (one statement each)."""

    def __init__(self, size: int):
        self.size = size
        self.paths: OrderedDict[str, None] = OrderedDict()
        self.lock = threading.Lock()

    def __contains__(self, path: str) -> bool:
        return path in self.paths

    def remember(self, path: str) -> None:
        with self.lock:
            self.paths[path] = None
            self.paths.move_to_end(path)
            while len(self.paths) > self.size:
                self.paths.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.paths.clear()


_downloads = _Paths(4096)
_store = Store(int(float(getattr(settings, "TALENTPOOL_PAGE_CACHE_MB", 32)) * (1 << 20)))


def page_cache_clear() -> None:
    """Forget every kept response of this process (tests; nothing else needs it: stale entries are never served)."""
    _store.clear()
    _downloads.clear()


def page_cache_store() -> Store:
    return _store


# --- the middleware ------------------------------------------------------------------------------------------------


def _plain(values: tuple) -> tuple | str:
    """``values`` as a dictionary key: themselves when hashable (compared for equality on lookup, so two keys are
    one only when every part is equal), else their text."""
    try:
        hash(values)
    except TypeError:
        return repr(values)
    return values


def _key(request) -> tuple:
    user = request.user
    user = getattr(user, "_wrapped", user)  # the loaded user behind the request's lazy object (already set up)
    session = request.session
    meta = request.META
    return (
        request.get_full_path(), request.scheme, meta.get("HTTP_HOST"), getattr(request, "LANGUAGE_CODE", ""),
        user.pk, _plain(tuple(v for k, v in vars(user).items() if k[0] != "_")),
        session.session_key, _plain(tuple(sorted(session.items()))),
        meta.get("HTTP_ACCEPT"), meta.get("HTTP_HX_REQUEST"),
        timezone.now().replace(second=0, microsecond=0),
        tuple(part() for part in _key_parts),
        tuple(hashlib.sha256(meta[name].encode()).digest() if name in meta else None for name in _credentials),
    )


class _Watch:
    """Every statement run while a response is made: the tables named, and whether any wrote."""

    __slots__ = ("words", "wrote", "paused", "replay")

    def __init__(self):
        self.words: set[str] = set()
        self.wrote = False
        self.paused = 0
        self.replay: list[tuple[Callable[..., object], dict]] = []

    def __call__(self, execute, sql, params, many, context):
        if not self.paused:
            writes, words = _statement(sql if isinstance(sql, str) else str(sql))
            self.wrote |= writes
            self.words |= words
        return execute(sql, params, many, context)


@functools.lru_cache(maxsize=8192)
def _statement(text: str) -> tuple[bool, frozenset[str]]:
    """Whether a statement writes, and the words it names (its tables among them): worked out once per statement
    text, since a page runs the same texts request after request."""
    if _NEUTRAL.match(text):
        return False, frozenset()
    writes = not _READ.match(text) or bool(_WRITE.search(text))
    return writes, frozenset(word.lower() for word in _WORD.findall(text))


def _header(request, name: str) -> str | None:
    return request.META.get("HTTP_" + name.upper().replace("-", "_"))


def _vary(response) -> list[str]:
    """The request headers the view said its answer varies by, beyond those every key holds."""
    return [name for name in (h.strip() for h in response.get("Vary", "").split(",") if h.strip())
            if name.lower() not in {"cookie", "accept-language", "accept", "hx-request"}]


def _flash_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


class PageCacheMiddleware:
    """Last in ``MIDDLEWARE``: the kept response is looked up once the URL is resolved (``process_view``, so a
    visitor's request costs nothing here unless its view is ``kept_for_visitors``), and a response made afresh is
    judged when it comes back."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.on = float(getattr(settings, "TALENTPOOL_PAGE_CACHE_MB", 32)) > 0

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            making = request.__dict__.pop("_page_making", None)
            if making is not None:
                key, watch, before, token, connection, by_key = making
                connection.execute_wrappers.remove(watch)
                _current.reset(token)
        if making is not None:
            # a request kept by its API key is kept only once the view accepted the key (django-ninja's
            # request.auth): a stranger's made-up keys fill no room in the store
            kept = (None if by_key and getattr(request, "auth", None) is None
                    else self._keepable(request, response, watch, before, connection))
            if kept is not None:
                _store.put(key, kept)
            elif "no-store" in response.get("Cache-Control", "") and not getattr(response, "kept_on_server", False):
                _downloads.remember(key[0])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self.on or request.method != "GET" or _flash_pending(request):
            return None
        by_key = not (request.user.is_authenticated or getattr(view_func, "kept_for_visitors", False))
        if by_key and not any(name in request.META for name in _credentials):
            return None
        if request.get_full_path() in _downloads:  # before the key: a download never needs it
            return None
        connection = connections[DEFAULT_DB_ALIAS]
        key = _key(request)
        kept = _store.get(key)
        if kept is not None and all(_header(request, name) == value for name, value in kept.vary):
            now = write_counts(connection, kept.tables) if kept.tables else {}
            rows = now.pop(ALL_ROWS, (0, 0))[1]
            if tuple(now.get(t, (0, 0))[0] for t in kept.tables) == kept.counts:
                if rows > fold_rows(connection) or max((c for _, c in now.values()), default=0) > FOLD_AT:
                    fold(connection)
                _store.served += 1
                return _replay(request, kept)
            _store.drop(key)
        before = write_counts(connection)
        if (max((c for _, c in before.values()), default=0) > FOLD_AT
                or sum(c for _, c in before.values()) > fold_rows(connection)):
            fold(connection)
        watch = _Watch()
        connection.execute_wrappers.append(watch)
        request._page_making = (key, watch, before, _current.set(watch), connection, by_key)
        return None

    @staticmethod
    def _keepable(request, response, watch: _Watch, before: dict, connection) -> Kept | None:
        csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        download = getattr(response, "kept_on_server", False)  # a file with no secret (core.downloads)
        if (watch.wrote or response.status_code != 200 or response.streaming or response.cookies
                or request.session.modified
                or getattr(getattr(request, "_messages", None), "used", False)
                or getattr(getattr(request, "_messages", None), "added_new", False)
                or ("no-store" in response.get("Cache-Control", "") and not download)
                or not (download or response.get("Content-Type", "").startswith(_KEPT_TYPES))
                or len(response.content) > MAX_ENTRY):
            return None
        every, tracked = _known(connection)
        tables = tuple(sorted(watch.words & every))
        if not set(tables) <= tracked:
            return None
        return Kept(body=response.content, headers=tuple(response.headers.items()), tables=tables,
                    counts=tuple(before.get(t, (0, 0))[0] for t in tables),
                    csrf=csrf, replay=tuple(watch.replay),
                    vary=tuple((name, _header(request, name)) for name in _vary(response)))


def _replay(request, kept: Kept) -> HttpResponse:
    body = kept.body
    if kept.csrf:  # the page carries forms: each gets a token of this request's secret, whose cookie goes out
        token = get_token(request).encode()
        body = _CSRF_FIELD.sub(lambda m: m.group(1) + token + b'"', body)
    response = HttpResponse(body)
    for name, value in kept.headers:
        response[name] = value
    for fn, data in kept.replay:
        fn(request, **data)
    return response
