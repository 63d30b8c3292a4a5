"""Demo recruitment data on top of a demo district: jobs, job profiles and a few applications at every stage.

``demo_recruitment(seed, jobs=N)`` (called by the demo command after the registry is generated):

- ``N`` jobs from ``engines.matching.generate_jobs`` spread over the enterprises (an enterprise of the same
  industry division when there is one), each in its enterprise's division; most open with a deadline weeks ahead,
  a few drafts, paused and closed; the first enterprise (the ``hr`` login) always gets several open jobs;
- a job profile for about 85% of the talents, written like ``generate_talents`` writes résumés and chosen for
  each talent's own major (same major class, else category), with wishes near their district; about 60% let
  enterprises find them;
- a handful of applications at every stage with their history — notes, interviews ahead, an offer, hires (with
  the registry's employment record), a rejection and a withdrawal — including two of the ``talent`` login to
  the ``hr`` login's jobs, one with an interview tomorrow.

It replaces the recruitment data of the district (jobs of the enterprises, profiles and applications of the
talents) and asks every process to rebuild its match index. Rows go in with ``bulk_create``: 3,000 talents take
a second or two, most of it writing résumés.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
import uuid
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from talentpool.accounts.models import Role, User
from talentpool.engines.matching import (
    DEGREE_RANKS,
    MAX_JOB_TEXT_CHARS,
    MAX_RESUME_CHARS,
    MAX_TITLE_CHARS,
    clean_text,
    generate_jobs,
    generate_talents,
    load_taxonomies,
    normalise_skills,
)
from talentpool.reference.selectors import reference_names
from talentpool.registry.demo import demo_employments_add
from talentpool.registry.models import Education, Employment, Enterprise, Talent

from .matching import live_index, rebuild_requested
from .models import (
    DEFAULT_STAGES,
    Application,
    ApplicationNote,
    Interview,
    Job,
    JobProfile,
    JobStatus,
    Outcome,
    StageChange,
)

DEGREES = {0: "", 1: "junior_college", 2: "bachelor", 3: "master", 4: "doctor"}
PROFILE_SHARE = 0.85
CONSENT_SHARE = 0.60
STAGES = [s["code"] for s in DEFAULT_STAGES]
TZ = ZoneInfo("Asia/Shanghai")


def demo_recruitment(seed: int = 2023, *, jobs: int = 300, today: dt.date | None = None) -> dict[str, int]:
    """Fill the demo district's recruitment; returns counts by kind (and ``seconds``)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    rng = random.Random(f"recruitment:{seed}")
    tax = load_taxonomies()
    enterprises = list(Enterprise.objects.order_by("pk").values("pk", "division", "industry_code"))
    talents = list(Talent.objects.order_by("pk").values("pk", "district", "user_id"))
    if not enterprises or not talents:
        return {"jobs": 0, "profiles": 0, "applications": 0, "seconds": 0.0}
    hr = User.objects.filter(role=Role.ENTERPRISE, username="hr").first()
    first_enterprise = hr.enterprise_id if hr else enterprises[0]["pk"]
    talent_user = User.objects.filter(role=Role.TALENT, username="talent").first()
    with transaction.atomic():
        demo_recruitment_clear()
        created_jobs = _jobs(rng, tax, enterprises, first_enterprise, jobs, seed, today, hr)
        profiles = _profiles(rng, tax, talents, seed, talent_user)
        counts = _applications(rng, created_jobs, talents, profiles, first_enterprise, hr, talent_user, today)
        rebuild_requested()
    live_index().rebuild(save=True)  # the saved index is current: no web process waits for a build
    return {"jobs": len(created_jobs), "profiles": len(profiles), **counts,
            "seconds": round(time.monotonic() - started, 2)}


