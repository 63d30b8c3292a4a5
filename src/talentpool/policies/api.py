"""Policy endpoints (/api/v1/policies/). Officers write; administrators may read the list; talents read their
own verdicts and object. Same services and selectors as the pages and the CLI.

Drafting, publishing and retiring are for officers whose scope covers the policy's owner division; publishing
and retiring are requests (202, an approval waiting) that a second such officer approves or declines under
``/approvals``."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Limit, Offset

from . import approvals, checks, selectors, services
from .models import ApprovalStatus, VersionStatus
from .schemas import (
    AnswerIn,
    ApprovalDeclineIn,
    ApprovalOut,
    CheckOut,
    DraftIn,
    DraftUpdateIn,
    ObjectionOut,
    PolicyDetailOut,
    PolicyRowOut,
    VersionOut,
    WhatifIn,
    WhatifOut,
)

router = Router(tags=["policies"])


def _version(version) -> dict:
    """A version as officers read it; a draft with its latest background check."""
    view = selectors.policy_version_view(version)
    view["check"] = checks.check_view(version) if version.status == VersionStatus.DRAFT else None
    return view


def _values(payload) -> dict[str, list[dict]] | None:
    if not payload:
        return None
    return {name: [{"from": v.from_, "value": v.value, "note": v.note} for v in values]
            for name, values in payload.items()}


@router.get("/", response=list[PolicyRowOut], summary="Policies with the version in force (officers, administrators)")
def policy_list(request, as_of: date | None = None):
    ensure_role(request.user, Role.OFFICER, Role.ADMIN)
    rows = selectors.policy_list(as_of=as_of or timezone.localdate())
    return [{"code": r.policy.code, "title_zh": r.policy.title_zh, "title_en": r.policy.title_en,
             "owner_division": r.policy.owner_division, "current": r.current, "drafts": r.drafts} for r in rows]


@router.get("/objections", response=list[ObjectionOut], summary="Objections of my district (officers)")
def objection_queue(request, status: str = "open", limit: Limit = 50, offset: Offset = 0):
    ensure_role(request.user, Role.OFFICER)
    qs = selectors.objection_list_for(request.user)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    return list(qs[offset: offset + limit])


@router.post("/objections/{pk}/answer", response=ObjectionOut, summary="Answer an objection (officers)")
def objection_answer(request, pk: int, payload: AnswerIn):
    ensure_role(request.user, Role.OFFICER)
    objection = selectors.objection_list_for(request.user).filter(pk=pk).first()
    if objection is None:
        raise NotFoundError()
    return services.objection_answer(actor=request.user, objection=objection, answer=payload.answer)


@router.get("/approvals", response=list[ApprovalOut],
            summary="Requests to publish or retire versions of the policies my scope covers (officers)")
def approval_list(request, status: str = ApprovalStatus.PENDING, waiting_for_me: bool = False, limit: int = 50,
                  offset: int = 0):
    ensure_role(request.user, Role.OFFICER)
    qs = selectors.approvals_waiting_for(request.user) if waiting_for_me else selectors.approvals_visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    return list(qs[offset: offset + limit])


@router.post("/approvals/{pk}/approve", response=ApprovalOut,
             summary="Approve a request: the draft is published or the version retired (a second officer)")
def approval_approve(request, pk: int):
    ensure_role(request.user, Role.OFFICER)
    return approvals.policy_approval_approve(actor=request.user, approval=selectors.approval_get(request.user, pk),
                                             request=request)


@router.post("/approvals/{pk}/decline", response=ApprovalOut, summary="Decline a request, with the reason (officers)")
def approval_decline(request, pk: int, payload: ApprovalDeclineIn):
    ensure_role(request.user, Role.OFFICER)
    return approvals.policy_approval_decline(actor=request.user, approval=selectors.approval_get(request.user, pk),
                                             reason=payload.reason, request=request)


@router.post("/drafts/{pk}/publish", response={202: ApprovalOut},
             summary="Ask for a draft to be published; a second officer approves (officers of the policy's scope)")
def draft_publish(request, pk: int, reason: str = ""):
    ensure_role(request.user, Role.OFFICER)
    approval = approvals.policy_publish_request(actor=request.user, draft=selectors.policy_version_get(pk=pk),
                                                reason=reason, request=request)
    return Status(202, approval)


@router.get("/drafts/{pk}/check", response=CheckOut,
            summary="A draft's background checks: state, progress, test cases, what-if budget, why it waits (officers)")
def draft_check(request, pk: int):
    ensure_role(request.user, Role.OFFICER, Role.ADMIN)
    draft = selectors.policy_version_get(pk=pk)
    if draft.status != VersionStatus.DRAFT:
        raise NotFoundError(gettext("This version has no checks to show."))
    return checks.check_view(draft)


@router.post("/drafts/{pk}/check", response={202: CheckOut},
             summary="Run a draft's checks again, in the background (officers of the policy's scope)")
def draft_check_again(request, pk: int):
    ensure_role(request.user, Role.OFFICER)
    draft = selectors.policy_version_get(pk=pk)
    check = services.policy_check_request(actor=request.user, draft=draft, request=request)
    return Status(202, checks.check_view(draft, check))


@router.put("/drafts/{pk}", response=VersionOut, summary="Replace a draft's document (officers)")
def draft_update(request, pk: int, payload: DraftUpdateIn):
    ensure_role(request.user, Role.OFFICER)
    draft = services.policy_draft_update(actor=request.user, draft=selectors.policy_version_get(pk=pk),
                                         source=payload.source)
    return _version(draft)


@router.post("/versions/{pk}/retire", response={202: ApprovalOut},
             summary="Ask for a published version to be retired; a second officer approves (officers of its scope)")
def version_retire(request, pk: int, reason: str = ""):
    ensure_role(request.user, Role.OFFICER)
    approval = approvals.policy_retire_request(actor=request.user, version=selectors.policy_version_get(pk=pk),
                                               reason=reason, request=request)
    return Status(202, approval)


@router.get("/{code}", response=PolicyDetailOut,
            summary="A policy: versions, criteria, parameters over time, basis, test report (officers)")
def policy_detail(request, code: str, as_of: date | None = None):
    ensure_role(request.user, Role.OFFICER)
    policy = selectors.policy_get(code=code)
    current = selectors.policy_version_current(policy, as_of=as_of or timezone.localdate())
    return {"code": policy.code, "title_zh": policy.title_zh, "title_en": policy.title_en,
            "owner_division": policy.owner_division, "current": selectors.policy_version_view(current) if current else None,
            "versions": list(selectors.policy_versions(policy))}


@router.post("/{code}/drafts", response={201: VersionOut}, summary="Make a draft from parameter values or a document (officers)")
def draft_create(request, code: str, payload: DraftIn):
    ensure_role(request.user, Role.OFFICER)
    policy = selectors.policy_get(code=code)
    if payload.based_on is not None:
        base = policy.versions.filter(version=payload.based_on).first()
        if base is None:
            raise NotFoundError(gettext("No such version."))
    else:
        base = selectors.policy_version_current(policy, as_of=timezone.localdate())
        if base is None:
            raise ApplicationError(gettext("This policy has no published version to start from."), code="no_base")
    draft = services.policy_draft_create(actor=request.user, version=base,
                                         parameter_values=_values(payload.parameter_values), source=payload.source)
    return Status(201, _version(draft))


@router.post("/{code}/whatif", response=WhatifOut, summary="Simulate a change over the whole registry (officers)")
def policy_whatif(request, code: str, payload: WhatifIn):
    ensure_role(request.user, Role.OFFICER)
    policy = selectors.policy_get(code=code)
    day = payload.as_of or timezone.localdate()
    source = payload.draft_source
    base = None
    if payload.draft_id is not None:
        draft = policy.versions.filter(pk=payload.draft_id).first()
        if draft is None:
            raise NotFoundError(gettext("No such version."))
        source = draft.source
        base = draft.based_on if draft.status == VersionStatus.DRAFT else None
    base = base or selectors.policy_version_current(policy, as_of=day)
    if base is None:
        raise ApplicationError(gettext("This policy has no published version to compare with."), code="no_base")
    return selectors.whatif(base=base, draft_source=source, parameter_values=_values(payload.parameter_values),
                            as_of=day)
