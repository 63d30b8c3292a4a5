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


class FieldErrors:
    """Every check of a form's fields run, each refusal kept beside its field, so a form shows them all in one
    round trip. ``value = errors.check("salary", fn, raw)`` runs ``fn(raw)`` and returns its value (None when it
    refused); ``errors.raise_any()`` then raises the first refusal as it was (its code and field) with every one
    in ``extra["errors"]`` ({field: message}) when there are several. Views show ``field_errors(exc)``."""

    def __init__(self, default_field: str = "") -> None:
        self.default_field = default_field
        self.errors: dict[str, str] = {}
        self.first: ApplicationError | None = None

    def check(self, field: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ApplicationError as exc:
            self.first = self.first or exc
            for name, message in field_errors(exc, field or self.default_field).items():
                self.errors.setdefault(name, message)  # a refusal that collected several keeps each
            return None

    def refuse(self, field: str, message: str, code: str = "invalid") -> None:
        """Record a refusal of ``field`` found by the caller itself (no check function to run)."""
        self.check(field, _raise, ApplicationError(message, code=code, field=field))

    def raise_any(self) -> None:
        if self.first is None:
            return
        if len(self.errors) > 1:
            self.first.extra = {**self.first.extra, "errors": dict(self.errors)}
        raise self.first


def _raise(exc: ApplicationError) -> None:
    raise exc


def field_errors(exc: ApplicationError, default_field: str = "") -> dict[str, str]:
    """``{field: message}`` of a refusal: all of them when ``FieldErrors`` collected several, else its own."""
    return dict(exc.extra.get("errors") or {exc.field or default_field: str(exc.message)})
