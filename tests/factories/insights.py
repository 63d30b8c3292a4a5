"""A small registry whose every insights figure is known (tests/integration/insights, tests/browser)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from talentpool.accounts.models import Role, User
from talentpool.eligibility.models import Entitlement, Status
from talentpool.fairs.models import Booth, BoothStatus, Fair, FairKind, FairStatus, Intent, Registration, Slot
from talentpool.registry.models import Education, Employment, InsuranceRecord
from talentpool.servicedesk.models import DeskOfficer, Office, OneToOne, Service, Team, Ticket

from .policies import publish_living_policy
from .registry import make_enterprise, make_talent


def _insured(talent, first: date, last: date, division: str = "330106") -> None:
    InsuranceRecord.objects.create(talent=talent, from_month=first, to_month=last, division=division)


def build_insights_registry(world) -> dict:
    """On top of the world (李明 arrived 2024-07-01 in 330106, insured 2024-07..2025-06; 王芳 330106 no arrival;
    赵强 330110): six graduates arrived in 330106 in 2026 (five under 35), two in 330110, tiers, paid lines; 新人5
    moved to an employer in 330110 on 2026-06-01, 老张 has worked there since 2023; fairs, tickets and one-to-one
    officers (``_fairs``, ``_desk``)."""
    co = make_enterprise(name="生命健康有限公司", division="330106", cluster="life_health")
    away = make_enterprise(name="外区公司", division="330110", cluster="digital_economy")
    people = []
    for i in range(6):
        birth = date(1985, 1, 1) if i == 5 else date(2000, 1, 1 + i)
        t = make_talent(name=f"新人{i}", district="330106", birth=birth, arrival_date=date(2026, 2 + i % 3, 10),
                        hukou_division="420102" if i < 4 else "510104", tier="E" if i < 2 else "")
        Education.objects.create(talent=t, degree="bachelor" if i < 3 else "master", major_code="080901",
                                 university_code="4142010486", graduation_date=date(2025, 6, 30))
        Employment.objects.create(talent=t, enterprise=co, start_date=date(2026, 3, 1),
                                  end_date=date(2026, 6, 1) if i == 5 else None)
        if i == 5:  # moved to an employer outside the district on 1 June (an early warning as of mid-June)
            Employment.objects.create(talent=t, enterprise=away, start_date=date(2026, 6, 1))
        _insured(t, date(2026, 3, 1), date(2026, 5, 1) if i != 0 else date(2026, 4, 1))
        people.append(t)
    for i in range(2):
        t = make_talent(name=f"余杭{i}", district="330110", birth=date(2001, 5, 5), arrival_date=date(2026, 3, 1))
        Education.objects.create(talent=t, degree="bachelor", graduation_date=date(2025, 6, 30))
    yuhang = t
    # three years ago: one of two who arrived is still insured in the district 36 months later
    kept = make_talent(name="老张", district="330106", birth=date(1990, 2, 2), arrival_date=date(2022, 9, 1))
    gone = make_talent(name="老李", district="330106", birth=date(1990, 2, 2), arrival_date=date(2023, 3, 1))
    _insured(kept, date(2022, 9, 1), date(2026, 5, 1))
    Employment.objects.create(talent=kept, enterprise=away, start_date=date(2023, 1, 1))  # outside for years: no warning
    _insured(gone, date(2023, 3, 1), date(2024, 1, 1))
    version = publish_living_policy()
    for n, t in enumerate(people[:3]):
        Entitlement.objects.create(subject=f"t{t.pk}", talent=t, policy=version.policy, policy_version=version,
                                   instalment=1, amount=Decimal("1000.50"), due=date(2026, 4, 1), district="330106",
                                   status=Status.PAID, paid_on=date(2026, 4, 20 + n))
    Entitlement.objects.create(subject=f"t{people[3].pk}", talent=people[3], policy=version.policy,
                               policy_version=version, instalment=1, amount=Decimal("999.99"), due=date(2025, 4, 1),
                               district="330106", status=Status.PAID, paid_on=date(2025, 6, 2))
    officers = _desk(world, people, yuhang=yuhang)
    _fairs(world, people, co, yuhang=yuhang)
    return {"people": people, "kept": kept, "gone": gone, "policy": version.policy.code, "world": world,
            "desk": officers}


SH = ZoneInfo("Asia/Shanghai")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SH)


def _fair(division: str, day: date, status: str = FairStatus.PUBLISHED) -> Fair:
    return Fair.objects.create(kind=FairKind.STATION, title=f"招聘会{day}", division=division, starts_at=_at(day, 9),
                               ends_at=_at(day, 13), status=status)


def _register(fair: Fair, talent, on: date, checked_in: date | None = None) -> Registration:
    reg = Registration.objects.create(fair=fair, talent=talent, state="confirmed", consent_at=_at(on),
                                      qr_token=f"q{fair.pk}-{talent.pk}",
                                      checked_in_at=_at(checked_in) if checked_in else None)
    Registration.objects.filter(pk=reg.pk).update(created_at=_at(on))  # auto_now_add: the day it was made
    return reg


def _fairs(world, people, enterprise, *, yuhang) -> None:
    """330106 held one fair this year (2026-03-12): 4 registered, 2 checked in, 3 interviews, a strong intent on
    the day and a 'maybe' the day after. Not counted as of 2026-06-15 in 330106: its fair of 2026-07-01, of
    2025-11-01, a draft; 330110's fair of 2026-04-01 (1 registrant) counts for the city."""
    day = date(2026, 3, 12)
    fair = _fair("330106", day)
    booth = Booth.objects.create(fair=fair, enterprise=enterprise, status=BoothStatus.APPROVED, opens_at=_at(day, 9),
                                 closes_at=_at(day, 13))
    regs = [_register(fair, t, date(2026, 3, 1), day if i < 2 else None) for i, t in enumerate(people[:4])]
    for i, reg in enumerate(regs[:3]):
        slot = Slot.objects.create(fair=fair, registration=reg, booth=booth, starts_at=_at(day, 10 + i),
                                   ends_at=_at(day, 10 + i).replace(minute=20))
        if i < 2:
            intent = Intent.objects.create(slot=slot, level="strong" if i == 0 else "maybe")
            Intent.objects.filter(pk=intent.pk).update(at=_at(date(2026, 3, 12 + i), 15))  # auto_now
    for division, held, status in (("330106", date(2026, 7, 1), FairStatus.PUBLISHED),
                                   ("330106", date(2025, 11, 1), FairStatus.PUBLISHED),
                                   ("330106", date(2026, 5, 1), FairStatus.DRAFT),
                                   ("330110", date(2026, 4, 1), FairStatus.PUBLISHED)):
        _register(_fair(division, held, status), yuhang if division == "330110" else people[4], held)


