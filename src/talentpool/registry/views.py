from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.crypto import decrypt_text, encrypt_text
from talentpool.core.errors import ApplicationError, field_errors
from talentpool.core.models import ChangeRecord
from talentpool.core.paging import EstimatingPaginator
from talentpool.core.permissions import require_role
from talentpool.core.searches import search_by_post

from . import selectors, services
from .models import Cluster, CorrectableField, Employment, HouseholdFacts, IdType, MemberRelation, Tier
from .rows import STAFF_COLUMNS, staff_rows


class TalentSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or ID number"), required=False, max_length=40,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("张三 / 330106********1234 / last 4")}))
    university = forms.CharField(label=gettext_lazy("University"), required=False, max_length=60, widget=forms.TextInput(
        attrs={"data-picker": reverse_lazy("api:universities"), "autocomplete": "off",
               "placeholder": gettext_lazy("e.g. 浙江大学 or 10335")}))
    major = forms.CharField(label=gettext_lazy("Major code"), required=False, max_length=8, widget=forms.TextInput(
        attrs={"data-picker": reverse_lazy("api:majors"), "autocomplete": "off"}))
    enterprise = forms.CharField(label=gettext_lazy("Enterprise"), required=False, max_length=60, widget=forms.TextInput(
        attrs={"data-picker": reverse_lazy("registry:enterprise-pick"), "autocomplete": "off",
               "placeholder": gettext_lazy("e.g. 西湖 or 91330106…")}))
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
    return _enterprise_page(request, enterprise, portal=False)


_DIVISION_FIELDS = (CorrectableField.HUKOU_DIVISION, CorrectableField.RESIDENCE_DIVISION)
_TYPED_FIELDS = [f for f in CorrectableField.values if f not in (*_DIVISION_FIELDS, CorrectableField.OWNS_PROPERTY)]


class CorrectionForm(forms.Form):
    """The value is given as its field wants it: a division picked from the reference table, owning property as a
    checkbox, anything else typed (app.js shows only the input the chosen field needs)."""

    field = forms.ChoiceField(label=gettext_lazy("Which field?"), required=False,
                              choices=[("", gettext_lazy("Something else (describe it below)"))]
                              + CorrectableField.choices)
    # the lengths are the service's checks (every field refused at once), stated on the inputs as maxlength
    requested_value = forms.CharField(
        label=gettext_lazy("The right value"), required=False,
        help_text=gettext_lazy("Dates as 2024-07-01; at most 200 characters."),
        widget=forms.TextInput(attrs={"maxlength": 200, "data-show-when": "field:" + ",".join(_TYPED_FIELDS)}))
    requested_division = forms.CharField(
        label=gettext_lazy("The right division"), required=False, max_length=6,
        help_text=gettext_lazy("Type 西湖 or 330106 and choose."),
        widget=forms.TextInput(attrs={"data-picker": reverse_lazy("api:divisions"), "autocomplete": "off",
                                      "data-show-when": "field:" + ",".join(_DIVISION_FIELDS)}))
    requested_owns = forms.BooleanField(
        label=gettext_lazy("I own property in my name"), required=False,
        widget=forms.CheckboxInput(attrs={"data-show-when": f"field:{CorrectableField.OWNS_PROPERTY}"}))
    message = forms.CharField(label=gettext_lazy("What is wrong or missing?"), required=False,
                              help_text=gettext_lazy("At most 2,000 characters."),
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}))

    def request_values(self) -> dict:
        """What the correction service takes: the field, the value as text and the message."""
        data = self.cleaned_data
        value = data["requested_value"]
        if data["field"] in _DIVISION_FIELDS:
            value = data["requested_division"] or value
        elif data["field"] == CorrectableField.OWNS_PROPERTY:
            value = value or ("yes" if data["requested_owns"] else "no")
        return {"field": data["field"], "requested_value": value, "message": data["message"]}


@require_role(Role.TALENT)
def my_profile(request):
    talent = selectors.talent_detail_for(user=request.user, pk=getattr(getattr(request.user, "talent", None), "pk", 0))
    form = CorrectionForm(request.POST or None)
    if talent and request.method == "POST" and form.is_valid():
        try:
            services.correction_request_create(talent=talent, **form.request_values())
        except ApplicationError as exc:
            for name, message in field_errors(exc, "message").items():
                name = name if name in form.fields else "message"
                if name == "requested_value" and form.cleaned_data["field"] in _DIVISION_FIELDS:
                    name = "requested_division"
                form.add_error(name, message)
        else:
            messages.success(request, _("Your request was sent to the talent office."))
            return redirect("registry:my-profile")
    return render(request, "registry/my_profile.html", {
        "talent": talent, "timeline": selectors.talent_timeline(talent) if talent else [], "form": form,
    })


@require_role(Role.ENTERPRISE)
def my_enterprise(request):
    enterprise = request.user.enterprise
    return _enterprise_page(request, enterprise, portal=True)


def _enterprise_page(request, enterprise, *, portal: bool):
    """The enterprise's facts and a page of its current staff, the rows made in Python (``registry.rows``)."""
    staff = Paginator(selectors.enterprise_staff(enterprise).values(*STAFF_COLUMNS), 50).get_page(
        request.GET.get("page"))
    return render(request, "registry/enterprise_detail.html", {
        "enterprise": enterprise, "page": staff, "portal": portal,
        "rows": staff_rows(staff, portal=portal, csrf_token=lambda: get_token(request))})


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
    status, errors, form = 200, {}, None
    if request.method == "POST":
        form = {k: request.POST.get(k, "")[:40] for k in services.HOUSEHOLD_FIELDS}
        try:
            services.household_facts_record(actor=request.user, talent=talent, request=request, values=form)
        except ApplicationError as exc:
            status, errors = 400, field_errors(exc, "house_price")
        else:
            messages.success(request, _("Household facts saved."))
            return redirect("registry:talent-household", pk=talent.pk)
    return render(request, "registry/talent_household.html", {
        "talent": talent, "record": record, "form": form, "errors": errors,
        "members": talent.household_members.select_related("linked_talent"), "properties": talent.properties.all(),
        "relations": MemberRelation.choices, "id_types": IdType.choices}, status=status)
