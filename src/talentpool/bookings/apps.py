from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "talentpool.bookings"
    verbose_name = _("Bookings")
