"""The shipped service catalogue: office, teams and services of ``catalogue.yaml`` (missing ones only)."""

from django.db import migrations

from talentpool.servicedesk.catalogue import catalogue_sync


def load(apps, schema_editor):
    catalogue_sync(apps.get_model("servicedesk", "Office"), apps.get_model("servicedesk", "Team"),
                   apps.get_model("servicedesk", "Service"))


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_desk_tables")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
