"""Every page and API read of each role, with how to build its address from the demo district.

One list serves two masters: ``tests/integration/test_page_list.py`` fails when a GET route of the URLconf (or a
GET operation of the OpenAPI document) is in neither ``PAGES`` nor ``EXCLUDED``, so a new page cannot be forgotten;
``bench/web.py`` loads every entry of ``PAGES`` on a demo district under gunicorn.

An entry's ``path`` is a template: ``{name}`` placeholders are filled by ``demo_ids()`` from the demo data (the
records the demo logins ``talent``, ``hr``, ``officer`` and ``admin`` see). A page whose record the demo lacks
(no import job in a fresh demo, say) is reported, not guessed.

Roles: ``anonymous``; the session roles ``talent``, ``enterprise``, ``officer``, ``city`` (a city officer: the
shipped policies belong to the city, so only it drafts them) and ``admin`` (demo logins ``talent``, ``hr``,
``officer``, ``city``, ``admin``); ``partner`` (the open API's ``X-Partner-Key``).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

API = "/api/v1"
DEMO_LOGINS = {"talent": "talent", "enterprise": "hr", "officer": "officer", "city": "city", "admin": "admin"}


@dataclass(frozen=True)
class Page:
    role: str
    route: str  # URL name ("registry:talent-detail") or API operation ("GET /api/v1/registry/talents/{pk}")
    path: str  # address template, e.g. "/registry/talents/{talent}/"

    @property
    def is_api(self) -> bool:
        return self.route.startswith("GET ")

    @property
    def needs(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.path) if name}

    @property
    def label(self) -> str:
        return f"{self.role} {self.path}"

    def url(self, ids: dict[str, object]) -> str | None:
        """The address with the demo's ids, or None when the demo has no such record."""
        if any(ids.get(name) is None for name in self.needs):
            return None
        return self.path.format(**ids)


def _api(role: str, template: str, path: str | None = None) -> Page:
    """An API read: ``template`` is the OpenAPI path (``{pk}``), ``path`` the address with demo placeholders."""
    return Page(role, f"GET {API}{template}", API + (path or template))


