from django.contrib.auth.decorators import login_required
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static

from .home import attention
from .navigation import NAVIGATION


@login_required
def home(request):
    """Each role lands here: what needs its attention, then its pages."""
    pages = [i for i in NAVIGATION.get(request.user.role, []) if i.url_name]
    return render(request, "web/home.html", {"items": attention(request.user), "pages": pages})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon. The URL is looked up per
    request, not when the URLconf loads, so production's hashed static names (known only after collectstatic) work."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
