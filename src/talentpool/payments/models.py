"""Money: payment batches, bank return files and bank accounts. The ledger lines they pay live in
``talentpool.eligibility`` (which fills them by runs); batches move them through its ledger service."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", _("Awaiting a second approval")
    READY = "ready", _("Ready to send")
    SENT = "sent", _("Sent to the bank")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentBatch(models.Model):
    """Approved lines sent to the bank together. Above the two-person amount a second officer approves it."""

    number = models.CharField(_("batch number"), max_length=24, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.READY)
    scope = models.CharField(max_length=6, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("second approval by"))
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paid_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")

    def __str__(self) -> str:
        return self.number


class ReturnImport(models.Model):
    """One bank return file as imported, with its line-by-line outcome."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="returns")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    paid = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="[{row, column, value, reason}]")

    class Meta:
        ordering = ["-imported_at", "-id"]


class BankAccount(models.Model):
    """Where a talent's subsidies are paid. The number is encrypted at rest and masked on screen."""

    talent = models.OneToOneField("registry.Talent", on_delete=models.CASCADE, related_name="bank_account")
    holder = models.CharField(_("account holder"), max_length=60)
    bank_name = models.CharField(_("bank"), max_length=100)
    number_encrypted = models.TextField()
    number_masked = models.CharField(_("account number"), max_length=40)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self) -> str:
        return f"{self.bank_name} {self.number_masked}"
