"""The talent registry: people, their education, employment and social insurance, and the enterprises."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from talentpool.core.heartbeat import INTERRUPTED, INTERRUPTED_LABEL, heartbeat_stale
from talentpool.engines import vocab


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Tier(models.TextChoices):
    A = "A", _("Tier A (top talent)")
    B = "B", _("Tier B (national leading talent)")
    C = "C", _("Tier C (provincial leading talent)")
    D = "D", _("Tier D (city leading talent)")
    E = "E", _("Tier E (high-level talent)")


class Honour(models.TextChoices):
    ACADEMICIAN_CAS = "academician_cas", _("Academician, Chinese Academy of Sciences")
    ACADEMICIAN_CAE = "academician_cae", _("Academician, Chinese Academy of Engineering")
    FOREIGN_ACADEMICIAN = "foreign_academician", _("Foreign academician")
    NATIONAL_PROGRAMME = "national_programme", _("National talent programme")
    PROVINCIAL_TOP = "provincial_top", _("Provincial top-talent programme")
    CITY_PROGRAMME = "city_programme", _("City talent programme")


class Housing(models.TextChoices):
    NONE = "none", _("No public housing")
    PUBLIC_RENTAL = "public_rental", _("Public rental housing")
    TALENT_RENTAL = "talent_rental", _("Talent rental housing")


class Degree(models.TextChoices):
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctor")


DEGREE_RANK = vocab.DEGREE_RANK  # the shared ranks (engines/vocab.py)


class Cluster(models.TextChoices):
    INTELLIGENT_MANUFACTURING = "intelligent_manufacturing", _("Intelligent manufacturing")
    LIFE_HEALTH = "life_health", _("Life and health")
    DIGITAL_ECONOMY = "digital_economy", _("Digital economy")
    OTHER = "other", _("Other")


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=5, blank=True)
    cluster = models.CharField(_("cluster"), max_length=30, choices=Cluster.choices, default=Cluster.OTHER, db_index=True)
    division = models.CharField(_("division"), max_length=6, db_index=True)
    street = models.CharField(_("street"), max_length=100, blank=True)
    tax_division = models.CharField(_("tax-registration division"), max_length=6, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=EnterpriseSize.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class Talent(models.Model):
    """A person in the registry. The ID number is never stored in clear: see ``talentpool.core.crypto``."""

    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices)
    id_number_encrypted = models.TextField()
    id_lookup = models.CharField(max_length=64, unique=True, help_text="HMAC of id_type:id_number")
    id_masked = models.CharField(_("ID number"), max_length=40)
    id_tail = models.CharField(max_length=4, db_index=True)
    name = models.CharField(_("name"), max_length=60, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    hukou_division = models.CharField(_("hukou division"), max_length=6, blank=True)
    residence_division = models.CharField(_("residence division"), max_length=6, blank=True)
    district = models.CharField(
        _("registry district"), max_length=6, db_index=True,
        help_text=_("County-level division whose office keeps this record; officers see their district's records."),
    )
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    tier = models.CharField(_("talent tier"), max_length=1, choices=Tier.choices, blank=True, db_index=True)
    tier_basis = models.CharField(_("tier basis"), max_length=200, blank=True)
    tier_date = models.DateField(_("tier date"), null=True, blank=True)
    honours = models.JSONField(_("honours"), default=list, blank=True)
    spouse = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owns_property = models.BooleanField(_("owns property"), default=False)
    property_division = models.CharField(_("property division"), max_length=6, blank=True)
    property_purchase_date = models.DateField(_("property purchase date"), null=True, blank=True)
    housing = models.CharField(_("public housing"), max_length=20, choices=Housing.choices, default=Housing.NONE)
    housing_since = models.DateField(_("living in the public housing since"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="talent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        indexes = [
            models.Index(fields=["district", "name"], name="talent_district_name"),
            # the tiered few (~4% of a district) in tier and record order: the one-to-one page reads its first 100
            # off this index instead of sorting every tiered talent's row (10 ms per request at 400,000 talents)
            models.Index(fields=["tier", "id"], name="talent_tiered", condition=models.Q(tier__in=Tier.values)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_masked})"


class HouseholdFacts(models.Model):
    """Household and housing facts the office records for one person, each with the day it holds from, so that
    policies read them as they stood on the as-of date (``policies.facts``): the price of the house bought on
    ``Talent.property_purchase_date``, the settling allowance (安家补助) received and when, and whether the
    household's per-capita income is below the city's average as assessed on a day."""

    talent = models.OneToOneField(Talent, on_delete=models.CASCADE, related_name="household_facts")
    house_price = models.DecimalField(_("house price (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    settling_allowance = models.DecimalField(_("settling allowance received (yuan)"), max_digits=14,
                                             decimal_places=2, null=True, blank=True)
    settling_allowance_on = models.DateField(_("settling allowance received on"), null=True, blank=True)
    income_low = models.BooleanField(_("household income below the city average"), null=True, blank=True)
    income_per_capita = models.DecimalField(_("household per-capita income (yuan a year)"), max_digits=14,
                                            decimal_places=2, null=True, blank=True)
    income_assessed_on = models.DateField(_("income assessed on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household facts")
        verbose_name_plural = _("household facts")


class MemberRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")


class HouseholdMember(models.Model):
    """A member of a talent's household: the spouse (with the ID number and the day of marriage) or a child (with
    the birth date). The ID number is stored like a talent's (encrypted, a look-up hash, a masked form); a spouse
    whose number is in the registry is linked (``linked_talent``) and both talents' ``Talent.spouse`` point at
    each other. Policies read a spouse from the day of marriage on and a child as a minor until the 18th
    birthday (``policies.facts``)."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="household_members")
    relation = models.CharField(_("relation"), max_length=8, choices=MemberRelation.choices)
    member_key = models.CharField(max_length=80, help_text="The ID look-up hash, or name|birth date for a child "
                                                           "without an ID number: the natural key with talent")
    name = models.CharField(_("name"), max_length=60)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices, blank=True)
    id_number_encrypted = models.TextField(blank=True)
    id_masked = models.CharField(_("ID number"), max_length=40, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    married_on = models.DateField(_("date of marriage"), null=True, blank=True)
    linked_talent = models.ForeignKey(Talent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["relation", "birth_date", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [models.UniqueConstraint(fields=["talent", "relation", "member_key"], name="member_natural_key")]
        indexes = [
            models.Index(fields=["linked_talent"], name="member_linked_talent"),
            # spouses recorded before they registered, found by a talents import (household.spouses_registered)
            models.Index(fields=["member_key"], condition=models.Q(relation="spouse", linked_talent__isnull=True),
                         name="member_spouse_unlinked"),
        ]


class PropertyRecord(models.Model):
    """A home a talent owns or owned: where, when acquired and, once sold, when sold. Policies read it as held
    from the day acquired up to the day before the sale (``policies.facts``)."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="properties")
    division = models.CharField(_("property division"), max_length=6)
    acquired_on = models.DateField(_("acquired on"))
    sold_on = models.DateField(_("sold on"), null=True, blank=True)
    area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["acquired_on", "id"]
        verbose_name = _("property record")
        verbose_name_plural = _("property records")
        constraints = [
            models.UniqueConstraint(fields=["talent", "division", "acquired_on"], name="property_natural_key"),
            models.CheckConstraint(name="property_sold_after_acquired",
                                   condition=models.Q(sold_on__isnull=True) | models.Q(sold_on__gte=models.F("acquired_on"))),
        ]


class Education(models.Model):
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="educations")
    degree = models.CharField(_("degree"), max_length=16, choices=Degree.choices)
    full_time = models.BooleanField(_("full-time"), default=True)
    overseas = models.BooleanField(_("overseas"), default=False)
    overseas_certified = models.BooleanField(_("overseas degree certified"), default=False)
    university_code = models.CharField(_("university"), max_length=10, blank=True, db_index=True)
    university_name = models.CharField(_("university name"), max_length=120, blank=True)
    major_code = models.CharField(_("major"), max_length=8, blank=True, db_index=True)
    graduation_date = models.DateField(_("graduation date"))
    diploma_date = models.DateField(_("diploma date"), null=True, blank=True)

    class Meta:
        ordering = ["graduation_date"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "degree", "graduation_date"], name="education_natural_key")
        ]


class Employment(models.Model):
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="employments")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    occupation_code = models.CharField(_("occupation"), max_length=12, blank=True)
    certified_at = models.DateTimeField(_("certified by the enterprise"), null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "enterprise", "start_date"], name="employment_natural_key")
        ]
        indexes = [models.Index(fields=["enterprise", "end_date"], name="employment_current")]


class InsuranceRecord(models.Model):
    """A run of consecutive months of social insurance paid in one division (a single month has from == to)."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="insurance")
    from_month = models.DateField(_("from month"), help_text=_("First day of the first month"))
    to_month = models.DateField(_("to month"), help_text=_("First day of the last month"))
    division = models.CharField(_("division where paid"), max_length=6)
    back_paid = models.BooleanField(_("back-paid"), default=False)

    class Meta:
        ordering = ["from_month"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "from_month", "division"], name="insurance_natural_key"),
            models.CheckConstraint(name="insurance_months_ordered", condition=models.Q(to_month__gte=models.F("from_month"))),
        ]

    @property
    def months(self) -> int:
        return (self.to_month.year - self.from_month.year) * 12 + self.to_month.month - self.from_month.month + 1


class ImportKind(models.TextChoices):
    TALENTS = "talents", _("Talents")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    INSURANCE = "insurance", _("Social insurance")
    ENTERPRISES = "enterprises", _("Enterprises")
    HOUSEHOLD = "household", _("Household and housing")
    MEMBERS = "members", _("Household members")
    PROPERTIES = "properties", _("Property owned and sold")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("File unusable")


class ImportJob(models.Model):
    """One uploaded file and its progress. Rows are applied in chunks, each committed with the cursor, so an
    interrupted import resumes where it stopped and re-running a chunk changes nothing (upserts on natural keys)."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    district = models.CharField(max_length=6, blank=True, help_text="District of the importing officer")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file_error = models.TextField(blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of the worker running it")

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def summary_line(self) -> str:
        return (
            f"{self.rows_done} rows: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected"
        )

    @property
    def summary_text(self) -> str:
        """The summary in the user's language (the CLI prints ``summary_line``, which scripts parse)."""
        from django.utils.translation import gettext

        return gettext("%(rows)s rows: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected") % {
            "rows": self.rows_done, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected}

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.total_rows) if self.total_rows else (100 if self.status == "done" else 0)

    @property
    def interrupted(self) -> bool:
        """Running, but its worker stopped: no heartbeat for a minute (``core.heartbeat``)."""
        return self.status == ImportStatus.RUNNING and heartbeat_stale(self.heartbeat_at)

    @property
    def state(self) -> str:
        """The status shown on pages, in the API and on the command line: ``interrupted`` or the stored one."""
        return INTERRUPTED if self.interrupted else self.status

    def get_state_display(self) -> str:
        return str(INTERRUPTED_LABEL) if self.interrupted else str(self.get_status_display())

    @property
    def resumable(self) -> bool:
        """Waiting for a worker that may have lost it, or interrupted: an officer may start it again."""
        return self.status == ImportStatus.PENDING or self.interrupted


class ImportRowError(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=60, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["row", "id"]


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    ACCEPTED = "accepted", _("Accepted: record corrected")
    REJECTED = "rejected", _("Rejected")


class CorrectableField(models.TextChoices):
    """The fields of a person's record a talent may ask to correct with a value (``registry.corrections``)."""

    NAME = "name", _("Name")
    GENDER = "gender", _("Gender")
    BIRTH_DATE = "birth_date", _("Birth date")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    HUKOU_DIVISION = "hukou_division", _("Hukou division")
    RESIDENCE_DIVISION = "residence_division", _("Residence division")
    ARRIVAL_DATE = "arrival_date", _("Arrival date")
    OWNS_PROPERTY = "owns_property", _("Owns property")
    HOUSING = "housing", _("Public housing")


class CorrectionRequest(models.Model):
    """A talent's request to correct what the office holds about them (journey: talent 1)."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="corrections")
    message = models.TextField(_("what is wrong"), max_length=2000, blank=True)
    field = models.CharField(_("field to correct"), max_length=30, choices=CorrectableField.choices, blank=True)
    requested_value = models.CharField(_("correct value"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.OPEN, db_index=True)
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
