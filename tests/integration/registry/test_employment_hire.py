"""``employment_record_hire``: the one way another app (recruitment) records a hire in the registry. The acting
enterprise user's own enterprise employs the talent; the record, its field history and the audit event are
written together; anyone else is refused and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.registry.models import Employment
from talentpool.registry.services import employment_certify, employment_record_hire

START = dt.date(2026, 4, 1)


def test_a_hire_creates_a_certified_record_with_its_history_and_audit_event(world):
    employment, created = employment_record_hire(actor=world.hr, talent=world.talent, start_date=START,
                                                 position="数据开发工程师" * 15, occupation_code="2-02-10-03",
                                                 source_ref="application:7")
    assert created
    assert (employment.enterprise_id, employment.start_date) == (world.hr.enterprise_id, START)
    assert len(employment.position) == 100 and employment.certified_at is not None
    history = ChangeRecord.objects.get(entity="registry.employment", entity_id=employment.pk)
    assert (history.created, history.source_ref, history.actor) == (True, "application:7", world.hr)
    assert history.changes["start_date"] == [None, "2026-04-01"]
    event = AuditEvent.objects.get(target=f"employment:{employment.pk}")
    assert (event.actor, event.subject_talent_id) == (world.hr, world.talent.pk)
    assert event.detail == {"event": "employment_hire", "source": "application:7", "created": True}


def test_an_existing_record_is_certified_once_and_never_duplicated(world):
    existing = Employment.objects.get(talent=world.talent, enterprise=world.hr.enterprise)
    assert existing.certified_at is None
    employment, created = employment_record_hire(actor=world.hr, talent=world.talent,
                                                 start_date=existing.start_date, position="x", occupation_code="")
    assert (employment.pk, created) == (existing.pk, False)
    assert employment.certified_at is not None and employment.position == existing.position
    assert ChangeRecord.objects.get(entity_id=existing.pk).changes.keys() == {"certified_at"}
    employment_record_hire(actor=world.hr, talent=world.talent, start_date=existing.start_date, position="x",
                           occupation_code="")  # already certified: no history row claiming a change
    assert ChangeRecord.objects.filter(entity_id=existing.pk).count() == 1
    assert Employment.objects.filter(talent=world.talent, enterprise=world.hr.enterprise).count() == 1


@pytest.mark.parametrize("who", ["talent_user", "officer", "admin"])
def test_only_an_enterprise_user_records_a_hire(world, who):
    before = (Employment.objects.count(), ChangeRecord.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDeniedError):
        employment_record_hire(actor=getattr(world, who), talent=world.talent, start_date=START, position="x",
                               occupation_code="")
    assert (Employment.objects.count(), ChangeRecord.objects.count(), AuditEvent.objects.count()) == before


def test_the_record_is_at_the_actors_own_enterprise(world):
    employment, _created = employment_record_hire(actor=world.hr_other, talent=world.talent, start_date=START,
                                                  position="运维", occupation_code="")
    assert employment.enterprise_id == world.hr_other.enterprise_id != world.hr.enterprise_id


def test_a_hire_that_starts_later_is_certified_only_once_the_person_has_started(world):
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC), tick=False):
        employment, created = employment_record_hire(actor=world.hr, talent=world.talent, start_date=START,
                                                     position="数据开发工程师", occupation_code="2-02-10-03")
        assert created and employment.certified_at is None
        with pytest.raises(ApplicationError) as refused:
            employment_certify(actor=world.hr, employment=employment)
        assert refused.value.code == "employment_not_started" and "2026-04-01" in refused.value.message
    employment.refresh_from_db()
    assert employment.certified_at is None
    with time_machine.travel(dt.datetime(2026, 4, 1, 2, tzinfo=dt.UTC), tick=False):  # 10:00 in Hangzhou
        assert employment_certify(actor=world.hr, employment=employment).certified_at is not None
