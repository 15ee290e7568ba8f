"""factory_boy factories for every model tests build. Catalog rows come from ``loadcatalog``."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import (
    Consent,
    EmploymentCentre,
    Membership,
    Organization,
    SeekerProfile,
    StaffAssignment,
    User,
)
from accounts.validators import make_bin, make_iin
from catalog.models import EmploymentType, Industry, Occupation, Region, WorkSchedule

TEST_PASSWORD = "correct-horse-battery-staple"
# Hashed once: Argon2 is deliberately slow, and most tests only need *a* working password.
_TEST_PASSWORD_HASH = make_password(TEST_PASSWORD)


def region(code: str = "KZ-71") -> Region:
    return Region.objects.get(code=code)


def valid_iin(n: int, birth_date: datetime.date | None = None, sex: str = "female") -> str:
    """The first valid IIN at or after serial ``n`` for the birth date (default: 25 years ago)."""
    birth_date = birth_date or datetime.date(timezone.localdate().year - 25, 5, 15)
    serial = n
    while (iin := make_iin(birth_date, sex, serial % 10000)) is None:
        serial += 1
    return iin


def valid_bin(n: int) -> str:
    serial = n
    while (bin_ := make_bin(2015, 3, 4, serial % 1000000)) is None:
        serial += 1
    return bin_


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kz")
    full_name = factory.Faker("name")
    role = User.Role.SEEKER
    password = _TEST_PASSWORD_HASH


class SeekerFactory(UserFactory):
    role = User.Role.SEEKER


class SeekerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeekerProfile

    user = factory.SubFactory(SeekerFactory)
    iin = factory.Sequence(lambda n: valid_iin(n * 7))
    phone = factory.Sequence(lambda n: f"+7701{n:07d}")
    region = factory.LazyFunction(region)
    locality = "Astana"
    search_status = SeekerProfile.SearchStatus.ACTIVE
    visibility = SeekerProfile.Visibility.VISIBLE

    @factory.lazy_attribute
    def birth_date(self):
        from accounts.validators import parse_iin

        return parse_iin(self.iin).birth_date if self.iin else None

    @factory.lazy_attribute
    def sex(self):
        from accounts.validators import parse_iin

        return parse_iin(self.iin).sex if self.iin else ""


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    user = factory.SubFactory(SeekerFactory)
    text_version = "1"
    channel = Consent.Channel.WEB


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    bin = factory.Sequence(lambda n: valid_bin(n * 11))
    legal_name = factory.Sequence(lambda n: f"Employer {n} LLP")
    region = factory.LazyFunction(region)
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="C"))
    size = Organization.Size.SMALL
    status = Organization.Status.VERIFIED


class EmployerFactory(UserFactory):
    role = User.Role.EMPLOYER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(EmployerFactory)
    role = Membership.Role.OWNER


class EmploymentCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmploymentCentre

    name = factory.Sequence(lambda n: f"Employment centre {n}")
    region = factory.LazyFunction(region)


class CentreStaffFactory(UserFactory):
    role = User.Role.CENTRE_STAFF


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(CentreStaffFactory)
    centre = factory.SubFactory(EmploymentCentreFactory)


# --- vacancies ----------------------------------------------------------------------------------


def _catalog(model, code):
    return model.objects.get(code=code)


class VacancyFactory(factory.django.DjangoModelFactory):
    """A published vacancy of a verified employer in Astana (override ``status`` for others)."""

    class Meta:
        model = "vacancies.Vacancy"

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Welder {n}")
    occupation = factory.LazyFunction(lambda: _catalog(Occupation, "7212"))
    description = "Welding of steel structures on a construction site."
    duties = "Weld, inspect seams, keep the workplace safe."
    requirements = "Certificate of a welder."
    experience_years = 1
    salary_min = 300000
    salary_max = 450000
    employment_type = factory.LazyFunction(lambda: _catalog(EmploymentType, "full_time"))
    schedule = factory.LazyFunction(lambda: _catalog(WorkSchedule, "full_day"))
    region = factory.LazyFunction(region)
    locality = "Astana"
    positions = 3
    status = "published"
    published_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "vacancies.Application"

    vacancy = factory.SubFactory(VacancyFactory)
    seeker = factory.LazyAttribute(lambda o: SeekerProfileFactory().user)
    cv_snapshot = factory.LazyFunction(dict)
