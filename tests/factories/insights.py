"""A small registry whose every insights figure is known (tests/integration/insights, tests/browser)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from talentpool.eligibility.models import Entitlement, Status
from talentpool.registry.models import Education, Employment, InsuranceRecord

from .policies import publish_living_policy
from .registry import make_enterprise, make_talent


def _insured(talent, first: date, last: date, division: str = "330106") -> None:
    InsuranceRecord.objects.create(talent=talent, from_month=first, to_month=last, division=division)


def build_insights_registry(world) -> dict:
    """On top of the world (李明 arrived 2024-07-01 in 330106, insured 2024-07..2025-06; 王芳 330106 no arrival;
    赵强 330110): six graduates arrived in 330106 in 2026 (five under 35), two in 330110, tiers, paid lines."""
    co = make_enterprise(name="生命健康有限公司", division="330106", cluster="life_health")
    away = make_enterprise(name="外区公司", division="330110", cluster="digital_economy")
    people = []
    for i in range(6):
        birth = date(1985, 1, 1) if i == 5 else date(2000, 1, 1 + i)
        t = make_talent(name=f"新人{i}", district="330106", birth=birth, arrival_date=date(2026, 2 + i % 3, 10),
                        hukou_division="420102" if i < 4 else "510104", tier="E" if i < 2 else "")
        Education.objects.create(talent=t, degree="bachelor" if i < 3 else "master", major_code="080901",
                                 university_code="4142010486", graduation_date=date(2025, 6, 30))
        Employment.objects.create(talent=t, enterprise=co if i < 5 else away, start_date=date(2026, 3, 1))
        _insured(t, date(2026, 3, 1), date(2026, 5, 1) if i != 0 else date(2026, 4, 1))
        people.append(t)
    for i in range(2):
        t = make_talent(name=f"余杭{i}", district="330110", birth=date(2001, 5, 5), arrival_date=date(2026, 3, 1))
        Education.objects.create(talent=t, degree="bachelor", graduation_date=date(2025, 6, 30))
    # three years ago: one of two who arrived is still insured in the district 36 months later
    kept = make_talent(name="老张", district="330106", birth=date(1990, 2, 2), arrival_date=date(2022, 9, 1))
    gone = make_talent(name="老李", district="330106", birth=date(1990, 2, 2), arrival_date=date(2023, 3, 1))
    _insured(kept, date(2022, 9, 1), date(2026, 5, 1))
    _insured(gone, date(2023, 3, 1), date(2024, 1, 1))
    version = publish_living_policy()
    for n, t in enumerate(people[:3]):
        Entitlement.objects.create(subject=f"t{t.pk}", talent=t, policy=version.policy, policy_version=version,
                                   instalment=1, amount=Decimal("1000.50"), due=date(2026, 4, 1), district="330106",
                                   status=Status.PAID, paid_on=date(2026, 4, 20 + n))
    Entitlement.objects.create(subject=f"t{people[3].pk}", talent=people[3], policy=version.policy,
                               policy_version=version, instalment=1, amount=Decimal("999.99"), due=date(2025, 4, 1),
                               district="330106", status=Status.PAID, paid_on=date(2025, 6, 2))
    return {"people": people, "kept": kept, "gone": gone, "policy": version.policy.code, "world": world}
