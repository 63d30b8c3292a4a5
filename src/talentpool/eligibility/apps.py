from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EligibilityConfig(AppConfig):
    name = "talentpool.eligibility"
    label = "eligibility"
    verbose_name = "Eligibility and the entitlement ledger"

    def ready(self) -> None:
        from .totals import ledger_totals_after_migrate

        post_migrate.connect(ledger_totals_after_migrate, sender=self, dispatch_uid="eligibility_ledger_totals")
