"""The officer's forms for a person's household members and property records (on the household page). Each
posts, goes through ``registry.household`` (scope, audit, change history) and returns to the page; the ID
number of a spouse travels only in the form's body and is shown masked."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError
from talentpool.core.permissions import require_role

from . import household, selectors

MEMBER_FIELDS = ("relation", "name", "id_type", "id_number", "birth_date", "married_on")
PROPERTY_FIELDS = ("division", "acquired_on", "sold_on", "area_m2")


def _talent(request, pk: int):
    talent = selectors.talent_detail_for(user=request.user, pk=pk)
    if talent is None:
        raise Http404
    return talent


def _done(request, talent, call, success: str):
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("registry:talent-household", pk=talent.pk)


@require_role(Role.OFFICER)
@require_POST
def member_add(request, pk: int):
    talent = _talent(request, pk)
    values = {k: request.POST.get(k, "")[:60] for k in MEMBER_FIELDS}
    return _done(request, talent, lambda: household.household_member_record(
        actor=request.user, talent=talent, values=values, today=timezone.localdate(), request=request),
        _("Household member saved."))


@require_role(Role.OFFICER)
@require_POST
def member_remove(request, pk: int, member_id: int):
    talent = _talent(request, pk)
    return _done(request, talent, lambda: household.household_member_remove(
        actor=request.user, talent=talent, member_id=member_id, request=request), _("Household member removed."))


@require_role(Role.OFFICER)
@require_POST
def property_add(request, pk: int):
    talent = _talent(request, pk)
    values = {k: request.POST.get(k, "")[:20] for k in PROPERTY_FIELDS}
    return _done(request, talent, lambda: household.property_record_save(
        actor=request.user, talent=talent, values=values, today=timezone.localdate(), request=request),
        _("Property record saved."))


@require_role(Role.OFFICER)
@require_POST
def property_remove(request, pk: int, record_id: int):
    talent = _talent(request, pk)
    return _done(request, talent, lambda: household.property_record_remove(
        actor=request.user, talent=talent, record_id=record_id, request=request), _("Property record removed."))
