"""Reads on recruitment, narrowed to what the user may see.

- talent: open, visible jobs (and any job it applied to); its own profile, applications and interviews;
- enterprise: its own jobs and their applications; a talent only when that talent applied to one of its jobs or
  lets enterprises find it (``JobProfile.consent_search``) — never an ID number;
- officer: the jobs and applications of its district (``job.division`` starts with the scope prefix), hidden
  jobs included;
- administrator and anonymous: nothing here (administrators manage partners).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from talentpool.accounts.models import Role
from talentpool.core.pagecache import not_kept
from talentpool.core.paging import EXACT_BELOW, planner_rows
from talentpool.engines.matching import MatchIndex
from talentpool.engines.vocab import division_prefix
from talentpool.reference.selectors import reference_names
from talentpool.registry.models import Cluster, Education, Talent

from .matching import IndexPreparing, job_docs, live_index, match_index, match_reasons, talent_docs
from .models import (
    DEFAULT_STAGES,
    Application,
    ApplicationNote,
    Interview,
    InterviewStatus,
    Job,
    JobProfile,
    JobStatus,
    Outcome,
    Partner,
    PartnerExchange,
    PipelineSettings,
    StageChange,
)
from .partner_calls import calls_by_partner
from .ranking_cache import Ranked, RankedTalent, ranked_jobs, ranked_talents
from .tasks import match_index_build_enqueue


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _role(user, role: str) -> bool:
    return _active(user) and user.role == role


def open_jobs(today: dt.date | None = None) -> QuerySet[Job]:
    """Jobs talents can apply to now: open, not hidden, deadline not passed."""
    today = today or timezone.localdate()
    return Job.objects.filter(Q(deadline__isnull=True) | Q(deadline__gte=today), status=JobStatus.OPEN,
                              hidden=False)


def jobs_visible_to(user) -> QuerySet[Job]:
    qs = Job.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(division__startswith=user.scope_prefix)
    if user.role == Role.TALENT:
        applied = Application.objects.filter(job=OuterRef("pk"), talent__user=user)
        visible = open_jobs().values("pk")
        return qs.filter(Q(pk__in=visible) | Exists(applied))
    return qs.none()


@dataclass(frozen=True)
class JobFilters:
    q: str = ""                 # words in the title or description
    occupation: str = ""        # occupation code prefix: 2-02 or 2-02-10
    division: str = ""          # division prefix: 3301, 330106
    min_degree: str = ""        # jobs asking at most this degree (talents) — exact match for others
    salary_at_least: int | None = None  # jobs whose range reaches this (yuan per month)
    status: str = ""            # enterprise and officer lists
    enterprise: int | None = None
    hidden: bool | None = None  # officer lists


def job_search(user, filters: JobFilters) -> QuerySet[Job]:
    qs = jobs_visible_to(user).select_related("enterprise")
    if user.role == Role.TALENT:
        qs = qs.filter(pk__in=open_jobs().values("pk"))
    if filters.q:
        for word in filters.q.split()[:5]:
            qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if filters.occupation:
        qs = qs.filter(occupation_code__startswith=filters.occupation.removesuffix("-00").removesuffix("-00"))
    if filters.division:
        qs = qs.filter(division__startswith=division_prefix(filters.division))
    if filters.min_degree:
        qs = qs.filter(min_degree=filters.min_degree)
    if filters.salary_at_least is not None:
        qs = qs.filter(Q(salary_max__gte=filters.salary_at_least)
                       | Q(salary_max__isnull=True, salary_min__gte=filters.salary_at_least))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.hidden is not None:
        qs = qs.filter(hidden=filters.hidden)
    return qs.order_by("-created_at", "-pk")


def jobs_page_after(qs: QuerySet[Job], after: int | None, size: int) -> tuple[list[Job], int | None]:
    """Keyset paging of a list ordered newest first: the ``size`` jobs after the job ``after`` (by created_at, id;
    no OFFSET, so a deep page costs what the first does), and the id to continue after (None on the last page)."""
    if after is not None:
        anchor = qs.filter(pk=after).values_list("created_at", "pk").first()
        if anchor:
            qs = qs.filter(Q(created_at__lt=anchor[0]) | Q(created_at=anchor[0], pk__lt=anchor[1]))
    rows = list(qs[:size + 1])
    return rows[:size], (rows[size - 1].pk if len(rows) > size else None)


def jobs_with_application_counts(jobs) -> list[Job]:
    """The jobs of one page with ``application_count`` set: one grouped query over those jobs only. (Counting in
    ``job_search`` grouped every job of the district with its applications before the page was cut: the slowest
    officer page at 20,000 talents.)"""
    jobs = list(jobs)
    counts = dict(Application.objects.filter(job_id__in=[j.pk for j in jobs]).order_by()
                  .values("job_id").annotate(n=Count("pk")).values_list("job_id", "n"))
    for job in jobs:
        job.application_count = counts.get(job.pk, 0)
    return jobs


def job_get(user, pk: int) -> Job | None:
    return jobs_visible_to(user).select_related("enterprise", "moderated_by").filter(pk=pk).first()


def job_hires(job: Job) -> int:
    return job.applications.filter(outcome=Outcome.HIRED).count()


# --- profiles and candidates --------------------------------------------------------------------------------------


def talent_of(user) -> Talent | None:
    """The registry talent a talent user is bound to."""
    if not _role(user, Role.TALENT):
        return None
    return Talent.objects.filter(user=user).first()


@dataclass(frozen=True)
class TalentRef:
    """The registry talent a talent user is bound to, by id, and whether it has a job profile."""

    id: int
    has_profile: bool


def talent_ref(user) -> TalentRef | None:
    """The user's talent id and whether it has a job profile, in one statement; kept on the user object for the
    rest of the request (the user is loaded afresh for every request, and which talent it is bound to never changes
    within one)."""
    if not _role(user, Role.TALENT):
        return None
    memo = user.__dict__.get("_recruitment_talent_ref", False)
    if memo is False:
        row = (Talent.objects.filter(user=user)
               .annotate(has_profile=Exists(JobProfile.objects.filter(talent=OuterRef("pk"))))
               .values_list("pk", "has_profile").first())
        memo = user.__dict__["_recruitment_talent_ref"] = TalentRef(*row) if row else None
    return memo


def profile_of(user) -> JobProfile | None:
    talent = talent_of(user)
    return JobProfile.objects.filter(talent=talent).first() if talent else None


def candidates_visible_to(user) -> QuerySet[Talent]:
    """Talents an enterprise may see: applicants to its jobs, and talents who let enterprises find them.
    Officers see their district's talents; a talent sees itself."""
    qs = Talent.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        applied = Application.objects.filter(talent=OuterRef("pk"), job__enterprise_id=user.enterprise_id)
        consent = JobProfile.objects.filter(talent=OuterRef("pk"), consent_search=True)
        return qs.filter(Exists(applied) | Exists(consent))
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(district__startswith=user.scope_prefix)
    if user.role == Role.TALENT:
        return qs.filter(user=user)
    return qs.none()


