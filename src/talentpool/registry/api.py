"""Registry endpoints. Same selectors and services as the pages; the same visibility rules apply."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Router, Status

from talentpool.accounts.models import Role
from talentpool.core.errors import NotFoundError
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Limit, Offset

from . import selectors, services
from .models import Employment
from .schemas import (
    CorrectionIn,
    CorrectionOut,
    EnterpriseOut,
    RevealIn,
    RevealOut,
    StaffOut,
    TalentDetail,
    TalentPage,
)

router = Router(tags=["registry"])


def _talent_or_404(user, pk: int):
    talent = selectors.talent_detail_for(user=user, pk=pk)
    if talent is None:
        raise NotFoundError()
    return talent


@router.get("/talents", response=TalentPage, summary="Search the registry (officers, own district)")
def talent_search(request, q: str = "", university: str = "", major: str = "", enterprise: str = "",
                  tier: str = "", division: str = "", limit: Limit = 25, offset: Offset = 0):
    ensure_role(request.user, Role.OFFICER)
    filters = selectors.TalentFilters(q=q, university=university, major=major, enterprise=enterprise,
                                      tier=tier, division=division)
    qs = selectors.talent_search(user=request.user, filters=filters)
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "items": list(qs[offset: offset + limit])}


@router.get("/talents/{pk}", response=TalentDetail, summary="A person's record (audited)")
def talent_detail(request, pk: int):
    ensure_role(request.user, Role.OFFICER)
    talent = _talent_or_404(request.user, pk)
    services.talent_record_viewed(actor=request.user, talent=talent, request=request, channel="api")
    return talent


@router.post("/talents/{pk}/reveal", response=RevealOut, summary="Show the full ID number (audited, needs a reason)")
def talent_reveal(request, pk: int, payload: RevealIn):
    ensure_role(request.user, Role.OFFICER)
    talent = _talent_or_404(request.user, pk)
    return {"id_number": services.talent_id_reveal(actor=request.user, talent=talent, reason=payload.reason,
                                                   request=request)}


@router.get("/me", response=TalentDetail, summary="My own record (talents)")
def my_record(request):
    ensure_role(request.user, Role.TALENT)
    talent = selectors.talent_visible_to(request.user).first()
    if talent is None:
        raise NotFoundError(gettext("Your account is not linked to a registry record."))
    return _talent_or_404(request.user, talent.pk)


@router.post("/me/corrections", response={201: CorrectionOut}, summary="Ask the office to correct my record")
def my_correction(request, payload: CorrectionIn):
    ensure_role(request.user, Role.TALENT)
    talent = selectors.talent_visible_to(request.user).first()
    if talent is None:
        raise NotFoundError(gettext("Your account is not linked to a registry record."))
    return Status(201, services.correction_request_create(talent=talent, message=payload.message))


@router.get("/enterprises", response=list[EnterpriseOut], summary="Enterprises of my district (officers)")
def enterprise_search(request, q: str = "", cluster: str = "", limit: Limit = 25, offset: Offset = 0):
    ensure_role(request.user, Role.OFFICER)
    limit = max(1, min(limit, 200))
    return list(selectors.enterprise_search(user=request.user, q=q, cluster=cluster)[offset: offset + limit])


@router.get("/enterprises/{pk}", response=EnterpriseOut, summary="One enterprise")
def enterprise_detail(request, pk: int):
    ensure_role(request.user, Role.OFFICER, Role.ENTERPRISE)
    enterprise = selectors.enterprise_visible_to(request.user).filter(pk=pk).first()
    if enterprise is None:
        raise NotFoundError()
    return enterprise


@router.get("/my-enterprise/staff", response=list[StaffOut], summary="My enterprise's registered staff (enterprise HR)")
def my_staff(request):
    ensure_role(request.user, Role.ENTERPRISE)
    return [
        {"employment_id": j.pk, "talent_name": j.talent.name, "id_masked": j.talent.id_masked,
         "position": j.position, "start_date": j.start_date, "certified_at": j.certified_at}
        for j in selectors.enterprise_staff(request.user.enterprise)
    ]


@router.post("/my-enterprise/staff/{employment_id}/certify", response=StaffOut, summary="Certify a staff member's employment")
def my_staff_certify(request, employment_id: int):
    ensure_role(request.user, Role.ENTERPRISE)
    j = get_object_or_404(Employment.objects.select_related("talent"), pk=employment_id,
                          enterprise_id=request.user.enterprise_id)
    services.employment_certify(actor=request.user, employment=j)
    return {"employment_id": j.pk, "talent_name": j.talent.name, "id_masked": j.talent.id_masked,
            "position": j.position, "start_date": j.start_date, "certified_at": j.certified_at}
