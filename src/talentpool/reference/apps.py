from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "talentpool.reference"
    label = "reference"
