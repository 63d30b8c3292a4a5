"""The role-aware navigation shell. Items without a URL are planned features shown greyed out, so the shape of
the whole product is visible from the start and each later feature lands in its place."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext
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
    """The layout's fixed parts, the side navigation of the signed-in user's role, as HTML, and the unread notice
    count for the top bar."""
    prefix, urlconf, language = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()
    context = {"layout": _layout(language, prefix, urlconf, settings.STATIC_URL), "nav_html": ""}
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return context
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = _role_urls(user.role, prefix, urlconf)
    active = next((item.url_name for item, url in items if url and item.url_name == current), None)
    context.update(nav_html=_nav_html(items, active, language), unread_notices=unread_count(user))
    return context


@lru_cache(maxsize=32)
def _layout(language: str, _prefix: str, _urlconf, _static_url: str) -> dict[str, SafeString]:
    """What the base template shows the same on every page of a language: asset and link addresses, translated
    words and the language switch's buttons, written once per process for each language (and script prefix, URL
    configuration and static URL, which tests override). Static addresses come from the manifest loaded at start,
    URLs and translations do not change while a process runs."""
    others = [get_language_info(code) for code, _name in settings.LANGUAGES if code != language]
    buttons = "".join(f'<button type="submit" name="language" value="{escape(info["code"])}" class="link"'
                      f' lang="{escape(info["code"])}">{escape(info["name_local"])}</button>' for info in others)
    return {name: mark_safe(value) for name, value in {
        "lang": escape(language), "site": escape(gettext("talentpool")), "css": escape(static("css/app.css")),
        "favicon": escape(static("favicon.svg")), "js": escape(static("js/app.js")),
        "home": escape(reverse("web:home")), "set_language": escape(reverse("set_language")),
        "languages": buttons, "notices": escape(reverse("core:notices")), "notices_label": escape(gettext("Notices")),
        "password": escape(reverse("accounts:password-change")), "password_label": escape(gettext("Password")),
        "logout": escape(reverse("accounts:logout")), "logout_label": escape(gettext("Sign out")),
    }.items()}


@lru_cache(maxsize=256)
def _nav_html(items: tuple[tuple[NavItem, str | None], ...], active: str | None, _language: str) -> SafeString:
    """The navigation list, written once per process for each role's items, active entry and language (every
    signed-in page showed it through a template loop). Nothing in it changes while a process runs: the items and
    their URLs are fixed (``_role_urls``), and the labels are translated under the language in the key."""
    if not items:
        return mark_safe("")
    rows = []
    for item, url in items:
        label = escape(item.label)
        if url:
            current = ' aria-current="page"' if item.url_name == active else ""
            rows.append(f'<li><a href="{escape(url)}"{current}>{label}</a></li>')
        else:
            rows.append(f'<li class="planned" title="{escape(gettext("Planned"))}"><span>{label}</span></li>')
    return mark_safe(f'<nav id="nav" class="sidenav" aria-label="{escape(gettext("Main"))}">\n    <ul>\n      '
                     + "\n      ".join(rows) + "\n    </ul>\n  </nav>")


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
