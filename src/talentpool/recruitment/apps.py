from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "talentpool.recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        # Connect the receivers (the match index rebuilt after a registry import) in every process, web, worker
        # or CLI: Django's idiom, importing once the models are loaded; not a cycle.
        from talentpool.core.pagecache import credential_header

        from . import tasks  # noqa: F401

        credential_header("X-Partner-Key")  # the open API's reads are kept per key (core.pagecache)
