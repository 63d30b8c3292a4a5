"""Eligibility runs and the ledger: what a run lists, what a rerun leaves alone, how approvals feed the ledger the
policies read, withdrawals, amount changes, two runs at once, and a run killed halfway (a real SIGKILL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from factories.homes import clone_home

from talentpool.eligibility.ledger import ledger_for_talent
from talentpool.eligibility.models import Entitlement, EntitlementEvent, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.eligibility.selectors import eligibility_explain, entitlement_explanation
from talentpool.payments.services import entitlements_approve
from talentpool.registry.models import Education

AS_OF = date(2025, 3, 1)
LIVING = "hz-graduate-living"
ROOT = Path(__file__).resolve().parents[3]


def _run(as_of=AS_OF, codes=None, scope=""):
    return run_execute(run_create(as_of=as_of, codes=codes, scope=scope).pk)


def _ledger():
    return sorted(Entitlement.objects.values_list("subject", "policy__code", "instalment", "amount", "status", "due"))


def test_a_run_lists_the_instalments_owed_and_a_rerun_changes_nothing(world, shipped):
    run = _run()
    lines = Entitlement.objects.filter(talent=world.talent, policy__code=LIVING)
    expected = eligibility_explain(talent=world.talent, code=LIVING, as_of=AS_OF)
    ready = [i for i in expected.instalments if i.ready]
    assert expected.verdict == "yes" and ready
    assert [(x.instalment, x.amount, x.due, x.status) for x in lines] == [
        (n, i.amount, i.due, Status.CANDIDATE) for n, i in enumerate(ready, 1)]
    total = Entitlement.objects.count()
    assert run.new == total and run.unchanged == 0 and run.withdrawn == 0
    assert run.summary_line == (f"{run.evaluated} evaluated: {total} new, 0 unchanged, 0 withdrawn, "
                                f"{run.undecided} cannot decide")
    assert run.evaluated == 3 * len([p for p in run.report["policies"]])  # three talents × each policy
    before = _ledger()
    again = _run()
    assert (again.new, again.unchanged, again.withdrawn) == (0, total, 0)
    assert _ledger() == before
    # the stored snapshot rebuilds the explanation the run saw
    line = lines.first()
    rebuilt = entitlement_explanation(line)
    assert rebuilt.verdict == "yes" and rebuilt.amount == expected.amount
    assert [c.status for c in rebuilt.criteria] == [c.status for c in expected.criteria]


def test_an_approved_instalment_counts_in_the_ledger_and_the_next_one_follows(world, shipped):
    _run()
    first = Entitlement.objects.get(talent=world.talent, policy__code=LIVING, instalment=1)
    out = entitlements_approve(actor=world.officer, ids=[first.pk])
    assert out.done == 1
    assert ledger_for_talent(world.talent.pk, [world.talent.pk])[LIVING]["instalments_paid"] == 1
    later = date(2025, 7, 15)
    explained = eligibility_explain(talent=world.talent, code=LIVING, as_of=later)
    run = _run(as_of=later, codes=[LIVING])
    lines = list(Entitlement.objects.filter(talent=world.talent, policy__code=LIVING).order_by("instalment"))
    assert [(x.instalment, x.status) for x in lines] == [(1, Status.APPROVED), (2, Status.CANDIDATE)]
    assert lines[1].amount == explained.instalments[1].amount
    assert run.new == 1 and run.unchanged == 1
    first.refresh_from_db()
    assert first.status == Status.APPROVED and first.run_id != run.pk


def test_a_candidate_is_withdrawn_when_its_person_no_longer_qualifies_but_an_approved_line_stays(world, shipped):
    _run(codes=[LIVING])
    line = Entitlement.objects.get(talent=world.talent, policy__code=LIVING, instalment=1)
    Education.objects.filter(talent=world.talent).update(degree="junior_college")
    run = _run(codes=[LIVING])
    line.refresh_from_db()
    assert line.status == Status.WITHDRAWN and run.withdrawn == 1
    event = EntitlementEvent.objects.get(entitlement=line)
    assert (event.from_status, event.to_status, event.run_id) == (Status.CANDIDATE, Status.WITHDRAWN, run.pk)
    # qualifies again: a new candidate line; the withdrawn one stays as history
    Education.objects.filter(talent=world.talent).update(degree="master")
    _run(codes=[LIVING])
    assert Entitlement.objects.filter(talent=world.talent, policy__code=LIVING, instalment=1).count() == 2
    live = Entitlement.objects.get(talent=world.talent, policy__code=LIVING, instalment=1, status=Status.CANDIDATE)
    entitlements_approve(actor=world.officer, ids=[live.pk])
    Education.objects.filter(talent=world.talent).update(degree="junior_college")
    _run(codes=[LIVING])
    live.refresh_from_db()
    assert live.status == Status.APPROVED


def test_a_changed_amount_supersedes_a_candidate_and_only_flags_an_approved_line(world, shipped):
    _run(codes=[LIVING])
    old = Entitlement.objects.get(talent=world.talent, policy__code=LIVING, instalment=1)
    Education.objects.filter(talent=world.talent).update(degree="bachelor")
    run = _run(codes=[LIVING])
    old.refresh_from_db()
    new = Entitlement.objects.get(talent=world.talent, policy__code=LIVING, instalment=1, status=Status.CANDIDATE)
    assert old.status == Status.SUPERSEDED and new.replaces_id == old.pk and new.changed
    assert new.amount != old.amount  # a new line, the old amount untouched
    assert new.amount == eligibility_explain(talent=world.talent, code=LIVING, as_of=AS_OF).instalments[0].amount
    assert run.report["policies"][0]["superseded"] == 1
    entitlements_approve(actor=world.officer, ids=[new.pk])
    Education.objects.filter(talent=world.talent).update(degree="master")
    _run(codes=[LIVING])
    new.refresh_from_db()
    assert new.status == Status.APPROVED and new.changed and "computed" in new.flag
    assert Entitlement.objects.filter(talent=world.talent, policy__code=LIVING, status=Status.CANDIDATE).count() == 0


def test_a_district_run_leaves_other_districts_alone(world, shipped):
    run = _run(scope="330110")
    assert set(Entitlement.objects.values_list("talent__district", flat=True)) <= {"330110"}
    assert run.evaluated == len(run.report["policies"])  # one talent in 330110


# --- a run killed halfway -------------------------------------------------------------------------------------------

PG_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""


def _pg_url(home: Path) -> str:
    return f"{PG_URL.rpartition('/')[0]}/run_{home.name}_{os.getpid()}"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev",
               TALENTPOOL_RUN_CHUNK="20", TALENTPOOL_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
               DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", **extra)
    if PG_URL:
        env["DATABASE_URL"] = _pg_url(home)
    return env


def _query(home: Path, sql: str) -> list[tuple]:
    if PG_URL:
        import psycopg

        with psycopg.connect(_pg_url(home)) as con:
            return [tuple(str(v) if v is not None and not isinstance(v, (int, str)) else v for v in row)
                    for row in con.execute(sql).fetchall()]
    con = sqlite3.connect(home / "talentpool.sqlite3")
    try:
        return [tuple(str(v) if v is not None and not isinstance(v, (int, str)) else v for v in row)
                for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def _tp(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talentpool", *args], env=_env(home, **extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def homes(tmp_path):
    made = [tmp_path / "straight", tmp_path / "crashed", tmp_path / "together"]
    for home in made:
        home.mkdir()
    if PG_URL:
        import psycopg

        with psycopg.connect(PG_URL.rpartition("/")[0] + "/postgres", autocommit=True) as con:
            for home in made:
                con.execute(f'CREATE DATABASE "{_pg_url(home).rpartition("/")[2]}"')
    yield made
    if PG_URL:
        import psycopg

        with psycopg.connect(PG_URL.rpartition("/")[0] + "/postgres", autocommit=True) as con:
            for home in made:
                con.execute(f'DROP DATABASE IF EXISTS "{_pg_url(home).rpartition("/")[2]}" WITH (FORCE)')


LEDGER_SQL = ("SELECT e.subject, p.code, e.instalment, e.amount, e.status, e.due, e.talent_id FROM payments_entitlement e "
              "JOIN policies_policy p ON p.id = e.policy_id ORDER BY 1, 2, 3, 5")


def _prepare(home: Path) -> None:
    for args in (("migrate", "-v0"), ("reference", "load"), ("policies", "sync"),
                 ("demo", "--talents", "400", "--seed", "9", "--as-of", "2025-06-30", "-v0")):
        done = _tp(home, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])


def test_a_killed_run_and_two_runs_at_once_end_with_the_ledger_of_one_uninterrupted_run(homes):
    """Real processes on a real database file (or PostgreSQL database): a SIGKILL after the first committed
    chunk, then the same command again; and two runs of the same policies started together."""
    straight, crashed, together = homes
    _prepare(straight)
    for home in (crashed, together):  # the same prepared district, copied (migrating three takes a minute)
        clone_home(straight, home, source_url=_pg_url(straight) if PG_URL else "",
                   target_url=_pg_url(home) if PG_URL else "")
    done = _tp(straight, "eligibility", "run", "--as-of", "2025-06-30")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    new = int(summary.split(": ")[1].split(" new")[0])
    assert new > 100 and summary.endswith("cannot decide")

    proc = subprocess.Popen([sys.executable, "-m", "talentpool", "eligibility", "run", "--as-of", "2025-06-30"],
                            env=_env(crashed, TALENTPOOL_RUN_SLEEP_AFTER_CHUNK="30"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if _query(crashed, "SELECT COUNT(*) FROM payments_entitlement")[0][0] >= 20:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    half = _query(crashed, "SELECT COUNT(*) FROM payments_entitlement")[0][0]
    assert half == 20  # one committed chunk, nothing more
    assert _query(crashed, "SELECT status FROM payments_run") == [("running",)]
    again = _tp(crashed, "eligibility", "run", "--as-of", "2025-06-30")
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.strip().splitlines()[-1].split(": ")[1].startswith(f"{new - 20} new, 20 unchanged")
    assert _query(crashed, LEDGER_SQL) == _query(straight, LEDGER_SQL)

    both = [subprocess.Popen([sys.executable, "-m", "talentpool", "eligibility", "run", "--as-of", "2025-06-30"],
                             env=_env(together, TALENTPOOL_RUN_SLEEP_AFTER_CHUNK="0.05"), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in both]
    assert [p.returncode for p in both] == [0, 0], [o[1][-2000:] for o in outs]
    counts = [out.strip().splitlines()[-1].split(": ")[1].split(", ") for out, _err in outs]
    assert int(counts[0][0].split()[0]) + int(counts[1][0].split()[0]) == new  # every line written once
    assert _query(together, "SELECT subject, policy_id, instalment, COUNT(*) FROM payments_entitlement "
                            "GROUP BY 1, 2, 3 HAVING COUNT(*) > 1") == []
    assert _query(together, LEDGER_SQL) == _query(straight, LEDGER_SQL)
