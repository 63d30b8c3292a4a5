"""Recruitment endpoints (/api/v1/recruitment/). Talents: jobs, their profile, recommended jobs, applications
and interviews. Enterprises: their jobs, ranked candidates, the pipeline, interviews, offers and hires.
Officers: the district's jobs and applications, moderation and the overview. Administrators: partners.
Partners: ``/partner/...`` with the ``X-Partner-Key`` header, each call logged as a ``PartnerExchange``.

A role that has no business with an endpoint gets 403; a record outside the user's reach gets 404."""

from __future__ import annotations

from contextlib import contextmanager

from django.http import JsonResponse
from django.utils.translation import gettext
from ninja import Query, Router, Status
from ninja.security import APIKeyHeader

from talentpool.accounts.models import Role
from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.pagecache import each_time
from talentpool.core.paging import EstimatingPaginator
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Id, Instant, Limit, Offset, limit_at_most
from talentpool.reference.selectors import reference_names
from talentpool.registry.models import DEGREE_RANK

from . import selectors, services
from .ics import interview_ics, interview_ics_filename
from .matching import IndexPreparing
from .models import ExchangeDirection, InterviewStatus, JobProfile
from .schemas import (
    ApplicationDetail,
    ApplicationOut,
    ApplicationPage,
    ApplyIn,
    CancelIn,
    CandidateDetail,
    CandidateMatchOut,
    CandidatePage,
    ExchangeOut,
    HireIn,
    InterviewIn,
    InterviewOut,
    JobIn,
    JobMatchOut,
    JobOut,
    JobPage,
    JobPatch,
    JobQuery,
    JobStatusIn,
    ModerateIn,
    MoveIn,
    MyInterviewOut,
    NoteIn,
    NoteOut,
    OfferIn,
    OverviewOut,
    PartnerCandidatePage,
    PartnerCreated,
    PartnerIn,
    PartnerJobOut,
    PartnerJobPage,
    PartnerJobPatch,
    PartnerOut,
    PipelineOut,
    ProfileIn,
    ProfileOut,
    RescheduleIn,
    StagesIn,
    StagesOut,
    WithdrawIn,
)

router = Router(tags=["recruitment"])


def _page(limit: int, offset: int, most: int = 200) -> tuple[int, int]:
    limit = max(1, min(limit, most))
    offset = max(0, offset)
    return offset, offset + limit


def _k(k: int) -> int:
    return max(1, min(k, 100))


def _job(request, pk: int):
    job = selectors.job_get(request.user, pk)
    if job is None:
        raise NotFoundError()
    return job


def _own_job(request, pk: int):
    ensure_role(request.user, Role.ENTERPRISE)
    return _job(request, pk)


# --- jobs -------------------------------------------------------------------------------------------------------


@router.get("/jobs", response=JobPage, summary="Jobs: open ones for talents, own for enterprises, the district's "
                                                "for officers; filtered")
def job_list(request, filters: Query[JobQuery], limit: Limit = 50, offset: Offset = 0):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE, Role.OFFICER)
    qs = selectors.job_search(request.user, selectors.JobFilters(**filters.dict()))
    start, end = _page(limit, offset)
    return {"count": qs.count(), "items": selectors.jobs_with_application_counts(qs[start:end])}


@router.get("/jobs/{int:pk}", response=JobOut, summary="A job (talents: open or applied to; enterprises: own; "
                                                        "officers: district)")
def job_detail(request, pk: int):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE, Role.OFFICER)
    return _job(request, pk)


@router.post("/jobs", response={201: JobOut}, summary="Post a job, as a draft or open (enterprises)")
def job_create(request, payload: JobIn):
    job = services.job_create(actor=request.user, request=request, **payload.dict())
    return Status(201, selectors.job_get(request.user, job.pk))


@router.patch("/jobs/{int:pk}", response=JobOut, summary="Change a job's fields (enterprises, own jobs)")
def job_update(request, pk: int, payload: JobPatch):
    job = services.job_update(actor=request.user, job_id=pk, request=request, **payload.dict(exclude_unset=True))
    return selectors.job_get(request.user, job.pk)


@router.post("/jobs/{int:pk}/status", response=JobOut, summary="Open, pause, close or mark filled (enterprises)")
def job_status(request, pk: int, payload: JobStatusIn):
    services.job_set_status(actor=request.user, job_id=pk, status=payload.status, request=request)
    return selectors.job_get(request.user, pk)


