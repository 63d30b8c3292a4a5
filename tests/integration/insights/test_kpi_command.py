import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_kpi_json_prints_the_dashboard_figures(registry, tmp_path, settings):
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "s")
    out = StringIO()
    call_command("kpi", "--as-of", "2026-06-15", "--scope", "330106", "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert data["talent_total"] == 10
    assert data["subsidies_total"] == {"people": 3, "amount": "3001.50"}
    assert data["net_inflow"] == {"arrivals": 6, "stops": 1, "net": 5}
    assert data["retention"][1]["rate"] == 50.0
    assert data["tickets_within_sla"] == {"resolved": 3, "within_sla": 2, "share": 66.7, "breaches": 2}
    assert data["fairs"] == {"fairs": 1, "registrants": 4, "checked_in": 2, "interviews": 3, "intents": 2,
                             "strong": 1}
    assert data["early_warning"] == 2


def test_kpi_text_and_errors(registry, tmp_path, settings):
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "s")
    out = StringIO()
    call_command("kpi", "--as-of", "2026-06-15", "--scope", "330100", "--refresh", stdout=out, stderr=StringIO())
    assert "talents: 13" in out.getvalue()
    assert "fairs held: 2 (5 registered" in out.getvalue()
    assert "tickets resolved: 4, within SLA: 2 (50.0%), breaches: 3" in out.getvalue()
    with pytest.raises(CommandError, match="--as-of"):
        call_command("kpi", "--as-of", "15/06/2026")
    with pytest.raises(CommandError, match="--scope"):
        call_command("kpi", "--scope", "33")
