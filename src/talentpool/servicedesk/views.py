"""Service-desk pages: the talent's catalogue by life stage, asking, following, replying, rating and reopening
(made for the phone); the officer's queue, ticket page, raising on a talent's behalf, the team lead's dashboard and
catalogue editing. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from html import escape

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.core.downloads import file_response
from talentpool.core.errors import ApplicationError, FieldErrors, field_errors
from talentpool.core.i18n import bilingual
from talentpool.core.permissions import require_role
from talentpool.core.roles import Role
from talentpool.registry.selectors import talent_chosen, talent_visible_to

from . import assignment, selectors, services
from .models import DeskOfficer, LifeStage, Office, Priority, Service, SlaState, Team
from .recompute import recomputes_active
from .services import Upload
from .views_office import OfficerOptions

OFFICE = (Role.OFFICER,)


def _uploads(request) -> list[Upload]:
    return services.uploads_from(request.FILES.getlist("files"))


def _fail(request, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, str(exc.message))


# --- talent -------------------------------------------------------------------------------------------------------

@require_role(Role.TALENT)
def catalogue(request):
    stage = request.GET.get("stage", "")
    stage = stage if stage in LifeStage.values else ""
    groups = selectors.catalogue_for(request.user, stage=stage, fields=selectors.CARD_FIELDS)
    _service_cards(groups)
    return render(request, "servicedesk/catalogue.html", {
        "groups": groups, "stage": stage, "stages": LifeStage.choices, "pair": selectors.my_officer(request.user)})


def _service_cards(groups) -> None:
    """Each service's card (``s.card``: its texts in the page's language, "who may ask", the link or why not) made in
    Python once per page: the template's tags and filters per service (a ``{% url %}``, three ``lang`` filters, a
    ``yesno``, translations) made most of the catalogue's time. What the cards share is made once by
    ``format_html``; each card's texts are escaped as the template escaped them (``html.escape``)."""
    head, _sep, tail = reverse("servicedesk:ask", args=["x"]).rpartition("x")
    who = escape(_("Who may ask"))
    answers = {False: format_html('<p class="muted">{}</p>', _("Not open to you")),
               None: format_html('<p class="muted">{}</p>', _("Your record does not say whether you may ask; an "
                                                               "officer can raise it for you."))}
    ask = escape(_("Ask for this"))
    marks = {True: "yes", False: "no", None: "unknown"}
    for group in groups:
        for s, may in group.services:
            criterion = (f'<p class="muted">{who}: {escape(bilingual(s, "criterion"))}</p>' if s.criterion else "")
            answer = (f'<p><a class="button" href="{escape(head)}{escape(s.code)}{escape(tail)}">{ask}</a></p>' if may
                      else answers[None if may is None else False])
            s.card = mark_safe(  # every text escaped above
                f'<div class="card service" data-service="{escape(s.code)}" data-may="{marks[may]}"><h3>'
                f'{escape(bilingual(s, "name"))}</h3><p>{escape(bilingual(s, "description"))}</p>\n{criterion}\n'
                f'{answer}</div>')


@require_role(Role.TALENT)
def ask(request, code: str):
    try:
        service = selectors.service_get(code, user=request.user)
    except ApplicationError as exc:
        raise Http404 from exc
    talent = selectors.talent_of(request.user)
    if talent is None:
        raise Http404
    if request.method == "POST":
        errors = FieldErrors("body")  # the text and the files checked together, each refusal beside its field
        uploads = errors.check("files", _uploads, request) or []
        errors.check("body", services.ticket_fields_check, body=request.POST.get("body", ""), uploads=uploads)
        try:
            errors.raise_any()
            ticket = services.ticket_raise(actor=request.user, talent=talent, service=service,
                                           subject=request.POST.get("subject", ""), body=request.POST.get("body", ""),
                                           uploads=uploads, request=request)
        except ApplicationError as exc:
            errors = field_errors(exc, "body")
            if exc.status != 400 or not set(errors) <= {"subject", "body", "files"}:
                _fail(request, exc)  # not about a field of this form (who may ask): said above it
                return render(request, "servicedesk/ask.html", {"service": service, "form": request.POST})
            return render(request, "servicedesk/ask.html", {"service": service, "form": request.POST,
                                                            "errors": errors}, status=400)
        messages.success(request, _("Your request is sent; you will be told when an officer replies."))
        return redirect("servicedesk:my-ticket", pk=ticket.pk)
    return render(request, "servicedesk/ask.html", {"service": service})


@require_role(Role.TALENT)
def mine(request):
    return render(request, "servicedesk/mine.html", {
        "tickets": selectors.tickets_visible_to(request.user)[:100], "pair": selectors.my_officer(request.user)})