@router.post("/jobs/{int:pk}/moderate", response=JobOut,
             summary="Hide a job of my district from talents, with the reason, or show it again (officers)")
def job_moderate(request, pk: int, payload: ModerateIn):
    services.job_moderate(actor=request.user, job_id=pk, hidden=payload.hidden, note=payload.note, request=request)
    return selectors.job_get(request.user, pk)


def _preparing(exc: IndexPreparing) -> JsonResponse:
    """503 with Retry-After while the match index is built in the background (never in the request)."""
    seconds = exc.extra["retry_after"]
    response = JsonResponse({"error": {"code": exc.code, "message": str(exc.message), "retry_after": seconds}},
                            status=503, json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(seconds)
    return response


@router.get("/jobs/{int:pk}/candidates", response=list[CandidateMatchOut],
            summary="Best candidates for my job, with reasons: applicants and talents who let enterprises find "
                    "them (enterprises)")
def job_candidates(request, pk: int, k: int = 20, near_misses: int = 0):
    job = _own_job(request, pk)
    try:
        matches = selectors.ranked_candidates(request.user, job, _k(k), near_misses=max(0, min(near_misses, 20)))
    except IndexPreparing as exc:
        return _preparing(exc)
    majors = reference_names("majors")
    out = []
    for m in matches:
        education = list(m.talent.educations.all())
        last = education[-1] if education else None
        top = max(education, key=lambda e: DEGREE_RANK.get(e.degree, 0)) if education else None
        profile = m.profile
        out.append({
            "talent": {"id": m.talent.pk, "name": m.talent.name, "gender": m.talent.gender,
                       "degree": top.degree if top else "", "major_code": last.major_code if last else "",
                       "major_name": majors.get(last.major_code, "") if last else "",
                       "graduation_date": last.graduation_date if last else None},
            "skills": list(profile.skills) if profile else [],
            "desired_occupations": list(profile.desired_occupations) if profile else [],
            "years_experience": f"{profile.years_experience:.1f}" if profile and profile.years_experience is not None
            else None,
            "consent_search": bool(profile and profile.consent_search),
            "applied_to_job": m.application is not None,
            "applied_to_enterprise": m.applied_to_enterprise,
            "application_id": m.application.pk if m.application else None,
            "stage": m.application.stage if m.application else None,
            "score": m.score, "near_miss": m.near_miss, "reasons": m.reasons, "explanation": m.explanation,
        })
    return out


@router.get("/jobs/{int:pk}/pipeline", response=PipelineOut, by_alias=True,
            summary="The job's applications by stage, with history and interviews (enterprises)")
def job_pipeline(request, pk: int):
    job = _own_job(request, pk)
    pipeline = selectors.job_pipeline(request.user, job)
    return {"job": job, "hires": selectors.job_hires(job), "headcount": job.headcount,
            "columns": [c.stage | {"applications": c.applications} for c in pipeline.columns],
            "closed": pipeline.closed}


@router.post("/jobs/{int:pk}/apply", response={201: ApplicationOut}, summary="Apply to an open job (talents)")
def job_apply(request, pk: int, payload: ApplyIn):
    app = services.apply(actor=request.user, job_id=pk, message=payload.message, request=request)
    return Status(201, selectors.application_get(request.user, app.pk))


@router.get("/pipeline-stages", response=StagesOut, summary="My enterprise's pipeline stages (enterprises)")
def stages_get(request):
    ensure_role(request.user, Role.ENTERPRISE)
    return {"stages": selectors.pipeline_stages(request.user.enterprise_id)}


@router.put("/pipeline-stages", response=StagesOut, summary="Set my enterprise's stages, applied … hired "
                                                              "(enterprises)")
def stages_set(request, payload: StagesIn):
    row = services.pipeline_stages_set(actor=request.user, stages=[s.dict() for s in payload.stages],
                                       request=request)
    return {"stages": row.stages}


# --- the talent's own ---------------------------------------------------------------------------------------------


def _profile_out(profile: JobProfile | None, notes: list[str] | None = None) -> dict:
    if profile is None:
        return {"exists": False, "resume": "", "skills": [], "desired_occupations": [], "desired_divisions": [],
                "salary_min": None, "salary_max": None, "available_from": None, "years_experience": None,
                "consent_search": False, "updated_at": None, "notes": []}
    return {"exists": True, "resume": profile.resume, "skills": profile.skills,
            "desired_occupations": profile.desired_occupations, "desired_divisions": profile.desired_divisions,
            "salary_min": profile.salary_min, "salary_max": profile.salary_max,
            "available_from": profile.available_from,
            "years_experience": None if profile.years_experience is None else f"{profile.years_experience:.1f}",
            "consent_search": profile.consent_search, "updated_at": profile.updated_at, "notes": notes or []}


@router.get("/me/profile", response=ProfileOut, summary="My job profile (talents)")
def profile_get(request):
    ensure_role(request.user, Role.TALENT)
    if selectors.talent_of(request.user) is None:
        raise NotFoundError(gettext("Your account is not linked to a registry record."))
    return _profile_out(selectors.profile_of(request.user))


@router.put("/me/profile", response=ProfileOut,
            summary="Save my job profile; the answer says what cleaning did to the résumé (talents)")
def profile_put(request, payload: ProfileIn):
    profile = services.profile_save(actor=request.user, request=request, **payload.dict())
    return _profile_out(profile, profile.cleaning_notes)


@router.get("/me/recommended", response=list[JobMatchOut],
            summary="Open jobs recommended for me, with reasons (talents)")
def recommended(request, k: int = 20, division: str = "", occupation: str = "", near_misses: int = 0):
    ensure_role(request.user, Role.TALENT)
    try:
        matches = selectors.recommended_jobs(request.user, _k(k), division=division or None,
                                             occupation=occupation or None,
                                             near_misses=max(0, min(near_misses, 20)))
    except IndexPreparing as exc:
        return _preparing(exc)
    except ValueError as exc:
        raise ApplicationError(gettext("Not a valid division or occupation code."), code="invalid",
                               field="division" if "division" in str(exc) else "occupation") from exc
    return [{"job": m.job, "score": m.score, "near_miss": m.near_miss, "applied": m.applied, "reasons": m.reasons,
             "explanation": m.explanation} for m in matches]


@router.get("/me/applications", response=ApplicationPage, summary="My applications, newest first (talents)")
def my_applications(request, limit: Limit = 50, offset: Offset = 0):
    ensure_role(request.user, Role.TALENT)
    qs = selectors.my_applications(request.user).select_related("talent")
    start, end = _page(limit, offset)
    return {"count": qs.count(), "items": list(qs[start:end])}


@router.get("/me/interviews", response=list[MyInterviewOut], summary="My interviews (talents)")
def my_interviews(request, upcoming: bool = False):
    ensure_role(request.user, Role.TALENT)
    return list(selectors.my_interviews(request.user, upcoming=upcoming)[:200])


@router.post("/me/applications/{int:pk}/withdraw", response=ApplicationOut,
             summary="Withdraw my application, with a reason (talents)")
def withdraw(request, pk: int, payload: WithdrawIn):
    services.application_move(actor=request.user, application_id=pk, to="withdrawn", reason=payload.reason,
                              request=request)
    return selectors.application_get(request.user, pk)


@router.post("/me/interviews/{int:pk}/accept", response=MyInterviewOut,
             summary="Accept the slot of one of my interviews (talents); the employer is told")
def accept_interview(request, pk: int):
    return services.interview_confirm(actor=request.user, interview_id=pk, request=request)


@router.post("/me/applications/{int:pk}/accept-offer", response=ApplicationOut,
             summary="Accept the offer on my application (talents)")
def accept_offer(request, pk: int):
    services.offer_accept(actor=request.user, application_id=pk, request=request)
    return selectors.application_get(request.user, pk)


# --- applications -------------------------------------------------------------------------------------------------


@router.get("/applications", response=ApplicationPage,
            summary="Applications to my jobs (enterprises) or to my district's jobs (officers)")
def application_list(request, job: Id | None = None, stage: str = "", outcome: str | None = None,
                     limit: Limit = 50, offset: Offset = 0):
    ensure_role(request.user, Role.ENTERPRISE, Role.OFFICER)
    qs = selectors.applications_visible_to(request.user).select_related("job__enterprise", "talent")
    if job:
        qs = qs.filter(job_id=job)
    if stage:
        qs = qs.filter(stage=stage)
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    qs = qs.order_by("-created_at", "-pk")
    start, end = _page(limit, offset)
    return {"count": qs.count(), "items": list(qs[start:end])}


def _application(request, pk: int):
    app = selectors.application_get(request.user, pk)
    if app is None:
        raise NotFoundError()
    return app


@router.get("/applications/{int:pk}", response=ApplicationDetail, by_alias=True,
            summary="An application with its history and interviews (and, for the employer, its notes)")
def application_detail(request, pk: int):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE, Role.OFFICER)
    app = _application(request, pk)
    app.visible_notes = selectors.application_notes(request.user, app)
    return app


