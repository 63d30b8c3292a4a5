"""Writes of eligibility: starting runs, review routes, a talent's objection to a verdict (with the explanation
they saw), and marking in-kind lines issued. Decisions on lines and bank batches are payments' services; they
move lines through ``ledger.entitlements_move``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.accounts.models import User
from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.models import AuditAction
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.policies.models import Objection, Policy
from talentpool.policies.services import objection_create

from .ledger import entitlements_move
from .models import REASON_ISSUED, Channel, ReviewRoute, Run, RunStatus, Status
from .runs import run_create
from .selectors import eligibility_explain, entitlements_visible_to, runs_visible_to
from .tasks import run_execute_task


def _officer(actor) -> None:
    ensure_role(actor, Role.OFFICER)


def objection_raise(*, talent, policy_code: str, message: str, as_of: dt.date) -> Objection:
    """A talent objects to a verdict ("I think I qualify"); the explanation they saw is kept with it."""
    try:
        snapshot = eligibility_explain(talent=talent, code=policy_code, as_of=as_of).as_dict()
    except NotFoundError:
        snapshot = {"policy": policy_code, "as_of": as_of.isoformat(), "verdict": None}
    return objection_create(talent=talent, policy_code=policy_code, message=message, as_of=as_of,
                            explanation=snapshot)


# --- review routes ------------------------------------------------------------------------------------------------

def review_route_set(*, actor, policy_code: str, tier: str, officer_username: str, request=None) -> ReviewRoute:
    _officer(actor)
    policy = None
    if policy_code:
        policy = Policy.objects.filter(code=policy_code).first()
        if policy is None:
            raise ApplicationError(_("No such policy."), field="policy")
    if tier not in ("", "A", "B", "C", "D", "E"):
        raise ApplicationError(_("Tier is A to E or empty."), field="tier")
    officer = User.objects.filter(username=officer_username, role=Role.OFFICER, is_active=True).first()
    if officer is None:
        raise ApplicationError(_("No active officer with this user name."), field="officer")
    if not officer.scope_prefix.startswith(actor.scope_prefix):
        raise ApplicationError(_("Route to an officer of your own scope."), field="officer")
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, request=request,
                 detail={"policy": policy_code, "tier": tier, "officer": officer.username}) as entry:
        route, _created = ReviewRoute.objects.update_or_create(policy=policy, tier=tier, scope=actor.scope_prefix,
                                                               defaults={"officer": officer})
        entry.target = f"review_route:{route.pk}"
    return route


def review_route_delete(*, actor, route_id: int, request=None) -> None:
    _officer(actor)
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"review_route:{route_id}", request=request,
                 detail={"deleted": True}):
        deleted, _rows = ReviewRoute.objects.filter(pk=route_id, scope=actor.scope_prefix).delete()
        if not deleted:
            raise NotFoundError()


def run_start(*, actor, as_of: dt.date, codes: list[str] | None, trigger: str, request=None):
    """Create a run over the officer's scope and hand it to the task runner."""
    _officer(actor)
    with audited(actor=actor, action=AuditAction.ELIGIBILITY_RUN, request=request,
                 detail={"as_of": as_of.isoformat(), "policies": codes or "all"}) as entry:
        run = run_create(as_of=as_of, codes=codes, scope=actor.scope_prefix, trigger=trigger, actor=actor)
        entry.target = f"run:{run.pk}"
        transaction.on_commit(lambda: run_execute_task.enqueue(run_id=run.pk))
    return run


def run_resume(*, actor, run_id: int, request=None, enqueue: bool = True) -> Run:
    """Start an interrupted run again (its worker died: ``Run.interrupted``). It goes back to the queue and
    continues where it stopped: the lines it already wrote are found and kept, the rest are written, and its
    counts end as those of a run that was never interrupted. Officers whose scope holds the run; ``actor`` None is
    the command line, which runs it itself (``enqueue=False``). A run still alive, or finished, is refused."""
    if actor is not None:
        _officer(actor)
    runs = runs_visible_to(actor) if actor is not None else Run.objects.all()
    with audited(actor=actor, action=AuditAction.ELIGIBILITY_RUN, target=f"run:{run_id}", request=request,
                 detail={"resumed": True}):
        run = runs.select_for_update(of=("self",)).filter(pk=run_id).first()
        if run is None:
            raise NotFoundError()
        if not run.interrupted:
            if run.status in (RunStatus.DONE, RunStatus.FAILED):
                raise ApplicationError(_("This run has ended; start a new run instead."), code="finished")
            raise ApplicationError(_("This run is still going; it can be resumed only once it shows as "
                                     "interrupted."), code="not_interrupted")
        Run.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED, phase="")
        run.status, run.phase = RunStatus.QUEUED, ""
        if enqueue:
            transaction.on_commit(lambda: run_execute_task.enqueue(run_id=run.pk))
    return run


# --- in-kind issues -----------------------------------------------------------------------------------------------

@dataclass
class IssueOutcome:
    issued: int
    skipped: int  # chosen lines that were not approved in-kind lines (left as they are)


def entitlements_issue(*, actor, issued_on: dt.date, ids: list[int] | None = None, policy_code: str = "",
                       request=None) -> IssueOutcome:
    """Mark approved in-kind lines issued: the pack or pass was handed over on ``issued_on`` (kept as the line's
    ``paid_on``, so the ledger counts the instalment as given). The lines chosen are ``ids``, or every approved
    in-kind line of ``policy_code`` the officer sees. Bank-transfer lines are never issued (they are paid in a
    batch); lines in another state are skipped. One audit event for the whole decision."""
    ensure_role(actor, Role.OFFICER)
    if ids is None and not policy_code:
        raise ApplicationError(_("Choose the lines, or the policy whose approved lines were issued."),
                               code="required", field="ids")
    if issued_on > timezone.localdate():
        raise ApplicationError(_("The issue date cannot be in the future."), code="date_future", field="issued_on")
    chosen = entitlements_visible_to(actor)
    if ids is not None:
        chosen = chosen.filter(pk__in=ids)
    if policy_code:
        chosen = chosen.filter(policy__code=policy_code)
    if ids is None:
        chosen = chosen.filter(status=Status.APPROVED, channel=Channel.IN_KIND)
    rows = list(chosen.values_list("pk", "status", "channel"))
    ready = [pk for pk, status, channel in rows if status == Status.APPROVED and channel == Channel.IN_KIND]
    if not ready and rows and all(channel == Channel.BANK_TRANSFER for _pk, _s, channel in rows):
        raise ApplicationError(_("These lines are paid by bank transfer: put them in a payment batch."),
                               code="not_in_kind")
    if not ready:
        raise ApplicationError(_("No approved in-kind lines to mark issued."), code="nothing_to_issue")
    with audited(actor=actor, action=AuditAction.ENTITLEMENT_DECISION, request=request,
                 detail={"decision": "issue", "issued_on": issued_on.isoformat(), "policy": policy_code}) as entry:
        moved = entitlements_move(ready, expect=[Status.APPROVED], to=Status.ISSUED, actor=actor,
                                  reason=REASON_ISSUED, extra={"paid_on": issued_on})
        entry.target = f"entitlements:{len(moved)}"
        entry.detail.update(count=len(moved), first=moved[:20])
        entry.skip = not moved
    return IssueOutcome(len(moved), len(rows) - len(moved))
