from django.urls import path

from . import correction_views, household_views, import_views, link_views, views

app_name = "registry"
urlpatterns = [
    # officer console
    path("talents/", views.talent_list, name="talent-list"),
    path("talents/<int:pk>/", views.talent_detail, name="talent-detail"),
    path("talents/<int:pk>/reveal/", views.talent_reveal_id, name="talent-reveal-id"),
    path("talents/<int:pk>/household/", views.talent_household, name="talent-household"),
    path("talents/<int:pk>/household/members/", household_views.member_add, name="household-member-add"),
    path("talents/<int:pk>/household/members/<int:member_id>/remove/", household_views.member_remove,
         name="household-member-remove"),
    path("talents/<int:pk>/household/properties/", household_views.property_add, name="household-property-add"),
    path("talents/<int:pk>/household/properties/<int:record_id>/remove/", household_views.property_remove,
         name="household-property-remove"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("corrections/", correction_views.correction_list, name="correction-list"),
    path("corrections/<int:pk>/", correction_views.correction_detail, name="correction-detail"),
    # bulk import (officers)
    path("imports/", import_views.import_list, name="import-list"),
    path("imports/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.xlsx", import_views.import_errors_download, name="import-errors"),
    path("imports/template/<str:kind>.xlsx", import_views.import_template, name="import-template"),
    path("imports/<int:pk>/progress.json", import_views.import_progress, name="import-progress"),
    path("imports/<int:pk>/resume/", import_views.import_resume, name="import-resume"),
    path("imports/latest.json", import_views.import_latest, name="import-latest"),
    # pickers and account links
    path("enterprises/pick.json", link_views.enterprise_pick, name="enterprise-pick"),
    path("talents/pick.json", link_views.talent_pick, name="talent-pick"),
    path("accounts/<int:pk>/link/", link_views.account_link, name="account-link"),
    # portals
    path("me/", views.my_profile, name="my-profile"),
    path("my-enterprise/", views.my_enterprise, name="my-enterprise"),
    path("my-enterprise/staff/<int:employment_id>/certify/", views.my_enterprise_certify, name="my-enterprise-certify"),
]
