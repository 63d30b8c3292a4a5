"""Bookings with capacity. One mechanism — a ``Resource`` with a capacity per ``Slot`` (a night, an event, an
hour) and ``Booking`` rows that hold slots — serves three uses: youth-station lodging (beds per night), events
(places) and park spaces (room hours). Partners of the talent partner programme co-host events and refer talents.

The count of places taken lives on the slot row, guarded by a check constraint (``taken <= capacity``): a booking
takes its slots with one conditional update under a row lock (see ``capacity``), so no interleaving of requests
can overbook, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    LODGING = "lodging", _("Youth station")
    EVENT = "event", pgettext_lazy("bookings", "Event")
    SPACE = "space", _("Park space")


class EventCategory(models.TextChoices):
    LECTURE = "lecture", _("Founders' school lecture")
    VISIT = "visit", _("Site visit")
    SALON = "salon", _("Salon")
    EXCHANGE = "exchange", _("Academic exchange")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    OFFERED = "offered", _("Place offered")
    EXPIRED = "expired", _("Offer expired")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Checked in")
    NO_SHOW = "no_show", _("No-show")


# statuses that hold their slots (count in Slot.taken)
HOLDING = (Status.PENDING, Status.CONFIRMED, Status.OFFERED, Status.ATTENDED)
LIVE = (*HOLDING, Status.WAITLISTED)


class PartnerKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SOCIETY = "society", _("Society")
    CHAMBER = "chamber", _("Chamber of commerce")
    HR_FIRM = "hr_firm", _("HR-service firm")


class Partner(models.Model):
    """A member of the talent partner programme (人才伙伴计划). Its HR users (an enterprise account) see the partner
    portal; ``api_partner`` links it to the open-API partner of recruitment when it has one."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    enterprise = models.OneToOneField("registry.Enterprise", on_delete=models.CASCADE, related_name="programme_partner",
                                      verbose_name=_("enterprise"))
    api_partner = models.ForeignKey("recruitment.Partner", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    district = models.CharField(_("district"), max_length=6, db_index=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """Something with limited capacity: a youth station (capacity = its beds), an event (its places) or a park
    space (one booking per hour)."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    district = models.CharField(_("district"), max_length=6)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    auto_confirm = models.BooleanField(_("confirm automatically"), default=False)
    max_units = models.PositiveSmallIntegerField(_("longest booking"), default=6,
                                                 help_text=_("Nights for a station, hours for a space."))
    open_hour = models.PositiveSmallIntegerField(_("opens at"), default=8)
    close_hour = models.PositiveSmallIntegerField(_("closes at"), default=20)
    no_show_hour = models.PositiveSmallIntegerField(_("no-show after"), default=22,
                                                    help_text=_("Hour of the arrival day after which a guest who "
                                                                "has not checked in is a no-show."))
    approval_over_hours = models.PositiveSmallIntegerField(
        _("approval needed over"), default=0, help_text=_("A space booking longer than this many hours needs an "
                                                          "officer's approval (0: every booking needs it unless "
                                                          "confirmed automatically)."))
    # events
    category = models.CharField(_("category"), max_length=10, choices=EventCategory.choices, blank=True)
    series = models.CharField(_("series"), max_length=120, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    cohost = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
                               verbose_name=_("co-host"))
    offer_hours = models.PositiveSmallIntegerField(_("offer valid for (hours)"), default=24)
    active = models.BooleanField(_("open for booking"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        indexes = [models.Index(fields=["kind", "active", "starts_at"], name="bookings_resource_list")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    station = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("room"), max_length=40)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="bookings_room_unique")]

    def __str__(self) -> str:
        return self.name


class Bed(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="beds")
    label = models.CharField(_("bed"), max_length=20)

    class Meta:
        ordering = ["room_id", "label"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="bookings_bed_unique")]

    def __str__(self) -> str:
        return f"{self.room.name}-{self.label}"


class Slot(models.Model):
    """The capacity of one unit of a resource: a night (hour 0), an event (its day, hour 0) or an hour of a day."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="slots")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField(default=0)
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["resource_id", "day", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "day", "hour"], name="bookings_slot_unique"),
            models.CheckConstraint(condition=models.Q(taken__lte=models.F("capacity")), name="bookings_slot_not_over"),
        ]


class Booking(models.Model):
    """One person's (or enterprise's) hold on a run of slots: ``units`` nights from ``first_day``, ``units`` hours
    from ``hour`` on ``first_day``, or one event place. ``end_day`` is the first day after it (check-out day)."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # a person's (an enterprise's) bookings go with their registry record (an erasure takes them along)
    talent = models.ForeignKey("registry.Talent", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="bookings")
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="space_bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    first_day = models.DateField(_("from"))
    end_day = models.DateField(_("until"))
    hour = models.PositiveSmallIntegerField(_("from hour"), default=0)
    units = models.PositiveSmallIntegerField(_("length"), default=1)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    bed = models.ForeignKey(Bed, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings",
                                verbose_name=_("referred by"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    feedback_rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback_text = models.CharField(_("feedback"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["resource", "status", "created_at"], name="bookings_queue"),
            models.Index(fields=["talent", "first_day"], name="bookings_talent_day"),
            models.Index(fields=["enterprise", "first_day"], name="bookings_enterprise_day"),
            models.Index(fields=["status", "offer_expires_at"], name="bookings_offers"),
            models.Index(fields=["status", "first_day"], name="bookings_status_day"),
            # a resource's page: its first 300 bookings in date order, read off the index (no sort of them all)
            models.Index(fields=["resource", "first_day", "hour", "id"], name="bookings_resource_day"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} #{self.pk}"

    @property
    def holds(self) -> bool:
        return self.status in HOLDING


class ReferralTarget(models.TextChoices):
    EVENT = "event", pgettext_lazy("bookings", "Event")
    JOB = "job", _("Job")
    SERVICE = "service", _("Service")


class ReferralStatus(models.TextChoices):
    ASKED = "asked", _("Waiting for the talent's consent")
    ACCEPTED = "accepted", _("Accepted by the talent")
    DECLINED = "declined", _("Declined by the talent")


class Referral(models.Model):
    """A partner refers a talent to an event, a job or a service; nothing happens until the talent consents."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="referrals")
    talent = models.ForeignKey("registry.Talent", on_delete=models.CASCADE, related_name="referrals")
    target = models.CharField(_("referred to"), max_length=10, choices=ReferralTarget.choices)
    event = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    job = models.ForeignKey("recruitment.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    service = models.CharField(_("service"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.ASKED)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "created_at"], name="bookings_referral_partner"),
                   models.Index(fields=["talent", "status"], name="bookings_referral_talent")]
