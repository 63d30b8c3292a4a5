# The ledger models move to the eligibility app: their tables stay (renamed nowhere), only Django's model state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.RemoveField(
                model_name='entitlementevent',
                name='entitlement',
            ),
            migrations.RemoveField(
                model_name='entitlementevent',
                name='actor',
            ),
            migrations.RemoveField(
                model_name='entitlementevent',
                name='batch',
            ),
            migrations.RemoveField(
                model_name='entitlementevent',
                name='run',
            ),
            migrations.RemoveField(
                model_name='reviewroute',
                name='officer',
            ),
            migrations.RemoveField(
                model_name='reviewroute',
                name='policy',
            ),
            migrations.RemoveField(
                model_name='run',
                name='started_by',
            ),
            migrations.DeleteModel(
                name='Entitlement',
            ),
            migrations.DeleteModel(
                name='EntitlementEvent',
            ),
            migrations.DeleteModel(
                name='ReviewRoute',
            ),
            migrations.DeleteModel(
                name='Run',
            ),
            ],
        ),
    ]
