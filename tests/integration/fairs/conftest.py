"""The fairs world: the shared fixture world, a published station fair of the Xihu district on 2026-03-12 from
09:00 to 13:00 (+08:00, 20-minute slots), an approved booth of 西湖智造 (2 interviewers) with an open job, a
pending booth of 余杭数字, and 李明 registered (arriving 08:40 by G7311, leaving 12:30). The clock stands at
``NOW`` (the evening before, time-machine), so nothing reads the wall clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories.world import World, build_world

from talentpool.fairs import services
from talentpool.fairs.models import Booth, BoothStatus, Fair, FairKind, FairStatus, Registration
from talentpool.recruitment.models import Job, JobStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 11, 19, 0, tzinfo=SHANGHAI)
DAY = dt.date(2026, 3, 12)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


@dataclass
class FairWorld:
    world: World
    fair: Fair
    booth: Booth
    pending: Booth
    job: Job
    registration: Registration


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def build_fair_world(world: World) -> FairWorld:
    fair = Fair.objects.create(kind=FairKind.STATION, title="东站招聘会", venue="东站", division="330106",
                               starts_at=at(9), ends_at=at(13), capacity=200, status=FairStatus.PUBLISHED,
                               created_by=world.officer)
    job = Job.objects.create(enterprise=world.hr.enterprise, title="Python开发", occupation_code="2-02-10-03",
                             division="330106", status=JobStatus.OPEN)
    booth = Booth.objects.create(fair=fair, enterprise=world.hr.enterprise, status=BoothStatus.APPROVED,
                                 interviewers=2, opens_at=at(9), closes_at=at(13), stand="A01")
    booth.jobs.set([job])
    pending = Booth.objects.create(fair=fair, enterprise=world.hr_other.enterprise, interviewers=1,
                                   opens_at=at(9), closes_at=at(13))
    registration = services.register(actor=world.talent_user, fair_id=fair.pk, consent=True, train_number="G7311",
                                     arrival_at=at(8, 40), departure_at=at(12, 30))
    return FairWorld(world, fair, booth, pending, job, registration)


@pytest.fixture
def fw(db, clock) -> FairWorld:
    return build_fair_world(build_world())
