"""One process of the concurrency tests (run as a script, not collected by pytest).

    python concurrent_worker.py setup <scenario>            builds the scenario in the database, prints its ids
    python concurrent_worker.py book <scenario> <first> <n>  says "ready", waits for "go" on stdin, then makes
                                                             requests first..first+n-1 through the services and
                                                             prints a JSON count of the answers
    python concurrent_worker.py cancel <booking id>          same handshake, then cancels that booking (as its
                                                             talent) and runs the offer task

The database comes from the environment (TALENTPOOL_HOME's SQLite file or DATABASE_URL), as for ``talentpool``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from zoneinfo import ZoneInfo

import django

django.setup()

from django.db import OperationalError  # noqa: E402

from talentpool.accounts.models import Role, User  # noqa: E402
from talentpool.bookings import services  # noqa: E402
from talentpool.bookings.models import Booking, Kind, Resource, Room, Slot, Status  # noqa: E402
from talentpool.core.errors import ApplicationError  # noqa: E402
from talentpool.registry.models import Enterprise, Talent  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=TZ)
NIGHT = dt.date(2026, 5, 10)
SPACE_DAYS = [dt.date(2026, 5, 11) + dt.timedelta(days=i) for i in range(5)]
PEOPLE = 200


class _Yes:
    verdict = "yes"


def _people(n: int) -> list[User]:
    users = User.objects.bulk_create([User(username=f"c{i}", role=Role.TALENT, password="!") for i in range(n)])
    Talent.objects.bulk_create([Talent(id_type="resident", id_number_encrypted="x", id_lookup=f"lk{i}",
                                       id_masked=f"3301**{i}", id_tail=f"{i:04d}"[-4:], name=f"人{i}",
                                       district="330106", user=u) for i, u in enumerate(users)])
    return users


def setup(scenario: str) -> dict:
    _people(PEOPLE)
    if scenario == "person":
        station = Resource.objects.create(kind=Kind.LODGING, name="青荷驿站", district="330106", capacity=60,
                                          auto_confirm=True)
        return {"resource": station.pk}
    if scenario == "beds":
        station = Resource.objects.create(kind=Kind.LODGING, name="青荷驿站", district="330106", capacity=60,
                                          auto_confirm=True)
        Room.objects.create(station=station, name="A")
        Slot.objects.create(resource=station, day=NIGHT, capacity=60, taken=10)  # 10 beds gone: 50 left
        return {"resource": station.pk}
    if scenario in ("places", "waitlist"):
        event = Resource.objects.create(kind=Kind.EVENT, name="创始人学堂", district="330106", auto_confirm=True,
                                        capacity=60 if scenario == "places" else 5,
                                        starts_at=NOW + dt.timedelta(days=3), ends_at=NOW + dt.timedelta(days=3, hours=2))
        if scenario == "places":
            Slot.objects.create(resource=event, day=event.starts_at.astimezone(TZ).date(), capacity=60, taken=10)
        return {"resource": event.pk}
    enterprise = Enterprise.objects.create(credit_code="91330106MA2C000001", name="云栖科技", division="330106")
    for i in range(8):
        User.objects.create(username=f"hr{i}", role=Role.ENTERPRISE, enterprise=enterprise, password="!")
    space = Resource.objects.create(kind=Kind.SPACE, name="直播间", district="330106", capacity=1, auto_confirm=True,
                                    open_hour=8, close_hour=20, max_units=4)
    Slot.objects.bulk_create([Slot(resource=space, day=SPACE_DAYS[0], hour=h, capacity=1, taken=1)
                              for h in range(8, 18)])  # 10 of the 60 hours gone: 50 left
    return {"resource": space.pk}


def _request(scenario: str, i: int) -> str:
    resource = Resource.objects.get(pk=int(sys.argv[5]))
    if scenario == "beds":
        user = User.objects.get(username=f"c{i}")
        return services.lodging_book(actor=user, station=resource, first_day=NIGHT, nights=1, now=NOW).status
    if scenario == "person":  # one person, one night each, on 50 nights: two processes race for each night
        return services.lodging_book(actor=User.objects.get(username="c0"), station=resource,
                                     first_day=NIGHT + dt.timedelta(days=i % 50), nights=1, now=NOW).status
    if scenario in ("places", "waitlist"):
        user = User.objects.get(username=f"c{i}")
        return services.event_register(actor=user, event=resource, now=NOW).status
    day, hour = SPACE_DAYS[(i % 60) // 12], 8 + (i % 60) % 12
    user = User.objects.get(username=f"hr{i % 8}")
    return services.space_book(actor=user, space=resource, day=day, hour=hour, hours=1, now=NOW).status


def _handshake() -> None:
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"


def book(scenario: str, first: int, n: int) -> dict:
    services.lodging_eligibility = lambda talent, as_of: _Yes()  # eligibility has its own tests
    _handshake()
    counts: Counter = Counter()
    for i in range(first, first + n):
        try:
            counts[_request(scenario, i)] += 1
        except ApplicationError as exc:
            counts[exc.code] += 1
        except OperationalError as exc:  # a lock timeout or deadlock would be a failure of the design
            counts[f"db:{exc}"] += 1
    return dict(counts)


def cancel(booking_id: int) -> dict:
    _handshake()
    booking = Booking.objects.select_related("resource", "talent__user").get(pk=booking_id)
    out: Counter = Counter()
    try:
        services.booking_cancel(actor=booking.talent.user, booking=booking, now=NOW)
        out["cancelled"] += 1
    except ApplicationError as exc:
        out[exc.code] += 1
    out["expired"] += services.offers_expire(now=NOW)
    return dict(out)


if __name__ == "__main__":
    verb = sys.argv[1]
    if verb == "setup":
        result = setup(sys.argv[2])
    elif verb == "book":
        result = book(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        result = cancel(int(sys.argv[2]))
    print(json.dumps(result), flush=True)
    assert Status  # keep the import for readers: the statuses the counts name
