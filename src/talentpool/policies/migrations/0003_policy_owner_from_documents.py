# Data: a policy stored before owners existed takes the owner its newest stored document declares; a document
# without one (every version stored before the shipped files named their owners) falls back to the owner the
# shipped file of that code declares, and else stays with the city (330100).

import re
from pathlib import Path

from django.db import migrations

_OWNER = re.compile(r"^owner:[ \t]*([1-9][0-9]{5})\b", re.MULTILINE)
_CODE = re.compile(r"^code:[ \t]*(\S+)", re.MULTILINE)
SHIPPED = Path(__file__).resolve().parent.parent / "shipped"


def _shipped_owners() -> dict[str, str]:
    owners = {}
    for path in SHIPPED.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        code, owner = _CODE.search(text), _OWNER.search(text)
        if code and owner:
            owners[code.group(1)] = owner.group(1)
    return owners


def forwards(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    shipped = _shipped_owners()
    for policy in Policy.objects.all():
        owner = None
        for source in PolicyVersion.objects.filter(policy=policy).order_by("-version").values_list("source", flat=True):
            found = _OWNER.search(source)
            if found:
                owner = found.group(1)
                break
        owner = owner or shipped.get(policy.code) or "330100"
        if owner != policy.owner_division:
            Policy.objects.filter(pk=policy.pk).update(owner_division=owner)


class Migration(migrations.Migration):

    dependencies = [("policies", "0002_policy_owner_and_approvals")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
