"""Reference data shipped with talentpool, each table stamped with its source and version (see reference/data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceSource(models.Model):
    key = models.CharField(max_length=20, primary_key=True)  # divisions, universities, majors, industries, occupations
    title = models.CharField(max_length=200)
    source = models.TextField()
    version = models.CharField(max_length=60)
    licence = models.TextField(blank=True)
    rows = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")


class Division(models.Model):
    """GB/T 2260 administrative division."""

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=60)
    level = models.CharField(max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class University(models.Model):
    """Ministry of Education list of higher-education institutions, with tier tags where known."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=80, db_index=True)
    province = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=30, blank=True)
    division = models.CharField(max_length=6, blank=True)
    level = models.CharField(max_length=10, blank=True)  # 本科 / 专科
    is_985 = models.BooleanField(default=False)
    is_211 = models.BooleanField(default=False)
    is_c9 = models.BooleanField(default=False)
    is_double_first_class = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "universities"

    def __str__(self) -> str:
        return self.name

    @property
    def tags(self) -> list[str]:
        return [t for t, on in (("C9", self.is_c9), ("985", self.is_985), ("211", self.is_211),
                                ("双一流", self.is_double_first_class)) if on]


class TaxonomyLevel(models.TextChoices):
    SECTION = "section", _("Section")      # industries: A–T; occupations: major group
    CATEGORY = "category", _("Category")   # majors: 08 工学
    CLASS = "class", _("Class")            # majors: 0809 计算机类
    ITEM = "item", _("Item")               # majors: 080901; industries/occupations: finest level
    GROUP = "group", _("Group")            # intermediate levels of industries and occupations


class Major(models.Model):
    """Undergraduate major catalogue: category (08), class (0809), major (080901)."""

    code = models.CharField(max_length=8, primary_key=True)
    name = models.CharField(max_length=80)
    level = models.CharField(max_length=10, choices=TaxonomyLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    # The catalogue's suffix to the code: T special (特设) major, K state-controlled (国家控制布点), TK both.
    mark = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """GB/T 4754-2017: section letter (I), division (65), group (651), class (6511)."""

    code = models.CharField(max_length=5, primary_key=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=10, choices=TaxonomyLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "industries"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Occupation(models.Model):
    """National occupation classification (2022 edition), codes like 2-02-10-03."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=10, choices=TaxonomyLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    # The classification's marks: S digital occupation (数字职业), L green occupation (绿色职业), L/S both.
    mark = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
