"""Every KPI of the dashboard computed over a known registry, exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentpool.insights import figures

from .conftest import AS_OF


def test_totals_tiers_and_new_graduates(snapshot):
    con = figures.connect(snapshot.path)
    # 330106: 李明, 王芳 (no arrival), six new, 老张, 老李 = 10
    assert figures.talent_total(con, as_of=AS_OF, scope="330106") == 10
    assert figures.talent_total(con, as_of=date(2026, 3, 1), scope="330106") == 6  # 2 of the new by then
    assert figures.talent_total(con, as_of=AS_OF, scope="3301") == 13
    assert figures.talents_by_tier(con, as_of=AS_OF, scope="330106") == [{"tier": "E", "people": 2}]
    grads = figures.new_graduates(con, as_of=AS_OF, scope="330106")
    assert grads == {"people": 5, "rank": 1, "districts": 2}  # 330110 has 2
    assert figures.new_graduates(con, as_of=AS_OF, scope="330110")["rank"] == 2


def test_subsidies_paid_by_policy_in_decimal_yuan(snapshot, registry):
    con = figures.connect(snapshot.path)
    rows = figures.subsidies_paid(con, as_of=AS_OF, scope="330106")
    assert rows == [{"policy": registry["policy"], "people": 3, "lines": 3, "amount": Decimal("3001.50")}]
    assert figures.subsidies_paid(con, as_of=date(2026, 4, 20), scope="330106")[0]["people"] == 1
    assert figures.subsidies_paid(con, as_of=AS_OF, scope="330110") == []


def test_net_inflow_and_monthly_trend(snapshot):
    con = figures.connect(snapshot.path)
    # last complete month is May 2026: 新人0 stopped after April (stop month May); 李明 stopped after 2025-06
    assert figures.net_inflow(con, as_of=AS_OF, scope="330106") == {"arrivals": 6, "stops": 1, "net": 5}
    months = {m["month"]: m for m in figures.monthly(con, as_of=AS_OF, scope="330106")}
    assert len(months) == 12
    assert (months[date(2026, 2, 1)]["arrivals"], months[date(2026, 3, 1)]["arrivals"],
            months[date(2026, 4, 1)]["arrivals"]) == (2, 2, 2)
    assert months[date(2026, 5, 1)]["stops"] == 1
    assert months[date(2025, 7, 1)]["stops"] == 1  # 李明
    assert months[date(2026, 6, 1)]["talents"] == 10
    assert months[date(2026, 4, 1)]["paid"] == Decimal("3001.50")
    kpis = figures.kpis(con, as_of=AS_OF, scope="330106")
    assert kpis["same_month_last_year"]["last_year"]["paid"] == Decimal("999.99")
    assert kpis["same_month_last_year"]["this_year"]["paid"] == Decimal("0.00")


def test_retention_one_and_three_years(snapshot):
    con = figures.connect(snapshot.path)
    # 1 year: arrivals 2024-06-16..2025-06-15: 李明 (2024-07-01), insured in 2025-07? no (to 2025-06)
    assert figures.retention(con, as_of=AS_OF, scope="330106", years=1) == {
        "years": 1, "cohort": 1, "retained": 0, "rate": 0.0}
    # 3 years: arrivals 2022-06-16..2023-06-15: 老张 insured 2025-09, 老李 not in 2026-03
    assert figures.retention(con, as_of=AS_OF, scope="330106", years=3) == {
        "years": 3, "cohort": 2, "retained": 1, "rate": 50.0}


def test_early_warning_reasons(snapshot, registry):
    con = figures.connect(snapshot.path)
    rows = figures.early_warning(con, as_of=date(2026, 5, 20), scope="330106")
    # last complete month April: 新人0 insured March and April… stops after April, so not yet; as of June it is
    assert {r["talent_id"]: r["reasons"] for r in rows} == {registry["people"][5].pk: ["employer_outside"]}
    rows = figures.early_warning(con, as_of=AS_OF, scope="330106")
    assert {r["talent_id"]: r["reasons"] for r in rows} == {
        registry["people"][0].pk: ["insurance_stopped"], registry["people"][5].pk: ["employer_outside"]}


def test_small_cells_are_suppressed():
    rows = [{"k": "a", "people": 4, "amount": 1}, {"k": "b", "people": 5, "amount": 2}, {"k": "c", "people": 0}]
    assert figures.suppress(rows, also=("amount",)) == [
        {"k": "a", "people": None, "amount": None}, {"k": "b", "people": 5, "amount": 2}, {"k": "c", "people": 0}]
