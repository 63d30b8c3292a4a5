"""The entitlement ledger and the runs that fill it.

The ledger is ``Entitlement``: one line per (subject, policy, instalment), where the subject is the person, or
the household for a policy whose entity is the household. A database constraint keeps one *live* line per key
(withdrawn and superseded lines are history), so reruns, concurrent runs and restarted runs cannot duplicate a
payment. Amounts are never edited: a different amount is a new line that supersedes the old one (while still a
candidate) or a correction line next to it (once money moved). Every change of state is an
``EntitlementEvent`` with who, when and why.

The tables keep the names they had when this app was part of payments (``payments_*``). A line names the
payment batch it was paid in by reference (``payments.PaymentBatch``): the payments app, above this one, owns
batches and moves lines only through ``eligibility.ledger.entitlements_move``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from talentpool.core.heartbeat import INTERRUPTED, INTERRUPTED_LABEL, heartbeat_stale
from talentpool.engines.policy import DELIVERY_BANK, DELIVERY_IN_KIND

# Reasons the platform itself writes on events (translated when shown).
REASON_AMOUNT_CHANGED = gettext_noop("amount changed")
REASON_NOT_ELIGIBLE = gettext_noop("no longer eligible")
REASON_HOUSEHOLD_MERGED = gettext_noop("a marriage was recorded: one line per household")
REASON_RETRY = gettext_noop("retry after the bank account was updated")
REASON_BANK_RETURN = gettext_noop("bank return")
REASON_BATCH_CANCELLED = gettext_noop("batch cancelled")
REASON_REOPENED = gettext_noop("decision reopened")
REASON_ISSUED = gettext_noop("issued in kind")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    CONSOLE = "console", _("Officer console")
    API = "api", _("API")
    CLI = "cli", _("Command line")
    SCHEDULE = "schedule", _("Schedule")


class Run(models.Model):
    """One evaluation of policies over the registry (within a division scope) on an as-of date."""

    as_of = models.DateField(_("as of"))
    policy_codes = models.JSONField(_("policies"), default=list, blank=True,
                                    help_text="Codes asked for; empty means every published policy in force.")
    scope = models.CharField(_("division scope"), max_length=6, blank=True,
                             help_text="Division-code prefix of the talents evaluated; empty means all.")
    trigger = models.CharField(_("started from"), max_length=10, choices=RunTrigger.choices, default=RunTrigger.CONSOLE)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED,
                              db_index=True)
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    evaluated = models.PositiveIntegerField(_("evaluated"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    undecided = models.PositiveIntegerField(_("cannot decide"), default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        db_table = "payments_run"
        ordering = ["-created_at", "-id"]
        verbose_name = _("eligibility run")
        verbose_name_plural = _("eligibility runs")

    def __str__(self) -> str:
        return f"run {self.pk} as of {self.as_of}"

    @property
    def summary_line(self) -> str:
        """The line scripts read: ``N evaluated: N new, N unchanged, N withdrawn, N cannot decide``."""
        return (f"{self.evaluated} evaluated: {self.new} new, {self.unchanged} unchanged, "
                f"{self.withdrawn} withdrawn, {self.undecided} cannot decide")

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    @property
    def interrupted(self) -> bool:
        """Running, but its worker stopped: no heartbeat for a minute (``core.heartbeat``)."""
        return self.status == RunStatus.RUNNING and heartbeat_stale(self.heartbeat_at)

    @property
    def state(self) -> str:
        """The status shown on pages, in the API and on the command line: ``interrupted`` or the stored one."""
        return INTERRUPTED if self.interrupted else self.status

    def get_state_display(self) -> str:
        return str(INTERRUPTED_LABEL) if self.interrupted else str(self.get_status_display())


class Status(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    BATCHED = "batched", _("In a payment batch")
    PAID = "paid", _("Paid")
    ISSUED = "issued", _("Issued in kind")
    FAILED = "failed", _("Payment failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


# Lines that hold the key (subject, policy, instalment). Withdrawn and superseded lines are history.
LIVE = (Status.CANDIDATE, Status.APPROVED, Status.REJECTED, Status.BATCHED, Status.PAID, Status.ISSUED, Status.FAILED)
# Lines that count as paid or issued (or committed to be) in the ledger facts the policies read.
COMMITTED = (Status.APPROVED, Status.BATCHED, Status.PAID, Status.ISSUED, Status.FAILED)


class Channel(models.TextChoices):
    """How a line reaches the person, as its policy version declares (``delivery:``): paid by bank transfer in a
    payment batch, or issued in kind (a pack, a pass) and marked issued by an officer, never a bank line."""

    BANK_TRANSFER = DELIVERY_BANK, _("Bank transfer")
    IN_KIND = DELIVERY_IN_KIND, _("Issued in kind")


class Kind(models.TextChoices):
    ENTITLEMENT = "entitlement", _("Entitlement")
    CORRECTION = "correction", _("Correction")


class Entitlement(models.Model):
    """One instalment of one policy owed to one subject: the line of the ledger."""

    subject = models.CharField(max_length=24, help_text="t<talent id> or h<household id>")
    talent = models.ForeignKey("registry.Talent", on_delete=models.PROTECT, related_name="entitlements",
                               verbose_name=_("talent"))
    policy = models.ForeignKey("policies.Policy", on_delete=models.PROTECT, related_name="entitlements",
                               verbose_name=_("policy"))
    policy_version = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="entitlements",
                                       verbose_name=_("policy version"))
    instalment = models.PositiveSmallIntegerField(_("instalment"))
    instalment_id = models.CharField(max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ENTITLEMENT)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    channel = models.CharField(_("delivered by"), max_length=16, choices=Channel.choices, default=Channel.BANK_TRANSFER)
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    bank_reason = models.CharField(_("bank's reason"), max_length=300, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True,
                                   help_text="The facts the policy read and the version, as of the run; "
                                             "the explanation is rebuilt from them exactly.")
    degree = models.CharField(_("degree"), max_length=16, blank=True)
    district = models.CharField(_("district"), max_length=6, blank=True)
    tier = models.CharField(_("talent tier"), max_length=1, blank=True)
    review_required = models.BooleanField(_("manual review"), default=False)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_entitlements", verbose_name=_("assigned to"))
    first_time = models.BooleanField(_("first time"), default=False)
    changed = models.BooleanField(_("changed since last run"), default=False)
    flag = models.CharField(_("flag"), max_length=300, blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="created_lines")
    batch = models.ForeignKey("payments.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="lines")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    imported = models.BooleanField(_("paid before the platform (imported)"), default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payments_entitlement"
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "policy", "instalment"], name="entitlement_live_unique",
                condition=Q(kind="entitlement") & Q(status__in=[s.value for s in LIVE])),
            models.UniqueConstraint(
                fields=["corrects"], name="correction_live_unique",
                condition=Q(kind="correction") & Q(status__in=[s.value for s in LIVE])),
            models.CheckConstraint(name="entitlement_amount_not_negative_unless_correction",
                                   condition=Q(kind="correction") | Q(amount__gte=0)),
        ]
        indexes = [
            models.Index(fields=["status", "policy"], name="entitlement_status_policy"),
            # the review queue's order (due, id) within a status: a page is read from the index, not sorted
            models.Index(fields=["status", "due", "id"], name="entitlement_status_due"),
            models.Index(fields=["talent", "policy"], name="entitlement_talent_policy"),
            models.Index(fields=["district", "status"], name="entitlement_district_status"),
            models.Index(fields=["batch"], name="entitlement_batch"),
            models.Index(fields=["paid_on"], name="entitlement_paid_on"),
            # the past-payments page: the few imported lines, newest first, without reading the whole ledger
            models.Index(fields=["-paid_on", "-id"], name="entitlement_imported_paid",
                         condition=Q(imported=True)),
        ]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")

    def __str__(self) -> str:
        return f"{self.subject} {self.policy_id} #{self.instalment} {self.amount} ({self.status})"

    @property
    def reference(self) -> str:
        """The line's reference on bank files."""
        return line_reference(self.pk)


