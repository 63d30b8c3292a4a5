"""Recruitment pages: the enterprise's jobs, ranked candidates, pipeline and application; the talent's job
profile, recommended and searched jobs, applications and interviews; the officer's district jobs, moderation and
overview. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.i18n import bilingual as lang
from talentpool.core.permissions import require_role
from talentpool.registry.models import Degree

from . import selectors, services
from .matching import IndexPreparing
from .models import DEFAULT_STAGES, JobStatus, Outcome
from .rows import candidate_rows, job_match_rows


def _fail(request, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, str(exc.message))


def _list(text: str) -> list[str]:
    return [p for p in re.split(r"[,，;；\s]+", text or "") if p]


def _int(text: str):
    text = (text or "").strip()
    return int(text) if text.isdigit() else (text or None)


# --- talent -------------------------------------------------------------------------------------------------------

@require_role(Role.TALENT)
def profile(request):
    talent = selectors.talent_of(request.user)
    if talent is None:
        raise Http404
    current = selectors.profile_of(request.user)
    if request.method == "POST":
        p = request.POST
        try:
            saved = services.profile_save(
                actor=request.user, resume=p.get("resume", ""), skills=_list(p.get("skills", "")),
                desired_occupations=_list(p.get("desired_occupations", "")),
                desired_divisions=_list(p.get("desired_divisions", "")), salary_min=_int(p.get("salary_min")),
                salary_max=_int(p.get("salary_max")), available_from=p.get("available_from") or None,
                years_experience=p.get("years_experience") or None, consent_search=p.get("consent_search") == "1",
                request=request)
        except ApplicationError as exc:
            return render(request, "recruitment/profile.html", {"profile": current, "form": p, "error": exc,
                                                                "errors": field_errors(exc, "resume")}, status=400)
        for note in getattr(saved, "cleaning_notes", []):
            messages.warning(request, note)
        messages.success(request, _("Job profile saved; the jobs for you are worked out from it at once."))
        return redirect("recruitment:jobs")
    return render(request, "recruitment/profile.html", {"profile": current, "form": None})


@require_role(Role.TALENT)
def jobs(request):
    """Jobs for me, with the reasons; with a search, the matching open jobs instead."""
    g = request.GET
    filters = selectors.JobFilters(q=g.get("q", "").strip(), occupation=g.get("occupation", "").strip(),
                                   division=g.get("division", "").strip(),
                                   salary_at_least=int(g["salary"]) if g.get("salary", "").isdigit() else None)
    searching = any([filters.q, filters.occupation, filters.division, filters.salary_at_least])
    ref = selectors.talent_ref(request.user)  # the talent and whether it has a profile, read once for the page
    context = {"filters": filters, "searching": searching, "profile": bool(ref and ref.has_profile)}
    if searching:
        context["results"] = list(selectors.job_search(request.user, filters)[:50])
    else:
        try:
            context["match_rows"] = job_match_rows(selectors.recommended_jobs(
                request.user, 20, near_misses=3, columns=selectors.JOB_CARD_COLUMNS))
        except IndexPreparing as exc:  # built in the background, never in this request
            context["preparing"] = exc
    return render(request, "recruitment/jobs.html", context)


@require_role(Role.TALENT, Role.ENTERPRISE, Role.OFFICER)
def job(request, pk: int):
    """One job as the talent (apply), the enterprise (its own) or the officer (moderation) reads it."""
    found = selectors.job_get(request.user, pk)
    if found is None:
        raise Http404
    context = {"job": found, "hires": selectors.job_hires(found)}
    if request.user.role == Role.TALENT:
        talent = selectors.talent_of(request.user)
        context["application"] = found.applications.filter(talent=talent).first() if talent else None
        return render(request, "recruitment/job_talent.html", context)
    if request.user.role == Role.ENTERPRISE:
        try:
            context["candidate_rows"] = candidate_rows(
                selectors.ranked_candidates(request.user, found, 20, near_misses=3))
        except IndexPreparing as exc:  # built in the background, never in this request
            context["preparing"] = exc
        context["statuses"] = JobStatus.choices
        return render(request, "recruitment/job_enterprise.html", context)
    return render(request, "recruitment/job_officer.html", context)


@require_role(Role.TALENT)
@require_POST
def apply(request, pk: int):
    try:
        app = services.apply(actor=request.user, job_id=pk, message=request.POST.get("message", ""),
                             request=request)
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect("recruitment:job-detail", pk=pk)
    messages.success(request, _("Applied. The employer is told; follow it under My applications."))
    return redirect("recruitment:my-application", pk=app.pk)


def _with_stage_names(rows: list) -> list:
    """Each application gets ``stage_name`` ({zh, en}) from its enterprise's own stages: a page shows the name,
    never the stored code."""
    stages = {enterprise: {s["code"]: s for s in rows_} for enterprise, rows_
              in selectors.pipeline_stages_of(a.job.enterprise_id for a in rows).items()}  # one query, not one each
    for a in rows:
        a.stage_name = stages.get(a.job.enterprise_id, {}).get(a.stage, {"zh": a.stage, "en": a.stage})
    return rows


@require_role(Role.TALENT)
def my_applications(request):
    return render(request, "recruitment/my_applications.html", {
        "applications": _with_stage_names(list(selectors.my_applications(request.user).select_related("job"))),
        "interviews": selectors.my_interviews(request.user, upcoming=True)})


@require_role(Role.TALENT)
def my_application(request, pk: int):
    app = selectors.my_applications(request.user).filter(pk=pk).first()
    if app is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                services.application_move(actor=request.user, application_id=pk, to=Outcome.WITHDRAWN,
                                          reason=request.POST.get("reason", ""), request=request)
                messages.success(request, _("Application withdrawn."))
            elif request.POST.get("action") == "confirm":
                services.interview_confirm(actor=request.user, interview_id=int(request.POST.get("interview", 0)),
                                           request=request)
                messages.success(request, _("Interview slot accepted. The employer is told."))
            elif request.POST.get("action") == "accept":
                services.offer_accept(actor=request.user, application_id=pk, request=request)
                messages.success(request, _("Offer accepted. The employer is told."))
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("recruitment:my-application", pk=pk)
    return render(request, "recruitment/my_application.html", {
        "app": app, "history": app.history.all(), "interviews": app.interviews.order_by("round", "pk"),
        "stages": {s["code"]: s for s in selectors.pipeline_stages(app.job.enterprise_id)}})


# --- enterprise ---------------------------------------------------------------------------------------------------

@require_role(Role.ENTERPRISE)
def my_jobs(request):
    status = request.GET.get("status", "")
    rows = selectors.jobs_with_application_counts(selectors.job_search(request.user,
                                                                       selectors.JobFilters(status=status)))
    return render(request, "recruitment/my_jobs.html", {"jobs": rows, "status": status,
                                                        "statuses": JobStatus.choices})


def _job_values(p) -> dict:
    return {"title": p.get("title", ""), "description": p.get("description", ""),
            "occupation_code": p.get("occupation_code", "").strip(), "min_degree": p.get("min_degree", ""),
            "accepted_majors": _list(p.get("accepted_majors", "")), "skills": _list(p.get("skills", "")),
            "min_years": p.get("min_years") or 0, "salary_min": _int(p.get("salary_min")),
            "salary_max": _int(p.get("salary_max")), "division": p.get("division", "").strip(),
            # an empty headcount means one person; a typed 0 is refused by the service, never stored as 1
            "headcount": _int(p.get("headcount")) if str(p.get("headcount", "")).strip() else 1,
            "deadline": p.get("deadline") or None}


@require_role(Role.ENTERPRISE)
def job_form(request, pk: int | None = None):
    found = selectors.job_get(request.user, pk) if pk else None
    if pk and found is None:
        raise Http404
    if request.method == "POST":
        values = _job_values(request.POST)
        try:
            if found is None:
                found = services.job_create(actor=request.user, status=request.POST.get("status", JobStatus.DRAFT),
                                            request=request, **values)
            else:
                found = services.job_update(actor=request.user, job_id=found.pk, request=request, **values)
        except ApplicationError as exc:
            errors = field_errors(exc, "title")
            return render(request, "recruitment/job_form.html", {
                "job": found, "form": request.POST, "error": exc, "errors": errors, "degrees": Degree.choices},
                status=400)
        messages.success(request, _("Job saved."))
        return redirect("recruitment:job-detail", pk=found.pk)
    return render(request, "recruitment/job_form.html", {"job": found, "form": None, "degrees": Degree.choices})


@require_role(Role.ENTERPRISE)
@require_POST
def job_status(request, pk: int):
    try:
        services.job_set_status(actor=request.user, job_id=pk, status=request.POST.get("status", ""),
                                request=request)
        messages.success(request, _("Status changed."))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("recruitment:job-detail", pk=pk)


@require_role(Role.ENTERPRISE)
def pipeline(request, pk: int):
    found = selectors.job_get(request.user, pk)
    if found is None:
        raise Http404
    return render(request, "recruitment/pipeline.html", {"board": selectors.job_pipeline(request.user, found)})


@require_role(Role.ENTERPRISE, Role.OFFICER)
def applications(request):
    rows = list(selectors.applications_visible_to(request.user).select_related("job", "talent")
                .only(*APPLICATION_ROW_FIELDS).order_by("-created_at")[:200])
    return render(request, "recruitment/applications.html",
                  {"applications": _application_cells(request.user, _with_stage_names(rows))})


APPLICATION_ROW_FIELDS = ("stage", "outcome", "created_at", "job_id", "talent_id", "job__title",
                          "job__enterprise_id", "talent__name")
_MARK = 987654321  # an id put in a URL reversed once per page, then replaced by each row's


def _application_cells(user, rows: list) -> list[dict]:
    """What each row of the applications table prints, worked out once per page rather than by the template per
    row: an employer's row links the name to the application, an officer's the job to the job (each URL reversed
    once), the date in the active time zone (as the template's date filter does), and the outcome or the
    employer's name for the stage."""
    outcomes = {code: str(label) for code, label in Outcome.choices}
    app_link = reverse("recruitment:application-detail", args=[_MARK]) if user.role == Role.ENTERPRISE else ""
    job_link = reverse("recruitment:job-detail", args=[_MARK]) if user.role == Role.OFFICER else ""
    mark = str(_MARK)
    return [{"name": a.talent.name, "name_href": app_link.replace(mark, str(a.pk)), "title": a.job.title,
             "job_href": job_link.replace(mark, str(a.job_id)),
             "applied": localtime(a.created_at).strftime("%Y-%m-%d"),
             "status": outcomes.get(a.outcome, a.outcome) if a.outcome else lang(a.stage_name)} for a in rows]


def _done_message(action: str, app, p) -> str:
    """What an action on an application did, in words (never a bare "Saved.")."""
    name = app.talent.name
    if action == "move":
        stage = {s["code"]: s for s in selectors.pipeline_stages(app.job.enterprise_id)}.get(p.get("to", ""))
        return _("%(name)s moved to %(stage)s.") % {"name": name, "stage": lang(stage) if stage else p.get("to", "")}
    return {
        "note": _("Note added to the application of %(name)s."),
        "interview": _("Interview scheduled; %(name)s is invited by notice and calendar file."),
        "reschedule": _("Interview moved; %(name)s is asked to accept the new slot."),
        "cancel": _("Interview cancelled; %(name)s is told."),
        "offer": _("Offer sent to %(name)s."),
        "hire": _("%(name)s is hired; the registry now records the employment."),
    }[action] % {"name": name}


@require_role(Role.ENTERPRISE)
def application(request, pk: int):
    app = selectors.application_get(request.user, pk)
    if app is None:
        raise Http404
    if request.method == "POST":
        p = request.POST
        action = p.get("action")
        try:
            if action == "move":
                services.application_move(actor=request.user, application_id=pk, to=p.get("to", ""),
                                          reason=p.get("reason", ""), note=p.get("note", ""), request=request)
            elif action == "note":
                services.note_add(actor=request.user, application_id=pk, text=p.get("text", ""), request=request)
            elif action == "interview":
                services.interview_schedule(actor=request.user, application_id=pk, starts_at=p.get("starts_at"),
                                            ends_at=p.get("ends_at"), location=p.get("location", ""),
                                            video_link=p.get("video_link", ""),
                                            interviewers=_list(p.get("interviewers", "")), request=request)
            elif action == "reschedule":
                services.interview_reschedule(actor=request.user, interview_id=int(p.get("interview", 0)),
                                              starts_at=p.get("starts_at"), ends_at=p.get("ends_at"),
                                              request=request)
            elif action == "cancel":
                services.interview_cancel(actor=request.user, interview_id=int(p.get("interview", 0)),
                                          reason=p.get("reason", ""), request=request)
            elif action == "offer":
                services.offer_make(actor=request.user, application_id=pk, start_date=p.get("start_date"),
                                    salary=_int(p.get("salary")), note=p.get("note", ""), request=request)
            elif action == "hire":
                services.hire(actor=request.user, application_id=pk, start_date=p.get("start_date") or None,
                              request=request)
            else:
                raise Http404
            messages.success(request, _done_message(action, app, p))
        except ApplicationError as exc:
            if action != "interview" or exc.status != 400:
                _fail(request, exc)
                return redirect("recruitment:application-detail", pk=pk)
            # the interview form again, each refusal beside its field and what was typed kept
            return _application_page(request, app, form=p, errors=field_errors(exc, "starts_at"))
        return redirect("recruitment:application-detail", pk=pk)
    services.candidate_viewed(actor=request.user, talent=app.talent, request=request)
    return _application_page(request, app)


def _application_page(request, app, *, form=None, errors=None):
    stages = selectors.application_stages(app)
    return render(request, "recruitment/application.html", {
        # the history (with its actors), the interviews (by round), the job profile and the employer's stages came
        # with the application
        "app": app, "history": app.history.all(), "stages": stages,
        "stage_names": {s["code"]: s for s in stages}, "notes": selectors.application_notes(request.user, app),
        "interviews": app.interviews.all(), "profile": getattr(app.talent, "job_profile", None),
        "educations": app.talent.educations.order_by("-graduation_date"), "form": form or {},
        "errors": errors or {}}, status=400 if errors else 200)


# --- officer ------------------------------------------------------------------------------------------------------

@require_role(Role.OFFICER)
def overview(request):
    o = selectors.recruitment_overview(request.user)
    names = {s["code"]: s for s in DEFAULT_STAGES}  # across enterprises: the default names (a custom code as is)
    outcomes = dict(Outcome.choices)
    return render(request, "recruitment/overview.html", {
        "o": o, "by_stage": [(lang(names[c]) if c in names else c, n) for c, n in o["applications_by_stage"].items()],
        "by_outcome": [(str(outcomes.get(c, c)), n) for c, n in o["applications_by_outcome"].items()]})


DISTRICT_JOBS_PAGE = 50


@require_role(Role.OFFICER)
def district_jobs(request):
    g = request.GET
    hidden = {"yes": True, "no": False}.get(g.get("hidden", ""))  # the page's checkbox sends "yes"
    rows = selectors.job_search(request.user, selectors.JobFilters(q=g.get("q", "").strip(), status=g.get("status", ""),
                                                                   hidden=hidden))
    after = g.get("after", "")
    rows = rows.only("title", "hidden", "status", "created_at", "enterprise__name")
    page, next_after = selectors.jobs_page_after(rows, int(after) if after.isdigit() else None, DISTRICT_JOBS_PAGE)
    return render(request, "recruitment/district_jobs.html", {
        "jobs": _district_job_cells(selectors.jobs_with_application_counts(page)), "next_after": next_after,
        "paged": bool(after),
        "statuses": JobStatus.choices, "q": g.get("q", ""), "status": g.get("status", ""),
        "hidden": g.get("hidden", "")})


def _district_job_cells(jobs: list) -> list[dict]:
    """What each row of the district's job table prints, worked out once per page: the link (reversed once), the
    status in words, the posting date in the active time zone."""
    statuses = {code: str(label) for code, label in JobStatus.choices}
    link, mark = reverse("recruitment:job-detail", args=[_MARK]), str(_MARK)
    return [{"pk": j.pk, "href": link.replace(mark, str(j.pk)), "title": j.title, "hidden": j.hidden,
             "enterprise": j.enterprise.name, "status": statuses.get(j.status, j.status),
             "applications": j.application_count, "posted": localtime(j.created_at).strftime("%Y-%m-%d")}
            for j in jobs]


@require_role(Role.OFFICER)
@require_POST
def moderate(request, pk: int):
    try:
        services.job_moderate(actor=request.user, job_id=pk, hidden=request.POST.get("hidden") == "1",
                              note=request.POST.get("note", ""), request=request)
        messages.success(request, _("Moderation saved; the enterprise is told."))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("recruitment:job-detail", pk=pk)


@require_role(Role.ENTERPRISE)
def stages(request):
    """The enterprise's pipeline stages, one per line: ``code 中文名 English name``."""
    if request.method == "POST":
        rows = []
        for line in request.POST.get("stages", "").splitlines():
            parts = line.split(None, 2)
            if parts:
                rows.append({"code": parts[0], "zh": parts[1] if len(parts) > 1 else "",
                             "en": parts[2] if len(parts) > 2 else ""})
        try:
            services.pipeline_stages_set(actor=request.user, stages=rows, request=request)
            messages.success(request, _("Pipeline stages saved."))
            return redirect("recruitment:stages")
        except ApplicationError as exc:
            return render(request, "recruitment/stages.html", {"text": request.POST.get("stages", ""), "error": exc},
                          status=400)
    current = selectors.pipeline_stages(request.user.enterprise_id)
    return render(request, "recruitment/stages.html",
                  {"text": "\n".join(f"{s['code']} {s['zh']} {s['en']}" for s in current)})


@require_role(Role.ADMIN)
def partners(request):
    """Partners of the open API: register one (its key is shown once), deactivate one, read its exchanges."""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "deactivate":
                services.partner_deactivate(actor=request.user, partner_id=int(request.POST.get("partner", 0)),
                                            request=request)
                messages.success(request, _("Partner deactivated: its key no longer works."))
                return redirect("recruitment:partners")
            partner, key = services.partner_create(
                actor=request.user, name=request.POST.get("name", ""), scopes=request.POST.getlist("scope"),
                enterprise_code=request.POST.get("enterprise", ""), request=request)
        except ApplicationError as exc:
            _fail(request, exc)
            return redirect("recruitment:partners")
        return render(request, "recruitment/partners.html", {
            "partners": selectors.partners_visible_to(request.user), "new_key": key, "new_partner": partner})
    shown = request.GET.get("partner", "")
    exchanges = selectors.partner_exchanges(request.user, int(shown)) if shown.isdigit() and len(shown) < 10 else []
    if exchanges is None:
        raise Http404
    return render(request, "recruitment/partners.html", {
        "partners": selectors.partners_visible_to(request.user), "exchanges": exchanges[:100], "shown": shown})
