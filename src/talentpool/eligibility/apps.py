from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "talentpool.eligibility"
    label = "eligibility"
    verbose_name = "Eligibility and the entitlement ledger"
