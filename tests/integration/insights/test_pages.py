"""The insights pages and API through the real endpoints: who may see what, the figures on the page, the
exports, the public investor view without personal data, and the 'being prepared' state."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.utils.html import escape
from factories.matrix import check_page_headers
from factories.pdf import pdf_pages

from talentpool.insights import figures, views

PAGES = ["/insights/", "/insights/talents/", "/insights/industry/", "/insights/early-warning/"]
APIS = ["/api/v1/insights/kpis", "/api/v1/insights/talent-map", "/api/v1/insights/industry-map",
        "/api/v1/insights/recruit-sources?cluster=life_health"]


def _client(client, user):
    client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
    return client


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-06-15 10:00:00+08:00", tick=False)


@pytest.mark.parametrize("role", ["anonymous", "talent", "enterprise", "admin", "officer"])
def test_permission_matrix(client, snapshot, registry, role):
    w = registry["world"]
    user = {"talent": w.talent_user, "enterprise": w.hr, "admin": w.admin, "officer": w.officer}.get(role)
    if user:
        _client(client, user)
    for path in PAGES:
        r = client.get(path)
        check_page_headers(r)
        expected = {"anonymous": 302, "officer": 200}.get(role, 403)
        assert r.status_code == expected, (role, path, r.status_code)
    for path in APIS:
        r = client.get(path)
        assert r.status_code == {"anonymous": 401, "officer": 200}.get(role, 403), (role, path)
    r = client.get("/insights/investors/")
    assert r.status_code == 200
    assert client.get("/api/v1/insights/public/industry-map").status_code == 200


def test_dashboard_shows_the_figures_with_charts_and_tables(client, snapshot, registry):
    html = _client(client, registry["world"].officer).get("/insights/").content.decode()
    assert '<dd id="kpi-total">10</dd>' in html
    assert "3,001.50" in html
    options = json.loads(html.split('id="insights-charts" type="application/json">')[1].split("</script>")[0])
    assert set(options) == {"monthly", "tiers", "subsidies"}
    assert 'data-chart="monthly"' in html and 'id="table-monthly"' in html
    assert "<script>" not in html and "vendor/echarts/echarts.min.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_exports_xlsx_and_monthly_pdf(client, snapshot, registry):
    c = _client(client, registry["world"].officer)
    r = c.get("/insights/?as_of=2026-06-15&format=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == 10  # talents
    assert [r[1] for r in rows[1:4]] == [10, 5, 1]  # talents, new under-35 graduates, rank
    paid = list(wb["Subsidies by policy"].iter_rows(values_only=True)) if "Subsidies by policy" in wb.sheetnames \
        else list(wb.worksheets[2].iter_rows(values_only=True))
    assert paid[1][1:] == (3, 3, 3001.5)
    summary = {r[0]: r[1] for r in rows[1:]}
    assert (summary["Fairs held this year"], summary["Fair registrants"], summary["Checked in at fairs"],
            summary["Interviews at fairs"], summary["Intents after interviews"], summary["Strong intents"]) == (
        1, 4, 2, 3, 2, 1)
    assert (summary["Tickets resolved this year"], summary["Resolved within SLA"], summary["Share within SLA (%)"],
            summary["SLA breaches this year"]) == (3, 2, 66.7, 2)
    pdf = c.get("/insights/?as_of=2026-06-15&format=pdf", HTTP_ACCEPT_LANGUAGE="en")
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.status_code == 200 and body.startswith(b"%PDF")
    lines = "\n".join(pdf_pages(body)).splitlines()
    # the report is passed on: counts of 1-4 people (and the amount paid to them) show as <5
    for label, value in (("Talents", "10"), ("New under-35 graduates this year", "5"), ("People paid this year", "<5"),
                         ("Paid this year (yuan)", "<5"), ("Fairs held this year", "1"),
                         ("Intents after interviews", "<5"), ("Share within SLA (%)", "66.7"),
                         ("SLA breaches this year", "<5"), ("Early warnings", "<5")):
        assert lines[lines.index(label) + 1] == value, label
    assert "3,001.50" not in lines and "3001.50" not in lines


def test_talent_map_filters_and_drill_down(client, snapshot, registry):
    c = _client(client, registry["world"].officer)
    html = c.get("/insights/talents/").content.decode()
    options = json.loads(html.split('id="insights-charts" type="application/json">')[1].split("</script>")[0])
    hubei = next(d for d in options["origin"]["series"][0]["data"] if d["code"] == "420000")
    assert hubei["value"] == 4 and hubei["href"] == "?province=42"
    drilled = c.get("/insights/talents/?province=42&degree=bachelor").content.decode()
    assert 'id="drill-up"' in drilled and 'data-chart="cities"' in drilled
    assert "<td>3</td>" in drilled  # three bachelors from Hubei
    assert c.get("/insights/talents/?degree=nonsense&arrival_year=abc").status_code == 200


def test_investor_view_has_no_personal_data_and_suppresses_small_cells(client, snapshot, registry):
    html = client.get("/insights/investors/").content.decode()
    for person in ("李明", "新人0", "王芳"):
        assert person not in html
    assert escape("<5") in html  # 2 people employed in intelligent manufacturing
    data = client.get("/api/v1/insights/public/industry-map").json()
    manufacturing = next(r for r in data["clusters"] if r["cluster"] == "intelligent_manufacturing")
    assert manufacturing["people"] is None
    life = next(r for r in data["clusters"] if r["cluster"] == "life_health")
    assert life["people"] == 5


def test_early_warning_lists_people_of_the_officer_only(client, snapshot, registry):
    html = _client(client, registry["world"].officer).get("/insights/early-warning/").content.decode()
    assert "新人0" in html and "新人5" in html and "新人1" not in html
    assert "Insurance in the district stopped last month" in html or "停" in html
    assert "周敏" in html  # 新人5's one-to-one officer


def test_early_warning_filtered_by_one_to_one_officer(client, snapshot, registry):
    c = _client(client, registry["world"].officer)
    desk = registry["desk"]
    mine = c.get("/insights/early-warning/?officer=mine").content.decode()
    assert "新人0" in mine and "新人5" not in mine
    theirs = c.get(f"/insights/early-warning/?officer={desk['other'].pk}").content.decode()
    assert "新人5" in theirs and "新人0" not in theirs
    assert f'<option value="{desk["other"].pk}" selected>周敏</option>' in theirs
    nobody = c.get("/insights/early-warning/?officer=none").content.decode()
    assert "新人0" not in nobody and "新人5" not in nobody
    assert c.get("/insights/early-warning/?officer=x'1").status_code == 200  # ignored, not an error


def test_early_warning_rows_kept_per_snapshot_show_people_as_they_are_now(client, snapshot, registry):
    """The rows are kept per snapshot; the names, masked ID numbers and officers are read on every request, so a
    change shows at once (and a deactivated officer still names their rows, but is no longer offered as a
    filter)."""
    from django.urls import reverse

    from talentpool.registry.models import Talent

    c = _client(client, registry["world"].officer)
    desk = registry["desk"]
    first = c.get("/insights/early-warning/").content.decode()
    new0 = Talent.objects.get(name="新人0")
    assert f'<a href="{reverse("registry:talent-detail", args=[new0.pk])}">新人0</a>' in first
    assert f'<option value="{desk["other"].pk}">周敏</option>' in first
    Talent.objects.filter(pk=new0.pk).update(name="新人零")
    desk["other"].active = False
    desk["other"].save()
    again = c.get("/insights/early-warning/").content.decode()
    assert "新人零" in again and "新人0<" not in again
    assert "<td>周敏</td>" in again  # 新人5's officer, inactive now
    assert f'<option value="{desk["other"].pk}">' not in again


def test_dashboard_shows_fairs_and_tickets_within_sla(client, snapshot, registry):
    html = _client(client, registry["world"].officer).get("/insights/?as_of=2026-06-15").content.decode()
    assert '<dd id="kpi-sla">66.7%' in html
    assert '<dd id="kpi-fairs">2 <small>' in html


def test_pages_say_preparing_and_enqueue_a_refresh(client, registry, tmp_path, settings,
                                                   django_capture_on_commit_callbacks):
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "none")
    c = _client(client, registry["world"].officer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = c.get("/insights/")
    assert r.status_code == 503 and 'id="preparing"' in r.content.decode()
    assert len(callbacks) == 1
    assert c.get("/insights/").status_code == 200  # the refresh ran (immediate backend in tests)


def test_a_refresh_asked_for_again_builds_only_while_the_snapshot_is_stale(snapshot, registry, time_machine):
    """Each web process asks for a refresh when it finds the snapshot stale; the builds queue on the snapshot's
    lock, and a refresh that finds the snapshot fresh once it holds the lock does not build it again (at 400,000
    talents a build is minutes of a web process's CPU)."""
    from talentpool.insights.snapshot import snapshot_current
    from talentpool.insights.tasks import snapshot_refresh_task

    snapshot_refresh_task.enqueue()  # the immediate backend in tests
    assert snapshot_current().path == snapshot.path
    time_machine.move_to("2026-06-15 11:30:00+08:00", tick=False)  # the snapshot is 90 minutes old
    snapshot_refresh_task.enqueue()
    refreshed = snapshot_current()
    assert refreshed.path != snapshot.path
    snapshot_refresh_task.enqueue()
    assert snapshot_current().path == refreshed.path


def test_figures_are_cached_per_snapshot_and_a_new_snapshot_is_a_new_key(client, snapshot, registry, settings):
    from talentpool.insights.snapshot import snapshot_build
    from talentpool.registry.models import Talent

    c = _client(client, registry["world"].officer)
    assert '<dd id="kpi-total">10</dd>' in c.get("/insights/").content.decode()
    Talent.objects.filter(name="新人0").update(district="330110")
    assert '<dd id="kpi-total">10</dd>' in c.get("/insights/").content.decode()  # same snapshot, same figures
    snapshot_build()
    assert '<dd id="kpi-total">9</dd>' in c.get("/insights/").content.decode()


def test_a_city_officer_narrows_every_figure_to_one_district(client, snapshot, registry, make_user):
    city = make_user("officer", username="city_officer", scope_division="330100")
    c = _client(client, city)
    assert '<dd id="kpi-total">13</dd>' in c.get("/insights/").content.decode()
    assert '<dd id="kpi-total">3</dd>' in c.get("/insights/?district=330110").content.decode()
    # the API takes the same filter
    assert c.get("/api/v1/insights/kpis?as_of=2026-06-15&district=330110").json()["talent_total"] == 3
    origin = c.get("/api/v1/insights/talent-map?district=330110").json()["by_province"]
    assert sum(r["people"] for r in origin) <= 3  # 330110's three talents, not the city's 新人 from 湖北 and 四川
    assert c.get("/api/v1/insights/industry-map?district=330110").json()["by_district"][0]["district"] == "330110"
    # a district officer cannot widen or move their scope through the filter
    c = _client(client, registry["world"].officer)
    assert '<dd id="kpi-total">10</dd>' in c.get("/insights/?district=330110").content.decode()
    assert c.get("/api/v1/insights/kpis?as_of=2026-06-15&district=330110").json()["talent_total"] == 10


def _options(html: str) -> dict:
    return json.loads(html.split('id="insights-charts" type="application/json">')[1].split("</script>")[0])


def test_schematic_district_tiles_and_ranked_streets(client, snapshot, registry, make_user):
    from talentpool.registry.models import Enterprise

    html = client.get("/insights/investors/").content.decode()
    tiles = {d["code"]: d for d in _options(html)["district-tiles"]["series"][0]["data"]}
    assert len(tiles) == 13 and tiles["330106"]["name"] == "西湖区"
    assert tiles["330106"]["value"][2] == Enterprise.objects.filter(division="330106").count() >= 2
    assert tiles["330182"]["value"][2] == 0 and "href" not in tiles["330106"]  # the public view does not drill
    assert 'id="table-district-tiles"' in html and 'id="tiles-note"' in html
    assert 'data-chart="streets"' in html and 'id="table-streets"' in html
    city = _client(client, make_user("officer", username="city_officer", scope_division="330100"))
    tiles = {d["code"]: d for d in _options(city.get("/insights/industry/").content.decode())
             ["district-tiles"]["series"][0]["data"]}
    assert tiles["330110"]["href"] == "?district=330110"
    drilled = city.get("/insights/industry/?district=330110").content.decode()
    assert "district-tiles" not in _options(drilled)  # one district: no tile map
    assert sum(d["value"] for d in _options(drilled)["clusters"]["series"][0]["data"]) == \
        Enterprise.objects.filter(division="330110").count()  # every chart narrowed to the district
    density = {d["code"]: d["value"][2] for d in _options(city.get("/insights/talents/").content.decode())
               ["density-tiles"]["series"][0]["data"]}
    assert len(density) == 13
    district = _client(client, registry["world"].officer).get("/insights/talents/").content.decode()
    assert "density-tiles" not in _options(district)  # a district officer sees one district: no tile map


def test_early_warning_reads_the_snapshot_once_and_pages(client, snapshot, registry, monkeypatch):
    """The rows are kept under the snapshot's name: a second request opens no DuckDB connection; a page holds
    ``WARNINGS_PER_PAGE`` rows and the pager leads to the others."""
    cache.clear()
    opened = []
    connect = figures.connect
    monkeypatch.setattr(figures, "connect", lambda folder: opened.append(folder) or connect(folder))
    monkeypatch.setattr(views, "WARNINGS_PER_PAGE", 1)
    c = _client(client, registry["world"].officer)
    first = c.get("/insights/early-warning/").content.decode()
    second = c.get("/insights/early-warning/?page=2").content.decode()
    assert len(opened) == 1
    assert ("新人0" in first) != ("新人0" in second) and ("新人5" in first) != ("新人5" in second)
    assert "page=2" in first and "page=1" in second


def test_recruit_sources_read_the_snapshot_once(client, snapshot, registry, monkeypatch):
    """Kept under the snapshot's name like the other figures: the second request opens no DuckDB connection and
    answers the same; a cluster that is not a choice answers an empty list without opening one."""
    cache.clear()
    opened = []
    connect = figures.connect
    monkeypatch.setattr(figures, "connect", lambda folder: opened.append(folder) or connect(folder))
    c = _client(client, registry["world"].officer)
    first = c.get("/api/v1/insights/recruit-sources?cluster=life_health").json()
    assert first and first == c.get("/api/v1/insights/recruit-sources?cluster=life_health").json()
    assert len(opened) == 1
    assert c.get("/api/v1/insights/recruit-sources?cluster=no_such").json() == []
    assert len(opened) == 1


def test_visitors_share_the_kept_investor_view_until_a_new_snapshot(snapshot, db):
    from django.test import Client

    from talentpool.core.pagecache import page_cache_store
    from talentpool.insights.snapshot import snapshot_build

    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get("/insights/investors/").content.decode()
    two = second.get("/insights/investors/").content.decode()
    store = page_cache_store()
    assert len(store.entries) == 1 and store.served == 1
    assert token.sub("", one) == token.sub("", two)
    # the second visitor's copy carries a token of its own secret: its language form posts, the first's token not
    assert second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token.search(one).group(1)}
                       ).status_code == 403
    assert second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token.search(two).group(1)}
                       ).status_code == 302

    snapshot_build()  # a new snapshot is current: the view is made again
    Client().get("/insights/investors/")
    assert store.served == 1 and len(store.entries) == 2
