"""Each open ticket's next instant for the sweep (see ``sla.next_check``): its warning while on time, its due
instant while not yet escalated (or marked breached), its second-level instant below level 2; the first that
applies is the earliest, as warning <= due <= escalation."""

from django.db import migrations
from django.db.models import Case, DateTimeField, F, Q, Value, When


def fill(apps, schema_editor):
    Ticket = apps.get_model("servicedesk", "Ticket")
    Ticket.objects.filter(status__in=("new", "open")).update(next_check_at=Case(
        When(Q(sla_state="ok", warn_at__isnull=False), then=F("warn_at")),
        When((Q(escalation=0) | Q(sla_state__in=("ok", "warning"))) & Q(due_at__isnull=False), then=F("due_at")),
        When(escalation__lt=2, then=F("escalate_at")),
        default=Value(None), output_field=DateTimeField()))


class Migration(migrations.Migration):

    dependencies = [("servicedesk", "0005_desk_calendar_exceptions_and_next_check")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