PAGES: list[Page] = [
    # anonymous
    Page("anonymous", "core:healthz", "/healthz"),
    Page("anonymous", "accounts:login", "/accounts/login/"),
    Page("anonymous", "api:openapi-json", "/api/v1/openapi.json"),
    Page("anonymous", "api:openapi-view", "/api/v1/docs"),
    # talent: portal pages
    Page("talent", "web:home", "/"),
    Page("enterprise", "web:home", "/"),
    Page("officer", "web:home", "/"),
    Page("admin", "web:home", "/"),
    Page("talent", "registry:my-profile", "/registry/me/"),
    Page("talent", "eligibility:mine", "/policies/mine/"),
    Page("talent", "payments:mine", "/payments/mine/"),
    Page("talent", "payments:line-detail", "/payments/lines/{my_line}/"),
    Page("talent", "recruitment:profile", "/recruitment/profile/"),
    Page("talent", "recruitment:jobs", "/recruitment/jobs/"),
    Page("talent", "recruitment:job-detail", "/recruitment/jobs/{job}/"),
    Page("talent", "recruitment:my-applications", "/recruitment/applications/mine/"),
    Page("talent", "recruitment:my-application", "/recruitment/applications/mine/{app}/"),
    Page("talent", "servicedesk:catalogue", "/services/"),
    Page("talent", "servicedesk:ask", "/services/ask/{desk_service}/"),
    Page("talent", "servicedesk:mine", "/services/mine/"),
    Page("talent", "servicedesk:my-ticket", "/services/mine/{my_desk_ticket}/"),
    Page("talent", "servicedesk:attachment", "/services/files/{my_desk_file}/"),
    Page("talent", "core:notices", "/notices/"),
    Page("talent", "accounts:password-change", "/accounts/password/"),
    Page("talent", "accounts:password-change-done", "/accounts/password/done/"),
    # talent: API
    _api("talent", "/accounts/me"),
    _api("talent", "/registry/me"),
    _api("talent", "/policies/me"),
    _api("talent", "/payments/me"),
    _api("talent", "/payments/me/bank-account"),
    _api("talent", "/payments/notices"),
    _api("talent", "/recruitment/me/profile"),
    _api("talent", "/recruitment/me/recommended"),
    _api("talent", "/recruitment/me/applications"),
    _api("talent", "/recruitment/me/interviews"),
    _api("talent", "/recruitment/interviews/{pk}.ics", "/recruitment/interviews/{interview}.ics"),
    Page("talent", "fairs:mine", "/fairs/mine/"),
    Page("talent", "fairs:registration-timetable", "/fairs/mine/{registration}/"),
    Page("talent", "fairs:check-in", "/fairs/check-in/{ticket}/"),
    _api("talent", "/fairs/"),
    _api("talent", "/fairs/registrations/{pk}", "/fairs/registrations/{registration}"),
    _api("talent", "/fairs/registrations/{pk}/openings", "/fairs/registrations/{registration}/openings"),
    _api("talent", "/services/catalogue"),
    _api("talent", "/services/me/officer"),
    _api("talent", "/services/me/tickets"),
    _api("talent", "/services/tickets/{pk}", "/services/tickets/{my_desk_ticket}"),
    _api("talent", "/services/tickets/{pk}/attachments", "/services/tickets/{my_desk_ticket}/attachments"),
    _api("talent", "/services/attachments/{pk}", "/services/attachments/{my_desk_file}"),
    # enterprise HR: pages
    Page("enterprise", "registry:my-enterprise", "/registry/my-enterprise/"),
    Page("enterprise", "recruitment:my-jobs", "/recruitment/my-jobs/"),
    Page("enterprise", "recruitment:job-new", "/recruitment/my-jobs/new/"),
    Page("enterprise", "recruitment:job-edit", "/recruitment/my-jobs/{job}/edit/"),
    Page("enterprise", "recruitment:pipeline", "/recruitment/my-jobs/{job}/pipeline/"),
    Page("enterprise", "recruitment:job-detail", "/recruitment/jobs/{job}/"),
    Page("enterprise", "recruitment:applications", "/recruitment/applications/"),
    Page("enterprise", "recruitment:application-detail", "/recruitment/applications/{app}/"),
    Page("enterprise", "recruitment:stages", "/recruitment/stages/"),
    Page("enterprise", "fairs:booths", "/fairs/booths/"),
    Page("enterprise", "fairs:booth-queue", "/fairs/booths/{booth}/"),
    # enterprise HR: API
    _api("enterprise", "/registry/my-enterprise/staff"),
    _api("enterprise", "/recruitment/jobs"),
    _api("enterprise", "/recruitment/jobs/{pk}", "/recruitment/jobs/{job}"),
    _api("enterprise", "/recruitment/jobs/{pk}/candidates", "/recruitment/jobs/{job}/candidates"),
    _api("enterprise", "/recruitment/jobs/{pk}/pipeline", "/recruitment/jobs/{job}/pipeline"),
    _api("enterprise", "/recruitment/pipeline-stages"),
    _api("enterprise", "/recruitment/applications"),
    _api("enterprise", "/recruitment/applications/{pk}", "/recruitment/applications/{app}"),
    _api("enterprise", "/recruitment/candidates"),
    _api("enterprise", "/recruitment/candidates/{pk}", "/recruitment/candidates/{talent}"),
    # officer: pages
    Page("officer", "registry:talent-list", "/registry/talents/"),
    Page("officer", "registry:talent-detail", "/registry/talents/{talent}/"),
    Page("officer", "registry:talent-household", "/registry/talents/{talent}/household/"),
    Page("officer", "registry:enterprise-list", "/registry/enterprises/"),
    Page("officer", "registry:enterprise-detail", "/registry/enterprises/{enterprise}/"),
    Page("officer", "registry:import-list", "/registry/imports/"),
    Page("officer", "registry:correction-list", "/registry/corrections/"),
    Page("officer", "registry:correction-detail", "/registry/corrections/{correction}/"),
    Page("officer", "registry:import-detail", "/registry/imports/{import_job}/"),
    Page("officer", "registry:import-errors", "/registry/imports/{import_errors}/errors.xlsx"),
    Page("officer", "registry:import-template", "/registry/imports/template/talents.xlsx"),
    Page("officer", "registry:import-progress", "/registry/imports/{import_job}/progress.json"),
    Page("officer", "registry:import-latest", "/registry/imports/latest.json"),
    Page("officer", "eligibility:explain", "/policies/explain/{talent}/{code}/"),
    Page("officer", "eligibility:in-kind", "/policies/in-kind/"),
    Page("officer", "eligibility:past-payments", "/policies/past-payments/"),
    Page("officer", "eligibility:past-payments-template", "/policies/past-payments/template.csv"),
    Page("officer", "policies:policy-list", "/policies/"),
    Page("officer", "policies:policy-detail", "/policies/{code}/"),
    Page("city", "policies:draft-create", "/policies/{code}/drafts/new/"),
    Page("city", "policies:draft-detail", "/policies/drafts/{draft}/"),
    Page("officer", "policies:objection-list", "/policies/objections/"),
    Page("officer", "payments:run-list", "/payments/runs/"),
    Page("officer", "payments:run-detail", "/payments/runs/{run}/"),
    Page("officer", "payments:queue", "/payments/queue/"),
    Page("officer", "payments:line-detail", "/payments/lines/{line}/"),
    Page("officer", "payments:batch-list", "/payments/batches/"),
    Page("officer", "payments:batch-detail", "/payments/batches/{batch}/"),
    Page("officer", "payments:batch-file", "/payments/batches/{batch}/file.csv"),
    Page("officer", "payments:report", "/payments/report/"),
    Page("officer", "payments:routes", "/payments/routes/"),
    Page("officer", "recruitment:job-detail", "/recruitment/jobs/{job}/"),
    Page("officer", "recruitment:applications", "/recruitment/applications/"),
    Page("officer", "recruitment:overview", "/recruitment/overview/"),
    Page("officer", "recruitment:district-jobs", "/recruitment/district-jobs/"),
    Page("officer", "fairs:office", "/fairs/office/"),
    Page("officer", "fairs:tour-planner", "/fairs/office/tours/"),
    Page("officer", "fairs:office-fair", "/fairs/office/{fair}/"),
    Page("officer", "fairs:dashboard", "/fairs/office/{fair}/live/"),
    Page("officer", "fairs:report", "/fairs/office/{fair}/report/"),
    Page("officer", "servicedesk:console", "/services/console/"),
    Page("officer", "servicedesk:raise", "/services/console/new/"),
    Page("officer", "servicedesk:ticket", "/services/console/{desk_ticket}/"),
    Page("officer", "servicedesk:dashboard", "/services/dashboard/"),
    Page("officer", "servicedesk:services", "/services/catalogue/"),
    Page("officer", "servicedesk:service-edit", "/services/catalogue/{desk_service_pk}/"),
    Page("officer", "servicedesk:teams", "/services/teams/"),
    Page("officer", "servicedesk:team-edit", "/services/teams/{desk_team}/"),
    Page("officer", "servicedesk:one-to-one", "/services/one-to-one/"),
    Page("officer", "servicedesk:calendar", "/services/calendar/"),
    # officer: API
    _api("officer", "/registry/talents"),
    _api("officer", "/registry/talents/{pk}", "/registry/talents/{talent}"),
    _api("officer", "/registry/enterprises"),
    _api("officer", "/registry/enterprises/{pk}", "/registry/enterprises/{enterprise}"),
    _api("officer", "/reference/divisions"),
    _api("officer", "/reference/universities"),
    _api("officer", "/reference/majors"),
    _api("officer", "/reference/industries"),
    _api("officer", "/reference/occupations"),
    _api("officer", "/imports/"),
    _api("officer", "/imports/{pk}", "/imports/{import_job}"),
    _api("officer", "/imports/{pk}/errors", "/imports/{import_errors}/errors"),
    _api("officer", "/policies/"),
    _api("officer", "/policies/{code}"),
    _api("officer", "/policies/{code}/explain", "/policies/{code}/explain?talent_id={talent}"),
    _api("officer", "/policies/in-kind"),
    _api("officer", "/policies/objections"),
    _api("officer", "/policies/approvals"),
    _api("city", "/policies/drafts/{pk}/check", "/policies/drafts/{draft}/check"),
    _api("officer", "/payments/runs"),
    _api("officer", "/payments/runs/{pk}", "/payments/runs/{run}"),
    _api("officer", "/payments/entitlements"),
    _api("officer", "/payments/entitlements/{pk}", "/payments/entitlements/{line}"),
    _api("officer", "/payments/batches"),
    _api("officer", "/payments/batches/{pk}", "/payments/batches/{batch}"),
    _api("officer", "/payments/batches/{pk}/file", "/payments/batches/{batch}/file"),
    _api("officer", "/payments/report"),
    _api("officer", "/payments/review-routes"),
    _api("officer", "/recruitment/overview"),
    _api("officer", "/fairs/{pk}/live", "/fairs/{fair}/live"),
    # insights (maps and KPIs): officer pages and API, the public investor view
    Page("officer", "insights:dashboard", "/insights/"),
    Page("officer", "insights:talent-map", "/insights/talents/"),
    Page("officer", "insights:industry-map", "/insights/industry/"),
    Page("officer", "insights:early-warning", "/insights/early-warning/"),
    Page("anonymous", "insights:investors", "/insights/investors/"),
    _api("officer", "/insights/kpis"),
    _api("officer", "/insights/talent-map"),
    _api("officer", "/insights/recruit-sources", "/insights/recruit-sources?cluster=digital_economy"),
    _api("officer", "/insights/industry-map"),
    _api("anonymous", "/insights/public/industry-map"),
    _api("officer", "/services/catalogue"),
    _api("officer", "/services/tickets"),
    _api("officer", "/services/tickets/{pk}", "/services/tickets/{desk_ticket}"),
    _api("officer", "/services/tickets/{pk}/attachments", "/services/tickets/{desk_ticket}/attachments"),
    # administrator
    Page("admin", "accounts:user-list", "/accounts/users/"),
    Page("admin", "accounts:user-create", "/accounts/users/new/"),
    Page("admin", "accounts:user-edit", "/accounts/users/{user}/"),
    Page("admin", "core:audit-list", "/audit/"),
    Page("admin", "registry:account-link", "/registry/accounts/{user}/link/"),
    Page("admin", "registry:enterprise-pick", "/registry/enterprises/pick.json?q=科技"),
    Page("admin", "registry:talent-pick", "/registry/talents/pick.json?q=李"),
    Page("admin", "reference:source-list", "/reference/"),
    Page("admin", "recruitment:partners", "/recruitment/partners/"),
    Page("admin", "servicedesk:teams", "/services/teams/"),
    Page("admin", "servicedesk:calendar", "/services/calendar/"),
    _api("admin", "/reference/sources"),
    _api("admin", "/audit/events"),
    _api("admin", "/recruitment/partners"),
    _api("admin", "/recruitment/partners/{pk}/exchanges", "/recruitment/partners/{partner}/exchanges"),
    # partner (open API, X-Partner-Key)
    _api("partner", "/recruitment/partner/jobs"),
    _api("partner", "/recruitment/partner/jobs/{pk}", "/recruitment/partner/jobs/{partner_job}"),
    _api("partner", "/recruitment/partner/candidates"),
    # bookings: free lodging, events, park spaces, the partner portal, the officer console
    Page("talent", "bookings:lodging", "/bookings/lodging/"),
    Page("talent", "bookings:station", "/bookings/lodging/{station}/"),
    Page("talent", "bookings:events", "/bookings/events/"),
    Page("talent", "bookings:event", "/bookings/events/{event}/"),
    Page("talent", "bookings:mine", "/bookings/mine/"),
    Page("talent", "bookings:ticket", "/bookings/mine/{stay}/"),
    Page("talent", "bookings:certificate", "/bookings/mine/{attended}/certificate.pdf"),
    Page("talent", "bookings:journey", "/bookings/journey/"),
    Page("talent", "bookings:fair-lodging", "/bookings/lodging/fair/{registration}/"),
    _api("talent", "/bookings/journey/me"),
    _api("talent", "/bookings/stations"),
    _api("talent", "/bookings/stations/{pk}/availability", "/bookings/stations/{station}/availability"),
    _api("talent", "/bookings/events"),
    _api("talent", "/bookings/me/bookings"),
    Page("enterprise", "bookings:spaces", "/bookings/spaces/"),
    Page("enterprise", "bookings:space", "/bookings/spaces/{space}/"),
    Page("enterprise", "bookings:partner", "/bookings/partner/"),
    _api("enterprise", "/bookings/spaces"),
    Page("officer", "bookings:console", "/bookings/console/"),
    Page("officer", "bookings:resource", "/bookings/console/resources/{station}/"),
    Page("officer", "bookings:report", "/bookings/console/report/"),
    Page("officer", "bookings:partners", "/bookings/console/partners/"),
    Page("officer", "bookings:talent-journey", "/bookings/journey/{talent}/"),
    _api("officer", "/bookings/journey/{pk}", "/bookings/journey/{talent}"),
    _api("officer", "/bookings/reports/stations"),
]

