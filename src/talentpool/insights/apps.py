from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "talentpool.insights"
    verbose_name = _("Maps and KPIs")

    def ready(self) -> None:
        from talentpool.core.pagecache import vary_every_page
        from talentpool.insights.pointer import snapshot_mark

        vary_every_page(snapshot_mark)  # the maps and figures are read from the snapshot files, not the database