@require_role(Role.TALENT)
def my_ticket(request, pk: int):
    try:
        ticket = selectors.ticket_get(request.user, pk)
    except ApplicationError as exc:
        raise Http404 from exc
    if request.method == "POST":
        action, p = request.POST.get("action"), request.POST
        try:
            if action == "reply":
                services.ticket_reply(actor=request.user, ticket=ticket, body=p.get("body", ""),
                                      uploads=_uploads(request), request=request)
            elif action == "close":
                services.ticket_close(actor=request.user, ticket=ticket, rating=int(p.get("rating") or 0),
                                      comment=p.get("comment", ""), request=request)
            elif action == "reopen":
                services.ticket_reopen(actor=request.user, ticket=ticket, body=p.get("body", ""), request=request)
        except (ApplicationError, ValueError) as exc:
            _fail(request, exc if isinstance(exc, ApplicationError) else ApplicationError(_("A rating is from 1 to 5")))
        return redirect("servicedesk:my-ticket", pk=pk)
    return render(request, "servicedesk/my_ticket.html", {
        "ticket": ticket, "thread": selectors.ticket_messages(request.user, ticket),
        "files": selectors.ticket_files(request.user, ticket)})


@require_role(Role.TALENT, Role.OFFICER)
def attachment(request, pk: int):
    try:
        item, data = selectors.attachment_content(request.user, pk)
    except ApplicationError as exc:
        raise Http404 from exc
    return file_response(data, filename=item.name, content_type=item.content_type)



# --- officer ------------------------------------------------------------------------------------------------------

@require_role(*OFFICE)
def console(request):
    g = request.GET
    after = g.get("after", "")
    tickets, next_after = selectors.queue_page(request.user, scope=g.get("scope", "open"), mine=g.get("mine") == "1",
                                               state=g.get("state", ""), after=int(after) if after.isdigit() else None)
    more = g.copy()
    more["after"] = next_after or ""
    return render(request, "servicedesk/console.html", {
        "tickets": tickets, "states": SlaState.choices, "filters": g, "next": more.urlencode() if next_after else "",
        "first": bool(after), "base": reverse("servicedesk:console")})  # a ticket is console/<pk>/


@require_role(*OFFICE)
def ticket(request, pk: int):
    try:
        item = selectors.ticket_get(request.user, pk)
    except ApplicationError as exc:
        raise Http404 from exc
    if request.method == "POST":
        _ticket_action(request, item)
        return redirect("servicedesk:ticket", pk=pk)
    return render(request, "servicedesk/ticket.html", {
        "ticket": item, "thread": selectors.ticket_messages(request.user, item),
        "files": selectors.ticket_files(request.user, item), "priorities": Priority.choices,
        "officers": selectors.officers_for(request.user)})


def _ticket_action(request, item) -> None:
    action, p, user = request.POST.get("action"), request.POST, request.user
    try:
        if action in ("reply", "note"):
            services.ticket_reply(actor=user, ticket=item, body=p.get("body", ""), internal=action == "note",
                                  uploads=_uploads(request), request=request)
        elif action == "pause":
            services.ticket_pause(actor=user, ticket=item, body=p.get("body", ""), request=request)
        elif action == "resolve":
            services.ticket_resolve(actor=user, ticket=item, body=p.get("body", ""), request=request)
        elif action == "reopen":
            services.ticket_reopen(actor=user, ticket=item, body=p.get("body", ""), request=request)
        elif action == "priority":
            services.ticket_set_priority(actor=user, ticket=item, priority=p.get("priority", ""), request=request)
        elif action == "assign":
            officer = DeskOfficer.objects.filter(pk=p.get("officer") or 0).first()
            if officer is None:
                raise ApplicationError(_("Choose an officer"), code="no_officer", field="officer")
            services.ticket_assign(actor=user, ticket=item, officer=officer, request=request)
        else:
            raise ApplicationError(_("Unknown action"), code="bad_action")
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Saved."))


@require_role(*OFFICE)
def raise_for(request):
    """An officer raises a ticket on a talent's behalf (the talent picked by name and masked ID number)."""
    if request.method == "POST":
        p = request.POST
        errors = FieldErrors("body")  # every field checked: each refusal shown beside its field, the input kept
        chosen = p.get("talent", "").strip()[:60]
        talent = (talent_visible_to(request.user).filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) < 10
                  else talent_chosen(user=request.user, text=chosen))
        service = Service.objects.filter(code=p.get("service", ""), active=True).first()
        if talent is None:
            errors.refuse("talent", _("Choose a talent of your district: type a name or ID number and pick one."))
        if service is None:
            errors.refuse("service", _("Choose a service of the catalogue."))
        uploads = errors.check("files", _uploads, request) or []
        errors.check("body", services.ticket_fields_check, body=p.get("body", ""),
                     priority=p.get("priority", "normal"), uploads=uploads)
        try:
            errors.raise_any()
            item = services.ticket_raise(actor=request.user, talent=talent, service=service,
                                         subject=p.get("subject", ""), body=p.get("body", ""),
                                         priority=p.get("priority", "normal"), uploads=uploads, request=request)
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404 from exc
            return render(request, "servicedesk/raise.html", {
                "services": Service.objects.filter(active=True), "priorities": Priority.choices, "form": p,
                "errors": field_errors(exc, "body")}, status=400)
        return redirect("servicedesk:ticket", pk=item.pk)
    return render(request, "servicedesk/raise.html", {
        "services": Service.objects.filter(active=True), "priorities": Priority.choices, "form": {}})


