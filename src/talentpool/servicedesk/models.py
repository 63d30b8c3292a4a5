"""Service desk: offices (their working calendar), teams of service officers, the service catalogue by life stage,
tickets with two SLA clocks (first response, resolution), their messages and privately stored attachments, and the
one-to-one service officers of high-level talents.

A ticket's clocks are kept as the SLA engine's ``Clock`` (target, consumed, running since, stopped) and the
instants of warning, breach and second-level escalation computed from them whenever they change; the sweep then
only compares those instants with now (see ``sla`` and ``tasks``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LifeStage(models.TextChoices):
    INTERNSHIP = "internship", _("Internship and practice")
    GRADUATION = "graduation", _("Graduation and job search")
    PROMOTION = "promotion", _("Career and promotion")
    STARTUP = "startup", _("Starting a business")
    HOUSING = "housing", _("Housing")
    CHILDREN = "children", _("Children's education")
    MEDICAL = "medical", _("Medical care")
    HUKOU = "hukou", _("Household registration")
    IP = "ip", _("Intellectual property")
    LEGAL = "legal", _("Legal advice")
    BUSINESS = "business", _("Business registration")
    SUPPORT = "support", _("Policies and payments")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Office(models.Model):
    """A service centre and its working calendar (China's holidays and make-up days, these hours, this zone)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    working_hours = models.CharField(_("working hours"), max_length=80, default="09:00-12:00,13:30-17:30",
                                     help_text=_("Periods of each working day, e.g. 09:00-12:00,13:30-17:30."))
    warn_share = models.DecimalField(_("warn at share of the target"), max_digits=3, decimal_places=2,
                                     default=0.75, validators=[MinValueValidator(0.05), MaxValueValidator(0.99)])
    second_share = models.DecimalField(_("second escalation after a further share"), max_digits=3,
                                       decimal_places=2, default=0.5,
                                       validators=[MinValueValidator(0.05), MaxValueValidator(5)])
    head = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("office head"))

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="teams", verbose_name=_("office"))
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("team lead"))

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DeskOfficer(models.Model):
    """An officer who takes tickets: the teams they are in, their skills, whether they are away or retired."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_officer")
    teams = models.ManyToManyField(Team, related_name="officers", blank=True, verbose_name=_("teams"))
    skills = models.JSONField(_("skills"), default=list, blank=True)
    away = models.BooleanField(_("away"), default=False)
    active = models.BooleanField(_("active"), default=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.user.display_name or self.user.get_username()


class Service(models.Model):
    """A service of the catalogue (shipped as data in ``catalogue.yaml``, editable by officers)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    life_stage = models.CharField(_("life stage"), max_length=16, choices=LifeStage.choices, db_index=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_zh = models.TextField(_("description (Chinese)"), max_length=2000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    criterion = models.CharField(_("who may ask"), max_length=300, blank=True,
                                 help_text=_("A condition on the policy facts, e.g. tier IN ('A','B') or "
                                             "degree_rank >= 3; empty: every talent."))
    criterion_zh = models.CharField(_("who may ask (Chinese)"), max_length=120, blank=True)
    criterion_en = models.CharField(_("who may ask (English)"), max_length=160, blank=True)
    materials = models.JSONField(_("materials"), default=list, blank=True,
                                 help_text=_("What to upload: a list of {zh, en}."))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="services", verbose_name=_("team"))
    skill = models.CharField(_("skill"), max_length=30, blank=True)
    sla = models.JSONField(_("SLA per priority"), default=dict,
                           help_text=_("Working minutes per priority: {priority: {response, resolution}}."))
    internal = models.BooleanField(_("raised by the office only"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["life_stage", "position", "code"]

    def __str__(self) -> str:
        return self.name_zh


class OneToOne(models.Model):
    """A talent's named service officer and backup (tier A–E talents always have one)."""

    talent = models.OneToOneField("registry.Talent", on_delete=models.CASCADE, related_name="service_officer")
    officer = models.ForeignKey(DeskOfficer, on_delete=models.CASCADE, related_name="talents")
    backup = models.ForeignKey(DeskOfficer, null=True, blank=True, on_delete=models.SET_NULL, related_name="backups")
    since = models.DateTimeField(auto_now_add=True)
    manual = models.BooleanField(_("named by hand"), default=False,
                                 help_text=_("Chosen by an officer rather than by the assignment rules."))


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Make-up working day")


class CalendarException(models.Model):
    """A date of the office's calendar entered by hand: a public holiday or a make-up working day (调休). It
    overrides chinesecalendar on that date and makes the calendar count its year (see ``engines.sla``)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="calendar_exceptions",
                               verbose_name=_("office"))
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. Spring Festival"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="desk_calendar_one_per_day")]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"


class RecomputeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("recompute", "Running")
    DONE = "done", pgettext_lazy("recompute", "Done")
    FAILED = "failed", pgettext_lazy("recompute", "Failed")


class DeadlineRecompute(models.Model):
    """The open tickets' deadlines recomputed after the office's hours, zone, shares or calendar days changed: asked
    for in the change's transaction, done by a task in chunks (``recompute``), its progress shown on the office
    pages. ``since``: only tickets with a clock running from before it (None: every open ticket of the office)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="recomputes")
    reason = models.CharField(max_length=20)
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=RecomputeStatus.choices, default=RecomputeStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    last_pk = models.PositiveBigIntegerField(default=0, help_text="the last ticket done: a resumed run goes on "
                                                                   "from the next")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["office", "status"], name="desk_recompute_office_status")]

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.progress_done / self.progress_total)) if self.progress_total else 0


