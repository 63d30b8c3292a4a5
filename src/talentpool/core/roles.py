"""The roles a user can hold. Core defines them so that every layer (permissions, audit, apps) can name a role
without importing the accounts app, which sits above core."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TALENT = "talent", _("Talent")
    ENTERPRISE = "enterprise", _("Enterprise HR")
    OFFICER = "officer", _("Officer")
    ADMIN = "admin", _("Administrator")
