"""300 talents register at once for 200 places: exactly 200 confirmed, 100 waitlisted, the counter at 200.

Real concurrency needs a real database file (the test database is in memory, where SQLite does not wait for a
lock but fails): the test migrates a database in a temporary home (or uses the PostgreSQL of ``DATABASE_URL``,
in a database of its own), seeds 300 talents and a fair, and starts 4 processes of 4 threads each, every thread
with its own connection, registering their share of the talents through ``services.register`` at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

SEED = textwrap.dedent("""
    import datetime as dt, django
    django.setup()
    from zoneinfo import ZoneInfo
    from talentpool.accounts.models import User
    from talentpool.fairs.models import Fair
    from talentpool.registry.models import Talent
    start = dt.datetime(2026, 3, 12, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    fair = Fair.objects.create(kind="station", title="并发", division="330106", starts_at=start,
                               ends_at=start + dt.timedelta(hours=8), capacity=200, status="published")
    User.objects.bulk_create([User(username=f"t{n}", role="talent") for n in range(300)])
    users = list(User.objects.filter(username__startswith="t").order_by("pk"))
    Talent.objects.bulk_create([Talent(name=f"人{n}", district="330106", user=u, id_number_encrypted="x",
                                       id_lookup=f"h{n}") for n, u in enumerate(users)])
    print(fair.pk)
""")

WORKER = textwrap.dedent("""
    import json, sys, threading, django
    django.setup()
    from django.db import connection
    from talentpool.accounts.models import User
    from talentpool.fairs import services
    fair_id, part, parts = map(int, sys.argv[1:4])
    users = list(User.objects.filter(username__startswith="t").order_by("pk"))[part::parts]
    go = threading.Barrier(4)
    states = []
    def run(mine):
        go.wait()
        for user in mine:
            states.append(services.register(actor=user, fair_id=fair_id, consent=True).state)
        connection.close()
    threads = [threading.Thread(target=run, args=(users[n::4],)) for n in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps(states))
""")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.test")
    env.pop("PYTEST_XDIST_WORKER", None)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/talentpool_fairs_race"
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-c", "DROP DATABASE IF EXISTS talentpool_fairs_race"], check=True,
                       capture_output=True)
        subprocess.run(["psql", admin, "-c", "CREATE DATABASE talentpool_fairs_race"], check=True,
                       capture_output=True)
    return env


def test_300_concurrent_registrations_for_200_places_confirm_exactly_200(tmp_path):
    env = _env(tmp_path)
    python = sys.executable
    subprocess.run([python, "-m", "django", "migrate", "-v0"], env=env, check=True)
    fair_id = subprocess.run([python, "-c", SEED], env=env, check=True, capture_output=True, text=True).stdout.strip()
    workers = [subprocess.Popen([python, "-c", WORKER, fair_id, str(n), "4"], env=env, stdout=subprocess.PIPE,
                                text=True) for n in range(4)]
    states = []
    for worker in workers:
        out, _err = worker.communicate(timeout=240)
        assert worker.returncode == 0
        states += json.loads(out)
    assert len(states) == 300
    assert states.count("confirmed") == 200
    assert states.count("waitlisted") == 100
    check = subprocess.run([python, "-c", "import django; django.setup(); from talentpool.fairs.models import *; "
                            f"f = Fair.objects.get(pk={fair_id}); "
                            "print(f.confirmed_count, Registration.objects.filter(fair=f, state='confirmed').count())"],
                           env=env, check=True, capture_output=True, text=True)
    assert check.stdout.split() == ["200", "200"]


BOOKING_SEED = textwrap.dedent("""
    import datetime as dt, django
    django.setup()
    from zoneinfo import ZoneInfo
    from talentpool.accounts.models import User
    from talentpool.fairs.models import Booth, Fair, Registration
    from talentpool.registry.models import Enterprise, Talent
    start = dt.datetime(2030, 3, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    fair = Fair.objects.create(kind="cloud", title="云", division="330106", starts_at=start,
                               ends_at=start + dt.timedelta(hours=2), capacity=100, status="published")
    co = Enterprise.objects.create(name="云企业", division="330106")
    booth = Booth.objects.create(fair=fair, enterprise=co, status="approved", interviewers=3, opens_at=start,
                                 closes_at=fair.ends_at, video_link="https://meet.example.cn/c")
    User.objects.bulk_create([User(username=f"c{n}", role="talent") for n in range(32)])
    users = list(User.objects.filter(username__startswith="c").order_by("pk"))
    Talent.objects.bulk_create([Talent(name=f"人{n}", district="330106", user=u, id_number_encrypted="x",
                                       id_lookup=f"c{n}") for n, u in enumerate(users)])
    Registration.objects.bulk_create([Registration(fair=fair, talent=t, state="confirmed", consent_at=start,
                                                   qr_token=f"q{t.pk}") for t in Talent.objects.all()])
    print(booth.pk)
""")

BOOKING_WORKER = textwrap.dedent("""
    import json, sys, threading, django
    django.setup()
    from django.db import connection
    from talentpool.core.errors import ConflictError
    from talentpool.fairs import cloud
    from talentpool.fairs.models import Booth, Registration
    booth_id, part, parts = map(int, sys.argv[1:4])
    booth = Booth.objects.get(pk=booth_id)
    regs = list(Registration.objects.select_related("talent__user").order_by("pk"))[part::parts]
    go = threading.Barrier(4)
    results = []
    def run(mine):
        go.wait()
        for reg in mine:
            try:
                cloud.slot_book(actor=reg.talent.user, registration_id=reg.pk, booth_id=booth_id,
                                starts_at=booth.opens_at)
                results.append("booked")
            except ConflictError as exc:
                results.append(exc.code)
        connection.close()
    threads = [threading.Thread(target=run, args=(regs[n::4],)) for n in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps(results))
""")


def test_32_concurrent_bookings_of_a_three_interviewer_slot_book_exactly_three(tmp_path):
    env = _env(tmp_path)
    python = sys.executable
    subprocess.run([python, "-m", "django", "migrate", "-v0"], env=env, check=True)
    booth_id = subprocess.run([python, "-c", BOOKING_SEED], env=env, check=True, capture_output=True,
                              text=True).stdout.strip()
    workers = [subprocess.Popen([python, "-c", BOOKING_WORKER, booth_id, str(n), "2"], env=env,
                                stdout=subprocess.PIPE, text=True) for n in range(2)]
    results = []
    for worker in workers:
        out, _err = worker.communicate(timeout=240)
        assert worker.returncode == 0
        results += json.loads(out)
    assert (results.count("booked"), results.count("slot_full"), len(results)) == (3, 29, 32)
