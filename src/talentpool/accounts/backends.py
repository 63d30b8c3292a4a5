"""The sign-in backend: Django's model backend, whose per-request user load also counts the user's unread notices.

Every signed-in page shows the unread badge (web/navigation.py), so the count rides in the query that loads the user
for the request (a correlated count on the ``notice_user_unread`` index) instead of costing a query of its own.
``core.notices.unread_count`` takes it from there; it is as fresh as the request, like the count it replaces.

The statement is written once per database vendor from the two models' metadata and run as a raw query: every
request loads its user, and compiling the same annotated ORM query each time cost about 1.8 ms of CPU, more than
the rest of a bare signed-in page. The raw query set still applies each field's database converters.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from talentpool.core.models import Notice

from .models import User

PATH = "talentpool.accounts.backends.AccountBackend"
"""This backend's dotted path, as stored in sessions (tests sign clients in with it)."""

_STATEMENTS: dict[str, str] = {}
"""The user load per database vendor: every concrete column of the user, and the unread notice count."""


def _statement(connection) -> str:
    sql = _STATEMENTS.get(connection.vendor)
    if sql is None:
        quote, user, notice = connection.ops.quote_name, User._meta, Notice._meta
        user_pk = f"u.{quote(user.pk.column)}"
        columns = ", ".join(f"u.{quote(field.column)}" for field in user.concrete_fields)
        sql = (f"SELECT {columns}, (SELECT COUNT(*) FROM {quote(notice.db_table)} n"
               f" WHERE n.{quote(notice.get_field('user').column)} = {user_pk}"
               f" AND n.{quote(notice.get_field('read_at').column)} IS NULL) AS unread_notices_at_load"
               f" FROM {quote(user.db_table)} u WHERE {user_pk} = %s")
        _STATEMENTS[connection.vendor] = sql
    return sql


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        alias = router.db_for_read(User)
        users = list(User._default_manager.db_manager(alias).raw(_statement(connections[alias]), [user_id]))
        user = users[0] if users else None
        return user if user is not None and self.user_can_authenticate(user) else None