def _jobs(rng, tax, enterprises, first_enterprise, n, seed, today, hr) -> list[Job]:
    by_division = defaultdict(list)
    for e in enterprises:
        by_division[(e["industry_code"] or "")[:2]].append(e)
    docs = generate_jobs(n, seed, tax)
    rows = []
    for i, doc in enumerate(docs):
        if i < min(8, n):
            enterprise = next(e for e in enterprises if e["pk"] == first_enterprise)
        else:
            same = by_division.get((doc.industry_code or "")[:2])
            enterprise = rng.choice(same) if same and rng.random() < 0.7 else rng.choice(enterprises)
        r = rng.random()
        status = (JobStatus.OPEN if i < 8 or r < 0.82 else JobStatus.DRAFT if r < 0.88
                  else JobStatus.PAUSED if r < 0.93 else JobStatus.CLOSED)
        low, high = doc.salary_min, doc.salary_max
        rows.append(Job(
            enterprise_id=enterprise["pk"],
            title=clean_text(doc.title, MAX_TITLE_CHARS, single_line=True),
            description=clean_text(doc.text, MAX_JOB_TEXT_CHARS),
            occupation_code=doc.occupation_code,
            min_degree=DEGREES.get(doc.min_degree_rank, ""),
            accepted_majors=list(doc.accepted_majors),
            skills=normalise_skills(doc.skills),
            min_years=doc.min_years,
            salary_min=low, salary_max=high,
            division=enterprise["division"],
            headcount=rng.choice((1, 1, 1, 2, 2, 3, 5)),
            deadline=today + dt.timedelta(days=rng.randint(10, 90)) if rng.random() < 0.9 else None,
            status=status,
            created_by=hr if hr and enterprise["pk"] == first_enterprise else None,
        ))
    return Job.objects.bulk_create(rows, batch_size=1000)


def demo_recruitment_clear() -> None:
    """Delete the jobs of the registry's enterprises and the job profiles of its talents (both the whole demo
    district: filtered by subquery, never by a list of ids, which SQLite caps at 32,766 or 250,000 values)."""
    Job.objects.filter(enterprise__in=Enterprise.objects.all()).delete()
    JobProfile.objects.filter(talent__in=Talent.objects.all()).delete()


def talent_career_facts(talents: QuerySet[Talent]) -> tuple[dict[int, int], dict[int, str], dict[int, dt.date]]:
    """For these talents: the rank of their highest degree, the major of their latest education and the start
    of their first job, read with the talents as a subquery (no list of ids is bound)."""
    majors: dict[int, str] = {}
    degrees: dict[int, int] = defaultdict(int)
    for tid, degree, code in (Education.objects.filter(talent__in=talents).order_by("talent_id", "graduation_date")
                              .values_list("talent_id", "degree", "major_code").iterator(chunk_size=5000)):
        degrees[tid] = max(degrees[tid], DEGREE_RANKS.get(degree, 0))
        if code:
            majors[tid] = code
    first_job: dict[int, dt.date] = {}
    for tid, start in (Employment.objects.filter(talent__in=talents).order_by("talent_id", "-start_date")
                       .values_list("talent_id", "start_date").iterator(chunk_size=5000)):
        first_job[tid] = start
    return degrees, majors, first_job


