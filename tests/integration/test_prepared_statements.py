"""On PostgreSQL the server binds parameters and a statement a connection runs again is prepared, so PostgreSQL
reuses its plan instead of planning it on every request (settings/base.py, docs/operations.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from talentpool.accounts.models import User

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_is_prepared_with_its_parameters_bound_by_the_server(db, make_user):
    users = [make_user(), make_user()]
    for _ in range(6):
        for user in users:
            assert User.objects.filter(username=user.username).values_list("pk", flat=True).get() == user.pk
    prepared = [s for s in _prepared() if '"accounts_user"."username" = $1' in s]
    assert len(prepared) == 1, _prepared()  # one plan for both values: the parameter is not in the text
