"""Vacancies and everything that happens to them: moderation, applications, invitations,
referrals, national projects, reports and bulk imports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

# --- National projects ------------------------------------------------------------------------


class NationalProgramme(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("national programme")
        verbose_name_plural = _("national programmes")

    def __str__(self) -> str:
        return self.name_en


class NationalProject(models.Model):
    """A project of a national programme with the jobs it plans to create in a region."""

    class Stage(models.TextChoices):
        TENDER_OPEN = "tender_open", _("Tender open")
        CONTRACTOR_IDENTIFIED = "contractor_identified", _("Contractor identified")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    programme = models.ForeignKey(NationalProgramme, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=300)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    employer = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="national_projects",
        verbose_name=_("implementing employer"),
    )
    contractor = models.CharField(_("contractor"), max_length=300, blank=True)
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.TENDER_OPEN)
    planned_permanent_jobs = models.PositiveIntegerField(_("planned permanent jobs"), default=0)
    planned_temporary_jobs = models.PositiveIntegerField(_("planned temporary jobs"), default=0)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__position", "name"]
        verbose_name = _("national project")
        verbose_name_plural = _("national projects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="project_years_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- Vacancies --------------------------------------------------------------------------------


class VacancyQuerySet(models.QuerySet):
    def live(self) -> VacancyQuerySet:
        """Published by a verified employer: what the public sees and seekers can apply to.

        An employer loses its verification when it changes its identity or staff reject it; its
        published vacancies keep their state but leave search, their public pages and
        applications until it is verified again.
        """
        return self.filter(status=Vacancy.Status.PUBLISHED, organization__status=Organization.Status.VERIFIED)


class Vacancy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")
        FILLED = "filled", _("Filled")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Rejected")

    # A vacancy in one of these states blocks an identical one (duplicate detection).
    OPEN_STATUSES = (Status.PENDING, Status.PUBLISHED, Status.PAUSED)

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="vacancies")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    external_id = models.CharField(
        _("employer's reference"), max_length=100, blank=True, help_text=_("Used to update vacancies on re-import.")
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(
        "catalog.Occupation", on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("occupation")
    )
    description = models.TextField(_("job description"))
    duties = models.TextField(_("duties"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    education_level = models.ForeignKey(
        "catalog.EducationLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minimum education"),
    )
    experience_years = models.PositiveSmallIntegerField(_("years of experience required"), default=0)
    required_skills = models.ManyToManyField(
        "catalog.Skill", blank=True, related_name="+", verbose_name=_("required skills")
    )
    nice_skills = models.ManyToManyField(
        "catalog.Skill", blank=True, related_name="vacancies_nice_to_have+", verbose_name=_("nice-to-have skills")
    )
    # Names of the skills in every language, kept by the services so full-text search sees them.
    skills_text = models.TextField(blank=True, editable=False)
    languages = ArrayField(
        models.CharField(max_length=8),
        blank=True,
        default=list,
        verbose_name=_("languages required"),
        help_text=_("ISO 639-1 codes, e.g. kk, ru, en."),
    )
    salary_min = models.PositiveIntegerField(_("salary from, KZT"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("salary to, KZT"), null=True, blank=True)
    salary_is_gross = models.BooleanField(_("salary before tax"), default=True)
    employment_type = models.ForeignKey(
        "catalog.EmploymentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("employment type")
    )
    schedule = models.ForeignKey(
        "catalog.WorkSchedule", on_delete=models.PROTECT, related_name="+", verbose_name=_("schedule")
    )
    region = models.ForeignKey(
        "catalog.Region", on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("region")
    )
    locality = models.CharField(_("locality"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_remote = models.BooleanField(_("remote work possible"), default=False)
    positions = models.PositiveIntegerField(_("number of positions"), default=1)
    positions_filled = models.PositiveIntegerField(_("positions filled"), default=0)
    is_youth_friendly = models.BooleanField(_("suitable for young people / no experience needed"), default=False)
    is_quota = models.BooleanField(_("quota place for people with disabilities"), default=False)
    has_social_package = models.BooleanField(_("social package"), default=False)
    national_project = models.ForeignKey(
        NationalProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("national project"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the "new vacancy" notifications of the first publication were created (matching
    # fan-out). Set by the fan-out with a conditional UPDATE in the same transaction as the
    # notifications, so a vacancy is fanned out once, and a periodic task finds the ones whose
    # task was lost (broker down at publication).
    fanout_done_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Russian stemming for Cyrillic (PostgreSQL's `russian` configuration also stems Latin words
    # with the English stemmer) plus `simple` so exact Kazakh word forms match too. Stored and
    # generated by PostgreSQL itself, so it can never be stale; GIN-indexed below.
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", config="russian", weight="A")
            + SearchVector("title", config="simple", weight="A")
            + SearchVector("skills_text", config="russian", weight="B")
            + SearchVector("skills_text", config="simple", weight="B")
            + SearchVector("description", "duties", "requirements", config="russian", weight="C")
            + SearchVector("description", "duties", "requirements", config="simple", weight="C")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="vacancy_salary_min_le_max",
            ),
            models.CheckConstraint(
                condition=models.Q(positions_filled__lte=models.F("positions")), name="vacancy_filled_le_positions"
            ),
            models.CheckConstraint(condition=models.Q(positions__gte=1), name="vacancy_positions_at_least_one"),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="vacancy_unique_external_id",
            ),
            # Duplicate detection, enforced by the database: one open vacancy per employer with
            # the same title (case-insensitive), occupation and region.
            models.UniqueConstraint(
                Lower("title"),
                "occupation",
                "region",
                "organization",
                condition=models.Q(status__in=["pending", "published", "paused"]),
                name="vacancy_no_open_duplicate",
            ),
        ]
        indexes = [
            # Search only ever looks at published vacancies: a partial GIN index is smaller and
            # spares the planner an extra bitmap over every published row (bench/search.py).
            GinIndex(
                fields=["search_vector"],
                condition=models.Q(status="published"),
                name="vacancy_search_published_gin",
            ),
            # The open-data API pages published vacancies by modification time.
            models.Index(
                fields=["updated_at", "id"], condition=models.Q(status="published"), name="vacancy_open_data_idx"
            ),
            models.Index(fields=["status", "-published_at"], name="vacancy_status_published_idx"),
            models.Index(fields=["region", "status"], name="vacancy_region_status_idx"),
            models.Index(fields=["occupation", "status"], name="vacancy_occupation_status_idx"),
            models.Index(fields=["status", "expires_at"], name="vacancy_status_expires_idx"),
            # The fan-out safety net's queue: published vacancies not fanned out yet (a few rows).
            models.Index(
                fields=["published_at"],
                condition=models.Q(status="published", fanout_done_at__isnull=True),
                name="vacancy_fanout_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("vacancies:detail", args=[self.pk])

    @property
    def positions_open(self) -> int:
        return self.positions - self.positions_filled

    @property
    def is_live(self) -> bool:
        """Published by a verified employer (``VacancyQuerySet.live``); reads the organization."""
        return self.status == self.Status.PUBLISHED and self.organization.is_verified

    @property
    def is_open_for_applications(self) -> bool:
        """Live and not past its expiry (the periodic expiry task may not have run yet); whether a
        position is left is a separate question."""
        return self.is_live and self.expires_at is not None and self.expires_at > timezone.now()


class VacancyReport(models.Model):
    """A "report this vacancy" complaint, queued for staff of the vacancy's region."""

    class Reason(models.TextChoices):
        FAKE = "fake", _("Fake employer or vacancy")
        SPAM = "spam", _("Spam or advertising")
        DISCRIMINATION = "discrimination", _("Discrimination")
        FRAUD = "fraud", _("Asks for money or personal data")
        EXPIRED = "expired", _("No longer available")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("vacancy report")
        verbose_name_plural = _("vacancy reports")

    def __str__(self) -> str:
        return f"{self.vacancy} ({self.reason})"


