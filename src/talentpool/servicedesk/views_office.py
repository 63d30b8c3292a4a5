"""The office's own pages of the desk: its teams (create, rename, lead, members and their skills), the one-to-one
officers named by hand, and the calendar days it enters (holidays and make-up working days beyond chinesecalendar).
Thin: parse, call a service or selector, render; the services check who may."""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.permissions import require_role
from talentpool.core.roles import Role
from talentpool.registry.selectors import talent_visible_to

from . import selectors, teams, workdays
from .models import DayKind, DeskOfficer, LifeStage, Office, Team
from .recompute import recomputes_active
from .services import ensure_office_manager

READERS = (Role.OFFICER, Role.ADMIN)


def _fail(request, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, str(exc.message))


def _office() -> Office:
    office = Office.objects.order_by("pk").first()
    if office is None:
        raise Http404
    return office


def _manager(user, office: Office) -> bool:
    try:
        ensure_office_manager(user, office)
    except ApplicationError:
        return False
    return True


@require_role(*READERS)
def team_list(request):
    office = _office()
    form, errors = {}, {}
    if request.method == "POST":
        form = p = request.POST
        try:
            team = teams.team_create(actor=request.user, office=office, code=p.get("code", ""),
                                     name=p.get("name", ""), lead_username=p.get("lead", ""), request=request)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                _fail(request, exc)
                return redirect("servicedesk:teams")
            errors = field_errors(exc, "code")  # each beside its field, what was typed kept
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("servicedesk:team-edit", pk=team.pk)
    return render(request, "servicedesk/teams.html", {
        "teams": selectors.teams_with_members(), "office": office, "manager": _manager(request.user, office),
        "leads": selectors.lead_candidates(), "form": form, "errors": errors}, status=400 if errors else 200)


def _members_from(post) -> dict[int, list[str]]:
    return {int(pk): post.getlist(f"skills-{pk}") for pk in post.getlist("member") if pk.isdigit()}


@require_role(*READERS)
def team_edit(request, pk: int):
    team = Team.objects.select_related("office", "lead").filter(pk=pk).first()
    if team is None:
        raise Http404
    form, errors = {}, {}
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "rename":
                teams.team_update(actor=request.user, team=team, name=p.get("name", ""),
                                  lead_username=p.get("lead", ""), request=request)
            else:
                teams.team_members_set(actor=request.user, team=team, members=_members_from(p), request=request)
        except ApplicationError as exc:
            if p.get("action") != "rename" or exc.status in (403, 404):
                _fail(request, exc)
                return redirect("servicedesk:team-edit", pk=pk)
            form, errors = p, field_errors(exc, "name")  # each beside its field, what was typed kept
            team.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("servicedesk:team-edit", pk=pk)
    members = set(team.officers.values_list("pk", flat=True))
    officers = DeskOfficer.objects.filter(active=True).select_related("user").order_by("user__username")
    return render(request, "servicedesk/team_edit.html", {
        "team": team, "manager": _manager(request.user, team.office),
        "may_members": team.lead_id == request.user.pk or _manager(request.user, team.office),
        "rows": [(o, o.pk in members) for o in officers], "stages": LifeStage.choices,
        "leads": selectors.lead_candidates(), "form": form, "errors": errors}, status=400 if errors else 200)


@require_role(Role.OFFICER)
def one_to_one(request):
    if request.method == "POST":
        p = request.POST
        talent = talent_visible_to(request.user).filter(pk=int(p["talent"]) if p.get("talent", "").isdigit()
                                                        else 0).first()
        officer = DeskOfficer.objects.filter(pk=p.get("officer") or 0).first()
        backup = DeskOfficer.objects.filter(pk=p.get("backup") or 0).first()
        try:
            if talent is None or officer is None:
                raise ApplicationError(_("Choose a talent of your district (record number) and an officer."),
                                       code="no_choice", field="talent")
            teams.one_to_one_set(actor=request.user, talent=talent, officer=officer, backup=backup, request=request)
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Saved."))
        return redirect(f"{request.path}?{urlencode({'q': p.get('q', '')[:40]})}")
    q = request.GET.get("q", "").strip()[:40]
    rows = selectors.one_to_one_rows(request.user, q=q)
    may_name = teams.may_name_officers(request.user)
    officers = list(DeskOfficer.objects.select_related("user").order_by("user__username"))  # the office's few
    _row_labels(rows, {o.pk: str(o) for o in officers})
    token = get_token(request)  # one token for the page's forms, as the template's tag gave them
    if may_name:
        _attach_officer_options(rows, [o for o in officers if o.active])  # as selectors.officers_for
    return render(request, "servicedesk/one_to_one.html", {
        "rows": _one_to_one_rows(rows, q=q, may_name=may_name, csrf_token=token), "q": q, "csrf_token": token})