def _detail(request, pk: int):
    app = selectors.application_get(request.user, pk)
    app.visible_notes = selectors.application_notes(request.user, app)
    return app


@router.post("/applications/{int:pk}/move", response=ApplicationDetail, by_alias=True,
             summary="Move to a stage, reject with a reason, or hire (enterprises)")
def application_move(request, pk: int, payload: MoveIn):
    ensure_role(request.user, Role.ENTERPRISE)
    services.application_move(actor=request.user, application_id=pk, to=payload.to, reason=payload.reason,
                              note=payload.note, request=request)
    return _detail(request, pk)


@router.post("/applications/{int:pk}/notes", response={201: NoteOut}, summary="Add an internal note (enterprises)")
def note_add(request, pk: int, payload: NoteIn):
    note = services.note_add(actor=request.user, application_id=pk, text=payload.text, request=request)
    return Status(201, note)


@router.post("/applications/{int:pk}/interviews", response={201: InterviewOut},
             summary="Schedule an interview round; the talent gets the .ics invitation (enterprises)")
def interview_schedule(request, pk: int, payload: InterviewIn):
    interview = services.interview_schedule(actor=request.user, application_id=pk, request=request,
                                            **payload.dict())
    return Status(201, interview)


@router.post("/applications/{int:pk}/offer", response=ApplicationOut, summary="Make an offer (enterprises)")
def offer_make(request, pk: int, payload: OfferIn):
    services.offer_make(actor=request.user, application_id=pk, start_date=payload.start_date,
                        salary=payload.salary, note=payload.note, request=request)
    return selectors.application_get(request.user, pk)


