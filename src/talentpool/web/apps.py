from django.apps import AppConfig


class WebConfig(AppConfig):
    """The interface shell above every domain app: navigation, the home redirect, template filters."""

    name = "talentpool.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        # The audit trail (core) names every app's records through the namers registered here: web is the one
        # layer that sees every app. Django's idiom, importing once the models are loaded; not a cycle.
        from . import audit_names

        audit_names.register()
