"""Views for the kept-page tests: one that writes on GET, one a view marks as never kept, one reading a table."""

from django.http import HttpResponse
from django.urls import path

from talentpool.core import pagecache
from talentpool.core.models import ChangeRecord


def writes(request):
    ChangeRecord.objects.create(entity="probe", entity_id=1, changes={})
    return HttpResponse(f"records: {ChangeRecord.objects.count()}")


def marked(request):
    pagecache.not_kept()
    return HttpResponse(f"records: {ChangeRecord.objects.count()}")


def reads(request):
    return HttpResponse(f"records: {ChangeRecord.objects.count()}")


urlpatterns = [path("writes/", writes), path("marked/", marked), path("reads/", reads)]
