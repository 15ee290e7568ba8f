"""Online job fairs: the fair and its audience, employers taking part with vacancies and interview
slots, seekers registered, their fair applications and slot bookings.

A fair application *is* a vacancies ``Application`` (same CV snapshot, state machine and
employer pages) with a ``FairApplication`` row beside it that ties it to the fair and keeps the
answers to the screening questions. Hires made at the fair are capped by
``FairVacancy.positions_offered``, counted in ``FairVacancy.positions_filled`` under a row lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class FairTemplate(models.Model):
    """How the monthly national fair is created: one active row, edited by administrators.

    When no row exists the defaults below are used, so a fresh installation creates fairs too.
    """

    title_en = models.CharField(_("title (English)"), max_length=200, default="National online job fair")
    title_ru = models.CharField(_("title (Russian)"), max_length=200, default="Республиканская онлайн-ярмарка вакансий")
    title_kk = models.CharField(
        _("title (Kazakh)"),
        max_length=200,
        default="Республикалық онлайн бос жұмыс орындары жәрмеңкесі",  # noqa: RUF001
    )
    description = models.TextField(_("description"), blank=True)
    start_day = models.PositiveSmallIntegerField(_("first day of the month"), default=24)
    end_day = models.PositiveSmallIntegerField(
        _("last day of the month"), default=30, help_text=_("Taken as the month's last day in a shorter month.")
    )
    registration_days = models.PositiveSmallIntegerField(
        _("registration opens this many days before the start"), default=7
    )
    results_days = models.PositiveSmallIntegerField(
        _("results are published this many days after the end"),
        default=7,
        help_text=_("Employers select and hire in this week."),
    )
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True, default=35)
    graduates_only = models.BooleanField(_("graduates only"), default=False)
    active = models.BooleanField(_("create monthly fairs"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly fair template")
        verbose_name_plural = _("monthly fair templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_day__gte=1, start_day__lte=28, end_day__gte=F("start_day"), end_day__lte=31),
                name="fair_template_days_in_month",
            )
        ]

    def __str__(self) -> str:
        return self.title_en


class Fair(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("National monthly fair")
        REGIONAL = "regional", _("Regional fair")
        EMPLOYER = "employer", _("Single-employer fair")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        REGISTRATION = "registration", _("Registration open")
        LIVE = "live", _("Live")
        CLOSED = "closed", _("Closed")
        RESULTS = "results", _("Results published")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NATIONAL)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.SCHEDULED)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The region whose staff run a regional fair; the employer of a single-employer fair.
    region = models.ForeignKey(
        "catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_fairs",
        verbose_name=_("employer"),
    )
    # Audience rules. No audience region means the whole country.
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    graduates_only = models.BooleanField(_("graduates only"), default=False)
    audience_regions = models.ManyToManyField(
        "catalog.Region", blank=True, related_name="+", verbose_name=_("regions of the audience")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    results_at = models.DateTimeField(_("results published"))
    # First day of the month of a national monthly fair: the monthly task's "exactly once" key.
    month = models.DateField(_("month"), null=True, blank=True, editable=False)
    # Frozen when the results are published (see fairs.services.results).
    results = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_opens_at__lte=F("starts_at"))
                & Q(starts_at__lt=F("ends_at"))
                & Q(ends_at__lte=F("results_at")),
                name="fair_dates_ordered",
            ),
            models.UniqueConstraint(fields=["month"], condition=Q(kind="national"), name="one_national_fair_per_month"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="fair_status_starts_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("fairs:detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE


class Participation(models.Model):
    """An employer taking part in a fair, once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="participations")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="fair_participations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("message to the organizers"), max_length=1000, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair", "organization__legal_name"]
        verbose_name = _("fair participation")
        verbose_name_plural = _("fair participations")
        constraints = [
            models.UniqueConstraint(fields=["fair", "organization"], name="one_participation_per_fair_and_employer")
        ]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.fair}"


