"""``talentpool demo`` against a real database: counts, the demo users and their logins, idempotency, reset."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from stdnum.cn import ric, uscc

from talentpool.accounts.models import Role, User
from talentpool.core.crypto import decrypt_text, lookup_hash
from talentpool.core.models import ChangeRecord
from talentpool.reference.selectors import reference_cache_clear
from talentpool.reference.services import reference_load
from talentpool.registry.demo import DEMO_PASSWORD, DEMO_USERNAMES
from talentpool.registry.models import Education, Employment, Enterprise, InsuranceRecord, Talent

AS_OF = "2026-11-20"


@pytest.fixture
def reference(db):
    reference_load()
    yield
    reference_cache_clear()


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--talents", "300", "--as-of", AS_OF, "-v", "0", *args, stdout=out)
    return out.getvalue()


def test_demo_fills_the_registry_and_prints_the_logins(reference):
    output = run_demo()
    assert Talent.objects.count() == 300
    assert Enterprise.objects.count() == 50  # talents/20, at least 50
    assert Education.objects.count() >= 300
    assert Employment.objects.count() >= 250
    assert InsuranceRecord.objects.count() >= 250
    assert set(Talent.objects.values_list("district", flat=True)) == {"330106", "330110"}
    assert not ChangeRecord.objects.exists()

    users = {u.username: u for u in User.objects.all()}
    assert set(users) == set(DEMO_USERNAMES)
    assert users["admin"].role == Role.ADMIN
    assert (users["officer"].role, users["officer"].scope_division) == (Role.OFFICER, "330106")
    assert users["officer2"].scope_division == "330110"
    assert users["service"].is_service_officer and users["service"].scope_division == "330106"
    assert users["hr"].role == Role.ENTERPRISE and users["hr"].enterprise.division == "330106"
    grad = Talent.objects.get(user=users["talent"])
    assert grad.educations.get(degree="master").graduation_date == date(2025, 6, 30)
    assert grad.employments.get().enterprise == users["hr"].enterprise

    assert f"password for all: {DEMO_PASSWORD}" in output
    for username in DEMO_USERNAMES:
        line = next(row for row in output.splitlines() if row.startswith(username + " "))
        assert DEMO_PASSWORD in line and users[username].role in line


# once: signing in reads the users the first run made; the database's part is the fill, checked on both
@pytest.mark.once
def test_each_demo_user_can_log_in(reference):
    run_demo()
    for username in DEMO_USERNAMES:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk)


def test_stored_identities_are_encrypted_valid_and_findable(reference):
    run_demo()
    for talent in Talent.objects.filter(id_type="resident_id")[:100]:
        number = decrypt_text(talent.id_number_encrypted)
        assert ric.is_valid(number) and number[-4:] == talent.id_tail
        assert talent.id_lookup == lookup_hash("resident_id", number)
        assert talent.birth_date == ric.get_birth_date(number)
        assert talent.id_masked == number[:6] + "********" + number[-4:]
    assert all(uscc.is_valid(code) for code in Enterprise.objects.values_list("credit_code", flat=True))
    for talent in Talent.objects.filter(spouse__isnull=False):
        assert talent.spouse.spouse_id == talent.id


# once: what the seed decides is made in Python before any row is written
@pytest.mark.once
def test_the_same_seed_gives_the_same_people(reference):
    run_demo("--seed", "5")
    first = list(Talent.objects.order_by("id").values_list("name", "birth_date", "id_lookup", "district"))
    run_demo("--seed", "5", "--reset")
    again = list(Talent.objects.order_by("id").values_list("name", "birth_date", "id_lookup", "district"))
    assert first == again


# once: the command's own check of an existing district, a count read
@pytest.mark.once
def test_a_second_run_skips_and_changes_nothing(reference):
    run_demo()
    before = (Talent.objects.count(), Enterprise.objects.count(), User.objects.count())
    output = run_demo("--seed", "9")
    assert "Demo skipped" in output and "--reset" in output
    assert "password for all" in output  # the logins are printed again
    assert (Talent.objects.count(), Enterprise.objects.count(), User.objects.count()) == before


def test_reset_replaces_the_registry(reference):
    run_demo()
    run_demo("--reset", "--seed", "9")
    assert Talent.objects.count() == 300
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert Talent.objects.filter(user__username="talent").exists()


# once: the command checks the references itself before it deletes anything
@pytest.mark.once
def test_reset_stops_at_a_real_hr_user(reference):
    run_demo()
    firm = Enterprise.objects.order_by("id").last()
    User.objects.create(username="real-hr", role=Role.ENTERPRISE, enterprise=firm)
    with pytest.raises(CommandError, match="still refer"):
        run_demo("--reset")
    assert Talent.objects.count() == 300


def test_without_reference_data_it_says_what_to_run(db):
    with pytest.raises(CommandError, match="reference load"):
        run_demo()
