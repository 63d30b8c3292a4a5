from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.crypto import decrypt_text, encrypt_text
from talentpool.core.errors import ApplicationError
from talentpool.core.models import ChangeRecord
from talentpool.core.paging import EstimatingPaginator
from talentpool.core.permissions import require_role
from talentpool.core.searches import search_by_post

from . import selectors, services
from .models import Cluster, CorrectableField, Employment, HouseholdFacts, IdType, MemberRelation, Tier


class TalentSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or ID number"), required=False, max_length=40,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("张三 / 330106********1234 / last 4")}))
    university = forms.CharField(label=gettext_lazy("University"), required=False, max_length=60)
    major = forms.CharField(label=gettext_lazy("Major code"), required=False, max_length=8, widget=forms.TextInput(
        attrs={"data-picker": reverse_lazy("api:majors"), "autocomplete": "off"}))
    enterprise = forms.CharField(label=gettext_lazy("Enterprise"), required=False, max_length=60)
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), required=False, choices=[("", gettext_lazy("Any"))] + Tier.choices)
    division = forms.CharField(label=gettext_lazy("Division code"), required=False, max_length=6, widget=forms.TextInput(
        attrs={"data-picker": reverse_lazy("api:divisions"), "autocomplete": "off"}))


@require_role(Role.OFFICER)
@search_by_post("registry-talents")
def talent_list(request):
    """The search is posted and kept behind a token (``core.searches``): an ID number never reaches a URL."""
    form = TalentSearchForm(request.search or None)
    filters = selectors.TalentFilters()
    if form.is_valid():
        filters = selectors.TalentFilters(**{k: (v or "").strip() for k, v in form.cleaned_data.items()})
    talents = selectors.talent_search(user=request.user, filters=filters).only(
        "id", "name", "id_masked", "gender", "birth_date", "tier", "district", "residence_division", "phone")
    page = EstimatingPaginator(talents, 25).get_page(request.GET.get("page"))  # "about N" above 10,000
    return render(request, "registry/talent_list.html", {"form": form, "page": page, "searched": bool(request.search)})


@require_role(Role.OFFICER)
def talent_detail(request, pk: int):
    talent = selectors.talent_detail_for(user=request.user, pk=pk)
    if talent is None:
        raise Http404
    services.talent_record_viewed(actor=request.user, talent=talent, request=request)
    history = ChangeRecord.objects.filter(subject_talent_id=talent.pk).order_by("-at")[:50]
    return render(request, "registry/talent_detail.html", {
        "talent": talent, "timeline": selectors.talent_timeline(talent), "history": history,
        "revealed": _revealed_pop(request, talent.pk),
    })


def _revealed_pop(request, pk: int) -> str | None:
    kept = request.session.pop(f"revealed:{pk}", None)
    try:
        return decrypt_text(kept) if kept else None
    except ValueError:  # kept under an older key: ask again
        return None


@require_role(Role.OFFICER)
@require_POST
def talent_reveal_id(request, pk: int):
    talent = selectors.talent_detail_for(user=request.user, pk=pk)
    if talent is None:
        raise Http404
    try:
        number = services.talent_id_reveal(actor=request.user, talent=talent, reason=request.POST.get("reason", ""),
                                           request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        # shown once, on the next page view; encrypted like everything else at rest (sessions live in the database)
        request.session[f"revealed:{talent.pk}"] = encrypt_text(number)
    return redirect("registry:talent-detail", pk=pk)


@require_role(Role.OFFICER)
def enterprise_list(request):
    q = request.GET.get("q", "")
    cluster = request.GET.get("cluster", "")
    enterprises = selectors.enterprise_search(user=request.user, q=q, cluster=cluster)
    page = Paginator(enterprises, 25).get_page(request.GET.get("page"))
    return render(request, "registry/enterprise_list.html",
                  {"page": page, "q": q, "cluster": cluster, "clusters": Cluster.choices})


@require_role(Role.OFFICER)
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(selectors.enterprise_visible_to(request.user), pk=pk)
    staff = Paginator(selectors.enterprise_staff(enterprise), 50).get_page(request.GET.get("page"))
    return render(request, "registry/enterprise_detail.html", {"enterprise": enterprise, "page": staff, "portal": False})


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=gettext_lazy("Which field?"), required=False,
                              choices=[("", gettext_lazy("Something else (describe it below)"))]
                              + CorrectableField.choices)
    requested_value = forms.CharField(
        label=gettext_lazy("The right value"), required=False, max_length=200,
        help_text=gettext_lazy("Dates as 2024-07-01, divisions as their six-digit code (e.g. 330106); "
                               "at most 200 characters."))
    message = forms.CharField(label=gettext_lazy("What is wrong or missing?"), max_length=2000, required=False,
                              help_text=gettext_lazy("At most 2,000 characters."),
                              widget=forms.Textarea(attrs={"rows": 3}))


@require_role(Role.TALENT)
def my_profile(request):
    talent = selectors.talent_detail_for(user=request.user, pk=getattr(getattr(request.user, "talent", None), "pk", 0))
    form = CorrectionForm(request.POST or None)
    if talent and request.method == "POST" and form.is_valid():
        try:
            services.correction_request_create(talent=talent, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else "message", exc.message)
        else:
            messages.success(request, _("Your request was sent to the talent office."))
            return redirect("registry:my-profile")
    return render(request, "registry/my_profile.html", {
        "talent": talent, "timeline": selectors.talent_timeline(talent) if talent else [], "form": form,
    })


@require_role(Role.ENTERPRISE)
def my_enterprise(request):
    enterprise = request.user.enterprise
    staff = Paginator(selectors.enterprise_staff(enterprise), 50).get_page(request.GET.get("page"))
    return render(request, "registry/enterprise_detail.html", {"enterprise": enterprise, "page": staff, "portal": True})


@require_role(Role.ENTERPRISE)
@require_POST
def my_enterprise_certify(request, employment_id: int):
    employment = get_object_or_404(Employment, pk=employment_id, enterprise_id=request.user.enterprise_id)
    try:
        services.employment_certify(actor=request.user, employment=employment)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Certified %(name)s.") % {"name": employment.talent.name})
    return redirect("registry:my-enterprise")


@require_role(Role.OFFICER)
def talent_household(request, pk: int):
    """The household and housing facts of one person (price of the house bought, settling allowance received,
    income assessment), each with its date: policies read them as of the date they evaluate."""
    talent = selectors.talent_detail_for(user=request.user, pk=pk)
    if talent is None:
        raise Http404
    record = HouseholdFacts.objects.filter(talent=talent).first()
    status, error_field = 200, ""
    if request.method == "POST":
        try:
            services.household_facts_record(actor=request.user, talent=talent, request=request,
                                            values={k: request.POST.get(k, "")[:40] for k in services.HOUSEHOLD_FIELDS})
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status, error_field = 400, exc.field or ""
        else:
            messages.success(request, _("Household facts saved."))
            return redirect("registry:talent-household", pk=talent.pk)
    return render(request, "registry/talent_household.html", {
        "talent": talent, "record": record, "error_field": error_field,
        "members": talent.household_members.select_related("linked_talent"), "properties": talent.properties.all(),
        "relations": MemberRelation.choices, "id_types": IdType.choices}, status=status)