@router.post("/applications/{int:pk}/hire", response=ApplicationOut,
             summary="Hire: the registry records the employment (enterprises)")
def hire(request, pk: int, payload: HireIn):
    services.hire(actor=request.user, application_id=pk, start_date=payload.start_date, reason=payload.reason,
                  request=request)
    return selectors.application_get(request.user, pk)


@router.post("/interviews/{int:pk}/reschedule", response=InterviewOut,
             summary="Move an interview; the invitation's SEQUENCE goes up (enterprises)")
def interview_reschedule(request, pk: int, payload: RescheduleIn):
    return services.interview_reschedule(actor=request.user, interview_id=pk, request=request, **payload.dict())


@router.post("/interviews/{int:pk}/cancel", response=InterviewOut, summary="Cancel an interview (enterprises)")
def interview_cancel(request, pk: int, payload: CancelIn):
    return services.interview_cancel(actor=request.user, interview_id=pk, reason=payload.reason, request=request)


@router.post("/interviews/{int:pk}/complete", response=InterviewOut,
             summary="Mark an interview as held (enterprises)")
def interview_complete(request, pk: int):
    return services.interview_complete(actor=request.user, interview_id=pk, request=request)


@router.get("/interviews/{int:pk}.ics", url_name="recruitment-interview-ics",
            summary="The interview's iCalendar invitation (the talent and the enterprise)")
def interview_calendar(request, pk: int):
    ensure_role(request.user, Role.TALENT, Role.ENTERPRISE)
    interview = selectors.interview_get(request.user, pk)
    if interview is None:
        raise NotFoundError()
    method = "CANCEL" if interview.status == InterviewStatus.CANCELLED else "REQUEST"
    return file_response(interview_ics(interview), filename=interview_ics_filename(interview),
                         content_type=f"text/calendar; charset=utf-8; method={method}", kept=True)


# --- candidates ---------------------------------------------------------------------------------------------------


@router.get("/candidates", response=CandidatePage,
            summary="Talents I may see: applicants to my jobs and talents who let enterprises find them "
                    "(enterprises)")