_DEGREE_WORDS = {"junior_college": "大专", "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}
_EDUCATION_SENTENCE = re.compile(r"^(?:[^。]*学历，\d{4}年毕业于[^。]*专业。|[^。]*专业出身。)")


def _registry_education(talents: QuerySet[Talent]) -> dict[int, str]:
    """Each talent's highest degree as a résumé's first sentence says it, from the registry (degree, year,
    school, major), so that a demo résumé agrees with the record it belongs to."""
    universities, majors = reference_names("universities"), reference_names("majors")
    best: dict[int, tuple[int, str]] = {}
    for tid, degree, code, name, major, graduated in (
            Education.objects.filter(talent__in=talents).order_by("talent_id", "graduation_date")
            .values_list("talent_id", "degree", "university_code", "university_name", "major_code",
                         "graduation_date").iterator(chunk_size=5000)):
        rank = DEGREE_RANKS.get(degree, 0)
        if rank >= best.get(tid, (0, ""))[0]:
            school = name or universities.get(code, "")
            subject = f"{majors[major]}专业" if major in majors else "相关专业"
            best[tid] = (rank, f"{_DEGREE_WORDS.get(degree, '')}学历，{graduated.year}年毕业于{school}{subject}。")
    return {tid: sentence for tid, (_rank, sentence) in best.items()}


def _resume_for(text: str, education: str | None) -> str:
    """A generated résumé with its first sentence (degree, school, major) replaced by the registry's."""
    if not education:
        return text
    return _EDUCATION_SENTENCE.sub(education, text, count=1) if _EDUCATION_SENTENCE.match(text) else \
        education + text


def _profiles(rng, tax, talents, seed, talent_user) -> dict[int, JobProfile]:
    degrees, majors, first_job = talent_career_facts(Talent.objects.all())
    education = _registry_education(Talent.objects.all())
    today = timezone.localdate()
    pool = generate_talents(max(200, len(talents)), seed, tax)
    by_class, by_category = defaultdict(list), defaultdict(list)
    for doc in pool:
        by_class[doc.major_code[:4]].append(doc)
        by_category[doc.major_code[:2]].append(doc)
    rows = []
    for t in talents:
        is_demo_user = talent_user is not None and t["user_id"] == talent_user.pk
        if not is_demo_user and rng.random() > PROFILE_SHARE:
            continue
        major = majors.get(t["pk"], "")
        bucket = by_class.get(major[:4]) or by_category.get(major[:2]) or pool
        years = (today - first_job[t["pk"]]).days / 365.25 if t["pk"] in first_job else 0.0
        # the résumé of a like person: same degree, similar years (among a few of the same major class)
        degree = degrees.get(t["pk"], 0)
        doc = min(rng.sample(bucket, k=min(len(bucket), 12)),
                  key=lambda d, deg=degree, y=years: 3 * abs(d.degree_rank - deg) + abs(d.years_experience - y))
        district = t["district"] or "330106"
        r = rng.random()
        wish = [district] if r < 0.3 else [district[:4] + "00"] if r < 0.8 else []
        rows.append(JobProfile(
            talent_id=t["pk"],
            resume=clean_text(_resume_for(doc.text, education.get(t["pk"])), MAX_RESUME_CHARS),
            skills=normalise_skills(doc.skills),
            desired_occupations=list(doc.desired_occupations),
            desired_divisions=wish,
            salary_min=doc.salary_min, salary_max=doc.salary_max,
            available_from=None,
            consent_search=is_demo_user or rng.random() < CONSENT_SHARE,
        ))
    created = JobProfile.objects.bulk_create(rows, batch_size=2000)
    return {p.talent_id: p for p in created}


def _applications(rng, jobs, talents, profiles, first_enterprise, hr, talent_user, today) -> dict[str, int]:
    open_jobs = [j for j in jobs if j.status == JobStatus.OPEN]
    own = [j for j in open_jobs if j.enterprise_id == first_enterprise]
    others = [j for j in open_jobs if j.enterprise_id != first_enterprise]
    applicants = [t["pk"] for t in talents if t["pk"] in profiles]
    demo_talent = next((t["pk"] for t in talents if talent_user and t["user_id"] == talent_user.pk), None)
    if not open_jobs or not applicants:
        return {"applications": 0, "interviews": 0, "hires": 0}
    now = timezone.now()
    plan: list[tuple[Job, int, str, str]] = []  # job, talent, stage, outcome
    used: set[tuple[int, int]] = set()
    hired: set[int] = set()

    def add(job: Job, talent_id: int, stage: str, outcome: str = "") -> None:
        if (job.pk, talent_id) in used or (stage == "hired" and talent_id in hired):
            return
        used.add((job.pk, talent_id))
        if stage == "hired":
            hired.add(talent_id)
        plan.append((job, talent_id, stage, outcome))

    if demo_talent and own:
        add(own[0], demo_talent, "interview")
        if len(own) > 1:
            add(own[1], demo_talent, "applied")
    spread = ["applied", "applied", "screening", "screening", "interview", "offer", "hired", "rejected", "withdrawn"]
    for i, job in enumerate(own[:6]):
        for stage in spread if i == 0 else rng.sample(spread, k=rng.randint(3, 6)):  # the first: every stage
            add(job, rng.choice(applicants), stage)
    for job in rng.sample(others, k=min(len(others), 25)):
        add(job, rng.choice(applicants), rng.choice(["applied", "applied", "screening", "interview"]))
    apps, changes, notes, interviews, hires = [], [], [], [], 0
    for job, talent_id, stage, _o in plan:
        outcome = stage if stage in (Outcome.REJECTED, Outcome.WITHDRAWN, Outcome.HIRED) else ""
        reached = stage if stage in STAGES else rng.choice(["applied", "screening", "interview"])
        apps.append(Application(job=job, talent_id=talent_id, stage=reached, outcome=outcome,
                                reason={"rejected": "岗位要求的经验不足", "withdrawn": "已接受其他单位录用"}.get(outcome, ""),
                                outcome_at=now - dt.timedelta(days=1) if outcome else None))
    apps = Application.objects.bulk_create(apps)
    employments = []
    for app in apps:
        days_ago = rng.randint(3, 25)
        app.created_at = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
        steps = STAGES[: STAGES.index(app.stage) + 1]
        for i, code in enumerate(steps):
            changes.append(StageChange(application=app, from_stage=steps[i - 1] if i else "", to_stage=code,
                                       actor=None if i == 0 else hr,
                                       at=app.created_at + dt.timedelta(days=i * max(1, days_ago // len(steps)))))
        if app.outcome in (Outcome.REJECTED, Outcome.WITHDRAWN):
            changes.append(StageChange(application=app, from_stage=app.stage, to_stage=app.outcome,
                                       actor=hr if app.outcome == Outcome.REJECTED else None, note=app.reason,
                                       at=now - dt.timedelta(days=1)))
        if app.stage in ("interview", "offer", "hired"):
            day = today + dt.timedelta(days=1 if app.talent_id == demo_talent else rng.randint(1, 10))
            start = dt.datetime.combine(day, dt.time(rng.choice((9, 10, 14, 15, 16)), 0), tzinfo=TZ)
            remote = rng.random() < 0.4
            interviews.append(Interview(
                application=app, round=1, starts_at=start, ends_at=start + dt.timedelta(minutes=45),
                location="" if remote else "公司总部三楼会议室",
                video_link=f"https://meeting.example.com/{uuid.UUID(int=rng.getrandbits(128)).hex[:10]}"
                if remote else "",
                interviewers=["人事部 张经理"], uid=f"{uuid.UUID(int=rng.getrandbits(128))}@talentpool",
                organizer=hr, status="done" if app.stage != "interview" else "scheduled"))
        if app.stage in ("offer", "hired"):
            app.offer_salary = app.job.salary_min or 8000
            app.offer_start_date = today + dt.timedelta(days=14)
            app.offer_sent_at = now - dt.timedelta(days=2)
            if app.stage == "hired":
                app.offer_accepted_at = now - dt.timedelta(days=1)
                employments.append({"talent_id": app.talent_id, "enterprise_id": app.job.enterprise_id,
                                    "start_date": app.offer_start_date, "position": app.job.title[:100],
                                    "occupation_code": app.job.occupation_code,
                                    "certified_at": None})  # starts in two weeks: certified once started
        if app.job.enterprise_id == first_enterprise and rng.random() < 0.5:
            notes.append(ApplicationNote(application=app, author=hr, text=rng.choice(
                ("简历匹配度高，建议安排面试。", "沟通顺畅，期望薪资略高。", "专业对口，可进入下一轮。"))))
    Application.objects.bulk_update(apps, ["created_at", "offer_salary", "offer_start_date", "offer_sent_at",
                                           "offer_accepted_at"])
    wanted = [c.at for c in changes]  # bulk_create stamps auto_now_add fields with the current time
    created = StageChange.objects.bulk_create(changes)
    for change, at in zip(created, wanted, strict=True):
        change.at = at
    StageChange.objects.bulk_update(created, ["at"])
    ApplicationNote.objects.bulk_create(notes)
    Interview.objects.bulk_create(interviews)
    for employment, app in zip(demo_employments_add(employments),
                               [a for a in apps if a.stage == "hired"], strict=True):
        app.employment = employment
        hires += 1
    Application.objects.bulk_update([a for a in apps if a.stage == "hired"], ["employment"])
    return {"applications": len(apps), "interviews": len(interviews), "hires": hires}
