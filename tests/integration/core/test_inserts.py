"""core.inserts: the row one prepared INSERT writes is the row the ORM's ``create`` writes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from talentpool.core.inserts import insert_row
from talentpool.core.models import ChangeRecord

NOW = datetime(2026, 11, 20, 10, 0, 12, 345678, tzinfo=ZoneInfo("Asia/Shanghai"))


def _fields(row):
    return {f.attname: getattr(row, f.attname) for f in ChangeRecord._meta.concrete_fields if f.attname != "id"}


@pytest.mark.django_db
def test_a_row_written_by_one_insert_equals_the_orms(make_user):
    officer = make_user("officer")
    values = {"actor": officer, "source": "form", "entity": "talent", "entity_id": 7, "subject_talent_id": 7,
              "changes": {"name": ["李明", "李 明"], "phone": [None, "138****0000"]}}
    with time_machine.travel(NOW, tick=False):
        expected = ChangeRecord.objects.create(**values)
        insert_row(ChangeRecord, **values)
        insert_row(ChangeRecord, entity="talent", entity_id=8, source="import")  # omitted fields: their defaults
    written = ChangeRecord.objects.exclude(pk=expected.pk).order_by("pk")
    assert len(written) == 2
    expected.refresh_from_db()
    assert _fields(written[0]) == _fields(expected)
    assert written[0].at == NOW
    assert (written[1].actor_id, written[1].created, written[1].source_ref, written[1].subject_talent_id) == (
        None, False, "", None)


@pytest.mark.django_db
def test_an_unknown_field_is_refused_and_nothing_is_written():
    with pytest.raises(TypeError, match="no field colour"):
        insert_row(ChangeRecord, entity="talent", entity_id=1, source="form", colour="red")
    assert not ChangeRecord.objects.exists()
