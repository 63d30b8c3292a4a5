"""Maps and KPIs in a real browser under the production CSP: the officer filters the talent map, drills into a
province and exports the monthly report; an anonymous investor reads the industry map. Screenshots of each step."""

from __future__ import annotations

import pytest
from factories.insights import build_insights_registry
from factories.world import build_world

from talentpool.insights.snapshot import snapshot_build

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.INSIGHTS_SNAPSHOT_DIR = str(tmp_path / "insights")
    w = build_world()
    build_insights_registry(w)
    snapshot_build()
    return w


def _charts_ready(page) -> None:
    page.wait_for_selector("[data-chart][data-ready='1']")
    assert page.locator("[data-chart]").count() == page.locator("[data-chart][data-ready='1']").count()


def test_officer_filters_the_talent_map_drills_in_and_exports_the_report(page, shot, login, world):
    login(page, world.officer)
    page.goto("/insights/talents/?arrival_year=2026")
    _charts_ready(page)
    shot(page, "talent-map-2026")
    page.select_option("#degree", "bachelor")
    with page.expect_navigation():
        page.click("#map-filters button[type=submit]")
    _charts_ready(page)
    assert "degree=bachelor" in page.url and "arrival_year=2026" in page.url
    shot(page, "filtered-bachelors")
    # a click on Hubei: the chart's own click event, with the data item the option gave it
    with page.expect_navigation():
        page.evaluate("""() => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-chart=origin]'));
            const item = chart.getOption().series[0].data.find(d => d.code === '420000');
            chart.trigger('click', {data: item});
        }""")
    assert "province=42" in page.url and "degree=bachelor" in page.url
    _charts_ready(page)
    assert page.locator("[data-chart=cities]").is_visible()
    assert page.locator("#table-cities tbody tr").count() == 1
    shot(page, "drilled-into-hubei")
    page.goto("/insights/?as_of=2026-06-15")
    _charts_ready(page)
    shot(page, "kpi-dashboard")
    with page.expect_download() as download:
        page.click("#export-pdf")
    assert download.value.suggested_filename == "monthly-report-2026-06.pdf"


def test_anonymous_investor_reads_the_industry_map(page, shot, world):
    page.goto("/insights/investors/")
    _charts_ready(page)
    shot(page, "investor-view")
    text = page.locator("main").inner_text()
    assert "李明" not in text and "<5" in text
