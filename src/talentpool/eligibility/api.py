"""Eligibility endpoints, under /api/v1/policies/ beside the policies router: a talent's own verdicts and
objections, an officer's explanation of one person's verdict (audited), and in-kind lines to mark issued."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.core.schema_types import Id
from talentpool.policies.schemas import ObjectionIn, ObjectionOut
from talentpool.registry.selectors import talent_visible_to
from talentpool.registry.services import talent_record_viewed

from . import selectors, services
from .past_payments import past_payments_import, past_payments_text
from .schemas import ExplainWhatIf, InKindIssueIn, InKindIssueOut, InKindPage

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


@router.get("/in-kind", response=InKindPage, summary="Approved in-kind lines waiting to be marked issued (officers)")
def in_kind_lines(request, policy: str = "", limit: int = 50, offset: int = 0):
    ensure_role(request.user, Role.OFFICER)
    qs = selectors.entitlements_to_issue(request.user)
    if policy:
        qs = qs.filter(policy__code=policy)
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    return {"count": qs.count(), "items": list(qs[offset: offset + limit])}


@router.post("/in-kind/issue", response=InKindIssueOut,
             summary="Mark approved in-kind lines issued: the chosen ids, or every one of a policy (officers)")
def in_kind_issue(request, payload: InKindIssueIn):
    outcome = services.entitlements_issue(actor=request.user, issued_on=payload.issued_on, ids=payload.ids,
                                          policy_code=payload.policy, request=request)
    return {"issued": outcome.issued, "skipped": outcome.skipped}


class PastPaymentsOut(Schema):
    created: int


@router.post("/past-payments", response={201: PastPaymentsOut},
             summary="Import payments made before the platform (CSV; officers, own scope; all rows or none)")
def past_payments_upload(request, file: File[UploadedFile]):
    """The columns of docs/templates/past-payments.csv (docs/imports.md, "Past payments"). Stored as paid ledger
    lines marked imported. When any row is refused nothing is stored: 400 ``rows_refused`` with
    ``error.problems`` listing each refusal (row, column, message)."""
    ensure_role(request.user, Role.OFFICER)
    outcome = past_payments_import(actor=request.user, text=past_payments_text(file), request=request)
    if outcome.problems:
        raise ApplicationError(gettext("%(n)s row(s) refused; nothing was stored.") % {"n": len(outcome.problems)},
                               code="rows_refused", field="file", extra={"problems": [
                                   {"row": p.row, "column": p.column, "message": p.message} for p in outcome.problems]})
    return Status(201, {"created": outcome.created})


@router.get("/{code}/explain", summary="Explain a person's verdict (officers, own district; audited); "
                                       "?set=name=value asks what if a parameter had that value")
def policy_explain(request, code: str, whatif: Query[ExplainWhatIf], talent_id: Id, as_of: date | None = None):
    ensure_role(request.user, Role.OFFICER)
    talent = talent_visible_to(request.user).filter(pk=talent_id).first()
    if talent is None:
        raise NotFoundError()
    explanation = selectors.eligibility_explain(talent=talent, code=code, as_of=as_of or timezone.localdate(),
                                                overrides=selectors.parse_overrides(whatif.set))
    talent_record_viewed(actor=request.user, talent=talent, request=request, channel="api:policy-explain")
    return explanation.as_dict()
