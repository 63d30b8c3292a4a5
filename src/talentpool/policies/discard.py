"""Discarding a draft: a draft nobody will publish is deleted (it never produced a ledger line), with the audit
event keeping its number and what it was based on. A draft waiting for a second officer's approval is not
discarded under them: the request is declined first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from talentpool.accounts.models import Role
from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.models import AuditAction
from talentpool.core.permissions import require_role

from .models import ApprovalStatus, PolicyVersion, VersionStatus
from .services import ensure_may_change


def policy_draft_discard(*, actor, draft: PolicyVersion, request=None) -> None:
    ensure_may_change(actor, draft.policy)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE,
                 target=f"policy:{draft.policy.code}:v{draft.version}", request=request,
                 detail={"event": "policy_draft_discard", "policy": draft.policy.code, "version": draft.version,
                         "based_on": draft.based_on.version if draft.based_on_id else None}):
        locked = PolicyVersion.objects.select_for_update().filter(pk=draft.pk).first()
        if locked is None or locked.status != VersionStatus.DRAFT:
            raise ApplicationError(_("Only a draft can be discarded."), code="not_draft")
        if locked.approvals.filter(status=ApprovalStatus.PENDING).exists():
            raise ApplicationError(_("This draft waits for a second officer's approval: decline the request "
                                     "first, then discard it."), code="approval_pending")
        locked.delete()


@require_role(Role.OFFICER)
@require_POST
def draft_discard(request, pk: int):
    draft = get_object_or_404(PolicyVersion.objects.select_related("policy", "based_on"), pk=pk)
    try:
        policy_draft_discard(actor=request.user, draft=draft, request=request)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("policies:draft-detail", pk=pk)
    messages.success(request, _("Draft version %(v)s of %(code)s was discarded.") % {
        "v": draft.version, "code": draft.policy.code})
    return redirect("policies:policy-detail", code=draft.policy.code)
