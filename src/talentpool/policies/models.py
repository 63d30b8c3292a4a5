"""Stored policies: each version is the YAML document officers read and edit, with its check results."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Policy(models.Model):
    """A policy by its stable code (``hz-graduate-living``); the rules are in its versions.

    ``owner_division`` is the division that owns it (a city such as 330100, or a district such as 330110), as its
    documents declare (``owner:``): only officers whose scope covers it draft, publish and retire its versions."""

    code = models.CharField(_("code"), max_length=41, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    owner_division = models.CharField(_("owned by division"), max_length=6, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class PolicyVersion(models.Model):
    """One version of a policy. ``source`` is the whole YAML document of this version (the engine parses it);
    the other columns are copies for listing and the results of the last check."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT,
                              db_index=True)
    source = models.TextField(_("policy document (YAML)"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts",
                                 verbose_name=_("based on"))
    tests_passed = models.BooleanField(_("test cases passed"), null=True, blank=True)
    tests_report = models.JSONField(_("test case results"), default=list, blank=True)
    validation_report = models.JSONField(_("validation problems"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policy__code", "version"]
        constraints = [models.UniqueConstraint(fields=["policy", "version"], name="policy_version_unique")]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.version} ({self.status})"


class ApprovalAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    RETIRE = "retire", _("Retire")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class PolicyApproval(models.Model):
    """One officer asks to publish a draft or retire a published version; a second officer whose scope covers the
    policy approves (and the change is made then) or declines. At most one request waits per version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="approvals")
    action = models.CharField(_("action"), max_length=10, choices=ApprovalAction.choices)
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["version"], condition=models.Q(status="pending"),
                                               name="policy_approval_one_pending")]
        verbose_name = _("policy approval")
        verbose_name_plural = _("policy approvals")

    def __str__(self) -> str:
        return f"{self.action} {self.version} ({self.status})"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class Objection(models.Model):
    """A talent says "I think I qualify": kept with a snapshot of the explanation they saw."""

    talent = models.ForeignKey("registry.Talent", on_delete=models.CASCADE, related_name="policy_objections")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="objections")
    as_of = models.DateField(_("as of"))
    message = models.TextField(_("why I think I qualify"), max_length=2000)
    explanation = models.JSONField(_("explanation shown"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN, db_index=True)
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to run")
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class PolicyCheck(models.Model):
    """The heavy checks of one draft's text, run as a background task (``policies.checks``): validation against
    the published set, the document's own test cases and the what-if budget over the whole registry.

    ``source_sha`` is the text they check and ``published_key`` the published set they checked it against: a
    draft whose text or the published set changed since has a stale check, and cannot be published until the
    checks run again. ``result`` holds ``problems``, ``cases``, ``passed``/``failed``, ``whatif`` (the budget)
    and ``warnings``; ``done``/``total`` the progress."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="checks")
    status = models.CharField(_("status"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING)
    source_sha = models.CharField(max_length=64)
    published_key = models.CharField(max_length=64, blank=True)
    step = models.CharField(_("step"), max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("policy check")
        verbose_name_plural = _("policy checks")

    def __str__(self) -> str:
        return f"check {self.pk} of {self.version_id} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status in (CheckStatus.PASSED, CheckStatus.FAILED):
            return 100
        return int(100 * self.done / self.total) if self.total else 0