def line_reference(pk: int) -> str:
    """A ledger line's reference on bank files, from its id (for reads that hold no model instance)."""
    return f"E{pk:010d}"


class EntitlementEvent(models.Model):
    """One change of state of a ledger line: never edited."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey("payments.PaymentBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "payments_entitlementevent"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["entitlement", "at"], name="entitlement_event_line")]


class ReviewRoute(models.Model):
    """Who reviews what by hand: lines of a policy (or of any policy when blank) for talents of a tier (or any
    tier when blank), or every line the policy marks for review, go to a named officer."""

    policy = models.ForeignKey("policies.Policy", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("policy"))
    tier = models.CharField(_("talent tier"), max_length=1, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("officer"))
    scope = models.CharField(max_length=6, help_text="Division-code prefix of the office that set the route.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "payments_reviewroute"
        ordering = ["policy__code", "tier", "id"]


class LedgerTotal(models.Model):
    """Maintained totals of the ledger per (status, policy, district, degree, manual review): how many lines and
    their amount in cents, so the payment queue's totals read a few hundred rows instead of aggregating the ledger.

    Written only by database triggers on ``Entitlement`` (migration ``0006``), inside the statement that changes
    a line, whoever writes it (services, runs, imports, the admin, raw SQL): never stale. On PostgreSQL each
    statement adds one delta row per key it touched (no row is updated, so concurrent writers never wait on each
    other) and ``totals.ledger_totals_compact`` folds the deltas; on SQLite (one writer) a row per key is updated in
    place. A key's figure is the sum of its rows. Read through ``totals``; never written by application code."""

    status = models.CharField(max_length=12)
    policy = models.ForeignKey("policies.Policy", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    district = models.CharField(max_length=6)
    degree = models.CharField(max_length=16)
    review_required = models.BooleanField()
    lines = models.BigIntegerField()
    cents = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["status", "district"], name="ledger_total_status_district")]

    def __str__(self) -> str:
        return f"{self.status} {self.policy_id} {self.district} {self.degree} {self.review_required}: {self.lines}"
