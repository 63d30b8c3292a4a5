"""The recruitment world: the shared fixture world plus the few reference codes the services check, jobs of both
enterprises, 李明's profile and applications (one with an interview, one with an offer), profiles of talents who
did and did not let enterprises find them, and a partner with every scope.

Each test gets a fresh match index in its own directory (nothing saved by a developer's ``match rebuild`` is
loaded), and runs at ``NOW`` (the clock set with time-machine, moving on from there): dates in the tests are
written from ``TODAY``, never read from the clock. ``NOW`` is 07:30 in Shanghai, when the UTC date is still the
day before: a test or a service that took the date in the wrong zone would fail every time, not only in the
evening."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories.world import World, build_world

from talentpool.recruitment import services
from talentpool.recruitment.matching import index_reset
from talentpool.recruitment.models import Application, Interview, Job, JobProfile, Partner
from talentpool.reference.models import Division, Major, Occupation
from talentpool.registry.models import Education

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 11, 7, 30, tzinfo=SHANGHAI)  # 2026-03-10 23:30 UTC
TODAY = NOW.date()  # the office's (Asia/Shanghai) date, which the services use

OCCUPATIONS = {
    "2-02-10-00": "信息和通信工程技术人员",
    "2-02-10-03": "计算机软件工程技术人员",
    "2-02-10-05": "信息系统分析工程技术人员",
    "4-04-05-01": "计算机程序设计员",
    "2-06-03-00": "会计专业人员",
}
MAJORS = {"08": "工学", "0809": "计算机类", "080901": "计算机科学与技术", "080902": "软件工程", "12": "管理学",
          "1202": "工商管理类", "120203": "会计学"}
DIVISIONS = {"330000": "浙江省", "330100": "杭州市", "330106": "西湖区", "330110": "余杭区"}

SOFTWARE_JOB = {
    "title": "Python后端开发工程师",
    "description": "负责推荐系统后端服务开发，使用Python、Django和MySQL，参与微服务架构设计。",
    "occupation_code": "2-02-10-03",
    "min_degree": "bachelor",
    "accepted_majors": ["0809"],
    "skills": ["Python", "Django", "MySQL"],
    "min_years": 0,
    "salary_min": 12000,
    "salary_max": 20000,
    "division": "330106",
    "headcount": 2,
}
ACCOUNTING_JOB = {
    "title": "成本会计",
    "description": "负责成本核算、财务报表编制和税务申报，熟悉用友财务软件和Excel。",
    "occupation_code": "2-06-03-00",
    "accepted_majors": ["1202"],
    "skills": ["会计", "Excel", "税务"],
    "salary_min": 8000,
    "salary_max": 14000,
    "division": "330106",
}


def reference_rows() -> None:
    Occupation.objects.bulk_create([Occupation(code=c, name=n, level="item") for c, n in OCCUPATIONS.items()])
    Major.objects.bulk_create([Major(code=c, name=n, level="item") for c, n in MAJORS.items()])
    Division.objects.bulk_create([Division(code=c, name=n, level="county") for c, n in DIVISIONS.items()])


def future(days: int = 1, hour: int = 10, minutes: int = 0) -> dt.datetime:
    """A time ``days`` after ``TODAY``, in Shanghai."""
    day = TODAY + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minutes), tzinfo=SHANGHAI)


@dataclass
class Recruitment:
    world: World
    job: Job              # 西湖智造's open software job; 李明 applied (interview scheduled)
    job_open: Job         # another open job of 西湖智造, nobody applied
    job_offer: Job        # 李明 applied and has an offer
    job_other: Job        # 余杭数字's open job (the other district)
    application: Application
    offer_application: Application
    interview: Interview
    partner: Partner
    partner_key: str


@pytest.fixture(autouse=True)
def clock():
    """The clock stands at ``NOW`` when the test starts (and moves on); ``clock.move_to(...)`` travels."""
    with time_machine.travel(NOW) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_index(settings, tmp_path):
    settings.TALENTPOOL_MATCHING_DIR = tmp_path / "matching"
    index_reset()
    yield
    index_reset()


@pytest.fixture
def world(db) -> World:
    reference_rows()
    return build_world()


@pytest.fixture
def rec(world) -> Recruitment:
    w = world
    deadline = TODAY + dt.timedelta(days=30)
    job = services.job_create(actor=w.hr, status="open", deadline=deadline, **SOFTWARE_JOB)
    job_open = services.job_create(actor=w.hr, status="open", **ACCOUNTING_JOB)
    job_offer = services.job_create(actor=w.hr, status="open", **(SOFTWARE_JOB | {"title": "数据开发工程师"}))
    job_other = services.job_create(actor=w.hr_other, status="open", **(SOFTWARE_JOB | {"division": "330110"}))
    services.profile_save(actor=w.talent_user, resume="计算机科学与技术硕士，熟悉Python、Django和机器学习。",
                          skills=["Python", "机器学习"], desired_occupations=["2-02-10-03"],
                          desired_divisions=["330100"], consent_search=False)
    JobProfile.objects.create(talent=w.colleague, resume="产品经理，熟悉Python。", skills=["python"],
                              consent_search=False)
    JobProfile.objects.create(talent=w.talent_other_district, resume="软件工程师，熟悉Python、Django和MySQL。",
                              skills=["python", "django"], consent_search=True)
    Education.objects.create(talent=w.talent_other_district, degree="bachelor", major_code="080902",
                             graduation_date=dt.date(2012, 6, 30))
    application = services.apply(actor=w.talent_user, job_id=job.pk, message="期待加入")
    interview = services.interview_schedule(actor=w.hr, application_id=application.pk, starts_at=future(2),
                                            ends_at=future(2, 11), location="西湖区文三路1号",
                                            interviewers=["张经理"])
    offer_application = services.apply(actor=w.talent_user, job_id=job_offer.pk)
    services.offer_make(actor=w.hr, application_id=offer_application.pk, salary=15000,
                        start_date=TODAY + dt.timedelta(days=20))
    partner, key = services.partner_create(actor=w.admin, name="杭州人才网",
                                           scopes=["jobs:read", "jobs:write", "candidates:read"],
                                           enterprise_id=w.hr.enterprise_id)
    return Recruitment(w, job, job_open, job_offer, job_other, application, offer_application, interview, partner,
                       key)
