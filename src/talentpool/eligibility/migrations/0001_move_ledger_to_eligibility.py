# The ledger models as they moved from payments: the tables exist (payments_*), so only the model state is created.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('payments', '0002_move_ledger_to_eligibility'),
        ('policies', '0001_policy_versions_and_objections'),
        ('registry', '0002_talent_correction_requests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='ReviewRoute',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('tier', models.CharField(blank=True, max_length=1, verbose_name='talent tier')),
                    ('scope', models.CharField(help_text='Division-code prefix of the office that set the route.', max_length=6)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('officer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='officer')),
                    ('policy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policies.policy', verbose_name='policy')),
                ],
                options={
                    'db_table': 'payments_reviewroute',
                    'ordering': ['policy__code', 'tier', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Run',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('as_of', models.DateField(verbose_name='as of')),
                    ('policy_codes', models.JSONField(blank=True, default=list, help_text='Codes asked for; empty means every published policy in force.', verbose_name='policies')),
                    ('scope', models.CharField(blank=True, help_text='Division-code prefix of the talents evaluated; empty means all.', max_length=6, verbose_name='division scope')),
                    ('trigger', models.CharField(choices=[('console', 'Officer console'), ('api', 'API'), ('cli', 'Command line'), ('schedule', 'Schedule')], default='console', max_length=10, verbose_name='started from')),
                    ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], db_index=True, default='queued', max_length=10, verbose_name='status')),
                    ('phase', models.CharField(blank=True, max_length=20, verbose_name='phase')),
                    ('progress_done', models.PositiveIntegerField(default=0)),
                    ('progress_total', models.PositiveIntegerField(default=0)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                    ('evaluated', models.PositiveIntegerField(default=0, verbose_name='evaluated')),
                    ('new', models.PositiveIntegerField(default=0, verbose_name='new')),
                    ('unchanged', models.PositiveIntegerField(default=0, verbose_name='unchanged')),
                    ('withdrawn', models.PositiveIntegerField(default=0, verbose_name='withdrawn')),
                    ('undecided', models.PositiveIntegerField(default=0, verbose_name='cannot decide')),
                    ('report', models.JSONField(blank=True, default=dict)),
                    ('error', models.TextField(blank=True)),
                    ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'eligibility run',
                    'verbose_name_plural': 'eligibility runs',
                    'db_table': 'payments_run',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='Entitlement',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('subject', models.CharField(help_text='t<talent id> or h<household id>', max_length=24)),
                    ('instalment', models.PositiveSmallIntegerField(verbose_name='instalment')),
                    ('instalment_id', models.CharField(blank=True, max_length=40)),
                    ('kind', models.CharField(choices=[('entitlement', 'Entitlement'), ('correction', 'Correction')], default='entitlement', max_length=12, verbose_name='kind')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount')),
                    ('due', models.DateField(verbose_name='due')),
                    ('status', models.CharField(choices=[('candidate', 'Candidate'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('batched', 'In a payment batch'), ('paid', 'Paid'), ('failed', 'Payment failed'), ('withdrawn', 'Withdrawn'), ('superseded', 'Superseded')], default='candidate', max_length=12, verbose_name='status')),
                    ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                    ('bank_reason', models.CharField(blank=True, max_length=300, verbose_name="bank's reason")),
                    ('explanation', models.JSONField(blank=True, default=dict, help_text='The facts the policy read and the version, as of the run; the explanation is rebuilt from them exactly.', verbose_name='explanation')),
                    ('degree', models.CharField(blank=True, max_length=16, verbose_name='degree')),
                    ('district', models.CharField(blank=True, max_length=6, verbose_name='district')),
                    ('tier', models.CharField(blank=True, max_length=1, verbose_name='talent tier')),
                    ('review_required', models.BooleanField(default=False, verbose_name='manual review')),
                    ('first_time', models.BooleanField(default=False, verbose_name='first time')),
                    ('changed', models.BooleanField(default=False, verbose_name='changed since last run')),
                    ('flag', models.CharField(blank=True, max_length=300, verbose_name='flag')),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('assigned_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_entitlements', to=settings.AUTH_USER_MODEL, verbose_name='assigned to')),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='payments.paymentbatch')),
                    ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='eligibility.entitlement')),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entitlements', to='policies.policy', verbose_name='policy')),
                    ('policy_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entitlements', to='policies.policyversion', verbose_name='policy version')),
                    ('replaces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='eligibility.entitlement')),
                    ('talent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entitlements', to='registry.talent', verbose_name='talent')),
                    ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_lines', to='eligibility.run')),
                ],
                options={
                    'verbose_name': 'entitlement',
                    'verbose_name_plural': 'entitlements',
                    'db_table': 'payments_entitlement',
                    'ordering': ['due', 'id'],
                },
            ),
            migrations.CreateModel(
                name='EntitlementEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('from_status', models.CharField(blank=True, max_length=12)),
                    ('to_status', models.CharField(max_length=12)),
                    ('reason', models.CharField(blank=True, max_length=300)),
                    ('at', models.DateTimeField(auto_now_add=True)),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='payments.paymentbatch')),
                    ('entitlement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='eligibility.entitlement')),
                    ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='eligibility.run')),
                ],
                options={
                    'db_table': 'payments_entitlementevent',
                    'ordering': ['at', 'id'],
                    'indexes': [models.Index(fields=['entitlement', 'at'], name='entitlement_event_line')],
                },
            ),
            migrations.AddIndex(
                model_name='entitlement',
                index=models.Index(fields=['status', 'policy'], name='entitlement_status_policy'),
            ),
            migrations.AddIndex(
                model_name='entitlement',
                index=models.Index(fields=['talent', 'policy'], name='entitlement_talent_policy'),
            ),
            migrations.AddIndex(
                model_name='entitlement',
                index=models.Index(fields=['district', 'status'], name='entitlement_district_status'),
            ),
            migrations.AddIndex(
                model_name='entitlement',
                index=models.Index(fields=['batch'], name='entitlement_batch'),
            ),
            migrations.AddIndex(
                model_name='entitlement',
                index=models.Index(fields=['paid_on'], name='entitlement_paid_on'),
            ),
            migrations.AddConstraint(
                model_name='entitlement',
                constraint=models.UniqueConstraint(condition=models.Q(('kind', 'entitlement'), ('status__in', ['candidate', 'approved', 'rejected', 'batched', 'paid', 'failed'])), fields=('subject', 'policy', 'instalment'), name='entitlement_live_unique'),
            ),
            migrations.AddConstraint(
                model_name='entitlement',
                constraint=models.UniqueConstraint(condition=models.Q(('kind', 'correction'), ('status__in', ['candidate', 'approved', 'rejected', 'batched', 'paid', 'failed'])), fields=('corrects',), name='correction_live_unique'),
            ),
            migrations.AddConstraint(
                model_name='entitlement',
                constraint=models.CheckConstraint(condition=models.Q(('kind', 'correction'), ('amount__gte', 0), _connector='OR'), name='entitlement_amount_not_negative_unless_correction'),
            ),
            ],
        ),
    ]
