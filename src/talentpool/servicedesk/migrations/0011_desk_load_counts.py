"""The open tickets' maintained counts (``DeskLoad``): the table, the triggers that keep it in step with every
write to ``servicedesk_ticket`` and with a talent moving to another district, and its first figures.

PostgreSQL: statement-level triggers with transition tables on the tickets add one delta row per key a statement
touched (inserts only; ``load.desk_load_compact`` folds them); a row-level trigger on the talents fires only when
a talent's district changes and moves the counts of their open tickets. SQLite (a single writer): row-level
triggers update one row per key in place (a unique index on the key).
"""

from django.db import migrations, models

KEY = "district, assignee_id, team_id, sla_state"
TABLE = "servicedesk_deskload"
TICKETS = "servicedesk_ticket"
TALENTS = "registry_talent"
OPEN = "('new', 'open', 'waiting')"


def _pg_rows(rows: str, sign: str) -> str:
    return (f"SELECT t.district, coalesce(r.assignee_id, 0), r.team_id, r.sla_state, {sign}1 AS n FROM {rows} r "
            f"JOIN {TALENTS} t ON t.id = r.talent_id WHERE r.status IN {OPEN}")


PG_FUNCTION = f"""
CREATE FUNCTION servicedesk_desk_load() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {TABLE} ({KEY}, tickets) SELECT {KEY}, sum(n) FROM ({_pg_rows('new_rows', '')}) AS d ({KEY}, n)
        GROUP BY {KEY};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {TABLE} ({KEY}, tickets) SELECT {KEY}, sum(n) FROM ({_pg_rows('old_rows', '-')}) AS d ({KEY}, n)
        GROUP BY {KEY};
    ELSE
        INSERT INTO {TABLE} ({KEY}, tickets) SELECT {KEY}, sum(n) FROM (
            {_pg_rows('old_rows', '-')} UNION ALL {_pg_rows('new_rows', '')}) AS d ({KEY}, n)
        GROUP BY {KEY} HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER servicedesk_desk_load_insert AFTER INSERT ON {TICKETS} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION servicedesk_desk_load();
CREATE TRIGGER servicedesk_desk_load_update AFTER UPDATE ON {TICKETS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION servicedesk_desk_load();
CREATE TRIGGER servicedesk_desk_load_delete AFTER DELETE ON {TICKETS} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION servicedesk_desk_load();
CREATE FUNCTION servicedesk_desk_load_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} ({KEY}, tickets)
    SELECT OLD.district, coalesce(assignee_id, 0), team_id, sla_state, -count(*) FROM {TICKETS}
    WHERE talent_id = OLD.id AND status IN {OPEN} GROUP BY 2, 3, 4
    UNION ALL
    SELECT NEW.district, coalesce(assignee_id, 0), team_id, sla_state, count(*) FROM {TICKETS}
    WHERE talent_id = NEW.id AND status IN {OPEN} GROUP BY 2, 3, 4;
    RETURN NULL;
END $$;
CREATE TRIGGER servicedesk_desk_load_moved AFTER UPDATE OF district ON {TALENTS}
    FOR EACH ROW WHEN (OLD.district IS DISTINCT FROM NEW.district) EXECUTE FUNCTION servicedesk_desk_load_moved();
"""

PG_DROP = f"""
DROP TRIGGER IF EXISTS servicedesk_desk_load_insert ON {TICKETS};
DROP TRIGGER IF EXISTS servicedesk_desk_load_update ON {TICKETS};
DROP TRIGGER IF EXISTS servicedesk_desk_load_delete ON {TICKETS};
DROP TRIGGER IF EXISTS servicedesk_desk_load_moved ON {TALENTS};
DROP FUNCTION IF EXISTS servicedesk_desk_load();
DROP FUNCTION IF EXISTS servicedesk_desk_load_moved();
"""

UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET tickets = tickets + excluded.tickets;"


def _sqlite_ticket(row: str, sign: str) -> str:
    return (f"INSERT INTO {TABLE} ({KEY}, tickets) SELECT district, COALESCE({row}.assignee_id, 0), {row}.team_id, "
            f"{row}.sla_state, {sign}1 FROM {TALENTS} WHERE id = {row}.talent_id AND {row}.status IN {OPEN} {UPSERT}")


def _sqlite_moved(row: str, sign: str) -> str:
    return (f"INSERT INTO {TABLE} ({KEY}, tickets) SELECT {row}.district, COALESCE(assignee_id, 0), team_id, "
            f"sla_state, {sign}COUNT(*) FROM {TICKETS} WHERE talent_id = {row}.id AND status IN {OPEN} "
            f"GROUP BY 2, 3, 4 {UPSERT}")


SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("talent_id", "assignee_id", "team_id", "sla_state",
                                                                  "status"))
SQLITE_CREATE = [
    f"CREATE UNIQUE INDEX desk_load_key ON {TABLE} ({KEY})",
    f"CREATE TRIGGER servicedesk_desk_load_insert AFTER INSERT ON {TICKETS} BEGIN {_sqlite_ticket('NEW', '')} END",
    f"CREATE TRIGGER servicedesk_desk_load_update AFTER UPDATE ON {TICKETS} WHEN {SQLITE_CHANGED} BEGIN "
    f"{_sqlite_ticket('OLD', '-')} {_sqlite_ticket('NEW', '')} END",
    f"CREATE TRIGGER servicedesk_desk_load_delete AFTER DELETE ON {TICKETS} BEGIN {_sqlite_ticket('OLD', '-')} END",
    f"CREATE TRIGGER servicedesk_desk_load_moved AFTER UPDATE OF district ON {TALENTS} "
    f"WHEN OLD.district IS NOT NEW.district BEGIN {_sqlite_moved('OLD', '-')} {_sqlite_moved('NEW', '')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS servicedesk_desk_load_{op}" for op in ("insert", "update", "delete",
                                                                               "moved")] + [
    "DROP INDEX IF EXISTS desk_load_key"]

FILL = (f"INSERT INTO {TABLE} ({KEY}, tickets) SELECT t.district, COALESCE(k.assignee_id, 0), k.team_id, "
        f"k.sla_state, COUNT(*) FROM {TICKETS} k JOIN {TALENTS} t ON t.id = k.talent_id WHERE k.status IN {OPEN} "
        f"GROUP BY 1, 2, 3, 4")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            # no write slips between the fill and the triggers
            cursor.execute(f"LOCK TABLE {TICKETS}, {TALENTS} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(PG_FUNCTION)
        elif vendor == "sqlite":
            for sql in SQLITE_CREATE:
                cursor.execute(sql)
        else:
            raise RuntimeError(f"the desk's load counts have no triggers for {vendor}")
        cursor.execute(FILL)


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_DROP)
        else:
            for sql in SQLITE_DROP:
                cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_talent_housing_since'),
        ('servicedesk', '0010_ticket_done_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeskLoad',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('district', models.CharField(max_length=6)),
                ('assignee_id', models.BigIntegerField()),
                ('team_id', models.BigIntegerField()),
                ('sla_state', models.CharField(max_length=10)),
                ('tickets', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['district'], name='desk_load_district')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
