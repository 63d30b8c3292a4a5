"""Who acts, what they may touch, and who is told. An enterprise user acts on its own enterprise's jobs and their
applications (a partner key with ``jobs:write`` on its enterprise's jobs); a talent on its own profile and
applications. Another enterprise's job or application is "not found", as it would be on a page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from talentpool.accounts.models import Role, User
from talentpool.core.errors import NotFoundError, PermissionDeniedError
from talentpool.core.notices import Message
from talentpool.core.permissions import ensure_role
from talentpool.registry.models import Enterprise, Talent

from ..models import Application, Interview, Job, Partner


def talent_of(actor) -> Talent:
    """The acting talent's registry record."""
    ensure_role(actor, Role.TALENT)
    talent = Talent.objects.filter(user=actor).first()
    if talent is None:
        raise NotFoundError(_("Your account is not linked to a registry record."))
    return talent


def enterprise_of(actor=None, partner: Partner | None = None) -> Enterprise:
    """The enterprise acting: an enterprise user's own, or the enterprise of a partner key with jobs:write."""
    if partner is not None:
        if not partner.active or not partner.has_scope("jobs:write") or partner.enterprise_id is None:
            raise PermissionDeniedError(_("This key may not write jobs."))
        return partner.enterprise
    ensure_role(actor, Role.ENTERPRISE)
    if actor.enterprise_id is None:
        raise PermissionDeniedError()
    return actor.enterprise


def own_job(enterprise: Enterprise, job_id: int, *, lock: bool = False) -> Job:
    qs = Job.objects.select_related("enterprise")
    if lock:
        qs = qs.select_for_update(of=("self",))
    job = qs.filter(pk=job_id, enterprise=enterprise).first()
    if job is None:
        raise NotFoundError()
    return job


def own_application(actor, application_id: int, *, lock: bool = True) -> Application:
    """An application to one of the acting enterprise user's jobs."""
    enterprise = enterprise_of(actor)
    qs = Application.objects.select_related("job__enterprise", "talent")
    if lock:
        qs = qs.select_for_update(of=("self",))
    app = qs.filter(pk=application_id, job__enterprise=enterprise).first()
    if app is None:
        raise NotFoundError()
    return app


def own_interview(actor, interview_id: int) -> Interview:
    """An interview of an application to one of the acting enterprise user's jobs, locked."""
    enterprise = enterprise_of(actor)
    interview = (Interview.objects.select_for_update(of=("self",))
                 .select_related("application__job__enterprise", "application__talent")
                 .filter(pk=interview_id, application__job__enterprise=enterprise).first())
    if interview is None:
        raise NotFoundError()
    return interview


def actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- who is told --------------------------------------------------------------------------------------------------


def page_url(name: str, *args) -> str:
    """A page of the portal, when the pages are installed (notices link to it); else empty."""
    try:
        return reverse(f"recruitment:{name}", args=args)
    except NoReverseMatch:
        return ""


def hr_user_ids(enterprise_id: int) -> list[int]:
    return list(User.objects.filter(enterprise_id=enterprise_id, role=Role.ENTERPRISE, is_active=True)
                .values_list("pk", flat=True))


def hr_messages(enterprise_id: int, kind: str, title: str, body: str = "", url: str = "") -> list[Message]:
    """One notice for each active user of the enterprise."""
    return [Message(uid, kind, title, body, url) for uid in hr_user_ids(enterprise_id)]


def talent_message(app: Application, kind: str, title: str, body: str = "", url: str = "") -> list[Message]:
    """The notice to the talent of an application (none when the talent has no account)."""
    user_id = app.talent.user_id
    if not user_id:
        return []
    return [Message(user_id, kind, title, body, url or page_url("my-application", app.pk))]
