"""The talent's journey on one page: 李明's arrival, registry record and hire, a stay, an event, a partner's
referral, a station fair, an application with an interview, a paid subsidy line and a service ticket — one list,
newest first, for him (portal page and API) and for his district's officer (page and API, each read on the audit
trail); another district's officer and other roles see nothing. The number of queries does not grow with the
records."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from talentpool.bookings import journey, resources, services
from talentpool.bookings.models import PartnerKind
from talentpool.core.models import AuditAction, AuditEvent
from talentpool.eligibility.models import Entitlement
from talentpool.fairs.models import Fair, Registration
from talentpool.policies.models import PolicyVersion
from talentpool.recruitment.models import Application, Interview, Job
from talentpool.servicedesk.models import Service, Ticket

from .conftest import NOW, TODAY, at


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="talentpool.accounts.backends.AccountBackend")
    return client


def _fair(world, *, days: int, title: str) -> Registration:
    start = at(TODAY + dt.timedelta(days=days), 9)
    fair = Fair.objects.create(kind="station", title=title, division="330106", starts_at=start,
                               ends_at=start + dt.timedelta(hours=8), status="published")
    return Registration.objects.create(fair=fair, talent=world.talent, state="confirmed", consent_at=NOW,
                                       qr_token=secrets.token_hex(8), arrival_at=start - dt.timedelta(hours=14),
                                       departure_at=start + dt.timedelta(days=2, hours=10))


def _records(world, places, n: int = 1) -> None:
    """``n`` of each kind of record for 李明."""
    version = PolicyVersion.objects.first()
    service = Service.objects.filter(internal=False).first()
    for i in range(n):
        _fair(world, days=3 + i, title=f"驿站招聘会{i}")
        job = Job.objects.create(enterprise=world.hr.enterprise, title=f"算法工程师{i}", occupation_code="2-02-10-03",
                                 division="330106", status="open")
        app = Application.objects.create(job=job, talent=world.talent)
        Interview.objects.create(application=app, starts_at=at(TODAY + dt.timedelta(days=4), 10 + i % 8),
                                 ends_at=at(TODAY + dt.timedelta(days=4), 11 + i % 8), uid=f"{secrets.token_hex(6)}@test")
        Entitlement.objects.create(subject=f"t{world.talent.pk}", talent=world.talent, policy=version.policy,
                                   policy_version=version, instalment=Entitlement.objects.count() + 1, amount=Decimal("1500.00"),
                                   due=TODAY, status="paid", paid_on=TODAY - dt.timedelta(days=1))
        Ticket.objects.create(talent=world.talent, service=service, team=service.team, subject=f"落户咨询{i}",
                              created_at=NOW - dt.timedelta(days=2), response_target=60, resolution_target=600)


@pytest.fixture
def full(world, places):
    services.lodging_book(actor=world.talent_user, station=places["station"], first_day=TODAY, nights=2)
    services.event_register(actor=world.talent_user, event=places["event"])
    resources.partner_create(actor=world.officer, name="青年企业家协会", kind=PartnerKind.ASSOCIATION,
                             enterprise=world.hr.enterprise)
    resources.referral_create(actor=world.hr, name="李明", phone="13800000001", target="service", service="落户")
    _records(world, places)
    return world


def test_the_journey_holds_every_source_newest_first(full):
    steps = journey.talent_journey(full.talent)
    sources = [s.source for s in steps]
    assert set(sources) == {"registry", "lodging", "event", "referral", "fair", "application", "interview",
                            "subsidy", "payment", "ticket"}
    assert [s.at for s in steps] == sorted((s.at for s in steps), reverse=True)
    assert steps[0].source == "interview"  # four days ahead: the newest step
    assert (steps[-1].source, steps[-1].at.date(), steps[-1].whole_day) == ("registry", dt.date(2024, 7, 1), True)
    paid = next(s for s in steps if s.source == "payment")
    assert (paid.amount, paid.at.date(), paid.whole_day) == (Decimal("1500.00"), TODAY - dt.timedelta(days=1), True)
    stay = next(s for s in steps if s.source == "lodging")
    assert "2025-03-03" in stay.detail and "2025-03-05" in stay.detail
    assert stay.link.startswith("/bookings/mine/")
    officer_stay = next(s for s in journey.talent_journey(full.talent, audience=journey.OFFICER)
                        if s.source == "lodging")
    assert officer_stay.link.startswith("/bookings/console/resources/")


def test_the_talent_reads_their_journey_on_the_portal_and_the_api(full):
    client = _client(full.talent_user)
    page = client.get("/bookings/journey/").content.decode()
    assert 'id="journey"' in page and "驿站招聘会0" in page and "青荷驿站·西溪站" in page and "落户咨询0" in page
    assert page.index("算法工程师0") < page.index("青荷驿站·西溪站")  # the interview (ahead) before the stay
    badges = dict(re.findall(r'data-source="(\w+)"><strong>[^<]*</strong>\s*<span class="badge">([^<]*)</span>', page))
    assert badges == {"registry": "人才库", "lodging": "住宿", "event": "活动", "fair": "招聘会", "application": "求职申请",
                      "interview": "面试", "subsidy": "补贴", "payment": "发放", "ticket": "服务", "referral": "伙伴推荐"}
    body = client.get("/api/v1/bookings/journey/me").json()
    assert {"source": "payment", "amount": "1500.00"}.items() <= next(s for s in body
                                                                      if s["source"] == "payment").items()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_PERSON).exists()


def test_the_officer_read_is_audited_and_scoped(full):
    client = _client(full.officer)
    page = client.get(f"/bookings/journey/{full.talent.pk}/")
    assert page.status_code == 200 and "驿站招聘会0" in page.content.decode()
    assert client.get(f"/api/v1/bookings/journey/{full.talent.pk}").status_code == 200
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW_PERSON, subject_talent_id=full.talent.pk)
    assert sorted(e.detail["channel"] for e in reads) == ["api", "journey"]
    assert reads.filter(actor=full.officer).count() == 2
    detail = client.get(f"/registry/talents/{full.talent.pk}/").content.decode()
    assert f'href="/bookings/journey/{full.talent.pk}/"' in detail
    other = _client(full.officer_other)
    assert other.get(f"/bookings/journey/{full.talent.pk}/").status_code == 404
    assert other.get(f"/api/v1/bookings/journey/{full.talent.pk}").status_code == 404
    assert reads.all().count() == 3  # the registry page's own read; none for the denied ones


def test_the_journey_link_is_in_the_talent_navigation(full):
    page = _client(full.talent_user).get("/bookings/mine/").content.decode()
    assert 'href="/bookings/journey/"' in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_page_cache")
def test_the_journey_reads_a_fixed_number_of_queries(full, places):
    talent_client, officer_client = _client(full.talent_user), _client(full.officer)
    me, theirs = "/bookings/journey/", f"/bookings/journey/{full.talent.pk}/"
    before = (_queries(talent_client, me), _queries(officer_client, theirs))
    _records(full, places, n=6)
    after = (_queries(talent_client, me), _queries(officer_client, theirs))
    assert after == before
    assert len(journey.talent_journey(full.talent)) > 40


def test_each_step_says_what_it_did_in_the_reader_s_language_with_its_own_link(full, places):
    """Every field of every step, word for word: the choice labels, the links and the titles are looked up once
    per journey (not per row), and must still be each row's own."""
    from django.utils import translation

    booking = {b.resource_id: b.pk for b in places["station"].bookings.all()} | {
        b.resource_id: b.pk for b in places["event"].bookings.all()}
    app, registration = Application.objects.get(talent=full.talent), Registration.objects.get(talent=full.talent)
    line, ticket = Entitlement.objects.get(talent=full.talent), Ticket.objects.get(talent=full.talent)
    station, event = places["station"].pk, places["event"].pk
    with translation.override("en"):
        mine = [(s.source, s.title, s.detail, s.status, s.link, s.whole_day)
                for s in journey.talent_journey(full.talent, audience=journey.TALENT)]
    with translation.override("zh-hans"):
        theirs = [(s.source, s.title, s.detail, s.status, s.link)
                  for s in journey.talent_journey(full.talent, audience=journey.OFFICER)]
    assert mine == [
        ("interview", "Interview for 算法工程师0", "西湖智造科技有限公司", "Scheduled",
         f"/recruitment/applications/mine/{app.pk}/", False),
        ("registry", "Registered with the talent office", "", "", "/registry/me/", False),
        ("event", "西湖英才学堂 第一讲", "2025-03-10 14:00", "Confirmed", f"/bookings/mine/{booking[event]}/", False),
        ("lodging", "青荷驿站·西溪站", "2025-03-03 to 2025-03-05, 2 nights", "Confirmed",
         f"/bookings/mine/{booking[station]}/", False),
        ("referral", "青年企业家协会 referred you to 落户", "Service", "Waiting for the talent's consent",
         "/bookings/mine/", False),
        ("fair", "驿站招聘会0", "2025-03-06", "Confirmed", f"/fairs/mine/{registration.pk}/", False),
        ("application", "Applied to 算法工程师0", "西湖智造科技有限公司", "Applied",
         f"/recruitment/applications/mine/{app.pk}/", False),
        ("subsidy", "Free stay for job seekers in Hangzhou youth stations", "instalment 1", "Paid", "/payments/mine/",
         False),
        ("payment", "Free stay for job seekers in Hangzhou youth stations", "", "Paid", "/payments/mine/", True),
        ("ticket", "落户咨询0", "Company registration", "New", f"/services/mine/{ticket.pk}/", False),
        ("registry", "Started at 西湖智造科技有限公司", "算法工程师", "", "/registry/me/", True),
        ("registry", "Arrived in the district", "", "", "/registry/me/", True)]
    record = f"/registry/talents/{full.talent.pk}/"
    assert theirs == [
        ("interview", "面试：算法工程师0", "西湖智造科技有限公司", "已安排", ""),
        ("registry", "在人才办登记", "", "", record),
        ("event", "西湖英才学堂 第一讲", "2025-03-10 14:00", "已确认", f"/bookings/console/resources/{event}/"),
        ("lodging", "青荷驿站·西溪站", "2025-03-03 至 2025-03-05，共 2 晚", "已确认",
         f"/bookings/console/resources/{station}/"),
        ("referral", "青年企业家协会 推荐其参加：落户", "服务", "等待人才同意", ""),
        ("fair", "驿站招聘会0", "2025-03-06", "已确认", f"/fairs/office/{registration.fair_id}/"),
        ("application", "投递岗位：算法工程师0", "西湖智造科技有限公司", "已投递", ""),
        ("subsidy", "杭州青荷驿站求职免费住宿", "第 1 期", "已发放", f"/payments/lines/{line.pk}/"),
        ("payment", "杭州青荷驿站求职免费住宿", "", "已发放", f"/payments/lines/{line.pk}/"),
        ("ticket", "落户咨询0", "企业设立登记", "新建", f"/services/console/{ticket.pk}/"),
        ("registry", "入职 西湖智造科技有限公司", "算法工程师", "", record),
        ("registry", "来区", "", "", record)]
