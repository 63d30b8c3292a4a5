"""The ledger's maintained totals (``LedgerTotal``): the table, the triggers that keep it in step with every
write to ``payments_entitlement``, and its first figures from the lines already there.

PostgreSQL: statement-level triggers with transition tables add one delta row per key a statement touched
(inserts only, so concurrent writers never contend on a counter row; ``totals.ledger_totals_compact`` folds them).
SQLite (a single writer): row-level triggers update one row per key in place (a unique index on the key).
Amounts are summed in integer cents (SQLite has no decimal arithmetic).
"""

import django.db.models.deletion
from django.db import migrations, models

KEY = "status, policy_id, district, degree, review_required"
TABLE = "eligibility_ledgertotal"
LEDGER = "payments_entitlement"

PG_FUNCTION = f"""
CREATE FUNCTION eligibility_ledger_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {TABLE} ({KEY}, lines, cents)
        SELECT {KEY}, count(*), sum(round(amount * 100))::bigint FROM new_lines GROUP BY {KEY};
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {TABLE} ({KEY}, lines, cents)
        SELECT {KEY}, -count(*), -sum(round(amount * 100))::bigint FROM old_lines GROUP BY {KEY};
    ELSE
        INSERT INTO {TABLE} ({KEY}, lines, cents)
        SELECT {KEY}, sum(n), sum(c) FROM (
            SELECT {KEY}, -1 AS n, -round(amount * 100)::bigint AS c FROM old_lines
            UNION ALL SELECT {KEY}, 1, round(amount * 100)::bigint FROM new_lines) AS d
        GROUP BY {KEY} HAVING sum(n) <> 0 OR sum(c) <> 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER eligibility_ledger_totals_insert AFTER INSERT ON {LEDGER} REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION eligibility_ledger_totals();
CREATE TRIGGER eligibility_ledger_totals_update AFTER UPDATE ON {LEDGER}
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION eligibility_ledger_totals();
CREATE TRIGGER eligibility_ledger_totals_delete AFTER DELETE ON {LEDGER} REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION eligibility_ledger_totals();
"""

PG_DROP = f"""
DROP TRIGGER IF EXISTS eligibility_ledger_totals_insert ON {LEDGER};
DROP TRIGGER IF EXISTS eligibility_ledger_totals_update ON {LEDGER};
DROP TRIGGER IF EXISTS eligibility_ledger_totals_delete ON {LEDGER};
DROP FUNCTION IF EXISTS eligibility_ledger_totals();
"""


def _sqlite_upsert(row: str, sign: str) -> str:
    return (f"INSERT INTO {TABLE} ({KEY}, lines, cents) VALUES ({row}.status, {row}.policy_id, {row}.district, "
            f"{row}.degree, {row}.review_required, {sign}1, {sign}CAST(ROUND({row}.amount * 100) AS INTEGER)) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET lines = lines + excluded.lines, cents = cents + excluded.cents;")


SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in (*KEY.split(", "), "amount"))
SQLITE_CREATE = [
    f"CREATE UNIQUE INDEX eligibility_ledgertotal_key ON {TABLE} ({KEY})",
    f"CREATE TRIGGER eligibility_ledger_totals_insert AFTER INSERT ON {LEDGER} BEGIN {_sqlite_upsert('NEW', '')} END",
    f"CREATE TRIGGER eligibility_ledger_totals_update AFTER UPDATE ON {LEDGER} WHEN {SQLITE_CHANGED} BEGIN "
    f"{_sqlite_upsert('OLD', '-')} {_sqlite_upsert('NEW', '')} END",
    f"CREATE TRIGGER eligibility_ledger_totals_delete AFTER DELETE ON {LEDGER} BEGIN {_sqlite_upsert('OLD', '-')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS eligibility_ledger_totals_{op}" for op in ("insert", "update", "delete")] + [
    "DROP INDEX IF EXISTS eligibility_ledgertotal_key"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {LEDGER} IN SHARE ROW EXCLUSIVE MODE")  # no write slips between fill and trigger
            cursor.execute(PG_FUNCTION)
            cents = "sum(round(amount * 100))::bigint"
        elif vendor == "sqlite":
            for sql in SQLITE_CREATE:
                cursor.execute(sql)
            cents = "CAST(SUM(ROUND(amount * 100)) AS INTEGER)"
        else:
            raise RuntimeError(f"the ledger totals have no triggers for {vendor}")
        cursor.execute(f"INSERT INTO {TABLE} ({KEY}, lines, cents) SELECT {KEY}, count(*), {cents} FROM {LEDGER} "
                       f"GROUP BY {KEY}")


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_DROP)
        else:
            for sql in SQLITE_DROP:
                cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('eligibility', '0005_entitlement_imported'),
        ('policies', '0003_policy_owner_from_documents'),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=12)),
                ('district', models.CharField(max_length=6)),
                ('degree', models.CharField(max_length=16)),
                ('review_required', models.BooleanField()),
                ('lines', models.BigIntegerField()),
                ('cents', models.BigIntegerField()),
                ('policy', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policies.policy')),
            ],
            options={
                'indexes': [models.Index(fields=['status', 'district'], name='ledger_total_status_district')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
