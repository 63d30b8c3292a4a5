"""The role-aware navigation shell. Items without a URL are planned features shown greyed out, so the shape of
the whole product is visible from the start and each later feature lands in its place."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from talentpool.core.notices import unread_count
from talentpool.core.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None  # None: planned, not yet built
    icon: str = ""


NAVIGATION: dict[str, list[NavItem]] = {
    Role.TALENT: [
        NavItem(_("My profile"), "registry:my-profile"),
        NavItem(_("What policy gives me"), "eligibility:mine"),
        NavItem(_("My subsidies"), "payments:mine"),
        NavItem(_("Jobs for me"), "recruitment:jobs"),
        NavItem(_("My applications"), "recruitment:my-applications"),
        NavItem(_("Fairs"), "fairs:mine"),
        NavItem(_("Free lodging"), "bookings:lodging"),
        NavItem(_("Services"), "servicedesk:catalogue"),
        NavItem(_("Events"), "bookings:events"),
        NavItem(_("My bookings"), "bookings:mine"),
        NavItem(_("My journey"), "bookings:journey"),
    ],
    Role.ENTERPRISE: [
        NavItem(_("My enterprise"), "registry:my-enterprise"),
        NavItem(_("Jobs"), "recruitment:my-jobs"),
        NavItem(_("Candidates"), "recruitment:applications"),
        NavItem(_("Pipeline stages"), "recruitment:stages"),
        NavItem(_("Fair booths"), "fairs:booths"),
        NavItem(_("Park spaces"), "bookings:spaces"),
    ],
    Role.OFFICER: [
        NavItem(_("Registry"), "registry:talent-list"),
        NavItem(_("Enterprises"), "registry:enterprise-list"),
        NavItem(_("Imports"), "registry:import-list"),
        NavItem(_("Correction requests"), "registry:correction-list"),
        NavItem(_("Policies"), "policies:policy-list"),
        NavItem(_("Objections"), "policies:objection-list"),
        NavItem(_("Eligibility runs"), "payments:run-list"),
        NavItem(_("Payment review"), "payments:queue"),
        NavItem(_("Payment batches"), "payments:batch-list"),
        NavItem(_("In-kind issues"), "eligibility:in-kind"),
        NavItem(_("Past payments"), "eligibility:past-payments"),
        NavItem(_("Payments paid"), "payments:report"),
        NavItem(_("Recruitment"), "recruitment:overview"),
        NavItem(_("Fairs"), "fairs:office"),
        NavItem(_("Service tickets"), "servicedesk:console"),
        NavItem(_("Bookings"), "bookings:console"),
        NavItem(_("Maps and KPIs"), "insights:dashboard"),
    ],
    Role.ADMIN: [
        NavItem(_("Users"), "accounts:user-list"),
        NavItem(_("Audit trail"), "core:audit-list"),
        NavItem(_("Reference data"), "reference:source-list"),
        NavItem(_("Imports"), "registry:import-list"),
        NavItem(_("API partners"), "recruitment:partners"),
        NavItem(_("Service teams"), "servicedesk:teams"),
        NavItem(_("Office calendar"), "servicedesk:calendar"),
    ],
}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = [{"label": item.label, "url": url, "active": bool(url) and current == item.url_name}
             for item, url in _role_urls(user.role, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)]
    return {"nav_items": items, "unread_notices": unread_count(user)}


@lru_cache(maxsize=64)
def _role_urls(role: str, _prefix: str, _urlconf) -> tuple[tuple[NavItem, str | None], ...]:
    """Each navigation item of a role with its URL, reversed once per process (and script prefix): the URL
    configuration (part of the key, as tests override it) does not change while a process runs, and every page
    rendered a dozen ``reverse`` calls."""
    out = []
    for item in NAVIGATION.get(role, []):
        url = None
        if item.url_name:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                url = None
        out.append((item, url))
    return tuple(out)


def home_url_for(user) -> str:
    first = next((i for i in NAVIGATION.get(user.role, []) if i.url_name), None)
    return reverse(first.url_name) if first else reverse("accounts:password-change")