@dataclass
class CandidateSlice:
    """A slice of an enterprise's candidates in id order: the talents (with their job profiles), how many
    candidates there are (``estimated``: the planner's figure, above ``EXACT_BELOW`` consenting talents), and
    which of the slice applied to the enterprise's jobs."""

    talents: list[Talent]
    count: int
    estimated: bool
    applied: set[int]


def candidate_slice(user, *, start: int, end: int, after: int = 0) -> CandidateSlice | None:
    """The ``start``:``end`` slice of an enterprise's candidates with an id above ``after`` (keyset paging), read
    from its two sources in id order instead of testing every talent of the registry: talents who let
    enterprises find them (an index of consenting profiles) and applicants to its jobs (a few). The slice of the
    union is among the first ``end`` of each source. None for anyone but an enterprise."""
    if not (_active(user) and user.role == Role.ENTERPRISE and user.enterprise_id):
        return None
    consenting = JobProfile.objects.filter(consent_search=True)
    consent_of = dict(Application.objects.filter(job__enterprise_id=user.enterprise_id)  # applicant -> consents?
                      .values_list("talent_id", "talent__job_profile__consent_search"))
    applied = set(consent_of)
    first = list(consenting.filter(talent_id__gt=after).order_by("talent_id").values_list("talent_id", flat=True)[:end])
    ids = sorted(set(first) | {t for t in applied if t > after})[start:end]
    guess = planner_rows(consenting)
    estimated = guess is not None and guess >= EXACT_BELOW
    count = (guess if estimated else consenting.count()) + sum(1 for consents in consent_of.values() if not consents)
    talents = list(Talent.objects.filter(pk__in=ids).select_related("job_profile").order_by("pk")) if ids else []
    return CandidateSlice(talents, count, estimated, applied & set(ids))