class FairVacancy(models.Model):
    """A vacancy offered at a fair with the positions the employer fills through the fair."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="fair_vacancies")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="fair_vacancies")
    vacancy = models.ForeignKey("vacancies.Vacancy", on_delete=models.CASCADE, related_name="fair_entries")
    positions_offered = models.PositiveIntegerField(_("positions offered at the fair"))
    positions_filled = models.PositiveIntegerField(_("hired at the fair"), default=0, editable=False)
    # Up to FAIR_SCREENING_QUESTIONS_MAX short questions, answered when applying.
    screening_questions = models.JSONField(_("screening questions"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair", "vacancy__title"]
        verbose_name = _("fair vacancy")
        verbose_name_plural = _("fair vacancies")
        constraints = [
            models.UniqueConstraint(fields=["fair", "vacancy"], name="one_entry_per_fair_and_vacancy"),
            models.CheckConstraint(condition=Q(positions_offered__gte=1), name="fair_vacancy_offers_a_position"),
            models.CheckConstraint(
                condition=Q(positions_filled__lte=F("positions_offered")), name="fair_hires_within_positions_offered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy} @ {self.fair}"

    @property
    def positions_left(self) -> int:
        return max(self.positions_offered - self.positions_filled, 0)


class Registration(models.Model):
    """A seeker registered for a fair. The audience facts are kept as they were checked."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="registrations")
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fair_registrations")
    region = models.ForeignKey("catalog.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    age_at_start = models.PositiveSmallIntegerField(_("age on the first day"), null=True, blank=True)
    is_youth = models.BooleanField(_("young person"), default=False)
    is_graduate = models.BooleanField(_("graduate"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair", "created_at"]
        verbose_name = _("fair registration")
        verbose_name_plural = _("fair registrations")
        constraints = [models.UniqueConstraint(fields=["fair", "seeker"], name="one_registration_per_fair_and_seeker")]

    def __str__(self) -> str:
        return f"{self.seeker_id} @ {self.fair_id}"


class FairApplication(models.Model):
    """The fair side of an application made at a fair: which fair vacancy, and the answers."""

    application = models.OneToOneField("vacancies.Application", on_delete=models.CASCADE, related_name="fair_entry")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="applications")
    fair_vacancy = models.ForeignKey(FairVacancy, on_delete=models.CASCADE, related_name="applications")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="applications")
    # [{"question": ..., "answer": ...}] in the order of the fair vacancy's questions.
    answers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fair_vacancy", "created_at"]
        verbose_name = _("fair application")
        verbose_name_plural = _("fair applications")
        indexes = [models.Index(fields=["fair", "created_at"], name="fair_application_fair_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.fair_id}"


class InterviewSlot(models.Model):
    """An interview time an employer offers at a fair: one-to-one (capacity 1) or a group."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="slots")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="slots")
    fair_vacancy = models.ForeignKey(
        FairVacancy, on_delete=models.CASCADE, null=True, blank=True, related_name="slots", verbose_name=_("vacancy")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    meeting_link = models.URLField(_("online meeting link"), max_length=500)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_has_capacity"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_booked_within_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.participation} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)


class SlotBooking(models.Model):
    """A seeker's place in an interview slot. Times are copied from the slot for overlap checks."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(InterviewSlot, on_delete=models.CASCADE, related_name="bookings")
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slot_bookings")
    fair_application = models.ForeignKey(
        FairApplication, on_delete=models.CASCADE, null=True, blank=True, related_name="bookings"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("interview booking")
        verbose_name_plural = _("interview bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "seeker"], condition=Q(status="booked"), name="one_live_booking_per_slot_and_seeker"
            )
        ]
        indexes = [models.Index(fields=["seeker", "status", "starts_at"], name="booking_seeker_time_idx")]

    def __str__(self) -> str:
        return f"{self.seeker_id} @ {self.slot_id}"
