"""Views for the kept-page tests: one that writes on GET, one a view marks as never kept, one reading a table, and
two downloads reading it: one with a secret (never kept), one without (``kept``)."""

from django.http import HttpResponse
from django.urls import path

from talentpool.core import pagecache
from talentpool.core.downloads import file_response
from talentpool.core.models import ChangeRecord


def writes(request):
    ChangeRecord.objects.create(entity="probe", entity_id=1, changes={})
    return HttpResponse(f"records: {ChangeRecord.objects.count()}")


def marked(request):
    pagecache.not_kept()
    return HttpResponse(f"records: {ChangeRecord.objects.count()}")


def reads(request):
    return HttpResponse(f"records: {ChangeRecord.objects.count()}")


def secret_file(request):
    return file_response(f"records: {ChangeRecord.objects.count()}", filename="secret.txt", content_type="text/plain")


def open_file(request):
    return file_response(f"records: {ChangeRecord.objects.count()}", filename="open.txt", content_type="text/plain",
                         kept=True)


urlpatterns = [path("writes/", writes), path("marked/", marked), path("reads/", reads),
               path("secret.txt", secret_file), path("open.txt", open_file)]
