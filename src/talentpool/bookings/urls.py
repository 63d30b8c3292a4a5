from django.urls import path

from . import views, views_office

app_name = "bookings"

urlpatterns = [
    # talents
    path("lodging/", views.lodging, name="lodging"),
    path("lodging/<int:pk>/", views.station, name="station"),
    path("lodging/<int:pk>/book/", views.book_bed, name="book-bed"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.ticket, name="ticket"),
    path("mine/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("mine/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("mine/<int:pk>/accept/", views.accept, name="accept"),
    path("mine/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral-answer"),
    path("lodging/fair/<int:registration>/", views.fair_lodging, name="fair-lodging"),
    path("journey/", views.my_journey, name="journey"),
    path("journey/<int:pk>/", views.talent_journey, name="talent-journey"),
    # enterprises and partners
    path("spaces/", views.spaces, name="spaces"),
    path("spaces/<int:pk>/", views.space, name="space"),
    path("spaces/<int:pk>/book/", views.book_space, name="book-space"),
    path("partner/", views.partner, name="partner"),
    # officers
    path("console/", views_office.console, name="console"),
    path("console/new/", views_office.resource_new, name="resource-new"),
    path("console/resources/<int:pk>/", views_office.resource, name="resource"),
    path("console/resources/<int:pk>/check-in/", views_office.check_in, name="check-in"),
    path("console/bookings/<int:pk>/decide/", views_office.decide, name="decide"),
    path("console/bookings/<int:pk>/check-out/", views_office.check_out, name="check-out"),
    path("console/report/", views_office.report, name="report"),
    path("console/partners/", views_office.partners, name="partners"),
]