def candidate_get(user, talent_id: int) -> Talent | None:
    return (candidates_visible_to(user).select_related("job_profile")
            .prefetch_related(Prefetch("educations", queryset=Education.objects.order_by("graduation_date")),
                              "employments__enterprise")
            .filter(pk=talent_id).first())


def candidate_applications(user, talent: Talent) -> list[Application]:
    """The talent's applications to the user's enterprise's jobs (what an employer may know of them)."""
    return list(applications_visible_to(user).filter(talent=talent).select_related("job"))


# --- applications, pipeline, interviews --------------------------------------------------------------------------


def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(job__enterprise_id=user.enterprise_id)
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(job__division__startswith=user.scope_prefix)
    if user.role == Role.TALENT:
        return qs.filter(talent__user=user)
    return qs.none()


def application_get(user, pk: int) -> Application | None:
    return (applications_visible_to(user).select_related("job__enterprise__pipeline", "talent__job_profile",
                                                         "employment")
            .prefetch_related(Prefetch("history", queryset=StageChange.objects.select_related("actor")),
                              Prefetch("interviews", queryset=Interview.objects.order_by("round", "id")))
            .filter(pk=pk).first())


def application_notes(user, application: Application) -> list[ApplicationNote]:
    """Notes are the employer's own: only its users read them."""
    if not (_role(user, Role.ENTERPRISE) and application.job.enterprise_id == user.enterprise_id):
        return []
    return list(application.notes.select_related("author"))


def my_applications(user) -> QuerySet[Application]:
    if not _role(user, Role.TALENT):
        return Application.objects.none()
    return (applications_visible_to(user).select_related("job__enterprise")
            .prefetch_related(Prefetch("interviews", queryset=Interview.objects.order_by("round", "id")))
            .order_by("-created_at", "-pk"))


def interviews_visible_to(user) -> QuerySet[Interview]:
    return Interview.objects.filter(application__in=applications_visible_to(user).values("pk"))


def interview_get(user, pk: int) -> Interview | None:
    return (interviews_visible_to(user).select_related("application__job__enterprise", "application__talent__user",
                                                       "organizer").filter(pk=pk).first())


def my_interviews(user, *, upcoming: bool = False) -> QuerySet[Interview]:
    if not _role(user, Role.TALENT):
        return Interview.objects.none()
    qs = interviews_visible_to(user).select_related("application__job__enterprise")
    if upcoming:
        qs = qs.filter(status=InterviewStatus.SCHEDULED, ends_at__gte=timezone.now())
    return qs.order_by("starts_at", "pk")


def pipeline_stages(enterprise_id: int | None) -> list[dict[str, str]]:
    """The enterprise's stages, or the defaults."""
    settings_row = PipelineSettings.objects.filter(enterprise_id=enterprise_id).first() if enterprise_id else None
    return _stages(settings_row)