POST_ONLY = "a form's target: POST only, a GET answers 405"

# GET routes that are not pages to load, each with its reason and what a GET by a user of its role answers
# (the page-list test checks that answer, so a route that becomes a page cannot hide here).
EXCLUDED: dict[str, tuple[str, int]] = {
    "set_language": ("Django's language switch: the menu posts to it; a GET only redirects (to /)", 302),
    "api:api-root": ("the API's root has no operation of its own (the document is /api/v1/openapi.json)", 404),
    "web:favicon": ("the site icon: a permanent redirect to the static file", 301),
    "accounts:logout": (POST_ONLY, 405),
    "accounts:user-password-reset": ("POST shows the one-time password; a GET redirects to the user's page", 302),
    "accounts:user-unlock": ("POST unlocks; a GET redirects to the user's page", 302),
    "registry:talent-reveal-id": (POST_ONLY, 405),
    "registry:import-resume": (POST_ONLY, 405),
    "registry:household-member-add": (POST_ONLY, 405),
    "registry:household-member-remove": (POST_ONLY, 405),
    "registry:household-property-add": (POST_ONLY, 405),
    "registry:household-property-remove": (POST_ONLY, 405),
    "registry:my-enterprise-certify": (POST_ONLY, 405),
    "servicedesk:officer-action": (POST_ONLY, 405),
    "reference:source-load": (POST_ONLY, 405),
    "eligibility:mine-object": (POST_ONLY, 405),
    "policies:objection-answer": (POST_ONLY, 405),
    "policies:draft-publish": (POST_ONLY, 405),
    "policies:draft-discard": (POST_ONLY, 405),
    "policies:draft-check": (POST_ONLY, 405),
    "policies:version-retire": (POST_ONLY, 405),
    "policies:approval-approve": (POST_ONLY, 405),
    "policies:approval-decline": (POST_ONLY, 405),
    "payments:run-resume": (POST_ONLY, 405),
    "payments:decide": (POST_ONLY, 405),
    "payments:line-correct": (POST_ONLY, 405),
    "payments:batch-create": (POST_ONLY, 405),
    "payments:batch-return": (POST_ONLY, 405),
    "payments:batch-action": (POST_ONLY, 405),
    "payments:route-delete": (POST_ONLY, 405),
    "recruitment:apply": (POST_ONLY, 405),
    "recruitment:job-status": (POST_ONLY, 405),
    "recruitment:moderate": (POST_ONLY, 405),
    "fairs:office-action": (POST_ONLY, 405),
    "fairs:register": (POST_ONLY, 405),
    "bookings:book-bed": (POST_ONLY, 405),
    "bookings:register": (POST_ONLY, 405),
    "bookings:cancel": (POST_ONLY, 405),
    "bookings:accept": (POST_ONLY, 405),
    "bookings:feedback": (POST_ONLY, 405),
    "bookings:referral-answer": (POST_ONLY, 405),
    "bookings:book-space": (POST_ONLY, 405),
    "bookings:resource-new": (POST_ONLY, 405),
    "bookings:check-in": (POST_ONLY, 405),
    "bookings:decide": (POST_ONLY, 405),
    "bookings:check-out": (POST_ONLY, 405),
}

