"""The JSON API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Every refusal has one shape, ``{"error": {"code", "message", "field"?, ...}}``, and the OpenAPI document lists it
for every operation (``ERROR_RESPONSES``, added to each operation when the document is built)."""

import functools
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from talentpool.core.errors import ApplicationError, PermissionDeniedError
from talentpool.core.schema_types import ID_MAX, Id

ERROR_RESPONSES = {
    400: "The request cannot be done as sent (a service refused it, or the body could not be read).",
    401: "Not signed in (or no valid partner key).",
    403: "Signed in, but this role or this user may not do this; or the CSRF token is missing.",
    404: "No such record, or not one this user may see.",
    409: "The record is not in a state that allows this (it changed meanwhile).",
    422: "A parameter or a field of the body is not valid; ``field`` and ``problems`` say which.",
}


class ErrorProblem(Schema):
    field: str
    message: str


class ErrorDetail(Schema):
    model_config = {"extra": "allow"}

    code: str = Field(description="stable, for programs: forbidden, not_found, validation, ...")
    message: str = Field(description="for people, in the language of the request")
    field: str | None = Field(None, description="the parameter or body field at fault, when there is one")
    problems: list[ErrorProblem] | None = Field(None, description="422: every field at fault")


class ErrorOut(Schema):
    error: ErrorDetail


class SessionAuth(NinjaSessionAuth):
    """Django's session, with who the caller is checked before the CSRF token: an anonymous call is told 401
    ``unauthenticated`` whatever it sent; a signed-in one whose unsafe call lacks the token gets 403."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:  # ninja's CSRF refusal
            raise PermissionDeniedError(_("The CSRF token is missing or wrong: reload the page and try again."),
                                        code="csrf_failed") from exc


class TalentpoolAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_error_responses(schema)
        return schema

    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = guarding_input(pattern.callback)
        return patterns


NUL = "\x00"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
ID_CHECK = TypeAdapter(Id)


def is_id_name(name: str) -> bool:
    """Path parameters that name a record: ``pk`` and ``*_id`` (bounded as ``Id`` here and in the document)."""
    return name == "pk" or name.endswith("_id")


def guarding_input(view):
    """Two refusals every operation needs before ninja reads its input, whatever its signature says:

    - an id in the path outside ``Id`` (a route's converter has made it a number the database cannot hold);
    - a NUL character, which PostgreSQL text cannot hold nor be searched for, in a path or query parameter, a form
      field or a JSON body field (key or value).

    Both are 422 naming the field, as ninja's own validation does."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        field, message = _path_id_refusal(kwargs) or (None, None)
        if field is None:
            field, message = _field_with_nul(request, kwargs), _("Text may not contain the NUL character (U+0000).")
        if not field:
            return view(request, *args, **kwargs)
        problems = [{"field": field, "message": message}]
        return _error(request, 422, "validation", _("Some fields are not valid."), field, {"problems": problems})

    return guarded


def _path_id_refusal(path_params: dict) -> tuple[str, str] | None:
    for name, value in path_params.items():
        if is_id_name(name) and (isinstance(value, int) or str(value).lstrip("-").isdigit()):
            try:
                ID_CHECK.validate_python(int(value))
            except PydanticValidationError as exc:
                return name, exc.errors()[0]["msg"]
    return None


def _field_with_nul(request, path_params: dict) -> str | None:
    for name, value in path_params.items():
        if isinstance(value, str) and NUL in value:
            return name
    form = request.content_type in FORM_TYPES
    for source in (request.GET, request.POST) if form else (request.GET,):
        for name, values in source.lists():
            if NUL in name or any(NUL in value for value in values):
                return name.replace(NUL, "")
    if form:
        return next((name for name, files in request.FILES.lists() if any(NUL in (f.name or "") for f in files)),
                    None)
    if b"\\u0000" in request.body:  # a body is read as JSON, where \u0000 is the only way to write NUL
        try:
            return _path_to_nul(json.loads(request.body), "")
        except (ValueError, RecursionError):
            return None  # not JSON (or nested past reading): the operation says so
    return None


def _path_to_nul(data: Any, path: str) -> str | None:
    if isinstance(data, str):
        return (path or "body") if NUL in data else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and NUL in key:
            return here.replace(NUL, "")
        found = _path_to_nul(value, here)
        if found:
            return found
    return None


def document_error_responses(schema: dict[str, Any]) -> None:
    """Add the error statuses, each with the one error shape, to every operation of the document, and the bounds of
    ``Id`` to the ids in paths."""
    definitions = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schema["components"]["schemas"].update(definitions.pop("$defs", {}))
    schema["components"]["schemas"]["ErrorOut"] = definitions
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, description in ERROR_RESPONSES.items():
                operation["responses"].setdefault(status, {"description": description, "content": content})
            for param in operation.get("parameters", []):
                if param["in"] == "path" and is_id_name(param["name"]) and param["schema"].get("type") == "integer":
                    param["schema"].update(minimum=1, maximum=ID_MAX)  # as guarding_input checks it


api = TalentpoolAPI(
    title="talentpool API",
    version="1",
    urls_namespace="api",
    auth=SessionAuth(),
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


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """ninja's own refusals (a body that is not JSON, a form that cannot be read) in the one error shape."""
    if exc.status_code == 400:
        return _error(request, 400, "bad_request", _("The request could not be read."), extra={"detail": str(exc)})
    return _error(request, exc.status_code, "refused", str(exc))


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
api.add_router("/fairs/", "talentpool.fairs.api.router")
api.add_router("/services/", "talentpool.servicedesk.api.router")
api.add_router("/bookings/", "talentpool.bookings.api.router")
api.add_router("/insights/", "talentpool.insights.api.router")


def not_found(request, exception=None):
    """The project's 404 (``handler404``): an unknown path under the API answers in the API's error shape, any other
    the console's page (templates/404.html)."""
    if request.path.startswith("/api/"):
        return _error(request, 404, "not_found", _("Not found."))
    return page_not_found(request, exception)