def application_stages(application: Application) -> list[dict[str, str]]:
    """``pipeline_stages`` of the application's employer, from its settings read with the application
    (``application_get``): no query."""
    return _stages(getattr(application.job.enterprise, "pipeline", None))


def _stages(settings_row: PipelineSettings | None) -> list[dict[str, str]]:
    return [dict(s) for s in (settings_row.stages if settings_row and settings_row.stages else DEFAULT_STAGES)]


def pipeline_stages_of(enterprise_ids) -> dict[int | None, list[dict[str, str]]]:
    """``pipeline_stages`` of several enterprises in one query (a list of applications of many employers)."""
    ids = set(enterprise_ids)
    own = dict(PipelineSettings.objects.filter(enterprise_id__in=[i for i in ids if i])
               .values_list("enterprise_id", "stages"))
    return {i: [dict(s) for s in (own.get(i) or DEFAULT_STAGES)] for i in ids}


@dataclass
class PipelineColumn:
    stage: dict[str, str]
    applications: list[Application] = field(default_factory=list)


@dataclass
class Pipeline:
    job: Job
    columns: list[PipelineColumn]
    closed: list[Application]  # rejected and withdrawn


def job_pipeline(user, job: Job) -> Pipeline:
    """The kanban of a job: one column per stage, applications in progress or hired in their column, and the
    rejected and withdrawn ones apart; each with its history and interviews prefetched."""
    stages = pipeline_stages(job.enterprise_id)
    columns = {s["code"]: PipelineColumn(s) for s in stages}
    closed: list[Application] = []
    apps = (applications_visible_to(user).filter(job=job).select_related("talent")
            .prefetch_related(Prefetch("history", queryset=StageChange.objects.select_related("actor")),
                              Prefetch("interviews", queryset=Interview.objects.order_by("round", "id")))
            .order_by("created_at", "pk"))
    for app in apps:
        if app.outcome in (Outcome.REJECTED, Outcome.WITHDRAWN):
            closed.append(app)
        elif app.stage in columns:
            columns[app.stage].applications.append(app)
        else:  # a stage the enterprise has since removed: show it in the first column
            columns[stages[0]["code"]].applications.append(app)
    return Pipeline(job, list(columns.values()), closed)


# --- matching ----------------------------------------------------------------------------------------------------


JOB_CARD_COLUMNS = ("title", "division", "salary_min", "salary_max", "enterprise__name")
"""What a job card of the talent's job list shows (``rows.job_match_rows``)."""


@dataclass
class JobMatch:
    job: Job
    score: float
    near_miss: bool
    explanation: dict[str, Any]
    reasons: list[str]
    applied: bool


@dataclass
class CandidateMatch:
    talent: Talent
    profile: JobProfile | None
    score: float
    near_miss: bool
    explanation: dict[str, Any]
    reasons: list[str]
    application: Application | None  # the talent's application to this job, if any
    applied_to_enterprise: bool


def index_for_request() -> MatchIndex:
    """The match index for a page or an API call, never built in the request (at 20,000 talents a build outlasts
    a worker's timeout). When there is none yet, or only one older than a rebuild request, the background build is
    asked for; with none at all, ``IndexPreparing`` (503: "recommendations are being prepared")."""
    index, stale = live_index().ready_index()
    if stale:
        not_kept()  # this process's index is missing or behind a rebuild: the next request may see another one
        if match_index_build_enqueue():  # asked now: an in-process backend (tests) has built it already
            index, _stale = live_index().ready_index()
    if index is None:
        raise IndexPreparing()
    return index


