from django.contrib.auth.decorators import login_required
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static

from .navigation import home_url_for


@login_required
def home(request):
    return redirect(home_url_for(request.user))


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon. The URL is looked up per
    request, not when the URLconf loads, so production's hashed static names (known only after collectstatic) work."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
