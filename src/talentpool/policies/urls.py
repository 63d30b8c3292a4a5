from django.urls import path

from . import discard, views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("objections/", views.objection_list, name="objection-list"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft-detail"),
    path("drafts/<int:pk>/check/", views.draft_check, name="draft-check"),
    path("drafts/<int:pk>/publish/", views.draft_publish, name="draft-publish"),
    path("drafts/<int:pk>/discard/", discard.draft_discard, name="draft-discard"),
    path("versions/<int:pk>/retire/", views.version_retire, name="version-retire"),
    path("approvals/<int:pk>/approve/", views.approval_approve, name="approval-approve"),
    path("approvals/<int:pk>/decline/", views.approval_decline, name="approval-decline"),
    path("<str:code>/", views.policy_detail, name="policy-detail"),
    path("<str:code>/drafts/new/", views.draft_create, name="draft-create"),
]
