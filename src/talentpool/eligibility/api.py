"""Eligibility endpoints, under /api/v1/policies/ beside the policies router: a talent's own verdicts and
objections, an officer's explanation of one person's verdict (audited)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status

from talentpool.core.errors import NotFoundError
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.core.schema_types import Id
from talentpool.policies.schemas import ObjectionIn, ObjectionOut
from talentpool.registry.selectors import talent_visible_to
from talentpool.registry.services import talent_record_viewed

from . import selectors, services

router = Router(tags=["policies"])


def _my_talent(user):
    talent = talent_visible_to(user).first()
    if talent is None:
        raise NotFoundError(gettext("Your account is not linked to a registry record."))
    return talent


@router.get("/me", summary="What policy gives me: every policy in force with my verdict (talents)")
def my_eligibility(request, as_of: date | None = None):
    ensure_role(request.user, Role.TALENT)
    talent = _my_talent(request.user)
    day = as_of or timezone.localdate()
    return {"as_of": day.isoformat(),
            "policies": [e.as_dict() for e in selectors.eligibility_for_talent(talent=talent, as_of=day)]}


@router.post("/me/objections", response={201: ObjectionOut}, summary="I think I qualify (talents)")
def my_objection(request, payload: ObjectionIn):
    ensure_role(request.user, Role.TALENT)
    talent = _my_talent(request.user)
    objection = services.objection_raise(talent=talent, policy_code=payload.policy, message=payload.message,
                                          as_of=payload.as_of or timezone.localdate())
    return Status(201, objection)


@router.get("/{code}/explain", summary="Explain a person's verdict (officers, own district; audited)")
def policy_explain(request, code: str, talent_id: Id, as_of: date | None = None):
    ensure_role(request.user, Role.OFFICER)
    talent = talent_visible_to(request.user).filter(pk=talent_id).first()
    if talent is None:
        raise NotFoundError()
    explanation = selectors.eligibility_explain(talent=talent, code=code, as_of=as_of or timezone.localdate())
    talent_record_viewed(actor=request.user, talent=talent, request=request, channel="api:policy-explain")
    return explanation.as_dict()
