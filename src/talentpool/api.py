"""The JSON API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from talentpool.core.errors import ApplicationError

api = NinjaAPI(
    title="talentpool API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    description="Registry, policies, subsidies, recruitment and services of a district talent office.",
)


def _error(request, status: int, code: str, message: str, field: str | None = None, extra: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    if extra:
        body["error"].update(extra)
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request, exc: ApplicationError):
    return _error(request, exc.status, exc.code, str(exc.message), exc.field, exc.extra)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in first."))


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "payload")),
         "message": e.get("msg", "")}
        for e in exc.errors
    ]
    field = problems[0]["field"] if problems else None
    return _error(request, 422, "validation", _("Some fields are not valid."), field, {"problems": problems})


api.add_router("/registry/", "talentpool.registry.api.router")
api.add_router("/reference/", "talentpool.reference.api.router")
api.add_router("/accounts/", "talentpool.accounts.api.router")
api.add_router("/audit/", "talentpool.core.api.router")
api.add_router("/imports/", "talentpool.registry.import_api.router")
api.add_router("/policies/", "talentpool.eligibility.api.router")  # before policies: its /{code} takes any name
api.add_router("/policies/", "talentpool.policies.api.router")
api.add_router("/payments/", "talentpool.payments.api.router")
api.add_router("/recruitment/", "talentpool.recruitment.api.router")
