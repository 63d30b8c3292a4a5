# Ledger lines carry their delivery channel (bank transfer or in kind) and may be issued in kind; the live-line
# constraints count an issued line as live.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('eligibility', '0001_move_ledger_to_eligibility'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='entitlement',
            name='entitlement_live_unique',
        ),
        migrations.RemoveConstraint(
            model_name='entitlement',
            name='correction_live_unique',
        ),
        migrations.AddField(
            model_name='entitlement',
            name='channel',
            field=models.CharField(choices=[('bank_transfer', 'Bank transfer'), ('in_kind', 'Issued in kind')], default='bank_transfer', max_length=16, verbose_name='delivered by'),
        ),
        migrations.AlterField(
            model_name='entitlement',
            name='status',
            field=models.CharField(choices=[('candidate', 'Candidate'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('batched', 'In a payment batch'), ('paid', 'Paid'), ('issued', 'Issued in kind'), ('failed', 'Payment failed'), ('withdrawn', 'Withdrawn'), ('superseded', 'Superseded')], default='candidate', max_length=12, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='entitlement',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'entitlement'), ('status__in', ['candidate', 'approved', 'rejected', 'batched', 'paid', 'issued', 'failed'])), fields=('subject', 'policy', 'instalment'), name='entitlement_live_unique'),
        ),
        migrations.AddConstraint(
            model_name='entitlement',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'correction'), ('status__in', ['candidate', 'approved', 'rejected', 'batched', 'paid', 'issued', 'failed'])), fields=('corrects',), name='correction_live_unique'),
        ),
    ]
