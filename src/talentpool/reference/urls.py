from django.urls import path

from . import views

app_name = "reference"
urlpatterns = [
    path("", views.source_list, name="source-list"),
    path("load/", views.source_load, name="source-load"),
]
