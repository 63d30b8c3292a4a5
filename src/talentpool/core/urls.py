from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("notices/", views.notice_list, name="notices"),
    path("healthz", views.healthz, name="healthz"),
]
