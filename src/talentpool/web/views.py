from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .navigation import home_url_for


@login_required
def home(request):
    return redirect(home_url_for(request.user))
