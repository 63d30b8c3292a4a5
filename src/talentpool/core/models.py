from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW_PERSON = "view_person", _("Viewed a person's record")
    REVEAL_ID = "reveal_id", _("Revealed an ID number")
    SEARCH_REGISTRY = "search_registry", _("Searched the registry")
    IMPORT = "import", _("Imported a file")
    EXPORT = "export", _("Exported data")
    USER_CHANGE = "user_change", _("Changed a user")
    PASSWORD_RESET = "password_reset", _("Reset a password")
    UNLOCK = "unlock", _("Unlocked an account")
    REFERENCE_LOAD = "reference_load", _("Loaded reference data")
    RECORD_CHANGE = "record_change", _("Changed a record")
    ELIGIBILITY_RUN = "eligibility_run", _("Started an eligibility run")
    ENTITLEMENT_DECISION = "entitlement_decision", _("Decided on entitlements")
    PAYMENT_BATCH = "payment_batch", _("Acted on a payment batch")
    BANK_ACCOUNT = "bank_account", _("Changed a bank account")


class AuditEvent(models.Model):
    """Who did what to whose data, and when. Written by services; never edited."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    subject_talent_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    target = models.CharField(max_length=200, blank=True, help_text="What was acted on, e.g. talent:42 (never a plain ID number).")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target}"


class ChangeSource(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")
    SYSTEM = "system", _("System")


class ChangeRecord(models.Model):
    """Field-level history of registry records: one row per create or update, old and new values."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=ChangeSource.choices)
    source_ref = models.CharField(max_length=64, blank=True, help_text="e.g. import:17")
    entity = models.CharField(max_length=40)
    entity_id = models.BigIntegerField()
    subject_talent_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created = models.BooleanField(default=False)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}; ID numbers appear only as masked values")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["entity", "entity_id"], name="change_entity")]


class Notice(models.Model):
    """A message to one user, shown in the app (and, by ``core.notices.notify``, sent by email)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.title


class TableWrite(models.Model):
    """Writes counted per table by the triggers ``core.pagecache.install_triggers`` puts on every table: a table's
    count is the sum of its rows (on PostgreSQL one delta row per writing statement, folded from time to time; on
    SQLite one row per table). A kept page is served again only while the counts of the tables it read stand."""

    name = models.CharField(max_length=63, db_index=True)
    n = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}: {self.n}"
