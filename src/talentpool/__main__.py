"""The ``talentpool`` console script: Django's management commands with the right settings.

A command that meets a database error on a database that is not migrated (a fresh ``TALENTPOOL_HOME``, a new
PostgreSQL database, an upgrade without ``migrate``) says so and which command to run, instead of a traceback.
"""

import os
import sys

# commands whose database errors are theirs to report (they create or inspect the schema)
SCHEMA_COMMANDS = frozenset({"migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations",
                             "test", "flush", "dbshell", "inspectdb"})


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.dev")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    argv = ["talentpool", *sys.argv[1:]]
    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        hint = None if len(argv) > 1 and argv[1] in SCHEMA_COMMANDS else unmigrated_hint(exc)
        if hint is None:
            raise
        sys.stderr.write(hint + "\n")
        raise SystemExit(1) from None


def unmigrated_hint(exc: Exception) -> str | None:
    """What to tell the user when ``exc`` came from a database with migrations still to apply; None otherwise."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # noqa: BLE001 - the database cannot even be inspected: keep the original error
        return None
    if not plan:
        return None
    applied = executor.loader.applied_migrations
    state = "is not migrated" if not applied else "is not up to date"
    return (f"The database ({connection.settings_dict.get('NAME')}) {state}: {len(plan)} migration(s) to apply "
            f"({str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__}).\n"
            "Run `talentpool migrate` first (and `talentpool reference load` on a new database), then try again.")


if __name__ == "__main__":
    main()
