"""The write counts per table that kept pages are checked against (``core.pagecache``): the table, and the
PostgreSQL function its triggers call (the triggers themselves are put on every table after each ``migrate``, by
``core.pagecache.install_triggers``, so tables added later get theirs too). SQLite counts in place, on a unique
name."""

from django.db import migrations, models

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_table_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_tablewrite (name, n) VALUES (TG_TABLE_NAME, 1);
    RETURN NULL;
END $$;
"""


def create_function(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        elif schema_editor.connection.vendor == "sqlite":
            cursor.execute("CREATE UNIQUE INDEX core_tablewrite_name_one ON core_tablewrite (name)")


def drop_function(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS core_table_written() CASCADE")
        elif schema_editor.connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'core_table_written_%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute("DROP INDEX IF EXISTS core_tablewrite_name_one")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_alter_auditevent_action_notice'),
    ]

    operations = [
        migrations.CreateModel(
            name='TableWrite',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=63)),
                ('n', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_function, drop_function),
    ]
