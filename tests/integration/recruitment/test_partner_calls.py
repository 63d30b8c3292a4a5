"""The partners' maintained call counts (``recruitment.partner_calls``, kept by triggers on the call log): after
every kind of write they equal a direct count of the log, and the administrators' list and API show them without
reading the log."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from talentpool.recruitment import partner_calls, services
from talentpool.recruitment.models import Partner, PartnerCalls, PartnerExchange
from talentpool.recruitment.partner_calls import (
    calls_by_partner,
    partner_calls_compact,
    partner_calls_rebuild,
)

API = "/api/v1/recruitment/partner"


def _direct() -> dict[int, int]:
    rows = PartnerExchange.objects.order_by().values("partner_id").annotate(n=Count("pk"))
    return {r["partner_id"]: r["n"] for r in rows}


def _log(partner_id: int, n: int) -> None:
    for _ in range(n):
        services.partner_exchange_log(partner_id=partner_id, method="GET", path="/x", direction="out")


def test_counts_follow_every_kind_of_write(rec):
    other, key = services.partner_create(actor=rec.world.admin, name="猎头公司", scopes=["jobs:read"])
    assert calls_by_partner() == _direct()
    Client(HTTP_X_PARTNER_KEY=key).get(f"{API}/jobs")  # a real call, logged by the API
    _log(rec.partner.pk, 3)
    assert calls_by_partner() == _direct() == {rec.partner.pk: 3, other.pk: 1}
    PartnerExchange.objects.bulk_create([PartnerExchange(partner=other, method="GET", path="/y", direction="out")
                                         for _ in range(5)])  # one statement of many rows
    assert calls_by_partner() == _direct() == {rec.partner.pk: 3, other.pk: 6}
    PartnerExchange.objects.filter(pk__in=PartnerExchange.objects.filter(path="/y").values("pk")[:2]).delete()
    assert calls_by_partner() == _direct() == {rec.partner.pk: 3, other.pk: 4}
    PartnerExchange.objects.filter(partner=rec.partner).update(partner=other)  # moved between partners
    assert calls_by_partner() == _direct() == {other.pk: 7}
    Partner.objects.filter(pk=other.pk).delete()  # the log goes with its partner (cascade)
    assert calls_by_partner() == _direct() == {}


def test_folding_and_rebuilding_keep_the_counts(rec):
    _log(rec.partner.pk, 4)
    before = calls_by_partner()
    assert before == {rec.partner.pk: 4}
    if connection.vendor == "postgresql":
        assert PartnerCalls.objects.count() == 4  # a delta row per logging statement
    assert partner_calls_compact() == 1 and calls_by_partner() == before
    PartnerCalls.objects.all().delete()  # out of step, as a TRUNCATE would leave it
    assert calls_by_partner() == {}
    partner_calls_rebuild()
    assert calls_by_partner() == before


def test_a_read_past_the_threshold_folds(rec, monkeypatch):
    monkeypatch.setattr(partner_calls, "FOLD_ABOVE", 2)
    _log(rec.partner.pk, 3)
    assert calls_by_partner() == {rec.partner.pk: 3}
    assert PartnerCalls.objects.count() == 1  # folded (SQLite keeps one row per partner anyway)
    assert calls_by_partner() == {rec.partner.pk: 3}


def test_the_administrators_list_and_api_show_the_counts_without_reading_the_log(rec):
    _log(rec.partner.pk, 12)
    admin = Client()
    admin.force_login(rec.world.admin)
    with CaptureQueriesContext(connection) as queries:
        page = admin.get("/recruitment/partners/")
    assert page.status_code == 200
    row = next(p for p in page.context["partners"] if p.pk == rec.partner.pk)
    assert row.exchange_count == 12 and "<td>12</td>" in page.content.decode()
    assert not any("recruitment_partnerexchange" in q["sql"] for q in queries.captured_queries)
    listed = {p["id"]: p["calls"] for p in admin.get("/api/v1/recruitment/partners").json()}
    assert listed[rec.partner.pk] == 12
    _log(rec.partner.pk, 1)
    assert {p["id"]: p["calls"] for p in admin.get("/api/v1/recruitment/partners").json()}[rec.partner.pk] == 13