def recommended_jobs(user, k: int = 20, *, division: str | None = None, occupation: str | None = None,
                     near_misses: int = 0, columns: tuple[str, ...] | None = None) -> list[JobMatch]:
    """Open jobs best for the talent user, with the engine's explanation and reasons in words. Raises
    ``IndexPreparing`` while the match index is being built. ``columns``: only these of each job (and its
    employer, as ``enterprise__...``) are read, for a caller that shows no more (e.g. ``JOB_CARD_COLUMNS``)."""
    ref = talent_ref(user)
    if ref is None:
        return []
    return _jobs_for_talent_id(ref.id, k, division=division, occupation=occupation, near_misses=near_misses,
                               index=index_for_request(), columns=columns)


def jobs_for_talent(talent: Talent, k: int = 20, *, division: str | None = None, occupation: str | None = None,
                    near_misses: int = 0, index: MatchIndex | None = None) -> list[JobMatch]:
    """Open jobs best for a talent (no permission check: callers check). A talent not in the index yet (no
    profile, never applied) is matched from its registry records as they are. ``ValueError`` for a malformed
    division or occupation filter. Without ``index``, this process's index, built here if need be (the CLI)."""
    return _jobs_for_talent_id(talent.pk, k, division=division, occupation=occupation, near_misses=near_misses,
                               index=index, columns=None)


def _jobs_for_talent_id(talent_id: int, k: int, *, division: str | None, occupation: str | None, near_misses: int,
                        index: MatchIndex | None, columns: tuple[str, ...] | None) -> list[JobMatch]:
    """``jobs_for_talent`` by the talent's id. The engine's answer for an indexed talent is kept per index revision
    (``ranking_cache.ranked_jobs``: what invalidates it is listed there); the jobs and the talent's applications are
    read afresh on every call."""
    index = index if index is not None else match_index()
    division, occupation = division or None, occupation or None

    def rank() -> list[Ranked]:
        query: int | Any = talent_id
        if not index.has_talent(talent_id):
            query = talent_docs([talent_id], only_indexed=False)[0]
        found = index.jobs_for_talent(query, k=k * 2 + 10, near_misses=near_misses, division=division,
                                      occupation=occupation)
        return [Ranked(m.id, m.score, m.near_miss, m.explanation.to_dict()) for m in found]

    if index.has_talent(talent_id):
        key = (index.revision, talent_id, k, near_misses, division, occupation)
        matches = ranked_jobs.get_or_compute(key, rank)
    else:  # matched from the registry's records as they are now: nothing in the key would say they changed
        matches = rank()
    ids = [m.id for m in matches]
    found = open_jobs().filter(pk__in=ids).select_related("enterprise")
    jobs = {j.pk: j for j in (found.only(*columns) if columns else found)}
    applied = set(Application.objects.filter(talent_id=talent_id, job_id__in=ids).values_list("job_id", flat=True))
    full = [m for m in matches if not m.near_miss and m.id in jobs][:k]
    near = [m for m in matches if m.near_miss and m.id in jobs][:near_misses]
    return [JobMatch(jobs[m.id], m.score, m.near_miss, m.explanation, match_reasons(m.explanation), m.id in applied)
            for m in full + near]


def ranked_candidates(user, job: Job, k: int = 20, *, near_misses: int = 0) -> list[CandidateMatch]:
    """The best talents for one of the enterprise user's jobs (nothing for anyone else). Raises
    ``IndexPreparing`` while the match index is being built."""
    if not (_role(user, Role.ENTERPRISE) and job.enterprise_id == user.enterprise_id):
        return []
    return talents_for_job(job, k, near_misses=near_misses, index=index_for_request())


