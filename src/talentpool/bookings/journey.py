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
from django.utils.translation import get_language
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
_MARK = 987654321  # a record number no table reaches: replaced in a link reversed once


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


def _names(model, field: str) -> dict:
    """A choice field's labels in the active language, looked up once per journey (as ``get_<field>_display``)."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _link(name: str):
    """A maker of ``name``'s link for a record number: reversed once per journey, not once per row."""
    url = reverse(name, args=[_MARK])
    return lambda pk: url.replace(str(_MARK), str(pk))


def _registry(talent: Talent, audience: str) -> list[Step]:
    link = reverse("registry:my-profile") if audience == TALENT else reverse("registry:talent-detail",
                                                                             args=[talent.pk])
    steps = [Step(at=talent.created_at, source="registry", title=_("Registered with the talent office"), link=link)]
    if talent.arrival_date:
        steps.append(Step(at=_day(talent.arrival_date), source="registry", title=_("Arrived in the district"),
                          whole_day=True, link=link))
    hires = (Employment.objects.filter(talent=talent).order_by("-start_date", "-pk")
             .values_list("start_date", "position", "enterprise__name")[:PER_SOURCE])
    started = _("Started at %(name)s")
    for start, position, name in hires:
        steps.append(Step(at=_day(start), source="registry", whole_day=True, link=link,
                          title=started % {"name": name}, detail=position))
    return steps


def _bookings(talent: Talent, audience: str) -> list[Step]:
    rows = (Booking.objects.filter(talent=talent).order_by("-created_at", "-pk")
            .values("pk", "resource_id", "resource__kind", "resource__name", "resource__starts_at", "first_day",
                    "end_day", "units", "partner_id", "partner__name", "status", "created_at")[:PER_SOURCE])
    statuses = _names(Booking, "status")
    link = _link("bookings:ticket") if audience == TALENT else _link("bookings:resource")
    stay, referred = _("%(start)s to %(end)s, %(n)s nights"), _("referred by %(name)s")
    steps = []
    for b in rows:
        lodging = b["resource__kind"] == Kind.LODGING
        if lodging:
            detail = stay % {"start": b["first_day"], "end": b["end_day"], "n": b["units"]}
        else:
            starts = b["resource__starts_at"]
            detail = timezone.localtime(starts).strftime("%Y-%m-%d %H:%M") if starts else str(b["first_day"])
        if b["partner_id"]:
            detail += " · " + referred % {"name": b["partner__name"]}
        steps.append(Step(at=b["created_at"], source="lodging" if lodging else "event", title=b["resource__name"],
                          detail=detail, status=statuses.get(b["status"], b["status"]),
                          link=link(b["pk"] if audience == TALENT else b["resource_id"])))
    return steps


def _referrals(talent: Talent, audience: str) -> list[Step]:
    rows = (Referral.objects.filter(talent=talent).order_by("-created_at", "-pk")
            .values("event_id", "event__name", "job_id", "job__title", "service", "partner__name", "target",
                    "status", "created_at")[:PER_SOURCE])
    link = reverse("bookings:mine") if audience == TALENT else ""
    title = (_("%(partner)s referred you to %(what)s") if audience == TALENT else
             _("%(partner)s referred them to %(what)s"))
    targets, statuses = _names(Referral, "target"), _names(Referral, "status")
    steps = []
    for r in rows:
        what = r["event__name"] if r["event_id"] else (r["job__title"] if r["job_id"] else r["service"])
        steps.append(Step(at=r["created_at"], source="referral", link=link,
                          title=title % {"partner": r["partner__name"], "what": what},
                          detail=targets.get(r["target"], r["target"]), status=statuses.get(r["status"], r["status"])))
    return steps


def _fairs(talent: Talent, audience: str) -> list[Step]:
    rows = (Registration.objects.filter(talent=talent).order_by("-created_at", "-pk")
            .values("pk", "fair_id", "fair__title", "fair__starts_at", "checked_in_at", "state",
                    "created_at")[:PER_SOURCE])
    states = _names(Registration, "state")
    link = _link("fairs:registration-timetable") if audience == TALENT else _link("fairs:office-fair")
    checked_in = _("checked in")
    steps = []
    for r in rows:
        detail = timezone.localtime(r["fair__starts_at"]).strftime("%Y-%m-%d")
        if r["checked_in_at"]:
            detail += " · " + checked_in
        steps.append(Step(at=r["created_at"], source="fair", title=r["fair__title"], detail=detail,
                          status=states.get(r["state"], r["state"]),
                          link=link(r["pk"] if audience == TALENT else r["fair_id"])))
    return steps


