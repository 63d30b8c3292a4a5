from django.urls import path

from . import views

app_name = "fairs"

urlpatterns = [
    path("office/", views.office, name="office"),
    path("office/tours/", views.tour_planner, name="tour-planner"),
    path("office/<int:pk>/", views.office_fair, name="office-fair"),
    path("office/<int:pk>/action/", views.office_action, name="office-action"),
    path("office/<int:pk>/live/", views.dashboard, name="dashboard"),
    path("office/<int:pk>/report/", views.report, name="report"),
    path("booths/", views.booths, name="booths"),
    path("booths/<int:pk>/", views.booth_queue, name="booth-queue"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/register/", views.register, name="register"),
    path("mine/<int:pk>/", views.registration, name="registration-timetable"),
    path("check-in/<str:token>/", views.check_in, name="check-in"),
]
