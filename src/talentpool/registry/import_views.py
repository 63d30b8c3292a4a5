from django.http import HttpResponse

from talentpool.accounts.models import Role
from talentpool.core.permissions import require_role

OFFICE = (Role.OFFICER, Role.ADMIN)


@require_role(*OFFICE)
def import_list(request):
    return HttpResponse("imports")


@require_role(*OFFICE)
def import_detail(request, pk: int):
    return HttpResponse("import")


@require_role(*OFFICE)
def import_errors_download(request, pk: int):
    return HttpResponse("errors")


@require_role(*OFFICE)
def import_template(request, kind: str):
    return HttpResponse("template")
