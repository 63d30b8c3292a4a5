"""SLA sweep and deadline arithmetic (targets: a sweep over 100,000 open tickets under 5 s; deadlines exact to the
minute).

    .venv/bin/python bench/sla.py [--tickets 100000] [--sample 2000] [--smoke]

In a temporary TALENTPOOL_HOME (SQLite; DATABASE_URL for PostgreSQL) it migrates, generates a small demo district
and bulk-inserts ``--tickets`` open tickets raised over the working days before 2024-09-30 16:00 with their clocks
computed by the engine, then times ``sla_sweep``: at 2024-09-30 16:00 (the tickets loaded already late: about
113,000 escalations at once, lead and head), five minutes later (steady state), at 2024-10-08 17:00 (after National
Day, a week of deadlines at once) and that again (nothing left to do). Each sweep prints its two slowest statements. Baseline in the same run: the naive sweep, every open
ticket's clocks assessed in Python and saved one by one, over ``--sample`` tickets, extrapolated linearly.

Deadlines: ``--sample`` random starts and durations over 2023–2026 compared with a minute-by-minute walk over the
calendar (the obvious, slow way); every answer must be equal to the minute.

``--smoke``: 500 tickets, a sample of 50, a 100-talent demo, in a copy of bench/_smoke.py's prepared database when
TALENTPOOL_BENCH_SEED gives one (proof the bench works).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from _smoke import seeded_home

SH = ZoneInfo("Asia/Shanghai")


def _setup(home: str, smoke: bool) -> None:
    prepared = smoke and seeded_home(into=Path(home)) is not None
    os.environ["TALENTPOOL_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.dev")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    if not prepared:
        call_command("migrate", verbosity=0)
        call_command("reference", "load", verbosity=0)
    call_command("demo", talents=100 if smoke else 200, jobs=0, as_of=dt.date(2024, 9, 27), verbosity=0)


def _tickets(n: int, rng: random.Random) -> list:
    from talentpool.engines.sla import china_calendar
    from talentpool.registry.models import Talent
    from talentpool.servicedesk.models import DeskOfficer, Office, Service, Ticket
    from talentpool.servicedesk.sla import marks_update

    calendar, office = china_calendar(), Office.objects.get()
    talents = list(Talent.objects.values_list("pk", flat=True))
    services = list(Service.objects.select_related("team"))
    officers = list(DeskOfficer.objects.values_list("pk", flat=True))
    end = dt.datetime(2024, 9, 30, 16, 0, tzinfo=SH)
    rows = []
    for _ in range(n):
        service = rng.choice(services)
        priority = rng.choice(["low", "normal", "normal", "high", "urgent"])
        created = calendar.add(end, -rng.randrange(0, 10 * 7 * 3600, 60))
        t = Ticket(talent_id=rng.choice(talents), service=service, team=service.team,
                   assignee_id=rng.choice(officers), subject=service.name_zh, priority=priority, created_at=created,
                   response_target=service.sla[priority]["response"] * 60, response_since=created,
                   resolution_target=service.sla[priority]["resolution"] * 60, resolution_since=created)
        if rng.random() < 0.5:  # answered: the response clock stopped
            t.status, t.response_since, t.response_stopped = "open", None, True
            t.response_consumed = rng.randrange(60, t.response_target, 60)
        t.team.office = office
        marks_update(t, end, office)
        rows.append(t)
    return rows


def _naive_sweep(tickets, now) -> None:
    from talentpool.servicedesk.sla import marks_update

    for t in tickets:
        marks_update(t, now, t.team.office)
        t.save(update_fields=["sla_state", "escalation", "due_at", "warn_at", "escalate_at", "next_check_at",
                              "response_due_at", "resolution_due_at"])


def _walk(calendar, start: dt.datetime, minutes: int) -> dt.datetime:
    """The obvious way: step a minute at a time, counting the minutes that are working time."""
    t = start.astimezone(SH).replace(second=0, microsecond=0)
    hours = calendar.hours
    while minutes > 0:
        if calendar.is_working_day(t.date()) and any(a <= t.time() < b for a, b in hours):
            minutes -= 1
        t += dt.timedelta(minutes=1)
    return t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true", help="500 tickets, a sample of 50, a 100-talent demo")
    args = parser.parse_args()
    if args.smoke:
        args.tickets, args.sample = 500, 50
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as home:
        _setup(home, args.smoke)
        from django.db import transaction

        from talentpool.engines.sla import china_calendar
        from talentpool.servicedesk.models import Ticket
        from talentpool.servicedesk.tasks import sla_sweep

        started = time.perf_counter()
        rows = _tickets(args.tickets, rng)
        Ticket.objects.bulk_create(rows, batch_size=5000)
        print(f"{args.tickets:,} open tickets prepared in {time.perf_counter() - started:.1f} s")
        from django.db import connection

        def timed_sweep(label: str, now: dt.datetime) -> float:
            timings: list[tuple[float, str]] = []

            def timed(execute, sql, params, many, context):
                t0 = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timings.append((time.perf_counter() - t0, sql[:70]))

            started = time.perf_counter()
            with connection.execute_wrapper(timed):
                result = sla_sweep(now)
            took = time.perf_counter() - started
            print(f"{label}: {took:.2f} s over {result['open']:,} open tickets "
                  f"{ {k: v for k, v in result.items() if k != 'open'} }")
            for seconds, sql in sorted(timings, reverse=True)[:2]:
                print(f"    {seconds:.2f} s  {sql}")
            return took

        end = dt.datetime(2024, 9, 30, 16, 0, tzinfo=SH)
        timed_sweep("first sweep (tickets loaded already late are escalated)", end)
        steady = timed_sweep("sweep five minutes later (steady state, target < 5 s)", end + dt.timedelta(minutes=5))
        now = dt.datetime(2024, 10, 8, 17, 0, tzinfo=SH)
        sweep = timed_sweep("sweep after National Day (a week of deadlines at once)", now)
        timed_sweep("the same sweep again (nothing to do)", now)
        sample = list(Ticket.objects.select_related("team__office")[:args.sample])
        started = time.perf_counter()
        with transaction.atomic():
            _naive_sweep(sample, now)
        naive = (time.perf_counter() - started) * args.tickets / max(len(sample), 1)
        print(f"baseline (assess and save each ticket): {naive:.1f} s extrapolated; ratio {naive / steady:.0f}x to the "
              f"steady sweep, {naive / sweep:.0f}x to the post-holiday one")
        calendar = china_calendar()
        cases = []
        for _ in range(args.sample):
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 4 * 365 - 30))
            start = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=SH)
            cases.append((start, rng.randrange(1, 40 * 60)))
        started = time.perf_counter()
        fast = [calendar.add(s, m * 60) for s, m in cases]
        engine = time.perf_counter() - started
        started = time.perf_counter()
        slow = [_walk(calendar, s, m) for s, m in cases]
        walked = time.perf_counter() - started
        wrong = [(s, m, f, w) for (s, m), f, w in zip(cases, fast, slow, strict=True) if f != w]
        print(f"deadlines: {len(cases):,} computed in {engine * 1000:.1f} ms, minute walk {walked:.1f} s "
              f"({walked / engine:.0f}x); {len(wrong)} differ")
        if wrong:
            print("first difference:", wrong[0])
            raise SystemExit(1)


if __name__ == "__main__":
    main()
