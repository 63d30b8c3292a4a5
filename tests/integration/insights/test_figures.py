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
    people, desk = registry["people"], registry["desk"]
    # as of 20 May: last complete month April, 新人0 was insured in April (stops after it); 新人5 still works in
    # the district; 老张 has worked outside the district since 2023: a state, not a move, so never a warning
    assert figures.early_warning(con, as_of=date(2026, 5, 20), scope="330106") == []
    rows = figures.early_warning(con, as_of=AS_OF, scope="330106")
    assert {r["talent_id"]: (r["reasons"], r["officer_id"]) for r in rows} == {
        people[0].pk: (["insurance_stopped"], desk["mine"].pk),
        people[5].pk: (["employer_outside"], desk["other"].pk)}  # moved to 330110 on 1 June
    # a month and more after the move it is no longer news (their insurance stopping in June is)
    later = {r["talent_id"]: r["reasons"] for r in figures.early_warning(con, as_of=date(2026, 7, 5), scope="330106")}
    assert later[people[5].pk] == ["insurance_stopped"]
    assert all("employer_outside" not in reasons for reasons in later.values())


def test_early_warning_filtered_by_one_to_one_officer(snapshot, registry):
    con = figures.connect(snapshot.path)
    people, desk = registry["people"], registry["desk"]
    mine = figures.early_warning(con, as_of=AS_OF, scope="330106", officer=desk["mine"].pk)
    assert [r["talent_id"] for r in mine] == [people[0].pk]
    assert figures.early_warning(con, as_of=AS_OF, scope="330106", officer=desk["other"].pk, count_only=True) == 1
    assert figures.early_warning(con, as_of=AS_OF, scope="330106", officer=figures.UNASSIGNED) == []
    assert figures.early_warning(con, as_of=AS_OF, scope="330106", count_only=True) == 2


def test_fairs_and_intents(snapshot):
    con = figures.connect(snapshot.path)
    assert figures.fair_intents(con, as_of=AS_OF, scope="330106") == {
        "fairs": 1, "registrants": 4, "checked_in": 2, "interviews": 3, "intents": 2, "strong": 1}
    # on the day of the fair the 'maybe' was not yet recorded; before it nothing was held
    assert figures.fair_intents(con, as_of=date(2026, 3, 12), scope="330106")["intents"] == 1
    assert figures.fair_intents(con, as_of=date(2026, 3, 11), scope="330106") == {
        "fairs": 0, "registrants": 0, "checked_in": 0, "interviews": 0, "intents": 0, "strong": 0}
    # the city adds 330110's fair of 1 April (one registrant); July's fair of 330106 counts from July
    assert figures.fair_intents(con, as_of=AS_OF, scope="3301")["fairs"] == 2
    assert figures.fair_intents(con, as_of=AS_OF, scope="3301")["registrants"] == 5
    assert figures.fair_intents(con, as_of=date(2026, 7, 1), scope="330106")["registrants"] == 5


def test_tickets_within_sla(snapshot):
    con = figures.connect(snapshot.path)
    # resolved 1 Jan..15 Jun: 2 Feb (met), 10 Mar (missed), 5 Jan (met, raised in 2025); 20 Jun not yet
    # breaches: raised this year and resolved late (10 Mar) or open past due (1 May)
    assert figures.tickets_within_sla(con, as_of=AS_OF, scope="330106") == {
        "resolved": 3, "within_sla": 2, "share": 66.7, "breaches": 2}
    assert figures.tickets_within_sla(con, as_of=AS_OF, scope="3301") == {
        "resolved": 4, "within_sla": 2, "share": 50.0, "breaches": 3}
    assert figures.tickets_within_sla(con, as_of=date(2026, 1, 4), scope="330106") == {
        "resolved": 0, "within_sla": 0, "share": None, "breaches": 0}
    kpis = figures.kpis(con, as_of=AS_OF, scope="330106")
    assert kpis["tickets_within_sla"]["share"] == 66.7 and kpis["fairs"]["intents"] == 2


def test_small_cells_are_suppressed():
    rows = [{"k": "a", "people": 4, "amount": 1}, {"k": "b", "people": 5, "amount": 2}, {"k": "c", "people": 0}]
    assert figures.suppress(rows, also=("amount",)) == [
        {"k": "a", "people": None, "amount": None}, {"k": "b", "people": 5, "amount": 2}, {"k": "c", "people": 0}]


def test_the_days_dashboard_is_precomputed_and_reads_back_exactly(snapshot):
    from django.utils import timezone

    from talentpool.insights.snapshot import kpis_of_the_day

    day = timezone.localtime(snapshot.built_at).date()
    con = figures.connect(snapshot.path)
    for scope in ("330106", "3301", ""):
        assert kpis_of_the_day(snapshot, scope) == figures.kpis(con, as_of=day, scope=scope)
    assert kpis_of_the_day(snapshot, "330199") is None


def test_the_days_unfiltered_talent_map_is_precomputed_and_reads_back_exactly(snapshot):
    from django.utils import timezone

    from talentpool.insights import maps
    from talentpool.insights.snapshot import talent_map_of_the_day

    day = timezone.localtime(snapshot.built_at).date()
    con = figures.connect(snapshot.path)
    for scope in ("330106", "3301"):
        ready = talent_map_of_the_day(snapshot, scope)
        assert ready == maps.talent_map(con, as_of=day, scope=scope, f=maps.Filters()) and ready["by_province"]
