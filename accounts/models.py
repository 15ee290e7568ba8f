from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address and acts in one role."""

    class Role(models.TextChoices):
        SEEKER = "seeker", _("Job seeker")
        EMPLOYER = "employer", _("Employer member")
        CENTRE_STAFF = "centre_staff", _("Employment-centre staff")
        ADMIN = "admin", _("Administrator")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SEEKER)
    language = models.CharField(_("interface language"), max_length=8, default="ru")
    is_active = models.BooleanField(_("active"), default=True)
    # Django's flag for access to the admin site, not the "employment-centre staff" role.
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_seeker(self) -> bool:
        return self.role == self.Role.SEEKER

    @property
    def is_employer(self) -> bool:
        return self.role == self.Role.EMPLOYER

    @property
    def is_centre_staff(self) -> bool:
        return self.role == self.Role.CENTRE_STAFF

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser


# --- Job seekers ------------------------------------------------------------------------------


class Consent(models.Model):
    """A job seeker's consent to the processing of personal data (one row per giving).

    The current consent is the newest row without ``withdrawn_at``. Rows are kept after
    withdrawal as the record of what was agreed, when and through which channel.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Web site")
        API = "api", _("API")
        CENTRE = "centre", _("Employment centre (paper)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    text_version = models.CharField(_("text version"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent to personal data processing")
        verbose_name_plural = _("consents to personal data processing")
        constraints = [
            # At most one active consent per person.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(withdrawn_at__isnull=True), name="one_active_consent_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} v{self.text_version} ({self.channel})"


class SeekerProfile(models.Model):
    """The job seeker's CV. One per seeker account."""

    class SearchStatus(models.TextChoices):
        ACTIVE = "active", _("Actively looking")
        OPEN = "open", _("Open to offers")
        NOT_LOOKING = "not_looking", _("Not looking")

    class Visibility(models.TextChoices):
        VISIBLE = "visible", _("Visible to employers")
        HIDDEN = "hidden", _("Hidden")

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="seeker_profile")
    iin = models.CharField(_("IIN"), max_length=12, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    region = models.ForeignKey(
        "catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    locality = models.CharField(_("locality"), max_length=120, blank=True)
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    about = models.TextField(_("about me"), blank=True)
    skills = models.ManyToManyField("catalog.Skill", blank=True, related_name="+", verbose_name=_("skills"))
    other_skills = models.CharField(
        _("other skills"), max_length=500, blank=True, help_text=_("Skills not in the list, separated by commas.")
    )
    desired_occupations = models.ManyToManyField(
        "catalog.Occupation", blank=True, related_name="+", verbose_name=_("desired occupations")
    )
    desired_salary = models.PositiveIntegerField(_("desired salary, KZT per month"), null=True, blank=True)
    employment_types = models.ManyToManyField(
        "catalog.EmploymentType", blank=True, related_name="+", verbose_name=_("acceptable employment types")
    )
    schedules = models.ManyToManyField(
        "catalog.WorkSchedule", blank=True, related_name="+", verbose_name=_("acceptable schedules")
    )
    willing_to_relocate = models.BooleanField(_("willing to relocate"), default=False)
    remote_ok = models.BooleanField(_("remote work is fine"), default=False)
    search_status = models.CharField(
        _("job-search status"), max_length=20, choices=SearchStatus.choices, default=SearchStatus.ACTIVE
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.HIDDEN)
    # Kept in step with Consent rows by the consent services, so matching can filter in SQL.
    has_consent = models.BooleanField(_("consent given"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("job-seeker profile")
        verbose_name_plural = _("job-seeker profiles")
        indexes = [models.Index(fields=["region", "visibility", "has_consent"], name="seeker_region_visible_idx")]

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def is_discoverable(self) -> bool:
        """Employers may see and match this profile."""
        return self.has_consent and self.visibility == self.Visibility.VISIBLE and self.user.is_active

    def age_on(self, day) -> int | None:
        if not self.birth_date:
            return None
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def is_youth(self, day=None) -> bool:
        """Under 35 on ``day`` (today by default): the youth programmes' age limit."""
        age = self.age_on(day or timezone.localdate())
        return age is not None and age < 35

    def is_graduate(self, day=None) -> bool:
        """Graduated within the last 3 years, or still studying."""
        day = day or timezone.localdate()
        return any(
            e.is_current or (e.graduation_year and day.year - e.graduation_year <= 3) for e in self.educations.all()
        )


class Education(models.Model):
    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="educations")
    level = models.ForeignKey(
        "catalog.EducationLevel", on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    institution = models.CharField(_("institution"), max_length=200)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)
    is_current = models.BooleanField(_("still studying"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-graduation_year", "-id"]
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return f"{self.institution} ({self.graduation_year or '-'})"


class WorkExperience(models.Model):
    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="experiences")
    employer_name = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    occupation = models.ForeignKey(
        "catalog.Occupation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while you work there."))
    description = models.TextField(_("what you did"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="experience_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} @ {self.employer_name}"


class LanguageSkill(models.Model):
    class Level(models.TextChoices):
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", "C2"
        NATIVE = "native", _("Native")

    profile = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639-1 code, e.g. kk, ru, en."))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="one_level_per_language")]

    def __str__(self) -> str:
        return f"{self.language} {self.level}"


# --- Employers --------------------------------------------------------------------------------


class Organization(models.Model):
    """An employer: a legal entity identified by its BIN."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class Size(models.TextChoices):
        MICRO = "micro", _("1-15 employees")
        SMALL = "small", _("16-100 employees")
        MEDIUM = "medium", _("101-250 employees")
        LARGE = "large", _("More than 250 employees")

    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=300)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    industry = models.ForeignKey(
        "catalog.Industry", on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    verified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["region", "status"], name="organization_region_status_idx")]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    """A user acting for an organization. An employer account belongs to one organization."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        RECRUITER = "recruiter", _("Recruiter")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organization member")
        verbose_name_plural = _("organization members")

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) @ {self.organization}"


class MemberInvitation(models.Model):
    """An owner's invitation to a colleague, accepted through a link sent by e-mail."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("member invitation")
        verbose_name_plural = _("member invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organization}"


# --- Employment centres -----------------------------------------------------------------------


class EmploymentCentre(models.Model):
    name = models.CharField(_("name"), max_length=300)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__position", "name"]
        verbose_name = _("employment centre")
        verbose_name_plural = _("employment centres")

    def __str__(self) -> str:
        return self.name


class StaffAssignment(models.Model):
    """Puts an employment-centre staff user in a centre; they act within the centre's region."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_assignment")
    centre = models.ForeignKey(EmploymentCentre, on_delete=models.PROTECT, related_name="staff")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")

    def __str__(self) -> str:
        return f"{self.user} @ {self.centre}"