def _one_to_one_rows(rows, *, q: str, may_name: bool, csrf_token: str) -> list[SafeString]:
    """Each talent's table row made once in Python: the template's row loop (~18 nodes per row, 100 rows) made most
    of the page's time. The HTML the loop wrote: what every row shares is made once by ``format_html``, each row's
    texts escaped as the template escaped them (``html.escape``), its numbers are numbers."""
    form_head = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    q_input = format_html('<input type="hidden" name="q" value="{}">\n<select name="officer" aria-label="{}">', q,
                          _("Service officer"))
    backup = format_html('</select>\n<select name="backup" aria-label="{}"><option value="">—</option>', _("Backup"))
    form_tail = format_html('</select>\n<button type="submit">{}</button></form></td>\n', _("Name by hand"))
    out = []
    for t in rows:
        pk = int(t.pk)
        if may_name:
            cells = (f'<td colspan="2"><form method="post" class="inline" id="pair-{pk}">{form_head}<input '
                     f'type="hidden" name="talent" value="{pk}">{q_input}{t.officer_options}{backup}'
                     f'{t.backup_options}{form_tail}')
        else:
            cells = f"<td>{escape(t.officer_name)}</td><td>{escape(t.backup_name)}</td>"
        out.append(mark_safe(  # each text escaped above
            f'<tr data-talent="{pk}"><td><a href="{escape(t.url)}">{escape(t.name)}</a> · {pk}</td><td>'
            f'{escape(t.tier_label)}</td>\n{cells}\n<td data-named="{escape(t.named)}">{escape(t.named_label)}</td>'
            f'</tr>\n'))
    return out


def _row_labels(rows, names: dict[int, str]) -> None:
    """Each row's link, tier, officers' names and how they were named, as plain text made once per page (a
    ``{% url %}``, a ``default`` filter and two translations per row made most of the page's template time)."""
    head, _sep, tail = reverse("registry:talent-detail", args=[0]).rpartition("0")
    named = {True: ("hand", _("by hand")), False: ("rules", _("by the rules")), None: ("", "—")}
    for t in rows:
        pair = getattr(t, "service_officer", None)
        t.url = f"{head}{t.pk}{tail}"
        t.tier_label = t.tier or "—"
        t.officer_name = names.get(pair.officer_id, "—") if pair else "—"
        t.backup_name = names.get(pair.backup_id, "—") if pair and pair.backup_id else "—"
        t.named, t.named_label = named[pair.manual if pair else None]


class OfficerOptions:
    """The ``<option>`` list of every officer given, with one of them selected: made once per officer chosen and
    reused for every row choosing them (a list of every officer per row in the template made most of a page's time:
    the one-to-one page, the dashboard's tickets at risk)."""

    def __init__(self, officers: list[DeskOfficer]):
        away = _("away")
        self.labels = [(o.pk, f"{o} ({away})" if o.away else str(o)) for o in officers]
        self.made: dict[int | None, str] = {}

    def __call__(self, chosen: int | None) -> str:
        if chosen not in self.made:
            self.made[chosen] = mark_safe("".join(  # each option escaped by format_html
                format_html('<option value="{}"{}>{}</option>', pk, mark_safe(" selected") if pk == chosen else "",
                            label) for pk, label in self.labels))
        return self.made[chosen]


def _attach_officer_options(rows, officers: list[DeskOfficer]) -> None:
    """Each row's two drop-downs of every officer (see ``OfficerOptions``)."""
    options = OfficerOptions(officers)
    for t in rows:
        pair = getattr(t, "service_officer", None)
        t.officer_options = options(pair.officer_id if pair else None)
        t.backup_options = options(pair.backup_id if pair else None)


def _date(text: str, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(_("%(v)s is not a date (YYYY-MM-DD)") % {"v": text[:20]}, code="bad_date",
                               field=field) from None


@require_role(*READERS)
def calendar(request):
    office = _office()
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "delete":
                workdays.calendar_day_delete(actor=request.user, office=office,
                                             pk=int(p.get("day") or 0) if (p.get("day") or "").isdigit() else 0,
                                             request=request)
            else:
                first = _date(p.get("first", ""), "first")
                if first is None:
                    raise ApplicationError(_("Give the first date"), code="no_date", field="first")
                workdays.calendar_days_save(actor=request.user, office=office, first=first,
                                            last=_date(p.get("last", ""), "last"), kind=p.get("kind", ""),
                                            name=p.get("name", ""), request=request)
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Saved; the open tickets' deadlines are being recomputed."))
        return redirect("servicedesk:calendar")
    return render(request, "servicedesk/calendar.html", {
        "office": office, "days": selectors.calendar_days(office), "years": workdays.calendar_years(office),
        "kinds": DayKind.choices, "manager": _manager(request.user, office),
        "recomputes": recomputes_active(office)})
