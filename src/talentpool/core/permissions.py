"""Who may see what. Views and API endpoints call these; selectors take the user and narrow their querysets."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .errors import PermissionDeniedError
from .roles import Role


def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def require_role(*roles: str):
    """View decorator: anonymous users go to the login page, signed-in users of another role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles  # read by the permission-matrix test
        return wrapper

    return decorator


def ensure_role(user, *roles: str) -> None:
    """For API endpoints and services: raise the typed error that maps to 403."""
    if not has_role(user, *roles):
        raise PermissionDeniedError()


OFFICE_ROLES = (Role.OFFICER, Role.ADMIN)