# GET operations of the API that are not reads to load (none today: every GET operation is in PAGES).
EXCLUDED_API: dict[str, str] = {}


def api_template(path: str) -> str:
    """An API address or OpenAPI path with every ``{name}`` as ``{}`` and no query: comparable across both."""
    return re.sub(r"\{\w+\}", "{}", path.split("?", 1)[0])


def _desk_ids(talent, scope: str) -> dict[str, object]:
    """The service desk's demo records: a ticket of the demo talent (with a file) and one of the officer's."""
    from talentpool.servicedesk.models import Attachment, Service, Team, Ticket

    mine = Ticket.objects.filter(talent_id=talent).order_by("pk")
    service = Service.objects.filter(code="resume-clinic").first()
    return {
        "desk_service": service.code if service else None,
        "desk_service_pk": service.pk if service else None,
        "desk_team": Team.objects.order_by("pk").values_list("pk", flat=True).first(),
        "my_desk_ticket": mine.values_list("pk", flat=True).first(),
        "my_desk_file": Attachment.objects.filter(ticket__in=mine, internal=False).order_by("pk")
        .values_list("pk", flat=True).first(),
        "desk_ticket": Ticket.objects.filter(talent__district__startswith=scope).order_by("pk")
        .values_list("pk", flat=True).first() if scope else None,
    }