def candidate_list(request, q: str = "", skill: str = "", limit: Limit = 50, offset: Offset = 0, after: Offset = 0):
    """Without a text filter, read by keyset from the candidates' two sources (``after``: the last id seen)."""
    ensure_role(request.user, Role.ENTERPRISE)
    start, end = _page(limit, offset)
    found = None if q or skill else selectors.candidate_slice(request.user, start=start, end=end, after=after)
    if found is None:  # text filters read every visible profile: counted exactly
        qs = selectors.candidates_visible_to(request.user).select_related("job_profile").filter(pk__gt=after)
        qs = (qs.filter(job_profile__resume__icontains=q) if q else qs).order_by("pk")
        qs = qs.filter(job_profile__skills__icontains=skill.lower()) if skill else qs
        found = selectors.CandidateSlice(list(qs[start:end]), qs.count(), False, set())
        found.applied = set(selectors.applications_visible_to(request.user).filter(talent__in=found.talents)
                            .values_list("talent_id", flat=True))
    rows, applied = found.talents, found.applied
    items = []
    for t in rows:
        p = getattr(t, "job_profile", None)
        items.append({"id": t.pk, "name": t.name, "gender": t.gender, "skills": p.skills if p else [],
                      "desired_occupations": p.desired_occupations if p else [],
                      "consent_search": bool(p and p.consent_search), "applied": t.pk in applied})
    return {"count": found.count, "count_estimated": found.estimated, "items": items}


@router.get("/candidates/{int:pk}", response=CandidateDetail,
            summary="A candidate's profile, education and employment, and applications to my jobs (enterprises)")
def candidate_detail(request, pk: int):
    ensure_role(request.user, Role.ENTERPRISE)
    talent = selectors.candidate_get(request.user, pk)
    if talent is None:
        raise NotFoundError()
    services.candidate_viewed(actor=request.user, talent=talent, request=request)
    p = getattr(talent, "job_profile", None)
    return {"id": talent.pk, "name": talent.name, "gender": talent.gender, "resume": p.resume if p else "",
            "skills": p.skills if p else [], "desired_occupations": p.desired_occupations if p else [],
            "desired_divisions": p.desired_divisions if p else [], "salary_min": p.salary_min if p else None,
            "salary_max": p.salary_max if p else None, "available_from": p.available_from if p else None,
            "consent_search": bool(p and p.consent_search), "educations": list(talent.educations.all()),
            "employments": list(talent.employments.all()),
            "applications": [{"id": a.pk, "job_id": a.job_id, "job": a.job.title, "stage": a.stage,
                              "outcome": a.outcome} for a in selectors.candidate_applications(request.user, talent)]}


# --- officers -----------------------------------------------------------------------------------------------------


@router.get("/overview", response=OverviewOut,
            summary="My district's open jobs by cluster and occupation, applications and hires this month "
                    "(officers)")
def overview(request):
    ensure_role(request.user, Role.OFFICER)
    return selectors.recruitment_overview(request.user)


# --- partners (administrators) ----------------------------------------------------------------------------------


@router.get("/partners", response=list[PartnerOut], summary="HR-service partners (administrators)")
def partner_list(request):
    ensure_role(request.user, Role.ADMIN)
    return list(selectors.partners_visible_to(request.user))


@router.post("/partners", response={201: PartnerCreated},
             summary="Register a partner; the answer holds its key, shown this once (administrators)")
def partner_create(request, payload: PartnerIn):
    partner, key = services.partner_create(actor=request.user, name=payload.name, scopes=payload.scopes,
                                           enterprise_id=payload.enterprise_id, request=request)
    partner.key = key
    return Status(201, partner)


@router.post("/partners/{int:pk}/deactivate", response=PartnerOut, summary="Stop a partner's key (administrators)")
def partner_deactivate(request, pk: int):
    return services.partner_deactivate(actor=request.user, partner_id=pk, request=request)


@router.get("/partners/{int:pk}/exchanges", response=list[ExchangeOut],
            summary="What a partner sent and received, newest first (administrators)")
def partner_exchanges(request, pk: int, limit: limit_at_most(500) = 100, offset: Offset = 0):
    ensure_role(request.user, Role.ADMIN)
    start, end = _page(limit, offset, 500)
    exchanges = selectors.partner_exchanges(request.user, pk)
    if exchanges is None:
        raise NotFoundError()
    return list(exchanges[start:end])


# --- the partner API ----------------------------------------------------------------------------------------------


class PartnerKey(APIKeyHeader):
    param_name = "X-Partner-Key"

    def authenticate(self, request, key):
        return services.partner_authenticate(key)


partner_auth = PartnerKey()


@contextmanager
def _exchange(request, scope: str, direction: str, object_type: str):
    """Check the key's scope and log the call (what went in or out, or the refusal) whatever happens."""
    partner = request.auth
    record = {"ids": [], "status": 200}
    try:
        if not partner.has_scope(scope):
            raise PermissionDeniedError(gettext("This key does not have the scope %(scope)s.") % {"scope": scope})
        yield record
    except ApplicationError as exc:
        record["status"], record["ids"] = exc.status, []
        raise
    finally:
        # a read's answer may be kept (core.pagecache, per key): its call is then logged again on each serve
        each_time(request, _exchange_log, partner_id=partner.pk, direction=str(direction), object_type=object_type,
                  object_ids=list(record["ids"]), status=record["status"])


