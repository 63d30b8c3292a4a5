"""Publishing and retiring policy versions, with four eyes.

A policy belongs to a division (``Policy.owner_division``: the city 330100, or a district such as 330110). Only
officers whose scope covers that division may ask for a change, approve or decline one (``policy_covered_by``).
Nothing is published or retired on one officer's word: the first asks (``policy_publish_request``,
``policy_retire_request``), a second officer of a covering scope approves, and the change is made in the same
transaction as the approval (``policy_approval_approve``); the one who asked may not approve (the same rule as
payment batches). Either of them, or any other officer in scope, may decline with a reason. Every step is audited
(``AuditAction.RECORD_CHANGE`` with ``detail.event``). The shipped set is loaded by the system without an actor
(``services.policy_sync_shipped``): those versions were reviewed where the files are maintained.
"""

from __future__ import annotations

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditAction

from .checks import ensure_checks_passed
from .models import ApprovalAction, ApprovalStatus, PolicyApproval, PolicyVersion, VersionStatus
from .services import _user, ensure_may_change

REASON_MAX = 500


def _publishable(draft: PolicyVersion) -> None:
    """Refused unless the draft's background checks passed on its current text and the current published set
    (``checks.ensure_checks_passed``): reading their stored result, not running them again."""
    ensure_checks_passed(draft)


def _target(version: PolicyVersion) -> str:
    return f"policy:{version.policy.code}:v{version.version}"


def _detail(version: PolicyVersion, event: str, **more) -> dict:
    return {"event": event, "policy": version.policy.code, "version": version.version, **more}


def _request(*, actor, version: PolicyVersion, action: str, reason: str, request=None) -> PolicyApproval:
    event = f"policy_{action}_request"
    try:
        with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(version), request=request,
                     detail=_detail(version, event)) as entry:
            version = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
            expected = VersionStatus.DRAFT if action == ApprovalAction.PUBLISH else VersionStatus.PUBLISHED
            if version.status != expected:
                raise ApplicationError(_("This version is %(status)s now.") % {
                    "status": version.get_status_display()}, code="version_state")
            approval = PolicyApproval(version=version, action=action, requested_by=_user(actor),
                                      reason=(reason or "").strip()[:REASON_MAX])
            approval.full_clean(validate_constraints=False)
            approval.save()
            entry.detail["approval"] = approval.pk
    except IntegrityError:
        raise ApplicationError(_("A request on this version is already waiting for approval."),
                               code="approval_pending") from None
    return approval


def policy_publish_request(*, actor, draft: PolicyVersion, reason: str = "", request=None) -> PolicyApproval:
    """Ask for a draft to be published: only an officer whose scope covers the policy; the draft's checks must
    have passed on its current text (``checks_pending`` while they run, ``checks_stale`` when it changed since). A second officer approves (``policy_approval_approve``)."""
    ensure_may_change(actor, draft.policy)
    _publishable(draft)
    return _request(actor=actor, version=draft, action=ApprovalAction.PUBLISH, reason=reason, request=request)


def policy_retire_request(*, actor, version: PolicyVersion, reason: str = "", request=None) -> PolicyApproval:
    """Ask for a published version to be retired (taken out of force); a second officer approves."""
    ensure_may_change(actor, version.policy)
    if version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("Only a published version can be retired."), code="not_published")
    return _request(actor=actor, version=version, action=ApprovalAction.RETIRE, reason=reason, request=request)


def _locked_pending(approval: PolicyApproval) -> PolicyApproval:
    approval = PolicyApproval.objects.select_for_update().select_related("version__policy").get(pk=approval.pk)
    if approval.status != ApprovalStatus.PENDING:
        raise ApplicationError(_("This request was already %(status)s.") % {
            "status": approval.get_status_display()}, code="approval_state")
    return approval


def policy_approval_approve(*, actor, approval: PolicyApproval, request=None) -> PolicyApproval:
    """The second officer approves: the draft is published (retiring the version it is based on) or the version
    retired, in the same transaction. Refused for the officer who asked (four eyes, 403 ``two_person_rule``),
    for an officer whose scope does not cover the policy (403 ``policy_scope``), and, for publishing, when the
    draft no longer passes its checks."""
    ensure_may_change(actor, approval.version.policy)
    if approval.requested_by_id is not None and approval.requested_by_id == actor.pk:
        raise PermissionDeniedError(_("A second officer must approve a change you asked for (two-person rule)."),
                                    code="two_person_rule")
    if approval.action == ApprovalAction.PUBLISH:
        _publishable(approval.version)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(approval.version), request=request,
                 detail=_detail(approval.version, f"policy_{approval.action}_approve",
                                approval=approval.pk)) as entry:
        approval = _locked_pending(approval)
        version = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=approval.version_id)
        if approval.action == ApprovalAction.PUBLISH:
            retired = _publish(actor=actor, draft=version)
            entry.detail["retired"] = retired
        else:
            _retire(actor=actor, version=version)
        entry.detail["requested_by"] = approval.requested_by.get_username() if approval.requested_by else ""
        approval.status, approval.decided_by, approval.decided_at = ApprovalStatus.APPROVED, actor, timezone.now()
        approval.save(update_fields=["status", "decided_by", "decided_at"])
    return approval


def policy_approval_decline(*, actor, approval: PolicyApproval, reason: str, request=None) -> PolicyApproval:
    """Decline a waiting request (the officer who asked may withdraw it this way): nothing is published or
    retired. A reason is required; it is kept on the request."""
    ensure_may_change(actor, approval.version.policy)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for declining."), code="reason_required", field="reason")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=_target(approval.version), request=request,
                 detail=_detail(approval.version, f"policy_{approval.action}_decline", approval=approval.pk,
                                reason=reason[:REASON_MAX])):
        approval = _locked_pending(approval)
        approval.status, approval.decided_by, approval.decided_at = ApprovalStatus.DECLINED, actor, timezone.now()
        approval.reason = reason[:REASON_MAX]
        approval.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return approval


def _publish(*, actor, draft: PolicyVersion) -> int | None:
    """Publish a locked draft; the version it is based on, when published, is retired. Returns that version's
    number (or None)."""
    if draft.status != VersionStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be published."), code="not_draft")
    now = timezone.now()
    base = draft.based_on
    retired = None
    if base is not None and base.status == VersionStatus.PUBLISHED:
        base.status, base.retired_by, base.retired_at = VersionStatus.RETIRED, _user(actor), now
        base.save(update_fields=["status", "retired_by", "retired_at", "updated_at"])
        retired = base.version
    draft.status, draft.published_by, draft.published_at = VersionStatus.PUBLISHED, _user(actor), now
    draft.save()  # its check results were stored by the check it passed
    return retired


def _retire(*, actor, version: PolicyVersion) -> None:
    """Take a locked published version out of force (nobody is evaluated under it any more)."""
    if version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(_("Only a published version can be retired."), code="not_published")
    version.status, version.retired_by, version.retired_at = VersionStatus.RETIRED, _user(actor), timezone.now()
    version.save(update_fields=["status", "retired_by", "retired_at", "updated_at"])
