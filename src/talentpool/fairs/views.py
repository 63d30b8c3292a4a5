"""Fair pages: the officer's fairs (create, publish, booths, schedule, live dashboard, report with XLSX), the
enterprise's booths (apply, queue, intents, invitations, a cloud booth's slots) and the talent's phone pages
(register with a train, timetable, QR ticket, late train, check-in, booking a cloud booth's slot). Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
import functools

import segno
from django.contrib import messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.permissions import require_role
from talentpool.engines.tabular.writing import Sheet, xlsx_bytes
from talentpool.recruitment.models import JobStatus
from talentpool.recruitment.selectors import jobs_visible_to
from talentpool.registry.models import Cluster, Degree

from . import cloud, scheduling, selectors, services, tours
from .choice_rows import booth_choices, booth_choices_html
from .models import Booth, FairKind, Registration
from .rows import BOOTH_COLUMNS, QUEUE_COLUMNS, booth_queue_rows, office_booth_rows

OFFICE = (Role.OFFICER, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fail(request, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, str(exc.message))


def _office_fair(request, pk: int):
    try:
        return services.office_fair(request.user, pk)
    except ApplicationError as exc:
        raise Http404 from exc


# --- officer ------------------------------------------------------------------------------------------------------

@require_role(*OFFICE)
def office(request):
    form, errors = {}, {}
    if request.method == "POST":
        form = p = request.POST
        try:
            fair = services.fair_create(actor=request.user, kind=p.get("kind", ""), title=p.get("title", ""),
                                        venue=p.get("venue", ""), starts_at=p.get("starts_at", ""),
                                        ends_at=p.get("ends_at", ""), capacity=p.get("capacity") or 300,
                                        slot_minutes=p.get("slot_minutes") or 20,
                                        walk_minutes=p.get("walk_minutes") or 0, request=request)
            return redirect("fairs:office-fair", fair.pk)
        except ApplicationError as exc:
            errors = field_errors(exc, "title")  # each beside its field, what was typed kept
    fairs = selectors.fairs_visible_to(request.user).order_by("-starts_at")[:200]
    return render(request, "fairs/office.html", {"fairs": fairs, "kinds": FairKind.choices, "form": form,
                                                 "errors": errors}, status=400 if errors else 200)


@require_role(*OFFICE)
def office_fair(request, pk: int):
    fair = _office_fair(request, pk)
    booths = (Booth.objects.filter(fair=fair).select_related("enterprise").only(*BOOTH_COLUMNS)
              .order_by("id")[:500])
    token = get_token(request)  # the page's forms and the rows' share one token, as the template's tag gave them
    return render(request, "fairs/office_fair.html", {
        "fair": fair, "csrf_token": token, "run": selectors.latest_run(fair), "stops": fair.stops.all(),
        "rows": office_booth_rows(booths, action_url=reverse("fairs:office-action", args=[fair.pk]),
                                       csrf_token=token)})


@require_role(*OFFICE)
@require_POST
def office_action(request, pk: int):
    fair = _office_fair(request, pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.fair_publish(actor=request.user, fair_id=fair.pk, request=request)
        elif action == "schedule":
            done = scheduling.fair_schedule(actor=request.user, fair_id=fair.pk, request=request,
                                            time_limit=float(request.POST.get("time_limit") or 8))
            messages.success(request, _("%(n)s interviews scheduled.") % {"n": done.plan.count})
        elif action in ("approve", "reject"):
            services.booth_decide(actor=request.user, booth_id=int(request.POST.get("booth", 0)),
                                  approve=action == "approve", request=request)
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("fairs:office-fair", fair.pk)


@require_role(*OFFICE)
def dashboard(request, pk: int):
    fair = _office_fair(request, pk)
    return render(request, "fairs/dashboard.html", {
        "fair": fair, "live": selectors.live_figures(fair, timezone.now()),
        "poll_url": reverse("api:fairs-live", args=[fair.pk])})


@require_role(*OFFICE)
def report(request, pk: int):
    fair = _office_fair(request, pk)
    rows = _report_labelled(selectors.report_rows(fair))
    if request.GET.get("format") == "xlsx":
        sheets = [
            Sheet(_("Totals"), [_("Figure"), _("Count")], rows["totals"]),
            Sheet(_("By degree"), [_("Degree"), _("Registrants")], rows["degrees"]),
            Sheet(_("By cluster"), [_("Industry cluster"), _("Interviews"), _("Intents")], rows["clusters"]),
        ]
        return file_response(xlsx_bytes(sheets, keep=True), filename=f"fair-{fair.pk}-report.xlsx", content_type=XLSX,
                             kept=True)  # totals only
    return render(request, "fairs/report.html", {"fair": fair, **rows})


def _report_labelled(rows: dict) -> dict:
    """The report's figures with their names in the reader's language (codes never reach the page or the file)."""
    names = {"enterprises": _("Enterprises"), "registrants": _("Registrants"), "arrived": _("Arrived"),
             "interviews": _("Interviews"), "held": _("Interviews held"), "intents": _("Intents"),
             "strong": _("Strong intents"), "offers": _("Offers"), "hires": _("Hires")}
    degrees, clusters = dict(Degree.choices), dict(Cluster.choices)
    return {
        "totals": [(names.get(k, k), v) for k, v in rows["totals"].items()],
        "degrees": [(degrees.get(d, d), n) for d, n in rows["degrees"]],
        "clusters": [(clusters.get(c["booth__enterprise__cluster"], _("Not stated")), c["interviews"], c["intents"])
                     for c in rows["clusters"]],
    }


# --- enterprise ---------------------------------------------------------------------------------------------------

@require_role(Role.ENTERPRISE)
def booths(request):
    form, errors = {}, {}
    if request.method == "POST":
        form = p = request.POST
        try:
            services.booth_apply(actor=request.user, fair_id=int(p["fair"]) if p.get("fair", "").isdigit() else 0,
                                 interviewers=p.get("interviewers") or 1,
                                 job_ids=[int(j) for j in p.getlist("jobs") if j.isdigit()],
                                 stand=p.get("stand", ""), video_link=p.get("video_link", ""),
                                 opens_at=p.get("opens_at") or None, closes_at=p.get("closes_at") or None,
                                 slot_minutes=p.get("slot_minutes") or None, request=request)
            messages.success(request, _("Booth application sent; the office will approve it."))
            return redirect("fairs:booths")
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404 from exc
            errors = field_errors(exc, "fair")  # each beside its field, what was typed kept
    mine = Booth.objects.filter(enterprise_id=request.user.enterprise_id).select_related("fair").order_by("-id")
    fairs = selectors.fairs_visible_to(request.user).exclude(booths__enterprise_id=request.user.enterprise_id)
    jobs = request.user.enterprise.jobs.filter(status="open") if request.user.enterprise_id else []
    return render(request, "fairs/booths.html", {"booths": mine[:100], "fairs": fairs[:100], "jobs": jobs,
                                                 "form": form, "errors": errors,
                                                 "ticked": {int(j) for j in form.getlist("jobs") if j.isdigit()}
                                                 if form else set()}, status=400 if errors else 200)


@require_role(Role.ENTERPRISE)
def booth_queue(request, pk: int):
    try:
        booth = services.own_booth(request.user, pk)
    except ApplicationError as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            if request.POST.get("action") == "invite":
                sent = scheduling.booth_invitations_send(actor=request.user, booth_id=booth.pk, request=request)
                messages.success(request, _("%(n)s invitations sent.") % {"n": sent})
            else:
                services.intent_record(actor=request.user, slot_id=int(request.POST.get("slot") or 0),
                                       level=request.POST.get("level", ""), note=request.POST.get("note", ""),
                                       request=request)
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("fairs:booth-queue", booth.pk)
    token = get_token(request)  # the page's forms and the rows' share one token, as the template's tag gave them
    slots = selectors.booth_queue(booth).only(*QUEUE_COLUMNS)[:500]
    return render(request, "fairs/booth_queue.html", {
        "booth": booth, "csrf_token": token, "rows": booth_queue_rows(slots, csrf_token=token),
        "grid": cloud.booth_grid(booth) if booth.fair.kind == FairKind.CLOUD else []})


# --- talent (phone pages) ---------------------------------------------------------------------------------------

@require_role(Role.TALENT)
def mine(request, *, refused: int | None = None, errors=None):
    """``refused``: the fair whose registration form comes back with ``errors`` beside its fields, input kept."""
    talent = services.talent_of(request.user)
    regs = Registration.objects.filter(talent=talent).select_related("fair").order_by("-id")
    fairs = selectors.fairs_visible_to(request.user).exclude(registrations__talent=talent)
    return render(request, "fairs/mine.html", {"registrations": regs[:50], "fairs": fairs[:50], "refused": refused,
                                               "errors": errors or {}, "form": request.POST if errors else {}},
                  status=400 if errors else 200)


@require_role(Role.TALENT)
@require_POST
def register(request, pk: int):
    p = request.POST
    try:
        reg = services.register(actor=request.user, fair_id=pk, consent=p.get("consent") == "1",
                                train_number=p.get("train_number", ""), arrival_at=p.get("arrival_at") or None,
                                departure_at=p.get("departure_at") or None, request=request)
        return redirect("fairs:registration-timetable", reg.pk)
    except ApplicationError as exc:
        if exc.status != 400:
            _fail(request, exc)
            return redirect("fairs:mine")
        return mine(request, refused=pk, errors=field_errors(exc, "consent"))


@require_role(Role.TALENT)
def registration(request, pk: int):
    try:
        reg = services.own_registration(request.user, pk)
    except ApplicationError as exc:
        raise Http404 from exc
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "late":
                done = scheduling.late_train(actor=request.user, registration_id=reg.pk,
                                             arrival_at=p.get("arrival_at", ""),
                                             train_number=p.get("train_number") or None, request=request)
                messages.success(request, _("Arrival updated; your timetable is re-planned.") if done
                                 else _("Arrival updated."))
            elif p.get("action") == "choices":
                picks = [{"booth": int(b), "job": int(p.get(f"job_{b}", "")) if p.get(f"job_{b}", "").isdigit()
                          else None} for b in p.getlist("booths") if b.isdigit()]
                services.choices_set(actor=request.user, registration_id=reg.pk, picks=picks, request=request)
            elif p.get("action") == "recommend":
                chosen = services.choices_recommend(actor=request.user, registration_id=reg.pk, request=request)
                messages.success(request, _("%(n)s recommended booths chosen.") % {"n": len(chosen)})
            elif p.get("action") == "check_in":
                services.check_in(actor=request.user, token=reg.qr_token, request=request)
            elif p.get("action") == "book":
                cloud.slot_book(actor=request.user, registration_id=reg.pk, booth_id=int(p.get("booth") or 0),
                                starts_at=p.get("starts_at", ""), request=request,
                                job_id=int(p["job"]) if p.get("job", "").isdigit() else None)
                messages.success(request, _("Slot booked."))
            elif p.get("action") == "unbook":
                cloud.slot_cancel(actor=request.user, registration_id=reg.pk, slot_id=int(p.get("slot") or 0),
                                  request=request)
        except ApplicationError as exc:  # IndexPreparing too: "recommendations are being prepared"
            _fail(request, exc)
        return redirect("fairs:registration-timetable", reg.pk)
    check_in_url = request.build_absolute_uri(reverse("fairs:check-in", args=[reg.qr_token]))
    qr = _qr_svg(check_in_url)
    chosen = {c.booth_id: c for c in reg.choices.select_related("booth__enterprise").only(
        "registration_id", "booth_id", "job_id", "recommended", "reason", "booth__enterprise__name")}
    # the job to talk about at each booth: the one chosen, else the first
    booths = booth_choices_html(booth_choices(reg.fair_id), {pk: c.job_id for pk, c in chosen.items()})
    return render(request, "fairs/registration.html", {
        "reg": reg, "slots": selectors.timetable(reg), "qr": qr, "booths": booths, "chosen": chosen, "openings": cloud.openings(reg, timezone.now())})


@functools.lru_cache(maxsize=1024)
def _qr_svg(url: str) -> str:
    """The ticket's QR code drawn once per process and address (a pure function of the address: a registration's
    token never changes, so nothing invalidates it; the bound keeps the memory small)."""
    return segno.make(url, error="m").svg_inline(scale=4)


@require_role(Role.TALENT, Role.OFFICER, Role.ADMIN)
def check_in(request, token: str):
    """The QR ticket's address: the registrant or an officer scanning at the gate checks in (a POST; twice is
    harmless)."""
    reg = get_object_or_404(Registration.objects.select_related("fair", "talent"), qr_token=token[:32])
    if request.method == "POST":
        try:
            reg = services.check_in(actor=request.user, token=token, request=request)
            messages.success(request, _("Checked in."))
        except ApplicationError as exc:
            _fail(request, exc)
    elif request.user.role == Role.TALENT and reg.talent.user_id != request.user.pk:
        raise Http404
    elif request.user.role == Role.OFFICER:
        _office_fair(request, reg.fair_id)
    return render(request, "fairs/check_in.html", {"reg": reg})


@require_role(*OFFICE)
def tour_planner(request):
    """Propose a campus tour for a cluster or chosen jobs; the officer edits the stops and publishes it."""
    from_form = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        p = request.POST
        stops = [{"university": u, "city": c, "date": d} for u, c, d in
                 zip(p.getlist("university"), p.getlist("city"), p.getlist("date"), strict=False) if u.strip()]
        try:
            if not stops:
                raise ApplicationError(_("A tour has 1 to 12 stops."), field="stops")
            dates = sorted(dt.date.fromisoformat(s["date"]) for s in stops)
            fair = services.fair_create(
                actor=request.user, kind=FairKind.CAMPUS_TOUR, title=p.get("title", ""), stops=stops,
                starts_at=dt.datetime.combine(dates[0], dt.time(9), services.CHINA),
                ends_at=dt.datetime.combine(dates[-1], dt.time(17), services.CHINA), request=request)
            services.fair_publish(actor=request.user, fair_id=fair.pk, request=request)
            return redirect("fairs:office-fair", fair.pk)
        except (ApplicationError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
    proposal = []
    if from_form.get("stops"):
        try:
            first_day = dt.date.fromisoformat(from_form.get("first_day") or "")
            proposal = tours.tour_propose(
                actor=request.user, cluster=from_form.get("cluster", ""), stops=int(from_form.get("stops") or 5),
                job_ids=_job_ids(from_form), first_day=first_day)
        except (ApplicationError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "message", exc)))
    return render(request, "fairs/tour_planner.html", {
        "proposal": proposal, "clusters": Cluster.choices, "form": from_form, "chosen": set(_job_ids(from_form)),
        # the district's open jobs, chosen by title (never typed as record numbers)
        "jobs": jobs_visible_to(request.user).filter(status=JobStatus.OPEN).select_related("enterprise")
        .only("id", "title", "enterprise__name").order_by("-created_at")[:200]})


def _job_ids(form) -> list[int]:
    """The jobs chosen in the planner's list (an address written by hand may still list them as "12, 15")."""
    return [int(j) for raw in form.getlist("jobs") for j in raw.replace("，", ",").split(",") if j.strip().isdigit()]
