"""The bookings world: the shared fixture world (李明 a 2024 master's graduate with a Wuhan hukou, so the
youth-station policy says yes), the policy published, and in 西湖区 an automatic station with 2 beds, a station
an officer confirms, a one-place event and a meeting room; the clock stands at Monday 2025-03-03 09:00."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories.policies import store_shipped
from factories.world import build_world

from talentpool.bookings import resources
from talentpool.bookings.models import EventCategory, Kind
from talentpool.policies.selectors import policy_cache_clear

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=TZ)
TODAY = NOW.date()


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    policy_cache_clear()
    yield
    policy_cache_clear()


@pytest.fixture
def world(db):
    world = build_world()
    world.talent.hukou_division = "420102"
    world.talent.phone = "13800000001"
    world.talent.save()
    store_shipped("hz-youth-station")
    return world


@pytest.fixture
def places(world):
    officer = world.officer
    station = resources.resource_create(actor=officer, kind=Kind.LODGING, name="青荷驿站·西溪站", auto_confirm=True)
    resources.room_add(actor=officer, station=station, name="101", beds=2)
    manual = resources.resource_create(actor=officer, kind=Kind.LODGING, name="青荷驿站·紫金港站")
    resources.room_add(actor=officer, station=manual, name="201", beds=4)
    event = resources.resource_create(actor=officer, kind=Kind.EVENT, name="西湖英才学堂 第一讲", capacity=1,
                                      auto_confirm=True, category=EventCategory.LECTURE, starts_at=at(TODAY + dt.timedelta(days=7), 14),
                                      ends_at=at(TODAY + dt.timedelta(days=7), 16), address="人才服务中心")
    space = resources.resource_create(actor=officer, kind=Kind.SPACE, name="会议室 A", auto_confirm=True,
                                      approval_over_hours=2, max_units=4)
    for r in (station, manual, event, space):
        r.refresh_from_db()
    return {"station": station, "manual": manual, "event": event, "space": space}
