from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "talentpool.registry"
    label = "registry"
