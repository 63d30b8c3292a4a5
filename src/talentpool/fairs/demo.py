"""Demo fairs on top of a demo district (called by the demo command after recruitment):

- a published station fair the day after ``today``, 09:00–17:00 at the railway station, with approved booths for
  up to 40 enterprises (the ``hr`` login's among them; 1–3 interviewers, some opening late or closing early, each
  bringing up to three open jobs) and ``registrants`` registrations (the ``talent`` login's first): most on
  morning trains, about half leaving the same afternoon, each choosing 3–6 booths; then planned by the scheduler
  (a short time limit), so timetables and booth queues have slots;
- a published campus tour of three university stops;
- a published cloud fair whose online booths have video links and their own interview lengths, with the
  ``talent`` login registered (its phone page offers the booths' free slots to book).

It replaces the fairs of the demo (all fairs). Rows go in with ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from talentpool.accounts.models import Role, User
from talentpool.recruitment.models import Job, JobStatus
from talentpool.registry.models import Enterprise, Talent

from .models import (
    Booth,
    BoothStatus,
    Choice,
    Fair,
    FairKind,
    FairStatus,
    Registration,
    RegistrationState,
    TourStop,
)
from .scheduling import fair_schedule

CHINA = ZoneInfo("Asia/Shanghai")
TRAINS = ("G7311", "G7501", "D3125", "G1369", "K8355", "G7583", "D5589", "G7345")
TOUR = (("浙江大学", "杭州"), ("南京大学", "南京"), ("中国科学技术大学", "合肥"))


def demo_fairs(seed: int = 2023, *, registrants: int = 300, today: dt.date | None = None,
               time_limit: float = 3.0) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(f"fairs:{seed}")
    officer = User.objects.filter(role=Role.OFFICER, username="officer").first()
    division = officer.scope_division if officer else "330106"
    day = today + dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(9, 0), CHINA)
    hr = User.objects.filter(role=Role.ENTERPRISE, username="hr").first()
    with transaction.atomic():
        Fair.objects.all().delete()
        station = Fair.objects.create(kind=FairKind.STATION, title="杭州东站人才招聘会", venue="杭州东站 东广场",
                                      division=division, starts_at=start, ends_at=start + dt.timedelta(hours=8),
                                      capacity=max(registrants, 1), status=FairStatus.PUBLISHED, created_by=officer)
        booths = _booths(rng, station, hr)
        regs = _registrations(rng, station, registrants)
        choices = 0
        for reg in regs:
            picks = rng.sample(booths, min(len(booths), rng.randint(3, 6)))
            Choice.objects.bulk_create([Choice(registration=reg, booth=b, score=round(rng.random(), 3),
                                               recommended=rng.random() < 0.5) for b in picks])
            choices += len(picks)
        _tour(station, officer, division, today)
        _cloud(rng, officer, division, today)
    planned = fair_schedule(actor=None, fair_id=station.pk, time_limit=time_limit,
                            now=start - dt.timedelta(hours=12)) if regs and booths else None
    return {"fairs": Fair.objects.count(), "booths": len(booths), "registrants": len(regs), "choices": choices,
            "interviews": planned.plan.count if planned else 0}


def _booths(rng: random.Random, fair: Fair, hr) -> list[Booth]:
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:40])
    if hr and hr.enterprise_id and hr.enterprise_id not in ids:
        ids = [hr.enterprise_id, *ids[:39]]
    rows = []
    for n, enterprise in enumerate(ids, start=1):
        opens = fair.starts_at + dt.timedelta(minutes=rng.choice((0, 0, 0, 60)))
        closes = fair.ends_at - dt.timedelta(minutes=rng.choice((0, 0, 0, 90)))
        rows.append(Booth(fair=fair, enterprise_id=enterprise, status=BoothStatus.APPROVED,
                          interviewers=rng.choice((1, 2, 2, 3)), opens_at=opens, closes_at=closes, stand=f"A{n:02d}"))
    booths = Booth.objects.bulk_create(rows)
    booths = list(Booth.objects.filter(fair=fair).order_by("pk"))
    for booth in booths:
        booth.jobs.set(Job.objects.filter(enterprise_id=booth.enterprise_id, status=JobStatus.OPEN)
                       .order_by("pk")[:3])
    return booths


def _registrations(rng: random.Random, fair: Fair, n: int) -> list[Registration]:
    talent_user = User.objects.filter(role=Role.TALENT, username="talent").first()
    first = Talent.objects.filter(user=talent_user).values_list("pk", flat=True).first() if talent_user else None
    ids = [t for t in Talent.objects.order_by("pk").values_list("pk", flat=True)[:n + 1] if t != first]
    ids = ([first] if first else []) + ids
    rows = []
    for talent in ids[:n]:
        arrival = fair.starts_at - dt.timedelta(minutes=30) + dt.timedelta(minutes=rng.randrange(0, 180, 5))
        departure = arrival + dt.timedelta(minutes=rng.randrange(120, 260, 5)) if rng.random() < 0.5 else None
        rows.append(Registration(fair=fair, talent_id=talent, state=RegistrationState.CONFIRMED,
                                 consent_at=fair.starts_at - dt.timedelta(days=3), train_number=rng.choice(TRAINS),
                                 arrival_at=arrival, departure_at=departure,
                                 priority=rng.choices((1, 2, 3), weights=(85, 10, 5))[0],
                                 qr_token=secrets.token_urlsafe(18)[:24]))
    Registration.objects.bulk_create(rows)
    Fair.objects.filter(pk=fair.pk).update(confirmed_count=len(rows))
    return list(Registration.objects.filter(fair=fair).order_by("pk"))


def _tour(station: Fair, officer, division: str, today: dt.date) -> Fair:
    first = today + dt.timedelta(days=14)
    tour = Fair.objects.create(kind=FairKind.CAMPUS_TOUR, title="高校巡回招聘 · 长三角", venue="",
                               division=division, starts_at=dt.datetime.combine(first, dt.time(9, 0), CHINA),
                               ends_at=dt.datetime.combine(first + dt.timedelta(days=len(TOUR)), dt.time(17), CHINA),
                               capacity=600, status=FairStatus.PUBLISHED, created_by=officer)
    TourStop.objects.bulk_create([TourStop(fair=tour, order=n, university=u, city=c,
                                           date=first + dt.timedelta(days=n - 1))
                                  for n, (u, c) in enumerate(TOUR, start=1)])
    return tour


def _cloud(rng: random.Random, officer, division: str, today: dt.date) -> Fair:
    """Online booths (video links; 20-, 15- or 30-minute interviews, each bringing up to two open jobs) and the
    ``talent`` login registered, so its phone page offers slots to book."""
    day = today + dt.timedelta(days=7)
    start = dt.datetime.combine(day, dt.time(14, 0), CHINA)
    cloud = Fair.objects.create(kind=FairKind.CLOUD, title="云端双选会", venue="", division=division,
                                starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=1000,
                                status=FairStatus.PUBLISHED, created_by=officer)
    ids = list(Enterprise.objects.order_by("-pk").values_list("pk", flat=True)[:10])
    Booth.objects.bulk_create([
        Booth(fair=cloud, enterprise_id=e, status=BoothStatus.APPROVED, interviewers=rng.choice((1, 2)),
              opens_at=cloud.starts_at, closes_at=cloud.ends_at, slot_minutes=rng.choice((None, 15, 30)),
              video_link=f"https://meeting.example.cn/fair-{cloud.pk}-{e}") for e in ids])
    for booth in Booth.objects.filter(fair=cloud):
        booth.jobs.set(Job.objects.filter(enterprise_id=booth.enterprise_id, status=JobStatus.OPEN)
                       .order_by("pk")[:2])
    talent = Talent.objects.filter(user__role=Role.TALENT, user__username="talent").first()
    if talent is not None:
        Registration.objects.create(fair=cloud, talent=talent, state=RegistrationState.CONFIRMED,
                                    consent_at=start - dt.timedelta(days=3), qr_token=secrets.token_urlsafe(18)[:24])
        Fair.objects.filter(pk=cloud.pk).update(confirmed_count=1)
    return cloud
