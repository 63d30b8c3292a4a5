"""How the audit trail names the records of every app ("李明的档案", not ``talent:1``) and finds the people an
administrator filters it by: registered into ``core.audit_names`` when the project starts (``WebConfig.ready``),
from here because ``web`` is the one layer that sees every app."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.accounts.models import User
from talentpool.core.audit_names import register_people_finder, register_target_kind
from talentpool.core.i18n import bilingual
from talentpool.policies.models import Objection, Policy
from talentpool.recruitment.models import Application, Interview, Job
from talentpool.registry import selectors as registry_selectors
from talentpool.registry.models import CorrectionRequest, Employment, Enterprise, ImportJob, Talent
from talentpool.servicedesk.models import Ticket


def _ids(rests: list[str]) -> list[int]:
    return [int(r) for r in rests if r.isdigit()]


def _by_talent(model, wording: str, path: str = "talent"):
    """A namer for records that belong to a person: '<name>的<what>'."""
    def namer(rests: list[str]) -> dict[str, str]:
        rows = model.objects.filter(pk__in=_ids(rests)).values_list("pk", f"{path}__name")
        return {str(pk): _(wording) % {"name": name} for pk, name in rows}
    return namer


def _talents(rests: list[str]) -> dict[str, str]:
    rows = Talent.objects.filter(pk__in=_ids(rests)).values_list("pk", "name")
    return {str(pk): _("%(name)s's record") % {"name": name} for pk, name in rows}


def _revealed(rests: list[str]) -> dict[str, str]:
    rows = Talent.objects.filter(pk__in=_ids(rests)).values_list("pk", "name")
    return {str(pk): _("%(name)s's ID number") % {"name": name} for pk, name in rows}


def _users(rests: list[str]) -> dict[str, str]:
    rows = User.objects.filter(pk__in=_ids(rests)).values_list("pk", "username")
    return {str(pk): _("account %(name)s") % {"name": name} for pk, name in rows}


def _jobs(rests: list[str]) -> dict[str, str]:
    rows = Job.objects.filter(pk__in=_ids(rests)).values_list("pk", "title", "enterprise__name")
    return {str(pk): _("job %(title)s at %(enterprise)s") % {"title": t, "enterprise": e} for pk, t, e in rows}


def _enterprises(rests: list[str]) -> dict[str, str]:
    rows = Enterprise.objects.filter(pk__in=_ids(rests)).values_list("pk", "name")
    return {str(pk): _("pipeline of %(name)s") % {"name": name} for pk, name in rows}


def _policies(rests: list[str]) -> dict[str, str]:
    """``hz-graduate-rent:v2`` -> the policy's title and version."""
    codes = {r: r.split(":")[0] for r in rests}
    titles = {code: {"zh": zh, "en": en} for code, zh, en in
              Policy.objects.filter(code__in=set(codes.values())).values_list("code", "title_zh", "title_en")}
    return {rest: f"{bilingual(titles[code])} {rest.partition(':')[2]}".strip()
            for rest, code in codes.items() if code in titles}


def _imports(rests: list[str]) -> dict[str, str]:
    rows = ImportJob.objects.filter(pk__in=_ids(rests)).values_list("pk", "filename")
    return {str(pk): _("import of %(file)s") % {"file": name} for pk, name in rows}


KINDS = {
    "talent": (gettext_lazy("Record"), _talents),
    "revealed": (gettext_lazy("ID number"), _revealed),
    "user": (gettext_lazy("Account"), _users),
    "job": (gettext_lazy("Job"), _jobs),
    "pipeline": (gettext_lazy("Pipeline"), _enterprises),
    "policy": (gettext_lazy("Policy"), _policies),
    "import": (gettext_lazy("Import"), _imports),
    "application": (gettext_lazy("Application"), _by_talent(Application, "%(name)s's application")),
    "interview": (gettext_lazy("Interview"), _by_talent(Interview, "%(name)s's interview", "application__talent")),
    "objection": (gettext_lazy("Objection"), _by_talent(Objection, "%(name)s's objection")),
    "correction": (gettext_lazy("Correction request"), _by_talent(CorrectionRequest, "%(name)s's correction request")),
    "employment": (gettext_lazy("Employment"), _by_talent(Employment, "%(name)s's employment")),
    "ticket": (gettext_lazy("Service request"), _by_talent(Ticket, "%(name)s's service request")),
    "entitlements": (gettext_lazy("Payment lines, count:"), None),
    "entitlement": (gettext_lazy("Payment line"), None),
    "batch": (gettext_lazy("Payment batch"), None),
    "run": (gettext_lazy("Eligibility run no."), None),
    "review_route": (gettext_lazy("Review route no."), None),
    "ledger": (gettext_lazy("Ledger"), None),
    "partner": (gettext_lazy("Partner no."), None),
    "registration": (gettext_lazy("Fair registration no."), None),
    "fair": (gettext_lazy("Fair no."), None),
    "booth": (gettext_lazy("Booth no."), None),
    "slot": (gettext_lazy("Interview slot no."), None),
    "booking": (gettext_lazy("Booking no."), None),
    "resource": (gettext_lazy("Lodging no."), None),
    "referral": (gettext_lazy("Referral no."), None),
    "service": (gettext_lazy("Service"), None),
    "office": (gettext_lazy("Service office"), None),
    "servicedesk": (gettext_lazy("Service desk"), None),
    "desk-officer": (gettext_lazy("Service officer no."), None),
    "job_profile": (gettext_lazy("Job profile no."), None),
    "recruitment": (gettext_lazy("Recruitment"), None),
    "reference": (gettext_lazy("Reference data"), None),
    "kpi": (gettext_lazy("Indicators"), None),
    "shipped": (gettext_lazy("Shipped policy file"), None),
    "picker": (gettext_lazy("Registry search from a picker"), None),
}


def _people(user, text: str) -> list[int]:
    return registry_selectors.talent_ids_for_audit(user=user, text=text)


def register() -> None:
    for kind, (label, namer) in KINDS.items():
        register_target_kind(kind, label, namer)
    register_people_finder(_people)
