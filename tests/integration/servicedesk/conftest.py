"""The service-desk world: the shared fixture world, the shipped catalogue (migration 0002), two desk officers of
西湖区 in every team (the world's ``officer`` leads the teams), a tier-B talent, and the clock at ``NOW``: Monday
30 September 2024, 16:00 in Shanghai, just before the National Day holiday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories.registry import make_talent
from factories.world import World, build_world

from talentpool.accounts.models import Role, User
from talentpool.registry.models import Talent
from talentpool.servicedesk.models import DeskOfficer, Office, Team

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2024, 9, 30, 16, 0, tzinfo=SH)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@dataclass
class Desk:
    world: World
    lead: DeskOfficer
    second: DeskOfficer
    head: User
    star: Talent  # tier B, in 西湖区


@pytest.fixture
def desk(db) -> Desk:
    world = build_world()
    second_user = User.objects.create(username="desk2", role=Role.OFFICER, scope_division="330106",
                                      display_name="周敏")
    head = User.objects.create(username="head", role=Role.OFFICER, scope_division="330100", display_name="陈主任")
    lead = DeskOfficer.objects.create(user=world.officer, skills=["housing"])
    second = DeskOfficer.objects.create(user=second_user)
    for team in Team.objects.all():
        team.officers.add(lead, second)
    Team.objects.update(lead=world.officer)
    Office.objects.update(head=head)
    star = make_talent(name="钱院士", district="330106", tier="B")
    return Desk(world=world, lead=lead, second=second, head=head, star=star)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