class Origin(models.TextChoices):
    CATALOGUE = "catalogue", _("Asked by the talent")
    OFFICER = "officer", _("Raised by an officer")
    OBJECTION = "objection", _("Objection to a policy verdict")
    PAYMENT = "payment", _("Failed payment")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket", "New")
    OPEN = "open", pgettext_lazy("ticket", "In progress")
    WAITING = "waiting", _("Waiting for the talent")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("ticket", "Closed")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING)


class SlaState(models.TextChoices):
    OK = "ok", _("On time")
    WARNING = "warning", _("Near breach")
    BREACHED = "breached", _("Breached")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


class Ticket(models.Model):
    talent = models.ForeignKey("registry.Talent", on_delete=models.CASCADE, related_name="service_tickets",
                               verbose_name=_("talent"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("team"))
    assignee = models.ForeignKey(DeskOfficer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="tickets", verbose_name=_("assigned to"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.CATALOGUE)
    origin_ref = models.CharField(max_length=40, blank=True, help_text="objection:<id> or entitlement:<id>")
    subject = models.CharField(_("subject"), max_length=120)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.NEW)
    created_at = models.DateTimeField(_("raised"))
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    # the two SLA clocks (see talentpool.engines.sla.Clock): working seconds
    response_target = models.PositiveIntegerField()
    response_consumed = models.PositiveIntegerField(default=0)
    response_since = models.DateTimeField(null=True, blank=True)
    response_stopped = models.BooleanField(default=False)
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_target = models.PositiveIntegerField()
    resolution_consumed = models.PositiveIntegerField(default=0)
    resolution_since = models.DateTimeField(null=True, blank=True)
    resolution_stopped = models.BooleanField(default=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # the sweep's marks: the earliest warning, breach and escalation of the clocks still running, and the next of
    # them the sweep has to act on (None: nothing left to do until the clocks change)
    warn_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    sla_state = models.CharField(_("SLA"), max_length=10, choices=SlaState.choices, default=SlaState.OK)
    escalation = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # the sweep reads one range of one index (see tasks.sla_sweep) and changes no other indexed column;
        # the open queue's order, partial: only open tickets, read in order by ``selectors.queue_page`` (a page
        # costs its rows, not a sort of every open ticket) and it answers "how many open". No other index: each
        # one is written again for every ticket the sweep moves (PostgreSQL cannot update in place a row whose
        # indexed column changes)
        indexes = [models.Index(fields=["next_check_at"], name="desk_ticket_next_check"),
                   models.Index(fields=["due_at", "created_at", "id"], name="desk_ticket_open_queue",
                                condition=models.Q(status__in=("new", "open", "waiting"))),
                   # the dashboard's figures over resolved and closed tickets; partial, so the sweep (which moves
                   # only open tickets) never writes it
                   models.Index(fields=["sla_state"], name="desk_ticket_done",
                                condition=models.Q(status__in=("resolved", "closed")))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    EVENT = "event", _("Event")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=6, choices=MessageKind.choices, default=MessageKind.REPLY)
    body = models.TextField(max_length=4000)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Attachment(models.Model):
    """A file sent with a ticket: checked by type (its first bytes) and size, stored encrypted in the database."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(TicketMessage, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="attachments")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sealed = models.TextField(help_text="AES-GCM ciphertext of the content (core.crypto)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    internal = models.BooleanField(default=False)
    at = models.DateTimeField()


class DeskLoad(models.Model):
    """Maintained counts of the open tickets (new, open, waiting) per (talent's district, assignee, team, SLA
    state), so the dashboard reads a few rows instead of counting every open ticket joined to the talents.

    Written only by database triggers (migration ``0011``) inside the statement that changes a ticket or moves a
    talent to another district, whoever writes it (services, the sweep's UPDATE, the recompute's raw SQL, bulk
    inserts): never stale. On PostgreSQL each ticket statement adds one delta row per key it touched (insert only:
    concurrent writers never wait on a counter row) and ``load.desk_load_compact`` folds them; on SQLite a row per
    key is updated in place. ``assignee_id`` 0 is "unassigned". Read through ``load``; never written by
    application code."""

    district = models.CharField(max_length=6)
    assignee_id = models.BigIntegerField()
    team_id = models.BigIntegerField()
    sla_state = models.CharField(max_length=10)
    tickets = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["district"], name="desk_load_district")]

    def __str__(self) -> str:
        return f"{self.district} {self.assignee_id} {self.team_id} {self.sla_state}: {self.tickets}"
