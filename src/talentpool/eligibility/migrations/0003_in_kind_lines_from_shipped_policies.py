# Data: lines written before policies declared their delivery channel are bank transfers by default. The policies
# the shipped files now declare in kind (the youth welcome pack, the youth station) were never paid by the bank:
# their live lines become in-kind lines, so they leave the batching queue and an officer marks them issued.

import re
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "shipped"
_CODE = re.compile(r"^code:[ \t]*(\S+)", re.MULTILINE)
_IN_KIND = re.compile(r"^delivery:[ \t]*in_kind\b", re.MULTILINE)


def _in_kind_codes() -> set[str]:
    codes = set()
    for path in SHIPPED.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        code = _CODE.search(text)
        if code and _IN_KIND.search(text):
            codes.add(code.group(1))
    return codes


def forwards(apps, schema_editor):
    Entitlement = apps.get_model("eligibility", "Entitlement")
    codes = _in_kind_codes()
    if codes:
        Entitlement.objects.filter(policy__code__in=codes, status__in=["candidate", "approved", "rejected"]).update(
            channel="in_kind")


class Migration(migrations.Migration):

    dependencies = [("eligibility", "0002_entitlement_channel_and_issued")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
