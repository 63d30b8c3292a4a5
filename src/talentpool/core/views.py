from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool.core.paging import EstimatingPaginator
from talentpool.core.roles import Role

from .audit_names import find_people, target_names
from .models import AuditAction, Notice
from .permissions import require_role
from .searches import search_by_post
from .selectors import audit_event_list


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any"))] + AuditAction.choices)
    person = forms.CharField(
        label=_("Person concerned"), required=False, max_length=60,
        help_text=_("A name or an ID number (full or masked as shown); choose from the list as you type."),
        widget=forms.TextInput(attrs={"data-picker": reverse_lazy("registry:talent-pick"), "autocomplete": "off",
                                      "placeholder": _("e.g. 李明 or 330106********1234")}))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_person(self) -> list[int] | None:
        text = self.cleaned_data["person"].strip()
        if not text:
            return None
        found = find_people(self.user, text)
        if not found:
            raise forms.ValidationError(_("Nobody in the registry matches “%(text)s”.") % {"text": text})
        return found

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@require_role(Role.ADMIN)
@search_by_post("core-audit", private=("actor", "person"))
def audit_list(request):
    """The audit trail, filtered; an invalid filter shows its errors and no events (never the whole log)."""
    form = AuditFilterForm(request.search or None, user=request.user)
    events = audit_event_list()
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            events = audit_event_list(actor=d["actor"].strip(), action=d["action"], subject_talent_ids=d["person"],
                                      date_from=d["date_from"], date_to=d["date_to"])
        else:
            events = events.none()
    page = EstimatingPaginator(events, 50).get_page(request.GET.get("page"))  # "about N pages" above 10,000
    names = target_names(e.target for e in page)
    actions = {value: str(label) for value, label in AuditAction.choices}  # get_action_display hashed every
    # choice per row (~10 ms a page)
    roles = {value: str(label) for value, label in Role.choices}
    # the time (as the template's date filter in the active zone), role and address are worked out here once per
    # page, not by template filters per row
    rows = [{"event": e, "when": timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), "user": e.actor_username,
             "role": roles.get(e.actor_role, e.actor_role), "target": names.get(e.target, e.target),
             "action": actions.get(e.action, e.action), "ip": e.ip_address or ""} for e in page]
    return render(request, "core/audit_list.html", {"form": form, "page": page, "rows": rows})


@login_required
def notice_list(request):
    """Every user's own notices; opening the page (or the button) marks them read."""
    mine = Notice.objects.filter(user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("core:notices")
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    unread = {n.pk for n in page if n.read_at is None}
    return render(request, "core/notices.html", {"page": page, "unread": unread})
