"""Each role's home page: what needs its attention now, each item a count or a date with the page that deals
with it (the talent's next payment and interviews, HR's new applications and interviews, the officer's queue,
corrections, approvals and runs, the administrator's reference data)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.i18n import bilingual
from talentpool.core.notices import unread_count
from talentpool.core.roles import Role
from talentpool.eligibility.models import Status
from talentpool.eligibility.selectors import runs_visible_to
from talentpool.eligibility.totals import ledger_totals
from talentpool.payments.selectors import talent_lines
from talentpool.policies.selectors import approvals_waiting_for
from talentpool.recruitment.models import FIRST_STAGE, InterviewStatus
from talentpool.recruitment.selectors import applications_visible_to, interviews_visible_to, my_interviews
from talentpool.reference.selectors import reference_status
from talentpool.registry.corrections import correction_queue_for


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    urgent: bool = False  # something waits for this user's action


def _talent(user) -> list[Item]:
    items = []
    due = talent_lines(user).filter(status__in=[Status.CANDIDATE, Status.APPROVED, Status.BATCHED]).order_by("due")
    line = due.select_related("policy").first()
    items.append(Item(_("Next payment: %(amount)s on %(day)s (%(policy)s)") % {
        "amount": f"¥{line.amount:,.2f}", "day": line.due.isoformat(), "policy": bilingual(line.policy, "title")}
        if line else _("No payment is due at the moment."), reverse("payments:mine")))
    for interview in my_interviews(user, upcoming=True)[:3]:
        items.append(Item(_("Interview for %(job)s at %(enterprise)s: %(when)s") % {
            "job": interview.application.job.title, "enterprise": interview.application.job.enterprise.name,
            "when": timezone.localtime(interview.starts_at).strftime("%Y-%m-%d %H:%M")},
            reverse("recruitment:my-applications"), urgent=True))
    return items


def _enterprise(user) -> list[Item]:
    new = applications_visible_to(user).filter(stage=FIRST_STAGE, outcome="").count()
    soon = interviews_visible_to(user).filter(status=InterviewStatus.SCHEDULED, ends_at__gte=timezone.now()).count()
    return [Item(_("%(n)s new applications to screen") % {"n": new}, reverse("recruitment:applications"),
                 urgent=bool(new)),
            Item(_("%(n)s interviews scheduled") % {"n": soon}, reverse("recruitment:applications"))]


def _officer(user) -> list[Item]:
    # the maintained ledger totals (kept by database triggers, never stale) in the district recorded on the line,
    # as the payment queue scopes them: counting the candidate lines of a 400,000-talent district took ~0.7 s
    queue = ledger_totals(district=user.scope_prefix, status=Status.CANDIDATE).count if user.scope_prefix else 0
    corrections = correction_queue_for(user).count()
    approvals = approvals_waiting_for(user).count()
    items = [Item(_("%(n)s payment lines wait for review") % {"n": queue}, reverse("payments:queue"), bool(queue)),
             Item(_("%(n)s correction requests wait for a decision") % {"n": corrections},
                  reverse("registry:correction-list"), bool(corrections)),
             Item(_("%(n)s policy changes wait for your approval") % {"n": approvals},
                  reverse("policies:policy-list"), bool(approvals))]
    for run in runs_visible_to(user).order_by("-pk")[:3]:
        items.append(Item(_("Eligibility run of %(day)s: %(status)s") % {
            "day": timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M"), "status": run.get_status_display()},
            reverse("payments:run-detail", args=[run.pk])))
    return items


def _admin(user) -> list[Item]:
    outdated = [s for s in reference_status() if not s.up_to_date]
    return [Item(_("%(n)s reference tables are not loaded or out of date") % {"n": len(outdated)},
                 reverse("reference:source-list"), bool(outdated)),
            Item(_("Audit trail"), reverse("core:audit-list")),
            Item(_("Users"), reverse("accounts:user-list"))]


ROLE_ITEMS = {Role.TALENT: _talent, Role.ENTERPRISE: _enterprise, Role.OFFICER: _officer, Role.ADMIN: _admin}


def attention(user) -> list[Item]:
    """What needs this user's attention, most pressing first, with unread notices on top."""
    items = ROLE_ITEMS.get(user.role, lambda u: [])(user)
    unread = unread_count(user)
    if unread:
        items.insert(0, Item(_("%(n)s unread notices") % {"n": unread}, reverse("core:notices"), urgent=True))
    return sorted(items, key=lambda i: not i.urgent)
