from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "talentpool.policies"
    label = "policies"
    verbose_name = "Policies"
