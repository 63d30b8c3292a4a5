from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "talentpool.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from talentpool.core.pagecache import install_triggers

        # after every app's migrations (post_migrate is sent once per app, after the whole run): each table, new
        # or rebuilt, gets the trigger counting its writes
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="core_page_cache_triggers")
