from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "talentpool.recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        # Connect the receivers (the match index rebuilt after a registry import) in every process, web, worker
        # or CLI: Django's idiom, importing once the models are loaded; not a cycle.
        from talentpool.core.pagecache import credential_header

        from . import tasks  # noqa: F401
        from .partner_calls import partner_calls_after_migrate

        post_migrate.connect(partner_calls_after_migrate, sender=self, dispatch_uid="recruitment_partner_calls")

        credential_header("X-Partner-Key")  # the open API's reads are kept per key (core.pagecache)
