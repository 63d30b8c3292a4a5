"""The sign-in backend: Django's model backend, whose per-request user load also counts the user's unread notices.

Every signed-in page shows the unread badge (web/navigation.py), so the count rides in the query that loads the user
for the request (a correlated count on the ``notice_user_unread`` index) instead of costing a query of its own.
``core.notices.unread_count`` takes it from there; it is as fresh as the request, like the count it replaces.

The statement is written once per connection from the two models' metadata, with the database converters of its
columns, and run on a plain cursor: every request loads its user, and compiling the same annotated ORM query each
time cost about 1.8 ms of CPU, more than the rest of a bare signed-in page; a raw query set still worked out its
columns and converters on each request (240 us of a 60 us load on SQLite). The row goes through ``from_db`` with
the converters the ORM would apply, so the user is the one the ORM loads (``test_sessions.py`` compares them).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from talentpool.core.models import Notice

from .models import User

PATH = "talentpool.accounts.backends.AccountBackend"
"""This backend's dotted path, as stored in sessions (tests sign clients in with it)."""

_LOADS: dict[str, tuple[str, tuple[str, ...], tuple]] = {}
"""The user load per connection alias: the statement (every concrete column of the user, and the unread notice
count), the columns' attribute names, and the database converters of the columns that have any."""


def _load(connection) -> tuple[str, tuple[str, ...], tuple]:
    load = _LOADS.get(connection.alias)
    if load is None:
        quote, user, notice = connection.ops.quote_name, User._meta, Notice._meta
        user_pk = f"u.{quote(user.pk.column)}"
        fields = user.concrete_fields
        columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
        sql = (f"SELECT {columns}, (SELECT COUNT(*) FROM {quote(notice.db_table)} n"
               f" WHERE n.{quote(notice.get_field('user').column)} = {user_pk}"
               f" AND n.{quote(notice.get_field('read_at').column)} IS NULL) AS unread_notices_at_load"
               f" FROM {quote(user.db_table)} u WHERE {user_pk} = %s")
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(user.db_table)
            found = tuple(connection.ops.get_db_converters(column)) + tuple(field.get_db_converters(connection))
            if found:
                converters.append((index, column, found))
        load = _LOADS[connection.alias] = (sql, tuple(field.attname for field in fields), tuple(converters))
    return load


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        alias = router.db_for_read(User)
        connection = connections[alias]
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        sql, names, converters = _load(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row[:-1])
        for index, column, functions in converters:  # what the ORM applies to each loaded column
            value = values[index]
            for convert in functions:
                value = convert(value, column, connection)
            values[index] = value
        user = User.from_db(alias, names, values)
        user.unread_notices_at_load = row[-1]
        return user if self.user_can_authenticate(user) else None
