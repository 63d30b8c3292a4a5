from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "talentpool.reference"
    label = "reference"

    def ready(self) -> None:
        from talentpool.core.pagecache import vary_every_page
        from talentpool.reference.selectors import reference_generation

        # names are read from this process's cached tables, dropped when a load is seen through the stamp file
        vary_every_page(reference_generation)
