"""One shared fixture world: two districts, an enterprise in each, people in each, a user of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from talentpool.accounts.models import Role, User
from talentpool.registry.models import Education, Employment, InsuranceRecord, Talent

from .registry import make_enterprise, make_talent

PASSWORD = "correct-horse-9"


@dataclass
class World:
    officer: User
    officer_other: User
    admin: User
    hr: User
    hr_other: User
    talent_user: User
    talent: Talent
    talent_other_district: Talent
    colleague: Talent

    def users(self) -> dict[str, User]:
        return {"officer": self.officer, "officer_other": self.officer_other, "admin": self.admin,
                "enterprise": self.hr, "enterprise_other": self.hr_other, "talent": self.talent_user}


def _user(username: str, role: str, **kw) -> User:
    user = User(username=username, role=role, **kw)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    xihu_co = make_enterprise(name="西湖智造科技有限公司", division="330106", cluster="intelligent_manufacturing")
    yuhang_co = make_enterprise(name="余杭数字有限公司", division="330110", cluster="digital_economy")
    talent_user = _user("grad", Role.TALENT, display_name="李明")
    talent = make_talent(name="李明", district="330106", user=talent_user, birth=date(2001, 3, 9),
                         arrival_date=date(2024, 7, 1))
    colleague = make_talent(name="王芳", district="330106", birth=date(1996, 11, 2), gender="F")
    other = make_talent(name="赵强", district="330110", birth=date(1990, 1, 20))
    Education.objects.create(talent=talent, degree="master", university_code="4133010335", major_code="080901",
                             graduation_date=date(2024, 6, 30))
    Employment.objects.create(talent=talent, enterprise=xihu_co, start_date=date(2024, 7, 15), position="算法工程师")
    Employment.objects.create(talent=colleague, enterprise=xihu_co, start_date=date(2022, 3, 1), position="产品经理")
    Employment.objects.create(talent=other, enterprise=yuhang_co, start_date=date(2020, 5, 1))
    InsuranceRecord.objects.create(talent=talent, from_month=date(2024, 7, 1), to_month=date(2025, 6, 1),
                                   division="330106")
    return World(
        officer=_user("officer", Role.OFFICER, scope_division="330106"),
        officer_other=_user("officer_yh", Role.OFFICER, scope_division="330110"),
        admin=_user("admin", Role.ADMIN),
        hr=_user("hr", Role.ENTERPRISE, enterprise=xihu_co),
        hr_other=_user("hr_yh", Role.ENTERPRISE, enterprise=yuhang_co),
        talent_user=talent_user,
        talent=talent,
        talent_other_district=other,
        colleague=colleague,
    )
