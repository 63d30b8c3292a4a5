"""Recruitment: jobs, talents' job profiles, applications through a per-enterprise pipeline, interviews, offers
and hires, HR-service partners with API keys, and the change log that keeps every process's match index current.

Free text (titles, descriptions, résumés) is stored as ``engines.matching.clean_text`` leaves it, so what is
shown, searched and matched is the same text. Codes are checked against the reference tables by the services.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentpool.engines.matching import MAX_JOB_TEXT_CHARS, MAX_RESUME_CHARS, MAX_SKILLS, MAX_TITLE_CHARS
from talentpool.registry.models import Degree


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("job status", "Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", pgettext_lazy("job status", "Closed")
    FILLED = "filled", _("Filled")


class Job(models.Model):
    """A position an enterprise posts. Talents see it while it is open, not hidden and before its deadline."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="jobs",
                                   verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=MAX_TITLE_CHARS,
                             help_text=_("One line, at most 80 characters; HTML, emoji and control characters are "
                                         "removed."))
    description = models.TextField(_("description"), max_length=MAX_JOB_TEXT_CHARS, blank=True,
                                   help_text=_("At most 5,000 characters after cleaning; HTML, emoji and control "
                                               "characters are removed."))
    occupation_code = models.CharField(_("occupation"), max_length=12,
                                       help_text=_("A code of the 2022 occupation classification, e.g. 2-02-10-03."))
    min_degree = models.CharField(_("minimum degree"), max_length=16, choices=Degree.choices, blank=True,
                                  help_text=_("Empty: any degree."))
    accepted_majors = models.JSONField(_("accepted majors"), default=list, blank=True,
                                       help_text=_("Major codes at any level (category 08, class 0809, major 080901); "
                                                   "empty: any major."))
    skills = models.JSONField(_("skills"), default=list, blank=True,
                              help_text=_("At most 50 skills, each one line of at most 40 characters."))
    min_years = models.DecimalField(_("minimum years of experience"), max_digits=3, decimal_places=1, default=0,
                                    validators=[MinValueValidator(0), MaxValueValidator(50)])
    salary_min = models.PositiveIntegerField(_("salary from (yuan per month)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("salary up to (yuan per month)"), null=True, blank=True)
    division = models.CharField(_("division"), max_length=6,
                                help_text=_("Where the work is: a six-digit division code (default: the "
                                            "enterprise's)."))
    headcount = models.PositiveIntegerField(_("headcount"), default=1, validators=[MinValueValidator(1)])
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.DRAFT,
                              db_index=True)
    hidden = models.BooleanField(_("hidden by the office"), default=False)
    moderation_note = models.CharField(_("moderation note"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("moderated by"))
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    partner = models.ForeignKey("Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs",
                                help_text="The partner that posted the job through the partner API, if any.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["status", "division"], name="job_status_division"),
            models.Index(fields=["enterprise", "status"], name="job_enterprise_status"),
            # the lists' order (newest first, limited): read in index order, not sorted whole
            models.Index(fields=["-created_at", "-id"], name="job_newest"),
        ]
        constraints = [
            models.CheckConstraint(name="job_salary_ordered", condition=Q(salary_min__isnull=True)
                                   | Q(salary_max__isnull=True) | Q(salary_min__lte=F("salary_max"))),
            models.CheckConstraint(name="job_headcount_positive", condition=Q(headcount__gte=1)),
            models.CheckConstraint(name="job_min_years_range", condition=Q(min_years__gte=0) & Q(min_years__lte=50)),
        ]

    def __str__(self) -> str:
        return self.title


class JobProfile(models.Model):
    """What a talent tells employers: résumé, skills, wishes, and whether enterprises may find them unasked."""

    talent = models.OneToOneField("registry.Talent", on_delete=models.CASCADE, related_name="job_profile",
                                  verbose_name=_("talent"))
    resume = models.TextField(_("résumé"), max_length=MAX_RESUME_CHARS, blank=True,
                              help_text=_("HTML, emoji and control characters are removed and the text is cut to "
                                          "its first 5,000 characters."))
    skills = models.JSONField(_("skills"), default=list, blank=True,
                              help_text=_("At most 50 skills, each one line of at most 40 characters."))
    desired_occupations = models.JSONField(_("desired occupations"), default=list, blank=True,
                                           help_text=_("Codes of the 2022 occupation classification."))
    desired_divisions = models.JSONField(_("desired places"), default=list, blank=True,
                                         help_text=_("Division codes: a province, a city or a district; empty: "
                                                     "anywhere."))
    salary_min = models.PositiveIntegerField(_("desired salary from (yuan per month)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("desired salary up to (yuan per month)"), null=True, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    years_experience = models.DecimalField(_("years of experience"), max_digits=3, decimal_places=1, null=True,
                                           blank=True, validators=[MinValueValidator(0), MaxValueValidator(60)],
                                           help_text=_("Empty: counted from the employment records."))
    consent_search = models.BooleanField(
        _("enterprises may find me"), default=False,
        help_text=_("Enterprises and partners may find this profile in search before you apply to them."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("job profile")
        verbose_name_plural = _("job profiles")
        indexes = [  # the enterprises' candidate list reads consenting profiles in talent order (keyset)
            models.Index(fields=["talent"], condition=Q(consent_search=True), name="jobprofile_consenting"),
            # the partners' candidate list: consenting profiles, most recently updated first (a page of them read
            # from the index instead of sorting every consenting profile per request)
            models.Index(fields=["-updated_at", "-id"], condition=Q(consent_search=True),
                         name="jobprofile_consenting_newest"),
        ]
        constraints = [
            models.CheckConstraint(name="profile_salary_ordered", condition=Q(salary_min__isnull=True)
                                   | Q(salary_max__isnull=True) | Q(salary_min__lte=F("salary_max"))),
        ]

    def __str__(self) -> str:
        return f"profile of talent {self.talent_id}"


MAX_PROFILE_SKILLS = MAX_SKILLS

# The pipeline every enterprise starts with. ``applied`` is always first and ``hired`` always last; rejected and
# withdrawn are outcomes (with a reason), not stages.
FIRST_STAGE = "applied"
HIRED_STAGE = "hired"
DEFAULT_STAGES: list[dict[str, str]] = [
    {"code": "applied", "zh": "已投递", "en": "Applied"},
    {"code": "screening", "zh": "筛选", "en": "Screening"},
    {"code": "interview", "zh": "面试", "en": "Interview"},
    {"code": "offer", "zh": "录用通知", "en": "Offer"},
    {"code": "hired", "zh": "已录用", "en": "Hired"},  # one name per state: the outcome "hired" is 已录用 too
]


class PipelineSettings(models.Model):
    """An enterprise's own pipeline stages: an ordered list of ``{code, zh, en}``."""

    enterprise = models.OneToOneField("registry.Enterprise", on_delete=models.CASCADE, related_name="pipeline",
                                      verbose_name=_("enterprise"))
    stages = models.JSONField(_("stages"), default=list,
                              help_text=_("From 'applied' to 'hired', 3 to 12 stages, each with a code and a "
                                          "Chinese and English name."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pipeline settings")
        verbose_name_plural = _("pipeline settings")


class Outcome(models.TextChoices):
    NONE = "", _("In progress")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HIRED = "hired", _("Hired")


class Application(models.Model):
    """A talent's application to a job; the offer, once made, lives on it too."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications", verbose_name=_("job"))
    talent = models.ForeignKey("registry.Talent", on_delete=models.CASCADE, related_name="applications",
                               verbose_name=_("talent"))
    stage = models.CharField(_("stage"), max_length=30, default=FIRST_STAGE)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    message = models.TextField(_("message to the employer"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    outcome_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    offer_salary = models.PositiveIntegerField(_("offered salary (yuan per month)"), null=True, blank=True)
    offer_start_date = models.DateField(_("offered start date"), null=True, blank=True)
    offer_note = models.CharField(_("offer note"), max_length=500, blank=True)
    offer_sent_at = models.DateTimeField(_("offer sent at"), null=True, blank=True)
    offer_accepted_at = models.DateTimeField(_("offer accepted at"), null=True, blank=True)
    employment = models.ForeignKey("registry.Employment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="The registry employment record the hire created.")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(fields=["job", "talent"], name="application_once_per_job")]
        indexes = [
            models.Index(fields=["job", "stage"], name="application_job_stage"),
            models.Index(fields=["outcome", "outcome_at"], name="application_outcome_at"),
        ]

    def __str__(self) -> str:
        return f"application {self.pk}: talent {self.talent_id} → job {self.job_id}"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class StageChange(models.Model):
    """One move of an application: never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(max_length=30, blank=True)
    to_stage = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]


class ApplicationNote(models.Model):
    """The employer's internal note on an application (never shown to the talent)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


INTERVIEW_TIMEZONE = "Asia/Shanghai"


class Interview(models.Model):
    """One interview round. ``uid`` stays for the life of the invitation; ``sequence`` counts its revisions
    (RFC 5545), so calendars replace the old time instead of adding a second event."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=40, default=INTERVIEW_TIMEZONE)
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True,
                                 help_text=_("For a remote interview: an http(s) address."))
    interviewers = models.JSONField(_("interviewers"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InterviewStatus.choices,
                              default=InterviewStatus.SCHEDULED)
    sequence = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("accepted by the talent at"), null=True, blank=True,
                                        help_text=_("Cleared when the interview is moved: the new slot is accepted anew."))
    uid = models.CharField(max_length=100, unique=True)
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(name="interview_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self) -> str:
        return f"interview {self.pk} (round {self.round})"


PARTNER_SCOPES = ("jobs:read", "jobs:write", "candidates:read")


class Partner(models.Model):
    """An HR-service partner (job board, staffing firm) using the partner API with its own key. Only a hash of
    the key is kept; the key itself is shown once, when the partner is created."""

    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list, help_text=_("Some of jobs:read, jobs:write, "
                                                                     "candidates:read."))
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="partners", verbose_name=_("enterprise"),
                                   help_text=_("The enterprise whose jobs the partner may write (jobs:write)."))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ExchangeDirection(models.TextChoices):
    OUT = "out", _("Sent to the partner")
    IN = "in", _("Received from the partner")


class PartnerExchange(models.Model):
    """One call of the partner API: what went in or out, and how many records."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="exchanges")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    direction = models.CharField(max_length=3, choices=ExchangeDirection.choices)
    object_type = models.CharField(max_length=20, blank=True)
    object_ids = models.JSONField(default=list, blank=True)
    count = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(default=200)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [  # the administrators' log of one partner, newest first: a page read from the index, not a sort
            # of every call the partner ever made (the log grows by one row per call)
            models.Index(fields=["partner", "-at", "-id"], name="partnerexchange_newest"),
        ]


class PartnerCalls(models.Model):
    """Maintained counts of each partner's logged calls, so the administrators' list reads a row or a few per
    partner instead of counting a call log that grows by one row per call.

    Written only by database triggers (migration ``0007``) inside the statement that writes
    ``recruitment_partnerexchange``, whoever writes it: never stale. On PostgreSQL each statement adds one delta
    row per partner it touched (insert only: concurrent calls never wait on a counter row) and
    ``partner_calls.partner_calls_compact`` folds them; on SQLite the row of the partner is updated in place. Read
    through ``partner_calls``; never written by application code."""

    partner_id = models.BigIntegerField()
    calls = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["partner_id"], name="partner_calls_partner")]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.calls}"


class ChangeKind(models.TextChoices):
    TALENT = "talent", "talent"
    JOB = "job", "job"
    ALL = "all", "all (rebuild)"


class MatchChange(models.Model):
    """The match index's change log: a talent or job whose matching document changed (or ``all``: rebuild).
    Each process's index reads the rows it has not seen on every query (one indexed query) and upserts them;
    see ``recruitment.matching``."""

    kind = models.CharField(max_length=6, choices=ChangeKind.choices)
    object_id = models.BigIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
