from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool.core.paging import EstimatingPaginator
from talentpool.core.roles import Role

from .models import AuditAction, Notice
from .permissions import require_role
from .searches import search_by_post
from .selectors import audit_event_list


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any"))] + AuditAction.choices)
    subject = forms.IntegerField(label=_("Talent record no."), required=False, min_value=1)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@require_role(Role.ADMIN)
@search_by_post("core-audit", private=("actor",))
def audit_list(request):
    form = AuditFilterForm(request.search or None)
    events = audit_event_list()
    if form.is_valid():
        d = form.cleaned_data
        events = audit_event_list(
            actor=d["actor"].strip(), action=d["action"], subject_talent_id=d["subject"],
            date_from=d["date_from"], date_to=d["date_to"],
        )
    page = EstimatingPaginator(events, 50).get_page(request.GET.get("page"))  # "about N pages" above 10,000
    return render(request, "core/audit_list.html", {"form": form, "page": page})


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
