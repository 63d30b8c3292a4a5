from django.shortcuts import render

from talentpool.accounts.models import Role
from talentpool.core.permissions import require_role

from .models import ReferenceSource


@require_role(Role.ADMIN)
def source_list(request):
    return render(request, "reference/source_list.html", {"sources": ReferenceSource.objects.order_by("key")})
