"""Recruitment fairs: a station fair (venue, a day's window, booths), a campus tour (stops, each a small fair) or a
cloud fair (online booths with video links, where a registrant books a time slot). Enterprises apply for booths, talents register (with their train at a
station fair), the scheduler plans interview slots, HR records an intent after each interview.

Registrations take places through a counter on the fair (``confirmed_count``), moved by one conditional UPDATE, so
concurrent registrations never confirm more than ``capacity`` on SQLite or PostgreSQL.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class FairKind(models.TextChoices):
    STATION = "station", _("Station fair")
    CAMPUS_TOUR = "campus_tour", _("Campus tour")
    CLOUD = "cloud", _("Cloud fair")


class FairStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Fair(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=FairKind.choices)
    title = models.CharField(_("title"), max_length=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    division = models.CharField(_("division"), max_length=6, help_text=_("The district that runs the fair."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    slot_minutes = models.PositiveSmallIntegerField(_("interview slot (minutes)"), default=20,
                                                    validators=[MinValueValidator(5), MaxValueValidator(120)])
    walk_minutes = models.PositiveSmallIntegerField(
        _("walk between booths (minutes)"), default=5, validators=[MaxValueValidator(60)],
        help_text=_("The scheduler leaves at least this much time between a person's interviews at two booths."))
    capacity = models.PositiveIntegerField(_("places"), default=300)
    confirmed_count = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=FairStatus.choices, default=FairStatus.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        constraints = [
            models.CheckConstraint(name="fair_window_ordered", condition=Q(starts_at__lt=F("ends_at"))),
            models.CheckConstraint(name="fair_places_not_exceeded", condition=Q(confirmed_count__lte=F("capacity"))),
        ]

    def __str__(self) -> str:
        return self.title


class TourStop(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("order"))
    university = models.CharField(_("university"), max_length=120)
    city = models.CharField(_("city"), max_length=60)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["fair", "order"]
        constraints = [models.UniqueConstraint(fields=["fair", "order"], name="tourstop_order_unique")]


class BoothStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Booth(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="booths")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="fair_booths")
    status = models.CharField(_("status"), max_length=10, choices=BoothStatus.choices, default=BoothStatus.PENDING)
    interviewers = models.PositiveSmallIntegerField(_("interviewers"), default=1,
                                                    validators=[MinValueValidator(1), MaxValueValidator(20)])
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    jobs = models.ManyToManyField("recruitment.Job", blank=True, related_name="fair_booths")
    stand = models.CharField(_("stand"), max_length=20, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("interview length (minutes)"), null=True, blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("One interview at this booth; empty: the fair's slot."))
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fair", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "enterprise"], name="booth_one_per_enterprise"),
            models.CheckConstraint(name="booth_hours_ordered", condition=Q(opens_at__lt=F("closes_at"))),
        ]


    @property
    def interview_minutes(self) -> int:
        return self.slot_minutes or self.fair.slot_minutes


class RegistrationState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")


class Registration(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="registrations")
    talent = models.ForeignKey("registry.Talent", on_delete=models.CASCADE, related_name="fair_registrations")
    state = models.CharField(_("state"), max_length=10, choices=RegistrationState.choices)
    consent_at = models.DateTimeField(_("consent given at"))
    train_number = models.CharField(_("train"), max_length=10, blank=True)
    arrival_at = models.DateTimeField(_("arrival"), null=True, blank=True)
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1,
                                                validators=[MinValueValidator(1), MaxValueValidator(3)])
    qr_token = models.CharField(max_length=32, unique=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    unreachable = models.BooleanField(_("no slot fits the train"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fair", "id"]
        constraints = [models.UniqueConstraint(fields=["fair", "talent"], name="registration_once_per_fair")]


class Choice(models.Model):
    """A booth (and job) the registrant wants an interview at, chosen or recommended by the matching engine."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="choices")
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="choices")
    job = models.ForeignKey("recruitment.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(_("match score"), default=0.5)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recommended = models.BooleanField(default=False)

    class Meta:
        ordering = ["registration", "-score", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "booth"], name="choice_once_per_booth")]


class SlotStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Slot(models.Model):
    """A scheduled interview at a booth. ``interview`` is recruitment's interview once HR sends the invitation."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="slots")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="slots")
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=SlotStatus.choices, default=SlotStatus.PLANNED)
    interview = models.ForeignKey("recruitment.Interview", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["starts_at", "booth", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "booth"], name="slot_once_per_booth")]


class ScheduleRun(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="schedule_runs")
    at = models.DateTimeField(auto_now_add=True)
    interviews = models.PositiveIntegerField()
    objective = models.BigIntegerField()
    bound = models.BigIntegerField()
    greedy_interviews = models.PositiveIntegerField()
    greedy_objective = models.BigIntegerField()
    seconds = models.FloatField()
    status = models.CharField(max_length=60)
    unreachable = models.JSONField(default=list, blank=True)
    moved = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"


class IntentLevel(models.TextChoices):
    STRONG = "strong", _("Strong")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class Intent(models.Model):
    """意向: the enterprise's intent after an interview."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="intent")
    level = models.CharField(_("intent"), max_length=8, choices=IntentLevel.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    at = models.DateTimeField(auto_now=True)
