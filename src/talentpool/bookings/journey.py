"""The talent's journey on one page: everything the district has done with a person — the arrival and the
registry record, hires, fairs, applications and interviews, subsidy lines and their payments, service tickets,
lodging, events and partners' referrals — as one list, newest first.

Bookings sits above every app it reads here, so this is where the journey is put together. The read is bounded:
one query per source (at most ``PER_SOURCE`` rows each, newest first), never one per row, so the page costs the
same whether a person has three records or three thousand. Who may read whose journey is decided by the caller
(the talent their own; an officer a person of their scope, audited as a read of the record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.i18n import bilingual
from talentpool.eligibility.models import Entitlement
from talentpool.fairs.models import Registration
from talentpool.recruitment.models import Application, Interview
from talentpool.recruitment.selectors import pipeline_stages_of
from talentpool.registry.models import Employment, Talent
from talentpool.servicedesk.models import Ticket

from .models import Booking, Kind, Referral

PER_SOURCE = 50  # newest rows read from each source
TALENT, OFFICER = "talent", "officer"


@dataclass(frozen=True)
class Step:
    """One thing that happened: when, from which part of the platform, what, its state and where to see it."""

    at: dt.datetime
    source: str  # registry, lodging, event, fair, application, interview, subsidy, payment, ticket, referral
    title: str
    detail: str = ""
    status: str = ""
    amount: Decimal | None = None
    link: str = ""
    whole_day: bool = False  # known to the day only (shown without a time)


def _day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _registry(talent: Talent, audience: str) -> list[Step]:
    link = reverse("registry:my-profile") if audience == TALENT else reverse("registry:talent-detail",
                                                                             args=[talent.pk])
    steps = [Step(at=talent.created_at, source="registry", title=_("Registered with the talent office"), link=link)]
    if talent.arrival_date:
        steps.append(Step(at=_day(talent.arrival_date), source="registry", title=_("Arrived in the district"),
                          whole_day=True, link=link))
    hires = Employment.objects.filter(talent=talent).select_related("enterprise").order_by("-start_date", "-pk")
    for job in hires[:PER_SOURCE]:
        steps.append(Step(at=_day(job.start_date), source="registry", whole_day=True, link=link,
                          title=_("Started at %(name)s") % {"name": job.enterprise.name}, detail=job.position))
    return steps


def _bookings(talent: Talent, audience: str) -> list[Step]:
    rows = (Booking.objects.filter(talent=talent).select_related("resource", "partner")
            .order_by("-created_at", "-pk")[:PER_SOURCE])
    steps = []
    for b in rows:
        lodging = b.resource.kind == Kind.LODGING
        if lodging:
            detail = _("%(start)s to %(end)s, %(n)s nights") % {"start": b.first_day, "end": b.end_day,
                                                                "n": b.units}
        else:
            detail = timezone.localtime(b.resource.starts_at).strftime("%Y-%m-%d %H:%M") if b.resource.starts_at \
                else str(b.first_day)
        if b.partner_id:
            detail += " · " + _("referred by %(name)s") % {"name": b.partner.name}
        link = (reverse("bookings:ticket", args=[b.pk]) if audience == TALENT
                else reverse("bookings:resource", args=[b.resource_id]))
        steps.append(Step(at=b.created_at, source="lodging" if lodging else "event", title=b.resource.name,
                          detail=detail, status=b.get_status_display(), link=link))
    return steps


def _referrals(talent: Talent, audience: str) -> list[Step]:
    rows = (Referral.objects.filter(talent=talent).select_related("partner", "event", "job")
            .order_by("-created_at", "-pk")[:PER_SOURCE])
    link = reverse("bookings:mine") if audience == TALENT else ""
    steps = []
    for r in rows:
        what = r.event.name if r.event_id else (r.job.title if r.job_id else r.service)
        steps.append(Step(at=r.created_at, source="referral", link=link,
                          title=_("%(partner)s referred you to %(what)s") % {"partner": r.partner.name, "what": what}
                          if audience == TALENT else
                          _("%(partner)s referred them to %(what)s") % {"partner": r.partner.name, "what": what},
                          detail=r.get_target_display(), status=r.get_status_display()))
    return steps


def _fairs(talent: Talent, audience: str) -> list[Step]:
    rows = (Registration.objects.filter(talent=talent).select_related("fair")
            .order_by("-created_at", "-pk")[:PER_SOURCE])
    steps = []
    for r in rows:
        detail = timezone.localtime(r.fair.starts_at).strftime("%Y-%m-%d")
        if r.checked_in_at:
            detail += " · " + _("checked in")
        link = (reverse("fairs:registration-timetable", args=[r.pk]) if audience == TALENT
                else reverse("fairs:office-fair", args=[r.fair_id]))
        steps.append(Step(at=r.created_at, source="fair", title=r.fair.title, detail=detail,
                          status=r.get_state_display(), link=link))
    return steps


def _recruitment(talent: Talent, audience: str) -> list[Step]:
    apps = list(Application.objects.filter(talent=talent).select_related("job__enterprise")
                .order_by("-created_at", "-pk")[:PER_SOURCE])
    stages = {enterprise: {stage["code"]: stage for stage in rows}  # each enterprise's own stage names, one query
              for enterprise, rows in pipeline_stages_of({a.job.enterprise_id for a in apps}).items()}
    steps = []
    for a in apps:
        link = reverse("recruitment:my-application", args=[a.pk]) if audience == TALENT else ""
        stage = stages.get(a.job.enterprise_id, {}).get(a.stage, {"zh": a.stage, "en": a.stage})
        steps.append(Step(at=a.created_at, source="application", link=link,
                          title=_("Applied to %(job)s") % {"job": a.job.title}, detail=a.job.enterprise.name,
                          status=str(a.get_outcome_display()) if a.outcome else bilingual(stage)))
    interviews = (Interview.objects.filter(application__talent=talent).select_related("application__job__enterprise")
                  .order_by("-starts_at", "-pk")[:PER_SOURCE])
    for i in interviews:
        link = reverse("recruitment:my-application", args=[i.application_id]) if audience == TALENT else ""
        steps.append(Step(at=i.starts_at, source="interview", link=link,
                          title=_("Interview for %(job)s") % {"job": i.application.job.title},
                          detail=i.application.job.enterprise.name, status=i.get_status_display()))
    return steps


def _subsidies(talent: Talent, audience: str) -> list[Step]:
    lines = (Entitlement.objects.filter(talent=talent).select_related("policy")
             .order_by("-created_at", "-pk")[:PER_SOURCE])
    steps = []
    for line in lines:
        link = reverse("payments:mine") if audience == TALENT else reverse("payments:line-detail", args=[line.pk])
        title = bilingual(line.policy, "title")
        steps.append(Step(at=line.created_at, source="subsidy", title=title, amount=line.amount, link=link,
                          detail=_("instalment %(n)s") % {"n": line.instalment}, status=line.get_status_display()))
        if line.paid_on:
            steps.append(Step(at=_day(line.paid_on), source="payment", title=title, amount=line.amount, link=link,
                              whole_day=True, status=line.get_status_display()))
    return steps


def _tickets(talent: Talent, audience: str) -> list[Step]:
    rows = Ticket.objects.filter(talent=talent).select_related("service").order_by("-created_at", "-pk")[:PER_SOURCE]
    return [Step(at=t.created_at, source="ticket", title=t.subject or bilingual(t.service, "name"),
                 detail=bilingual(t.service, "name"), status=t.get_status_display(),
                 link=reverse("servicedesk:my-ticket" if audience == TALENT else "servicedesk:ticket", args=[t.pk]))
            for t in rows]


SOURCES = (_registry, _bookings, _referrals, _fairs, _recruitment, _subsidies, _tickets)


def talent_journey(talent: Talent, *, audience: str = TALENT) -> list[Step]:
    """Every step of the person's journey, newest first (at most ``PER_SOURCE`` of each source)."""
    steps: list[Step] = []
    for source in SOURCES:
        steps.extend(source(talent, audience))
    return sorted(steps, key=lambda s: s.at, reverse=True)