# --- Applications -----------------------------------------------------------------------------


class Application(models.Model):
    """A job seeker's application ("отклик") to a vacancy, with the CV as it was sent."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        VIEWED = "viewed", _("Viewed")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        INTERVIEW = "interview", _("Interview")
        OFFER = "offer", _("Offer")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        DIRECT = "direct", _("Applied directly")
        INVITATION = "invitation", _("Accepted an invitation")
        REFERRAL = "referral", _("Referred by an employment centre")
        FAIR = "fair", _("Online job fair")

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="applications")
    # Null once the seeker deleted their account: the row stays as an anonymous statistic.
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.DIRECT)
    cover_letter = models.TextField(_("cover letter"), blank=True, max_length=5000)
    cv_snapshot = models.JSONField(_("CV as sent"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Anonymous facts kept for statistics after erasure.
    seeker_region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, related_name="+")
    seeker_was_youth = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "seeker"], name="one_application_per_seeker_and_vacancy"),
        ]
        indexes = [
            models.Index(fields=["vacancy", "status"], name="application_vacancy_status_idx"),
            models.Index(fields=["seeker", "-created_at"], name="application_seeker_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker_id} -> {self.vacancy_id} ({self.status})"


class ApplicationEvent(models.Model):
    """One state transition of an application: who moved it, from what, to what, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Application.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class CvView(models.Model):
    """Log of an employer member opening a job seeker's CV."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cv_views")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("CV view")
        verbose_name_plural = _("CV views")

    def __str__(self) -> str:
        return f"{self.viewer_id} viewed {self.seeker_id}"


class Invitation(models.Model):
    """An employer's approach to a visible job seeker, for one vacancy."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="invitations")
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["vacancy", "seeker"], name="one_invitation_per_seeker")]

    def __str__(self) -> str:
        return f"{self.vacancy_id} -> {self.seeker_id} ({self.status})"


