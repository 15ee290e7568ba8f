"""Reference data every app reads: regions, the ISCO-08 classifier, skills and small lists.

Names are stored in the three interface languages; ``name`` picks the active language and
falls back to English (ISCO-08 has Russian titles for unit groups only, Kazakh for none yet).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _localized(obj, prefix: str) -> str:
    language = (get_language() or "en").split("-")[0]
    return getattr(obj, f"{prefix}_{language}", "") or getattr(obj, f"{prefix}_en")


class NamedEntry(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localized(self, "name")


class Region(NamedEntry):
    """One of Kazakhstan's 17 regions or 3 cities of republican significance (ISO 3166-2:KZ code)."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta(NamedEntry.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Occupation(models.Model):
    """A group of the ISCO-08 classifier: major (1 digit) down to unit group (4 digits)."""

    class Level(models.IntegerChoices):
        MAJOR = 1, _("Major group")
        SUB_MAJOR = 2, _("Sub-major group")
        MINOR = 3, _("Minor group")
        UNIT = 4, _("Unit group")

    code = models.CharField(_("ISCO-08 code"), max_length=4, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation group")
        verbose_name_plural = _("occupation groups")
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="occupation_level_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return _localized(self, "title")


class Skill(NamedEntry):
    class Meta(NamedEntry.Meta):
        ordering = ["name_en"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class EducationLevel(NamedEntry):
    """Ordered by ``position``: a higher position is a higher level of education."""

    class Meta(NamedEntry.Meta):
        verbose_name = _("education level")
        verbose_name_plural = _("education levels")


class EmploymentType(NamedEntry):
    class Meta(NamedEntry.Meta):
        verbose_name = _("employment type")
        verbose_name_plural = _("employment types")


class WorkSchedule(NamedEntry):
    class Meta(NamedEntry.Meta):
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")


class Industry(NamedEntry):
    """A section of the economic activity classifier (OKED, harmonised with NACE Rev. 2: A-U)."""

    class Meta(NamedEntry.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