@require_role(*OFFICE)
def dashboard(request):
    """The team lead's workload and SLA view: officers and teams, the tickets at risk (reassigned from here), adding
    an officer to a team."""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign":
                _reassign(request)
            else:
                team = Team.objects.filter(pk=request.POST.get("team") or 0).first()
                if team is None:
                    raise ApplicationError(_("Choose a team"), code="no_team", field="team")
                assignment.officer_join(actor=request.user, username=request.POST.get("username", "").strip(),
                                        team=team, skills=request.POST.get("skills", "").split(), request=request)
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Saved."))
        return redirect("servicedesk:dashboard")
    data = selectors.dashboard_for(request.user)
    options = OfficerOptions([o for o in data["officers"] if o.active])  # as selectors.officers_for
    states = {v: str(label) for v, label in SlaState.choices}
    for t in data["at_risk"]:  # each row's labels and officer list made once per page, not per row in the template
        t.sla_label = states.get(t.sla_state, t.sla_state)
        t.due_label = timezone.localtime(t.due_at).strftime("%Y-%m-%d %H:%M") if t.due_at else "—"
        t.officer_options = options(t.assignee_id)
    return render(request, "servicedesk/dashboard.html", {"data": data, "teams": Team.objects.all(),
                                                          "base": reverse("servicedesk:console")})


def _reassign(request) -> None:
    p = request.POST
    item = selectors.ticket_get(request.user, int(p["ticket"]) if p.get("ticket", "").isdigit() else 0)
    officer = DeskOfficer.objects.filter(pk=p.get("officer") or 0).first()
    if officer is None:
        raise ApplicationError(_("Choose an officer"), code="no_officer", field="officer")
    services.ticket_assign(actor=request.user, ticket=item, officer=officer, request=request)


@require_role(*OFFICE)
@require_POST
def officer_action(request, pk: int):
    officer = DeskOfficer.objects.filter(pk=pk).first()
    if officer is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action in ("away", "back"):
            assignment.officer_set_away(actor=request.user, officer=officer, away=action == "away", request=request)
        elif action == "retire":
            moved = assignment.officer_retire(actor=request.user, officer=officer, request=request)
            messages.success(request, _("%(t)s tickets and %(p)s talents handed on.")
                             % {"t": moved["tickets"], "p": moved["talents"]})
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("servicedesk:dashboard")


@require_role(*OFFICE)
def services_list(request):
    office = Office.objects.order_by("pk").first()
    if request.method == "POST" and office is not None:
        p = request.POST
        try:
            services.office_update(actor=request.user, office=office, working_hours=p.get("working_hours", ""),
                                   zone=p.get("zone", ""), warn_share=p.get("warn_share") or "0",
                                   second_share=p.get("second_share") or "0", request=request)
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Saved; the open tickets' deadlines are being recomputed."))
        return redirect("servicedesk:services")
    return render(request, "servicedesk/services.html", {
        "services": Service.objects.select_related("team").order_by("life_stage", "position"), "office": office,
        "recomputes": recomputes_active(office)})


def _sla_from_form(p) -> dict | None:
    """The SLA table of the edit form (working minutes per priority); a value that is not a whole number is left out,
    so the service refuses the table naming the priority."""
    sla = {}
    for code, _label in Priority.choices:
        times = {part: p.get(f"sla-{code}-{part}", "").strip() for part in ("response", "resolution")}
        sla[code] = {part: int(v) for part, v in times.items() if v.isdigit()}
    return sla


@require_role(*OFFICE)
def service_edit(request, pk: int):
    service = Service.objects.filter(pk=pk).first()
    if service is None:
        raise Http404
    errors = {}
    if request.method == "POST":
        p = request.POST
        sla = _sla_from_form(p)
        changes = {k: p.get(k, "").strip() for k in ("name_zh", "name_en", "description_zh", "description_en",
                                                     "criterion", "criterion_zh", "criterion_en")}
        changes.update(sla=sla, active=p.get("active") == "1",
                       materials=[_material(line) for line in p.get("materials", "").splitlines() if line.strip()])
        team = Team.objects.filter(pk=p.get("team") or 0).first()
        if team is not None:
            changes["team"] = team
        try:
            services.service_update(actor=request.user, service=service, changes=changes, request=request)
        except ApplicationError as exc:
            if exc.status != 400:
                _fail(request, exc)
                return redirect("servicedesk:services")
            errors = field_errors(exc, "name_zh")  # each beside its field; ``service`` holds what was typed
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": service.name_zh})
            return redirect("servicedesk:services")
    return render(request, "servicedesk/service_edit.html", {
        "service": service, "teams": Team.objects.all(), "errors": errors,
        "sla_rows": [(code, label, (service.sla or {}).get(code, {})) for code, label in Priority.choices],
        "materials": "\n".join(f"{m.get('zh', '')} | {m.get('en', '')}" for m in service.materials)},
        status=400 if errors else 200)


def _material(line: str) -> dict[str, str]:
    zh, _sep, en = line.partition("|")
    return {"zh": zh.strip(), "en": en.strip()}
