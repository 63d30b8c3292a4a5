"""Correction requests: the officer's queue and decision page (the talent asks on ``registry:my-profile``)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.permissions import require_role

from .corrections import (
    correction_current_display,
    correction_for_officer,
    correction_queue_for,
    correction_request_accept,
    correction_request_reject,
    correction_requested_display,
)
from .models import CorrectionStatus


class CorrectionDecisionForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer to the talent (a reason is required to reject)"),
                             required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@require_role(Role.OFFICER)
def correction_list(request):
    status = request.GET.get("status", CorrectionStatus.OPEN)
    if status not in CorrectionStatus.values:
        status = CorrectionStatus.OPEN
    page = Paginator(correction_queue_for(request.user, status=status), 25).get_page(request.GET.get("page"))
    for c in page:
        c.current_display, c.requested_display = correction_current_display(c), correction_requested_display(c)
    return render(request, "registry/correction_list.html",
                  {"page": page, "status": status, "statuses": CorrectionStatus.choices})


@require_role(Role.OFFICER)
def correction_detail(request, pk: int):
    try:
        correction = correction_for_officer(request.user, pk)
    except NotFoundError:
        raise Http404 from None
    form = CorrectionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("decision") == "reject":
                correction_request_reject(actor=request.user, correction=correction,
                                          reason=form.cleaned_data["answer"], request=request)
                messages.success(request, _("Rejected the request of %(name)s; they were told why.")
                                 % {"name": correction.talent.name})
            else:
                changes = correction_request_accept(actor=request.user, correction=correction,
                                                    answer=form.cleaned_data["answer"], request=request)
                messages.success(request, _("Accepted the request of %(name)s: %(n)s field(s) of the record changed; "
                                            "they were told.") % {"name": correction.talent.name, "n": len(changes)})
        except ApplicationError as exc:
            form.add_error("answer" if exc.field in ("answer", "reason") else None, exc.message)
        else:
            return redirect("registry:correction-list")
    return render(request, "registry/correction_detail.html", {
        "correction": correction, "form": form, "current": correction_current_display(correction),
        "requested": correction_requested_display(correction),
    })


