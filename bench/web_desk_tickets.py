"""Open service-desk tickets added to a web-benchmark home, so bench/web.py measures the desk's pages at scale.

    .venv/bin/python bench/web_desk_tickets.py --home /tmp/wb/x [--db postgresql] [--tickets 100000]

Starts the home's database as bench/web.py does (the home must have been built by it), then bulk-inserts open
tickets (raised over the last ten working weeks before now, half of them answered, on the talents of the demo
officer's district, assigned to the desk officers, their clocks and marks computed by the SLA engine) until the
district has ``--tickets`` open ones, and runs one SLA sweep. Then run bench/web.py on the same home.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web  # noqa: E402  (bench/web.py: the database and the environment)


def _rows(n: int, rng: random.Random, now: dt.datetime) -> list:
    from talentpool.engines.sla import china_calendar
    from talentpool.registry.models import Talent
    from talentpool.servicedesk.models import DeskOfficer, Office, Service, Ticket
    from talentpool.servicedesk.sla import marks_update

    calendar, office = china_calendar(), Office.objects.order_by("pk").first()
    talents = list(Talent.objects.filter(district__startswith="3301").values_list("pk", flat=True)[:50_000])
    services = list(Service.objects.filter(active=True).select_related("team"))
    officers = list(DeskOfficer.objects.values_list("pk", flat=True))
    rows = []
    for _ in range(n):
        service = rng.choice(services)
        priority = rng.choice(["low", "normal", "normal", "high", "urgent"])
        created = calendar.add(now, -rng.randrange(0, 10 * 7 * 3600, 60))
        t = Ticket(talent_id=rng.choice(talents), service=service, team=service.team,
                   assignee_id=rng.choice(officers), subject=service.name_zh, priority=priority, created_at=created,
                   response_target=service.sla[priority]["response"] * 60, response_since=created,
                   resolution_target=service.sla[priority]["resolution"] * 60, resolution_since=created)
        if rng.random() < 0.5:  # answered: the response clock stopped
            t.status, t.response_since, t.response_stopped = "open", None, True
            t.response_consumed = rng.randrange(60, t.response_target, 60)
        marks_update(t, now, office)
        rows.append(t)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    home = Path(args.home)
    with web.database(args.db, home) as url:
        os.environ.update(web.production_env(home, url, 0))
        sys.path.insert(0, str(web.ROOT / "src"))
        import django

        django.setup()
        from django.utils import timezone

        from talentpool.servicedesk.models import OPEN_STATUSES, Ticket
        from talentpool.servicedesk.tasks import sla_sweep

        now = timezone.now()
        have = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
        started = time.perf_counter()
        rng = random.Random(12)
        for _ in range(0, max(0, args.tickets - have), 10_000):
            Ticket.objects.bulk_create(_rows(min(10_000, args.tickets - have), rng, now), batch_size=2000)
            have = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
            print(f"  {have:,} open tickets", flush=True)
        swept = sla_sweep(now)
        print(f"{have:,} open tickets ({time.perf_counter() - started:.0f} s); sweep: {swept}")


if __name__ == "__main__":
    main()
