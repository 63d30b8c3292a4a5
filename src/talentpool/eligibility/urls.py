from django.urls import path

from . import views

# Mounted under /policies/ beside the policies app (the paths are what talents and officers always used).
app_name = "eligibility"
urlpatterns = [
    path("mine/", views.my_policies, name="mine"),
    path("mine/<str:code>/object/", views.my_objection_create, name="mine-object"),
    path("explain/<int:talent_pk>/<str:code>/", views.talent_explain, name="explain"),
    path("in-kind/", views.in_kind, name="in-kind"),
    path("past-payments/", views.past_payments, name="past-payments"),
    path("past-payments/template.csv", views.past_payments_template, name="past-payments-template"),
]
