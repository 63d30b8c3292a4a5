from django.http import HttpResponse

from talentpool.accounts.models import Role
from talentpool.core.permissions import require_role


@require_role(Role.OFFICER, Role.ADMIN)
def talent_list(request):
    return HttpResponse("talents")


@require_role(Role.OFFICER, Role.ADMIN)
def talent_detail(request, pk):
    return HttpResponse("talent")


@require_role(Role.OFFICER, Role.ADMIN)
def talent_reveal_id(request, pk):
    return HttpResponse("reveal")


@require_role(Role.OFFICER, Role.ADMIN)
def enterprise_list(request):
    return HttpResponse("enterprises")


@require_role(Role.OFFICER, Role.ADMIN)
def enterprise_detail(request, pk):
    return HttpResponse("enterprise")


@require_role(Role.TALENT)
def my_profile(request):
    return HttpResponse("me")


@require_role(Role.ENTERPRISE)
def my_enterprise(request):
    return HttpResponse("my enterprise")


@require_role(Role.ENTERPRISE)
def my_enterprise_certify(request, employment_id):
    return HttpResponse("certify")
