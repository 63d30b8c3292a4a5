from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from talentpool.core.roles import Role  # noqa: F401  (re-exported: accounts.models.Role is the usual import)
from talentpool.engines.vocab import division_prefix


class User(AbstractUser):
    """A person who signs in. The role decides what they may see; the bindings narrow it further.

    - talent: bound to one registry talent (``registry.Talent.user``), sees only itself;
    - enterprise: bound to one enterprise, sees it and its registered staff;
    - officer: bound to a division scope (a district code such as 330106, or a city such as 330100 for all of
      its districts), sees talents and enterprises in it; ``is_service_officer`` marks one-to-one officers,
      ``is_payment_officer`` those who may export bank files (full account numbers);
    - admin: users, roles, reference data and the audit trail.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TALENT)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="hr_users",
        verbose_name=_("enterprise"),
    )
    scope_division = models.CharField(_("division scope"), max_length=6, blank=True)
    is_service_officer = models.BooleanField(_("service officer"), default=False)
    is_payment_officer = models.BooleanField(
        _("payment officer"), default=False,
        help_text=_("May export bank payment files, which carry full account numbers."))
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when an administrator resets the password: every page leads to the password change page "
                    "until the user picks a new one."))

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
                violation_error_message=_("Choose the enterprise this account works for."),
            ),
            models.CheckConstraint(
                name="officer_has_scope",
                condition=~models.Q(role="officer") | ~models.Q(scope_division=""),
                violation_error_message=_("Fill in the division the officer covers."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def scope_prefix(self) -> str:
        """Division-code prefix covered by an officer: 330106 -> '330106'; 330100 -> '3301'; 330000 -> '33'."""
        return division_prefix(self.scope_division)
