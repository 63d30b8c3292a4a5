from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "talentpool.accounts"
    label = "accounts"
