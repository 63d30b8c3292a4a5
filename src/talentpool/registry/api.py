"""Registry endpoints. Same selectors and services as the pages; the same visibility rules apply."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Router, Status

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.paging import EXACT_BELOW, planner_rows
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
    TalentSearchIn,
)

router = Router(tags=["registry"])


def _talent_or_404(user, pk: int):
    talent = selectors.talent_detail_for(user=user, pk=pk)
    if talent is None:
        raise NotFoundError()
    return talent


def _talent_page(user, *, limit: int, offset: int, **fields) -> dict:
    qs = selectors.talent_search(user=user, filters=selectors.TalentFilters(**fields))
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    guess = planner_rows(qs)  # a district holds ~60,000 people: the page's exact count cost 21 ms at 400,000
    count, estimated = (guess, True) if guess is not None and guess >= EXACT_BELOW else (qs.count(), False)
    return {"count": count, "count_estimated": estimated, "items": list(qs[offset: offset + limit])}


@router.get("/talents", response=TalentPage,
            summary="Search the registry (officers, own district); a full ID number only by POST /talents/search")
def talent_search(request, q: str = "", university: str = "", major: str = "", enterprise: str = "",
                  tier: str = "", division: str = "", limit: Limit = 25, offset: Offset = 0):
    ensure_role(request.user, Role.OFFICER)
    if selectors.search_text_holds_id_number(q):
        raise ApplicationError(
            gettext("A full ID number must not be sent in a URL: send the search by POST to /talents/search."),
            code="id_number_in_url", field="q")
    return _talent_page(request.user, limit=limit, offset=offset, q=q, university=university, major=major,
                        enterprise=enterprise, tier=tier, division=division)


@router.post("/talents/search", response=TalentPage,
             summary="Search the registry with the search in the body (officers, own district): for ID numbers")
def talent_search_post(request, payload: TalentSearchIn):
    ensure_role(request.user, Role.OFFICER)
    return _talent_page(request.user, **payload.dict())


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
    return Status(201, services.correction_request_create(
        talent=talent, message=payload.message, field=payload.field, requested_value=payload.requested_value))


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