def _recruitment(talent: Talent, audience: str) -> list[Step]:
    apps = list(Application.objects.filter(talent=talent).order_by("-created_at", "-pk")
                .values("pk", "job__title", "job__enterprise_id", "job__enterprise__name", "stage", "outcome",
                        "created_at")[:PER_SOURCE])
    stages = {enterprise: {stage["code"]: stage for stage in rows}  # each enterprise's own stage names, one query
              for enterprise, rows in pipeline_stages_of({a["job__enterprise_id"] for a in apps}).items()}
    outcomes, statuses = _names(Application, "outcome"), _names(Interview, "status")
    link = _link("recruitment:my-application") if audience == TALENT else None
    applied, interview = _("Applied to %(job)s"), _("Interview for %(job)s")
    steps = []
    for a in apps:
        code = a["stage"]
        stage = stages.get(a["job__enterprise_id"], {}).get(code, {"zh": code, "en": code})
        steps.append(Step(at=a["created_at"], source="application", link=link(a["pk"]) if link else "",
                          title=applied % {"job": a["job__title"]}, detail=a["job__enterprise__name"],
                          status=outcomes.get(a["outcome"], a["outcome"]) if a["outcome"] else bilingual(stage)))
    interviews = (Interview.objects.filter(application__talent=talent).order_by("-starts_at", "-pk")
                  .values("application_id", "application__job__title", "application__job__enterprise__name",
                          "starts_at", "status")[:PER_SOURCE])
    for i in interviews:
        steps.append(Step(at=i["starts_at"], source="interview", link=link(i["application_id"]) if link else "",
                          title=interview % {"job": i["application__job__title"]},
                          detail=i["application__job__enterprise__name"],
                          status=statuses.get(i["status"], i["status"])))
    return steps


def _subsidies(talent: Talent, audience: str) -> list[Step]:
    side = "en" if (get_language() or "").startswith("en") else "zh"
    lines = (Entitlement.objects.filter(talent=talent).order_by("-created_at", "-pk")
             .values("pk", *dict.fromkeys(("policy__title_zh", f"policy__title_{side}")), "amount", "instalment", "status", "paid_on",
                     "created_at")[:PER_SOURCE])
    statuses = _names(Entitlement, "status")
    mine = reverse("payments:mine") if audience == TALENT else None
    detail_link = None if mine else _link("payments:line-detail")
    instalment = _("instalment %(n)s")
    steps = []
    for line in lines:
        link = mine or detail_link(line["pk"])
        title = line[f"policy__title_{side}"] or line["policy__title_zh"]
        status = statuses.get(line["status"], line["status"])
        steps.append(Step(at=line["created_at"], source="subsidy", title=title, amount=line["amount"], link=link,
                          detail=instalment % {"n": line["instalment"]}, status=status))
        if line["paid_on"]:
            steps.append(Step(at=_day(line["paid_on"]), source="payment", title=title, amount=line["amount"],
                              link=link, whole_day=True, status=status))
    return steps


def _tickets(talent: Talent, audience: str) -> list[Step]:
    side = "en" if (get_language() or "").startswith("en") else "zh"
    rows = (Ticket.objects.filter(talent=talent).order_by("-created_at", "-pk")
            .values("pk", "subject", *dict.fromkeys(("service__name_zh", f"service__name_{side}")), "status",
                    "created_at")[:PER_SOURCE])
    statuses = _names(Ticket, "status")
    link = _link("servicedesk:my-ticket" if audience == TALENT else "servicedesk:ticket")
    steps = []
    for t in rows:
        service = t[f"service__name_{side}"] or t["service__name_zh"]
        steps.append(Step(at=t["created_at"], source="ticket", title=t["subject"] or service, detail=service,
                          status=statuses.get(t["status"], t["status"]), link=link(t["pk"])))
    return steps


def source_names() -> dict[str, str]:
    """Each source's badge in the active language, worked out once per page (not an ``{% if %}`` chain per step)."""
    return {"registry": _("Registry"), "lodging": _("Lodging"), "event": _("Events"), "fair": _("Fairs"),
            "application": _("Application"), "interview": _("Interview"), "subsidy": _("Subsidy"),
            "payment": _("Payment"), "ticket": _("Service"), "referral": _("Referral")}


SOURCES = (_registry, _bookings, _referrals, _fairs, _recruitment, _subsidies, _tickets)


def talent_journey(talent: Talent, *, audience: str = TALENT) -> list[Step]:
    """Every step of the person's journey, newest first (at most ``PER_SOURCE`` of each source)."""
    steps: list[Step] = []
    for source in SOURCES:
        steps.extend(source(talent, audience))
    return sorted(steps, key=lambda s: s.at, reverse=True)