def _exchange_log(request, *, partner_id: int, **call) -> None:
    services.partner_exchange_log(partner_id=partner_id, method=request.method, path=request.path, **call)


@router.get("/partner/jobs", auth=partner_auth, response=PartnerJobPage,
            summary="Open jobs (partner key with jobs:read)")
def partner_job_list(request, limit: limit_at_most(500) = 100, offset: Offset = 0,
                     since: Instant | None = None):
    with _exchange(request, "jobs:read", ExchangeDirection.OUT, "job") as record:
        qs = selectors.partner_jobs(request.auth)
        if since:
            qs = qs.filter(updated_at__gte=since)
        start, end = _page(limit, offset, 500)
        rows = list(qs.values(*selectors.PARTNER_JOB_VALUES)[start:end])  # rows, not model instances
        record["ids"] = [row["id"] for row in rows]
        # a page model as ninja would validate it, built from the typed rows: ninja only dumps it
        return PartnerJobPage.model_construct(count=qs.count(), items=[PartnerJobOut.from_row(r) for r in rows])


@router.get("/partner/jobs/{int:pk}", auth=partner_auth, response=PartnerJobOut,
            summary="An open job (partner key with jobs:read)")
def partner_job_detail(request, pk: int):
    with _exchange(request, "jobs:read", ExchangeDirection.OUT, "job") as record:
        job = selectors.partner_jobs(request.auth).filter(pk=pk).first()
        if job is None:
            raise NotFoundError()
        record["ids"] = [job.pk]
        return job


@router.post("/partner/jobs", auth=partner_auth, response={201: PartnerJobOut},
             summary="Post a job for the key's enterprise (partner key with jobs:write)")
def partner_job_create(request, payload: JobIn):
    with _exchange(request, "jobs:write", ExchangeDirection.IN, "job") as record:
        job = services.job_create(partner=request.auth, request=request, **payload.dict())
        record["ids"], record["status"] = [job.pk], 201
        return Status(201, job)


@router.patch("/partner/jobs/{int:pk}", auth=partner_auth, response=PartnerJobOut,
              summary="Change a job of the key's enterprise (partner key with jobs:write)")
def partner_job_update(request, pk: int, payload: PartnerJobPatch):
    with _exchange(request, "jobs:write", ExchangeDirection.IN, "job") as record:
        data = payload.dict(exclude_unset=True)
        status = data.pop("status", None)
        job = services.job_update(partner=request.auth, job_id=pk, request=request, **data)
        if status:
            job = services.job_set_status(partner=request.auth, job_id=pk, status=status, request=request)
        record["ids"] = [job.pk]
        return job


@router.get("/partner/candidates", auth=partner_auth, response=PartnerCandidatePage,
            summary="Talents who let enterprises and partners find them, without name, contact or ID "
                    "(partner key with candidates:read)")
def partner_candidate_list(request, limit: limit_at_most(500) = 100, offset: Offset = 0):
    with _exchange(request, "candidates:read", ExchangeDirection.OUT, "talent") as record:
        qs = selectors.partner_candidates(request.auth)
        start, end = _page(limit, offset, 500)
        profiles = list(qs[start:end])
        educations = selectors.educations_of([p["talent_id"] for p in profiles]) if profiles else {}
        items = []
        for p in profiles:
            own = educations.get(p["talent_id"], [])
            top = max(own, key=lambda e: DEGREE_RANK.get(e[0], 0)) if own else None
            years = p["years_experience"]
            items.append({"ref": p["talent_id"], "degree": top[0] if top else "",
                          "major_code": own[-1][1] if own else "",
                          "years_experience": None if years is None else f"{years:.1f}", "skills": p["skills"],
                          "desired_occupations": p["desired_occupations"], "desired_divisions": p["desired_divisions"],
                          "salary_min": p["salary_min"], "salary_max": p["salary_max"],
                          "available_from": p["available_from"], "updated_at": p["updated_at"]})
        record["ids"] = [p["talent_id"] for p in profiles]
        found = EstimatingPaginator(qs, limit)  # the planner's estimate above 10,000: no count of every profile
        return {"count": found.count, "count_estimated": found.estimated, "items": items}
