"""``talentpool sla``: the deadline on the default calendar, JSON output, and a clear refusal beyond 2026."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db  # the office's entered calendar days count


def run(*args) -> str:
    out = StringIO()
    call_command("sla", *args, stdout=out)
    return out.getvalue().strip()


def test_deadline_skips_national_day():
    assert run("deadline", "--start", "2024-09-30T16:00", "--hours", "8") == "2024-10-08T17:00+08:00"


def test_deadline_as_json_names_the_calendar():
    data = json.loads(run("deadline", "--start", "2024-09-30T16:00", "--hours", "8", "--json"))
    assert data["deadline"] == "2024-10-08T17:00+08:00"
    assert data["working_minutes"] == 480
    assert data["calendar"]["hours"] == ["09:00-12:00", "13:30-17:30"]


def test_other_working_hours_and_minutes():
    out = run("deadline", "--start", "2024-10-08T08:00", "--minutes", "90", "--working-hours", "08:00-16:00")
    assert out == "2024-10-08T09:30+08:00"


def test_elapsed():
    assert run("elapsed", "--start", "2024-09-30T09:00", "--end", "2024-10-09T09:00") == "14:00"


def test_beyond_2026_is_refused_with_the_reason():
    with pytest.raises(CommandError, match="2027-01-01 is outside the working calendar.*2004–2026"):
        run("deadline", "--start", "2026-12-31T16:00", "--hours", "8")


def test_an_unknown_office_is_refused():
    with pytest.raises(CommandError, match="--office 'nowhere': no such office"):
        run("deadline", "--start", "2024-09-30T16:00", "--hours", "8", "--office", "nowhere")


def test_a_bad_start_is_refused():
    with pytest.raises(CommandError, match="expected a date and time"):
        run("deadline", "--start", "tomorrow", "--hours", "8")


def test_sweep_reports_its_counts(desk):
    from talentpool.servicedesk import services
    from talentpool.servicedesk.models import Service

    from .conftest import at

    services.ticket_raise(actor=desk.world.officer, talent=desk.world.colleague, subject="", body="x",
                          service=Service.objects.get(code="legal-aid"), priority="urgent",
                          now=at("2024-10-08T09:00"))
    import time_machine

    with time_machine.travel(at("2024-10-08T09:50"), tick=False):
        assert run("sweep") == ("0 deadline recomputes resumed; 0 new from objections and payments; "
                                "1 talents given an officer; 1 open: 1 warned, 0 to team leads, 0 to the office head")
    with time_machine.travel(at("2024-10-08T11:00"), tick=False):
        assert run("sweep").endswith("1 open: 0 warned, 1 to team leads, 1 to the office head")
