"""The partners' maintained call counts (``PartnerCalls``): the table, the triggers that keep it in step with every
write to ``recruitment_partnerexchange``, and its first figures.

PostgreSQL: statement-level triggers with transition tables add one delta row per partner a statement touched
(inserts only; ``partner_calls.partner_calls_compact`` folds them). SQLite (a single writer): row-level triggers
update the partner's row in place (a unique index on the partner).
"""

from django.db import migrations, models

TABLE = "recruitment_partnercalls"
CALLS = "recruitment_partnerexchange"

PG_FUNCTION = f"""
CREATE FUNCTION recruitment_partner_calls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {TABLE} (partner_id, calls) SELECT partner_id, count(*) FROM new_rows GROUP BY partner_id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {TABLE} (partner_id, calls) SELECT partner_id, -count(*) FROM old_rows GROUP BY partner_id;
    ELSE
        INSERT INTO {TABLE} (partner_id, calls) SELECT partner_id, sum(n) FROM (
            SELECT partner_id, -1 FROM old_rows UNION ALL SELECT partner_id, 1 FROM new_rows) AS d (partner_id, n)
        GROUP BY partner_id HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER recruitment_partner_calls_insert AFTER INSERT ON {CALLS} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recruitment_partner_calls();
CREATE TRIGGER recruitment_partner_calls_update AFTER UPDATE ON {CALLS}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recruitment_partner_calls();
CREATE TRIGGER recruitment_partner_calls_delete AFTER DELETE ON {CALLS} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recruitment_partner_calls();
"""

PG_DROP = f"""
DROP TRIGGER IF EXISTS recruitment_partner_calls_insert ON {CALLS};
DROP TRIGGER IF EXISTS recruitment_partner_calls_update ON {CALLS};
DROP TRIGGER IF EXISTS recruitment_partner_calls_delete ON {CALLS};
DROP FUNCTION IF EXISTS recruitment_partner_calls();
"""


def _sqlite_call(row: str, sign: str) -> str:
    return (f"INSERT INTO {TABLE} (partner_id, calls) VALUES ({row}.partner_id, {sign}1) "
            f"ON CONFLICT (partner_id) DO UPDATE SET calls = calls + excluded.calls;")


SQLITE_CREATE = [
    f"CREATE UNIQUE INDEX partner_calls_key ON {TABLE} (partner_id)",
    f"CREATE TRIGGER recruitment_partner_calls_insert AFTER INSERT ON {CALLS} BEGIN {_sqlite_call('NEW', '')} END",
    f"CREATE TRIGGER recruitment_partner_calls_update AFTER UPDATE OF partner_id ON {CALLS} "
    f"WHEN OLD.partner_id IS NOT NEW.partner_id BEGIN {_sqlite_call('OLD', '-')} {_sqlite_call('NEW', '')} END",
    f"CREATE TRIGGER recruitment_partner_calls_delete AFTER DELETE ON {CALLS} BEGIN {_sqlite_call('OLD', '-')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS recruitment_partner_calls_{op}" for op in ("insert", "update", "delete")] + [
    "DROP INDEX IF EXISTS partner_calls_key"]

FILL = f"INSERT INTO {TABLE} (partner_id, calls) SELECT partner_id, COUNT(*) FROM {CALLS} GROUP BY partner_id"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {CALLS} IN SHARE ROW EXCLUSIVE MODE")  # no call slips between fill and trigger
            cursor.execute(PG_FUNCTION)
        elif vendor == "sqlite":
            for sql in SQLITE_CREATE:
                cursor.execute(sql)
        else:
            raise RuntimeError(f"the partners' call counts have no triggers for {vendor}")
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
        ('recruitment', '0006_partner_exchange_newest_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='PartnerCalls',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('partner_id', models.BigIntegerField()),
                ('calls', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['partner_id'], name='partner_calls_partner')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
