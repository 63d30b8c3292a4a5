from django.apps import AppConfig


class WebConfig(AppConfig):
    """The interface shell above every domain app: navigation, the home redirect, template filters."""

    name = "talentpool.web"
    label = "web"
    verbose_name = "Web shell"
