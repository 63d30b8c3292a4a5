"""Demo bookings on top of a demo district (called by the demo command after recruitment):

- two youth stations (one confirmed automatically, one by an officer) with rooms and beds, about a third of
  their next month's beds taken by demo talents;
- six events of the founders' school (西湖英才学堂), a salon and an academic exchange, one co-hosted with the
  ``hr`` login's enterprise, which joins the talent partner programme; one event full with a waitlist;
- two park spaces (a meeting room and the live-streaming studio) with a few hours booked;
- for the ``talent`` login: a confirmed stay, an event registration and an attended past event (certificate).

It replaces the bookings data; rows go in directly (the demo world is not eligible person by person).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from talentpool.accounts.models import Role, User
from talentpool.registry.models import Talent

from . import capacity
from .models import (
    Bed,
    Booking,
    EventCategory,
    Kind,
    Partner,
    PartnerKind,
    Referral,
    Resource,
    Room,
    Slot,
    Status,
)

STATIONS = [("青荷驿站·西溪站", "西湖区文二西路 1 号", True, 6), ("青荷驿站·紫金港站", "西湖区三墩镇 88 号", False, 4)]
EVENTS = [
    ("西湖英才学堂 第一讲：创业公司的股权设计", EventCategory.LECTURE, 60, 5),
    ("西湖英才学堂 第二讲：走进云栖小镇（企业参访）", EventCategory.VISIT, 25, 9),
    ("西湖英才学堂 第三讲：出海合规", EventCategory.LECTURE, 3, 12),
    ("青年人才沙龙：AI 与产品", EventCategory.SALON, 40, 16),
    ("学术交流：新材料产业化", EventCategory.EXCHANGE, 80, 20),
]


def _take(resource: Resource, talent_id: int | None, enterprise_id: int | None, first_day: dt.date, units: int,
          hour: int, status: str, **fields) -> Booking | None:
    keys = capacity.slot_keys(resource.kind, first_day, units, hour)
    if status in (Status.PENDING, Status.CONFIRMED, Status.ATTENDED) and not capacity.hold(resource, keys):
        return None
    return Booking.objects.create(resource=resource, status=status, talent_id=talent_id, enterprise_id=enterprise_id,
                                  first_day=first_day, end_day=keys[-1][0] + dt.timedelta(days=1), hour=hour,
                                  units=units, **fields)


def _stations(rng, district, talents, today) -> list[Resource]:
    out = []
    for name, address, auto, rooms in STATIONS:
        station = Resource.objects.create(kind=Kind.LODGING, name=name, district=district, address=address,
                                          auto_confirm=auto, capacity=rooms * 4, max_units=6, no_show_hour=22)
        for r in range(1, rooms + 1):
            room = Room.objects.create(station=station, name=f"{r:02d}")
            Bed.objects.bulk_create([Bed(room=room, label=str(b)) for b in range(1, 5)])
        for tid in rng.sample(talents, min(len(talents), station.capacity * 3)):
            day = today + dt.timedelta(days=rng.randint(1, 28))
            _take(station, tid, None, day, rng.randint(1, 4), 0, Status.CONFIRMED if auto else Status.PENDING)
        out.append(station)
    return out


def _events(rng, district, talents, partner, today) -> list[Resource]:
    out = []
    for i, (name, category, places, in_days) in enumerate(EVENTS):
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=in_days), dt.time(14)))
        event = Resource.objects.create(
            kind=Kind.EVENT, name=name, district=district, address="西湖区人才服务中心 3 楼", capacity=places,
            auto_confirm=True, category=category, starts_at=start, ends_at=start + dt.timedelta(hours=2),
            series="西湖英才学堂" if category in (EventCategory.LECTURE, EventCategory.VISIT) else "",
            audience="区内企业创始人及高管" if category != EventCategory.EXCHANGE else "", cohost=partner if i == 3 else None)
        for tid in rng.sample(talents, min(len(talents), places + 4)):
            if _take(event, tid, None, start.date(), 1, 0, Status.CONFIRMED) is None:
                Booking.objects.create(resource=event, status=Status.WAITLISTED, talent_id=tid,
                                       first_day=start.date(), end_day=start.date() + dt.timedelta(days=1))
        out.append(event)
    return out


def _spaces(rng, district, enterprise_id, today) -> list[Resource]:
    room = Resource.objects.create(kind=Kind.SPACE, name="人力资源产业园 会议室 A", district=district, capacity=1,
                                   address="人力资源产业园 2 楼", auto_confirm=True, approval_over_hours=3, max_units=4)
    studio = Resource.objects.create(kind=Kind.SPACE, name="招聘直播间", district=district, capacity=1,
                                     address="人力资源产业园 1 楼", auto_confirm=False, max_units=3, open_hour=9,
                                     close_hour=21)
    if enterprise_id:
        for d in range(1, 6):
            _take(room, None, enterprise_id, today + dt.timedelta(days=d), 2, rng.choice([9, 13, 15]), Status.CONFIRMED,
                  purpose="面试")
        _take(studio, None, enterprise_id, today + dt.timedelta(days=2), 2, 19, Status.PENDING, purpose="校招直播")
    return [room, studio]


def _for_the_talent(talent, station, events, today) -> None:
    if talent is None:
        return
    _take(station, talent.pk, None, today + dt.timedelta(days=3), 2, 0, Status.CONFIRMED)
    if not Booking.objects.filter(resource=events[0], talent=talent).exists():
        _take(events[0], talent.pk, None, events[0].starts_at.date(), 1, 0, Status.CONFIRMED)
    past = events[0].starts_at - dt.timedelta(days=30)
    old = Resource.objects.create(kind=Kind.EVENT, name="西湖英才学堂 开学第一课", district=station.district,
                                  address="西湖区人才服务中心", capacity=80, auto_confirm=True,
                                  category=EventCategory.LECTURE, series="西湖英才学堂", starts_at=past,
                                  ends_at=past + dt.timedelta(hours=2), active=False)
    _take(old, talent.pk, None, past.date(), 1, 0, Status.ATTENDED, checked_in_at=past, feedback_rating=5)


def demo_bookings(seed: int = 2023, *, today: dt.date | None = None, district: str = "330106") -> dict[str, int]:
    """Fill the demo district's bookings; returns counts by kind."""
    today = today or timezone.localdate()
    rng = random.Random(f"bookings:{seed}")
    talents = list(Talent.objects.filter(district=district).order_by("pk").values_list("pk", flat=True)[:2000])
    hr = User.objects.filter(role=Role.ENTERPRISE, username="hr").first()
    talent = Talent.objects.filter(user__username="talent").first()
    with transaction.atomic():
        Referral.objects.all().delete()
        Booking.objects.all().delete()
        Slot.objects.all().delete()
        Resource.objects.all().delete()
        Partner.objects.all().delete()
        partner = (Partner.objects.create(name=f"{hr.enterprise.name}（人才伙伴）", kind=PartnerKind.HR_FIRM,
                                          enterprise=hr.enterprise, district=district) if hr else None)
        stations = _stations(rng, district, talents, today)
        events = _events(rng, district, talents, partner, today)
        spaces = _spaces(rng, district, hr.enterprise_id if hr else None, today)
        _for_the_talent(talent, stations[0], events, today)
        if partner and talent:
            Referral.objects.create(partner=partner, talent=talent, target="event", event=events[3],
                                    note="推荐参加沙龙")
    return {"stations": len(stations), "events": len(events), "spaces": len(spaces),
            "bookings": Booking.objects.count()}
