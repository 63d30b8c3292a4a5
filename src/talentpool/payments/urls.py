from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("runs/", views.run_list, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/resume/", views.run_resume, name="run-resume"),
    path("queue/", views.queue, name="queue"),
    path("queue/decide/", views.decide, name="decide"),
    path("lines/<int:pk>/", views.line_detail, name="line-detail"),
    path("lines/<int:pk>/correct/", views.line_correct, name="line-correct"),
    path("batches/", views.batch_list, name="batch-list"),
    path("batches/new/", views.batch_create, name="batch-create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("batches/<int:pk>/file.<str:fmt>", views.batch_file, name="batch-file"),
    path("batches/<int:pk>/return/", views.batch_return, name="batch-return"),
    path("batches/<int:pk>/<str:action>/", views.batch_action, name="batch-action"),
    path("report/", views.report, name="report"),
    path("routes/", views.routes, name="routes"),
    path("routes/<int:pk>/delete/", views.route_delete, name="route-delete"),
    path("mine/", views.mine, name="mine"),
]