# --- Referrals --------------------------------------------------------------------------------


class ReferralQuota(models.Model):
    """A region's yearly referral limit, set by administrators; ``used`` moves under a row lock."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    limit = models.PositiveIntegerField(_("limit"))
    used = models.PositiveIntegerField(_("used"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "region__position"]
        verbose_name = _("referral quota")
        verbose_name_plural = _("referral quotas")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_quota_per_region_and_year"),
            models.CheckConstraint(condition=models.Q(used__lte=models.F("limit")), name="quota_used_le_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.used}/{self.limit}"


class Referral(models.Model):
    """Staff sending a job seeker to a vacancy ("направление"); creates the application."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for the employer")
        HIRED = "hired", _("Hired")
        NOT_HIRED = "not_hired", _("Not hired")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="referral")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    centre = models.ForeignKey("accounts.EmploymentCentre", on_delete=models.PROTECT, related_name="referrals")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+")
    reply_deadline = models.DateField(_("employer reply deadline"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["region", "outcome"], name="referral_region_outcome_idx")]

    def __str__(self) -> str:
        return f"referral {self.pk}"


# --- Bulk import ------------------------------------------------------------------------------


class ImportJob(models.Model):
    """A CSV/XLSX upload of vacancies, processed by a Celery task with visible progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="import_jobs")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{row, column, message}]")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vacancy import")
        verbose_name_plural = _("vacancy imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


# --- Matching ---------------------------------------------------------------------------------


class SavedSearch(models.Model):
    """A job seeker's search (words and filters, as the search page takes them) kept to be told
    about new vacancies that match it.

    ``filters`` holds the search form's parameters in canonical form: only the filters in use,
    catalog entries by code (``{"region": ["KZ-71"], "occupation": "7212", "salary_min": 300000,
    "remote": true}``); ``vacancies.forms.matching`` validates and canonicalises them with the
    search form itself, so a saved search and the search page can never disagree.

    ``frequency`` says whether the search produces notifications at all (``never`` switches it
    off); how soon they are e-mailed follows the user's preference for the ``saved_search`` kind
    in the notifications app (see ``vacancies.services.matching``).
    """

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("Instantly")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        NEVER = "never", _("Never (keep the search only)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("words"), max_length=200, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    frequency = models.CharField(_("notify me"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT)
    # When a new vacancy last matched the search (the fan-out sets it).
    last_run_at = models.DateTimeField(_("last match"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name_per_user")]

    def __str__(self) -> str:
        return self.name
