from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("talents/", views.talent_map, name="talent-map"),
    path("industry/", views.industry_map, name="industry-map"),
    path("early-warning/", views.early_warning, name="early-warning"),
    path("investors/", views.investors, name="investors"),
]
