from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job-detail"),
    path("jobs/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/mine/", views.my_applications, name="my-applications"),
    path("applications/mine/<int:pk>/", views.my_application, name="my-application"),
    path("my-jobs/", views.my_jobs, name="my-jobs"),
    path("my-jobs/new/", views.job_form, name="job-new"),
    path("my-jobs/<int:pk>/edit/", views.job_form, name="job-edit"),
    path("my-jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("my-jobs/<int:pk>/pipeline/", views.pipeline, name="pipeline"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application-detail"),
    path("overview/", views.overview, name="overview"),
    path("stages/", views.stages, name="stages"),
    path("partners/", views.partners, name="partners"),
    path("district-jobs/", views.district_jobs, name="district-jobs"),
    path("jobs/<int:pk>/moderate/", views.moderate, name="moderate"),
]
