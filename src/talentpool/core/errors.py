"""Typed errors raised by services; views and the API map them to one error shape."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


class ApplicationError(Exception):
    """A refusal the user can act on. ``code`` is stable for programs; ``message`` is for people."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    status = 403

    def __init__(self, message: str = gettext_lazy("You may not do this."), *, code: str = "forbidden"):
        super().__init__(message, code=code)


class NotFoundError(ApplicationError):
    status = 404

    def __init__(self, message: str = gettext_lazy("Not found."), *, code: str = "not_found"):
        super().__init__(message, code=code)


class ConflictError(ApplicationError):
    """The record is not (or no longer) in a state that allows this: another user or process changed it."""

    status = 409

    def __init__(self, message: str, *, code: str = "conflict", field: str | None = None):
        super().__init__(message, code=code, field=field)