def _desk(world, people, *, yuhang) -> dict:
    """Two desk officers: the world's officer is 新人0's one-to-one officer, 周敏 is 新人5's. Tickets (as of
    2026-06-15, 330106): resolved this year 3 (2 within SLA: 66.7%), breaches 2; the city adds one resolved late."""
    office = Office.objects.create(code="ins-office", name="西湖人才服务中心")
    team = Team.objects.create(office=office, code="ins-team", name="综合")
    service = Service.objects.create(code="ins-service", life_stage="support", name_zh="咨询", name_en="Advice",
                                     team=team)
    mine = DeskOfficer.objects.get_or_create(user=world.officer)[0]
    other = DeskOfficer.objects.create(user=User.objects.create(username="desk_zhou", role=Role.OFFICER,
                                                                scope_division="330106", display_name="周敏"))
    OneToOne.objects.create(talent=people[0], officer=mine)
    OneToOne.objects.create(talent=people[5], officer=other)
    for talent, raised, resolved, state, status in (
            (people[0], date(2026, 2, 1), date(2026, 2, 3), "met", "resolved"),
            (people[1], date(2026, 3, 1), date(2026, 3, 10), "missed", "closed"),
            (people[2], date(2026, 5, 1), None, "breached", "open"),
            (people[3], date(2026, 6, 1), None, "ok", "new"),
            (people[4], date(2025, 12, 1), date(2026, 1, 5), "met", "resolved"),
            (people[5], date(2026, 6, 10), date(2026, 6, 20), "met", "resolved"),
            (yuhang, date(2026, 2, 1), date(2026, 2, 2), "missed", "resolved")):
        Ticket.objects.create(talent=talent, service=service, team=team, subject="咨询", created_at=_at(raised),
                              resolved_at=_at(resolved, 16) if resolved else None, sla_state=state, status=status,
                              response_target=3600, resolution_target=36000)
    return {"mine": mine, "other": other}
