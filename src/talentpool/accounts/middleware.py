"""A password set by an administrator is a one-time password: until its owner picks a new one, every page leads
to the password change page and the JSON API refuses the session."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths a user who must change the password may still reach (besides the change page itself).
_OPEN_NAMES = ("accounts:logout", "accounts:password-change-done", "set_language", "core:healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            change = reverse("accounts:password-change")
            if request.path != change and request.path not in {reverse(name) for name in _OPEN_NAMES}:
                if request.path.startswith(reverse("api:api-root")):
                    return JsonResponse({"error": {"code": "password_change_required", "message": _(
                        "Your password was reset by an administrator: change it on the password page first.")}},
                        status=403)
                return redirect(change)
        return self.get_response(request)