def talents_for_job(job: Job, k: int = 20, *, near_misses: int = 0,
                    index: MatchIndex | None = None) -> list[CandidateMatch]:
    """The best talents for a job among those its enterprise may see: talents who let enterprises find them, and
    those who applied to any of its jobs (passed to the engine as ``include_ids``). The result is checked again
    against the database (consent may have been withdrawn a moment ago) before anything is returned. Without
    ``index``, this process's index, built here if need be (the CLI). The engine's ranking is kept per index
    revision, job version and applicant set (``ranking_cache``: what invalidates it is listed there); the talents,
    their consent and applications are read afresh on every call."""
    applicants = frozenset(Application.objects.filter(job__enterprise_id=job.enterprise_id).order_by()
                           .values_list("talent_id", flat=True).distinct())
    index = index if index is not None else match_index()

    def rank() -> list[RankedTalent]:
        query: int | Any = job.pk
        if not index.has_job(job.pk):
            query = job_docs([job.pk])[0]
        found = index.talents_for_job(query, k=k * 2 + 10, include_ids=applicants, near_misses=near_misses)
        return [RankedTalent(m.id, m.score, m.near_miss, m.explanation.to_dict()) for m in found]

    key = (index.revision, job.pk, job.updated_at, applicants, k, near_misses)
    matches = ranked_talents.get_or_compute(key, rank)
    ids = [m.id for m in matches]
    consenting = set(JobProfile.objects.filter(talent_id__in=ids, consent_search=True)
                     .values_list("talent_id", flat=True))
    allowed = consenting | applicants  # both sets hold only existing talents (their rows cascade)
    full = [m for m in matches if not m.near_miss and m.id in allowed][:k]
    near = [m for m in matches if m.near_miss and m.id in allowed][:near_misses]
    shown = [m.id for m in full + near]
    visible = {t.pk: t for t in Talent.objects.filter(pk__in=shown).select_related("job_profile")
               .prefetch_related(Prefetch("educations", queryset=Education.objects.order_by("graduation_date")))}
    own = {a.talent_id: a for a in Application.objects.filter(job=job, talent_id__in=shown)}
    full = [m for m in full if m.id in visible]
    near = [m for m in near if m.id in visible]
    out: list[CandidateMatch] = []
    for m in full + near:
        talent = visible[m.id]
        out.append(CandidateMatch(talent, getattr(talent, "job_profile", None), m.score, m.near_miss,
                                  m.explanation, match_reasons(m.explanation), own.get(m.id), m.id in applicants))
    return out


# --- the officer's overview ---------------------------------------------------------------------------------------


def recruitment_overview(user, *, today: dt.date | None = None) -> dict[str, Any]:
    """For an officer's district: open jobs by cluster and by occupation category (中类, e.g. 2-02), the
    applications and where they stand, and the hires of this month."""
    if not (_role(user, Role.OFFICER) and user.scope_prefix):
        return {}
    today = today or timezone.localdate()
    jobs = jobs_visible_to(user)
    live = (jobs & open_jobs(today)).order_by()
    clusters = {row["enterprise__cluster"]: row for row in
                live.values("enterprise__cluster").annotate(jobs=Count("pk"), headcount=Sum("headcount"))}
    by_cluster = [{"cluster": c.value, "label": str(c.label), "jobs": clusters.get(c.value, {}).get("jobs", 0),
                   "headcount": clusters.get(c.value, {}).get("headcount", 0) or 0} for c in Cluster]
    names = reference_names("occupations")
    by_occupation = [
        {"code": row["category"], "name": names.get(f"{row['category']}-00-00", ""), "jobs": row["jobs"],
         "headcount": row["headcount"] or 0}
        for row in live.annotate(category=Substr("occupation_code", 1, 4)).values("category")
        .annotate(jobs=Count("pk"), headcount=Sum("headcount")).order_by("-jobs", "category")]
    start_dt = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    return {
        "as_of": today,
        "open_jobs": sum(row["jobs"] for row in clusters.values()),  # every job has an enterprise, so a cluster
        "open_headcount": sum(r["headcount"] for r in by_cluster),
        "hidden_jobs": jobs.filter(hidden=True).count(),
        "jobs_by_cluster": by_cluster,
        "jobs_by_occupation": by_occupation,
        **_application_figures(applications_visible_to(user), start_dt),
        "interviews_upcoming": interviews_visible_to(user).filter(status=InterviewStatus.SCHEDULED,
                                                                  starts_at__gte=timezone.now()).count(),
    }


