"""Policy endpoints (/api/v1/policies/). Officers write; administrators may read the list; talents read their
own verdicts and object. Same services and selectors as the pages and the CLI."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Limit, Offset

from . import selectors, services
from .models import VersionStatus
from .schemas import (
    AnswerIn,
    DraftIn,
    DraftUpdateIn,
    ObjectionOut,
    PolicyDetailOut,
    PolicyRowOut,
    VersionOut,
    VersionRow,
    WhatifIn,
    WhatifOut,
)

router = Router(tags=["policies"])


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
             "current": r.current, "drafts": r.drafts} for r in rows]


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


@router.post("/drafts/{pk}/publish", response=VersionRow, summary="Publish a draft (officers)")
def draft_publish(request, pk: int):
    ensure_role(request.user, Role.OFFICER)
    return services.policy_publish(actor=request.user, draft=selectors.policy_version_get(pk=pk))


@router.put("/drafts/{pk}", response=VersionOut, summary="Replace a draft's document (officers)")
def draft_update(request, pk: int, payload: DraftUpdateIn):
    ensure_role(request.user, Role.OFFICER)
    draft = services.policy_draft_update(actor=request.user, draft=selectors.policy_version_get(pk=pk),
                                         source=payload.source)
    return selectors.policy_version_view(draft)


@router.post("/versions/{pk}/retire", response=VersionRow, summary="Retire a published version (officers)")
def version_retire(request, pk: int):
    ensure_role(request.user, Role.OFFICER)
    return services.policy_retire(actor=request.user, version=selectors.policy_version_get(pk=pk))


@router.get("/{code}", response=PolicyDetailOut,
            summary="A policy: versions, criteria, parameters over time, basis, test report (officers)")
def policy_detail(request, code: str, as_of: date | None = None):
    ensure_role(request.user, Role.OFFICER)
    policy = selectors.policy_get(code=code)
    current = selectors.policy_version_current(policy, as_of=as_of or timezone.localdate())
    return {"code": policy.code, "title_zh": policy.title_zh, "title_en": policy.title_en,
            "current": selectors.policy_version_view(current) if current else None,
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
    return Status(201, selectors.policy_version_view(draft))


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