def demo_ids() -> dict[str, object]:
    """The records of the demo district each placeholder stands for (None when the demo has none).

    Read through the ORM of whichever database Django is set up on (the bench's throwaway one)."""
    from talentpool.accounts.models import User
    from talentpool.bookings.models import Booking, Resource
    from talentpool.eligibility.models import Entitlement, Run
    from talentpool.payments.models import PaymentBatch
    from talentpool.policies.models import Policy, PolicyVersion
    from talentpool.recruitment.models import Application, Interview, Job, Partner
    from talentpool.registry.models import CorrectionRequest, ImportJob, Talent

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS.values())}
    talent_user, hr, officer = users.get("talent"), users.get("hr"), users.get("officer")
    talent = Talent.objects.filter(user=talent_user).values_list("pk", flat=True).first() if talent_user else None
    enterprise = hr.enterprise_id if hr else None
    jobs = Job.objects.filter(enterprise_id=enterprise, status="open").order_by("pk")
    apps = Application.objects.filter(job__enterprise_id=enterprise, talent_id=talent).order_by("pk")
    lines = Entitlement.objects.order_by("pk")
    scope = officer.scope_division if officer else ""
    partner = Partner.objects.filter(enterprise_id=enterprise, active=True).order_by("pk").first()
    policy = Policy.objects.filter(versions__status="published").order_by("code").values_list("code", flat=True)
    resources = Resource.objects.filter(active=True).order_by("pk")
    talent_bookings = Booking.objects.filter(talent_id=talent).order_by("pk") if talent else Booking.objects.none()
    return {
        "station": resources.filter(kind="lodging").values_list("pk", flat=True).first(),
        "event": resources.filter(kind="event").values_list("pk", flat=True).first(),
        "space": resources.filter(kind="space").values_list("pk", flat=True).first(),
        "stay": talent_bookings.filter(resource__kind="lodging").values_list("pk", flat=True).first(),
        "attended": talent_bookings.filter(status="attended").values_list("pk", flat=True).first(),
        "talent": talent,
        "enterprise": enterprise,
        "user": talent_user.pk if talent_user else None,
        "job": jobs.values_list("pk", flat=True).first(),
        "app": apps.values_list("pk", flat=True).first(),
        "interview": Interview.objects.filter(application__in=apps).order_by("pk").values_list("pk", flat=True).first(),
        "code": policy.first(),
        "draft": PolicyVersion.objects.filter(status="draft").order_by("pk").values_list("pk", flat=True).first(),
        "run": Run.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "line": lines.filter(district__startswith=scope).values_list("pk", flat=True).first() if scope else None,
        "my_line": lines.filter(talent_id=talent).values_list("pk", flat=True).first() if talent else None,
        "batch": PaymentBatch.objects.order_by("pk").values_list("pk", flat=True).first(),
        "import_job": ImportJob.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "import_errors": ImportJob.objects.filter(rejected__gt=0).order_by("-pk").values_list("pk", flat=True).first(),
        "partner": partner.pk if partner else None,
        "correction": CorrectionRequest.objects.filter(talent__district__startswith=scope).order_by("pk")
        .values_list("pk", flat=True).first() if scope else None,
        "partner_job": jobs.values_list("pk", flat=True).first() if partner else None,
        **_fair_ids(talent, enterprise),
        **_desk_ids(talent, scope),
    }


def _fair_ids(talent, enterprise) -> dict[str, object]:
    """The demo's station fair, the ``hr`` login's booth there and the ``talent`` login's registration."""
    from talentpool.fairs.models import Booth, Fair, Registration

    fair = Fair.objects.filter(kind="station").order_by("pk").first()
    registration = Registration.objects.filter(fair=fair, talent_id=talent).first() if fair else None
    booth = Booth.objects.filter(fair=fair, enterprise_id=enterprise).values_list("pk", flat=True).first()
    return {"fair": fair.pk if fair else None, "booth": booth,
            "registration": registration.pk if registration else None,
            "ticket": registration.qr_token if registration else None}