def _application_figures(apps: QuerySet[Application], month_start: dt.datetime) -> dict[str, Any]:
    """The overview's application figures from one grouped query (by stage and outcome, with this month's
    applications and hires counted alongside) instead of five counts over the district's applications."""
    rows = (apps.order_by().values("stage", "outcome")
            .annotate(n=Count("pk"), month=Count("pk", filter=Q(created_at__gte=month_start)),
                      hired=Count("pk", filter=Q(outcome=Outcome.HIRED, outcome_at__gte=month_start))))
    by_stage: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    total = month = hired = 0
    for row in rows:
        total, month, hired = total + row["n"], month + row["month"], hired + row["hired"]
        if row["outcome"]:
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["n"]
        else:
            by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + row["n"]
    return {"applications": total, "applications_this_month": month,
            "applications_by_stage": dict(sorted(by_stage.items())),
            "applications_by_outcome": dict(sorted(by_outcome.items())), "hires_this_month": hired}


# --- partners -----------------------------------------------------------------------------------------------------


def partners_visible_to(user) -> list[Partner]:
    """Every partner (administrators), each with ``exchange_count``: its logged calls, read from the maintained
    counts (``partner_calls``), not counted from the call log."""
    if not _role(user, Role.ADMIN):
        return []
    calls = calls_by_partner()
    partners = list(Partner.objects.select_related("enterprise"))
    for partner in partners:
        partner.exchange_count = calls.get(partner.pk, 0)
    return partners


def partner_exchanges(user, partner_id: int) -> QuerySet[PartnerExchange] | None:
    """The partner's exchanges, or None when there is no such partner (the caller answers "not found", not an empty
    log that reads as "this partner never called")."""
    if not _role(user, Role.ADMIN):
        return PartnerExchange.objects.none()
    if not Partner.objects.filter(pk=partner_id).exists():
        return None
    return PartnerExchange.objects.filter(partner_id=partner_id)


PARTNER_JOB_FIELDS = ("title", "description", "enterprise__name", "occupation_code", "min_degree", "accepted_majors",
                      "skills", "min_years", "salary_min", "salary_max", "division", "headcount", "deadline",
                      "status", "updated_at", "created_at")


def partner_jobs(partner: Partner) -> QuerySet[Job]:
    """Jobs a partner may read: every open, visible job (the columns a partner receives, its employer's name)."""
    return (open_jobs().select_related("enterprise").only(*PARTNER_JOB_FIELDS)
            .order_by("-created_at", "-pk"))


PARTNER_JOB_VALUES = ("id", "title", "description", "enterprise__name", "occupation_code", "min_degree",
                      "accepted_majors", "skills", "min_years", "salary_min", "salary_max", "division", "headcount",
                      "deadline", "status", "updated_at")


PARTNER_PROFILE_FIELDS = ("talent_id", "years_experience", "skills", "desired_occupations", "desired_divisions",
                          "salary_min", "salary_max", "available_from", "updated_at")


def partner_candidates(partner: Partner) -> QuerySet[JobProfile]:
    """Profiles a partner may read: only of talents who let enterprises and partners find them, as rows of the
    fields a partner receives (no résumé, no talent row: a page is read from the partial index, newest first)."""
    return (JobProfile.objects.filter(consent_search=True).values(*PARTNER_PROFILE_FIELDS)
            .order_by("-updated_at", "-pk"))


def educations_of(talent_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(degree, major code) of each talent's educations, in graduation order, for a page of talents in one query."""
    out: dict[int, list[tuple[str, str]]] = {}
    rows = (Education.objects.filter(talent_id__in=talent_ids).order_by("talent_id", "graduation_date", "pk")
            .values_list("talent_id", "degree", "major_code"))
    for talent_id, degree, major in rows:
        out.setdefault(talent_id, []).append((degree, major))
    return out
