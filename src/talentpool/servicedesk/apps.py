from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "talentpool.servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from .load import desk_load_after_migrate

        post_migrate.connect(desk_load_after_migrate, sender=self, dispatch_uid="servicedesk_desk_load")
