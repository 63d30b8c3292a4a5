from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "talentpool.core"
    label = "core"
    verbose_name = "Core"
