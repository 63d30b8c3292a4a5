from django.urls import path

from . import views, views_office

app_name = "servicedesk"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("ask/<slug:code>/", views.ask, name="ask"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.my_ticket, name="my-ticket"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("console/", views.console, name="console"),
    path("console/new/", views.raise_for, name="raise"),
    path("console/<int:pk>/", views.ticket, name="ticket"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("officers/<int:pk>/", views.officer_action, name="officer-action"),
    path("catalogue/", views.services_list, name="services"),
    path("catalogue/<int:pk>/", views.service_edit, name="service-edit"),
    path("teams/", views_office.team_list, name="teams"),
    path("teams/<int:pk>/", views_office.team_edit, name="team-edit"),
    path("one-to-one/", views_office.one_to_one, name="one-to-one"),
    path("calendar/", views_office.calendar, name="calendar"),
]
