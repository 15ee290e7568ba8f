"""Demo data of the accounts app: the demo employers' organizations, the demo staff member's
centre, and job seekers with complete CVs. A seeder of ``settings.DEMO_SEEDERS``, run by
``seeddemo`` after ``demo_users_ensure``.

Idempotent: every step looks for what it would create (an organization through its owner's
membership, a CV through its IIN, entries through their profile) and leaves existing rows alone,
so ``make run`` can call it on every start. The writes go through the services, so the demo data
obeys the same rules as real data; the verification and staff assignment are made by the demo
administrator. Development machines only: the passwords are printed by ``make run``.
"""

# The demo texts are Russian and Kazakh: Cyrillic letters that look Latin are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Consent, EmploymentCentre, Membership, Organization, SeekerProfile, StaffAssignment, User
from accounts.services.organizations import organization_create, organization_verify
from accounts.services.seekers import (
    consent_give,
    seeker_education_add,
    seeker_experience_add,
    seeker_language_add,
    seeker_profile_update,
)
from accounts.services.staff import staff_assign
from accounts.services.users import DEMO_PASSWORD
from accounts.validators import make_bin, make_iin
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule

DEMO_ADMIN_EMAIL = "admin@demo.kz"
DEMO_STAFF_EMAIL = "staff@demo.kz"
DEMO_EMPLOYER_EMAIL = "employer@demo.kz"
DEMO_SEEKER_EMAIL = "seeker@demo.kz"
ASTANA = "KZ-71"


@dataclass(frozen=True)
class DemoOrganization:
    owner_email: str
    owner_name: str
    legal_name: str
    region: str
    industry: str
    size: str
    website: str
    description: str
    bin_serial: int  # where the search for a free valid BIN starts


DEMO_ORGANIZATIONS = (
    DemoOrganization(
        DEMO_EMPLOYER_EMAIL,
        "Dana Employer",
        "ТОО «Astana Digital Services»",
        ASTANA,
        "J",
        Organization.Size.MEDIUM,
        "https://astana-digital.example.kz",
        "Разрабатываем государственные и городские цифровые сервисы. "
        "Мемлекеттік және қалалық цифрлық қызметтерді әзірлейміз. "
        "We build public and city digital services in Astana.",
        424201,
    ),
    DemoOrganization(
        "employer2@demo.kz",
        "Aliya Recruiter",
        "ТОО «Алматы Сервис Групп»",
        "KZ-75",
        "I",
        Organization.Size.LARGE,
        "https://almaty-service.example.kz",
        "Сеть кафе и гостиниц в Алматы. Алматыдағы кафелер мен қонақүйлер желісі.",
        424301,
    ),
    DemoOrganization(
        "employer3@demo.kz",
        "Yerlan Builder",
        "ТОО «Шымкент Құрылыс»",
        "KZ-79",
        "F",
        Organization.Size.SMALL,
        "",
        "Строительство жилых домов и дорог в Шымкенте и Туркестанской области.",
        424401,
    ),
    DemoOrganization(
        "employer4@demo.kz",
        "Saule Logistics",
        "Karaganda Logistics LLP",
        "KZ-35",
        "H",
        Organization.Size.MEDIUM,
        "https://kar-logistics.example.kz",
        "Warehousing and freight across Central Kazakhstan. Склады и грузоперевозки по Центральному Казахстану.",
        424501,
    ),
)


@dataclass(frozen=True)
class DemoSeeker:
    email: str
    full_name: str
    age: int
    sex: str
    region: str
    locality: str
    headline: str
    occupations: tuple[str, ...]
    skills: tuple[str, ...]
    salary: int
    education: tuple[str, str, str, int | None, bool]  # level, institution, specialty, year, studying
    experience: tuple[str, str, str, int, int | None] | None  # employer, position, ISCO, years ago from, to
    languages: tuple[tuple[str, str], ...] = field(default=(("kk", "native"), ("ru", "C1")))


DEMO_SEEKERS = (
    DemoSeeker(
        DEMO_SEEKER_EMAIL,
        "Arman Seeker",
        24,
        "male",
        ASTANA,
        "Astana",
        "Junior Python developer",
        ("2512", "2514"),
        ("python", "sql", "javascript", "teamwork", "english_language"),
        450_000,
        ("bachelor", "L.N. Gumilyov Eurasian National University", "Information systems", 2023, False),
        ("Kaspi Lab", "Intern developer", "2512", 2, 1),
        (("kk", "native"), ("ru", "C1"), ("en", "B2")),
    ),
    DemoSeeker(
        "seeker2@demo.kz",
        "Aruzhan Nurlanovna",
        21,
        "female",
        ASTANA,
        "Astana",
        "Студентка, ищу стажировку бухгалтером",
        ("3313", "4311"),
        ("accounting", "1c", "excel"),
        200_000,
        ("bachelor", "Esil University", "Учёт и аудит", None, True),
        None,
    ),
    DemoSeeker(
        "seeker3@demo.kz",
        "Dias Serikuly",
        19,
        "male",
        "KZ-75",
        "Almaty",
        "Официант, бариста",
        ("5131", "5120"),
        ("customer_service", "cooking", "cash_register"),
        180_000,
        ("technical_vocational", "Almaty College of Service", "Организация обслуживания", 2025, False),
        None,
    ),
    DemoSeeker(
        "seeker4@demo.kz",
        "Madina Yerzhanova",
        27,
        "female",
        "KZ-75",
        "Almaty",
        "Медицинская сестра",
        ("3221", "2221"),
        ("nursing", "patient_care", "first_aid"),
        320_000,
        ("technical_vocational", "Almaty Medical College", "Сестринское дело", 2018, False),
        ("City Polyclinic No. 4", "Nurse", "3221", 6, None),
    ),
    DemoSeeker(
        "seeker5@demo.kz",
        "Nurbek Abilov",
        31,
        "male",
        "KZ-79",
        "Shymkent",
        "Сварщик 5 разряда",
        ("7212",),
        ("welding", "crane_operation"),
        450_000,
        ("technical_vocational", "Shymkent Polytechnic College", "Сварочное дело", 2013, False),
        ("Shymkent Oil Refinery", "Welder", "7212", 9, 1),
    ),
    DemoSeeker(
        "seeker6@demo.kz",
        "Aigul Tulegenova",
        38,
        "female",
        "KZ-35",
        "Karaganda",
        "Бухгалтер, 1С",
        ("2411",),
        ("accounting", "tax_reporting", "1c"),
        400_000,
        ("bachelor", "Karaganda University of Kazpotrebsoyuz", "Finance", 2008, False),
        ("Karaganda Foods LLP", "Chief accountant", "2411", 12, None),
    ),
    DemoSeeker(
        "seeker7@demo.kz",
        "Yerasyl Kenzhebekov",
        22,
        "male",
        "KZ-35",
        "Temirtau",
        "Водитель категории C, кладовщик",
        ("8332", "4321"),
        ("driving_b", "driving_c", "warehouse", "forklift"),
        300_000,
        ("general_secondary", "School-lyceum No. 2, Temirtau", "", 2021, False),
        ("Magnum Cash&Carry", "Warehouse worker", "9333", 3, None),
    ),
    DemoSeeker(
        "seeker8@demo.kz",
        "Kamila Akhmetova",
        25,
        "female",
        ASTANA,
        "Astana",
        "Маркетолог / SMM",
        ("2431", "2166"),
        ("sales", "data_analysis", "english_language"),
        380_000,
        ("master", "Nazarbayev University", "Marketing", 2024, False),
        ("Astana Hub", "Marketing assistant", "2431", 2, None),
        (("kk", "native"), ("ru", "C2"), ("en", "C1")),
    ),
    DemoSeeker(
        "seeker9@demo.kz",
        "Bauyrzhan Ospanov",
        45,
        "male",
        "KZ-63",
        "Ust-Kamenogorsk",
        "Электрик, электромонтажник",
        ("7411",),
        ("electrical_installation", "hvac"),
        350_000,
        ("technical_vocational", "East Kazakhstan Technical College", "Электроснабжение", 1999, False),
        ("Kazzinc", "Electrician", "7411", 20, 2),
    ),
    DemoSeeker(
        "seeker10@demo.kz",
        "Zhanna Mukanova",
        29,
        "female",
        ASTANA,
        "Astana",
        "Учитель начальных классов",
        ("2341",),
        ("teaching", "early_childhood", "kazakh_language"),
        280_000,
        ("bachelor", "Astana Pedagogical University", "Педагогика и методика начального обучения", 2018, False),
        ("School No. 65", "Primary school teacher", "2341", 6, None),
    ),
    DemoSeeker(
        "seeker11@demo.kz",
        "Timur Zhaksylykov",
        17,
        "male",
        "KZ-61",
        "Turkestan",
        "Ищу первую работу: продавец, курьер",
        ("5223", "9621"),
        ("customer_service", "driving_b"),
        150_000,
        ("basic_secondary", "Turkestan school No. 12", "", None, True),
        None,
    ),
)

DEMO_SEEKER_EMAILS = tuple(seeker.email for seeker in DEMO_SEEKERS)
DEMO_EMPLOYER_EMAILS = tuple(organization.owner_email for organization in DEMO_ORGANIZATIONS)


@cache
def _demo_password_hash() -> str:
    # Hashed once per process: Argon2 is slow on purpose, and a dozen accounts share the password.
    return make_password(DEMO_PASSWORD)


def _demo_user_ensure(*, email: str, full_name: str, role: str) -> tuple[User, bool]:
    """As ``demo_users_ensure`` does for the four main accounts: created with the demo password
    and a verified address (mandatory verification would stop them at "check your e-mail")."""
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, full_name=full_name, role=role)
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user, created


def _free_bin(serial: int) -> str:
    """The first valid BIN at or after ``serial`` that no organization uses yet."""
    while True:
        bin_ = make_bin(2014, 6, 4, serial % 1_000_000)
        if bin_ is not None and not Organization.objects.filter(bin=bin_).exists():
            return bin_
        serial += 1


def _birth_date(age: int, index: int) -> datetime.date:
    """A birth date ``age`` years and about two months ago, so the age holds for months to come."""
    day = timezone.localdate() - datetime.timedelta(days=60 + index)
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)


def _free_iin(birth_date: datetime.date, sex: str, serial: int) -> str:
    while True:
        iin = make_iin(birth_date, sex, serial % 10_000)
        if iin is not None and not SeekerProfile.objects.filter(iin=iin).exists():
            return iin
        serial += 1


def _organization_ensure(spec: DemoOrganization, *, admin: User) -> tuple[Organization, bool]:
    owner, _created = _demo_user_ensure(email=spec.owner_email, full_name=spec.owner_name, role=User.Role.EMPLOYER)
    membership = Membership.objects.select_related("organization").filter(user=owner).first()
    created = membership is None
    if created:
        organization = organization_create(
            user=owner,
            bin=_free_bin(spec.bin_serial),
            legal_name=spec.legal_name,
            region=spec.region,
            industry=spec.industry,
            size=spec.size,
            website=spec.website,
            description=spec.description,
        )
    else:
        organization = membership.organization
    if organization.status != Organization.Status.VERIFIED:
        organization = organization_verify(organization=organization, by=admin)
    return organization, created


def _staff_centre_ensure(*, staff: User, admin: User) -> bool:
    if StaffAssignment.objects.filter(user=staff).exists():
        return False
    centre, _created = EmploymentCentre.objects.get_or_create(
        name="Центр занятости населения города Астаны",
        region=Region.objects.get(code=ASTANA),
        defaults={"address": "Астана, проспект Абая, 33", "phone": "+7 7172 55 00 00"},
    )
    staff_assign(user=staff, centre=centre, by=admin)
    return True


def _cv_ensure(spec: DemoSeeker, index: int) -> bool:
    """Fill the CV of a demo seeker once: a profile without an IIN is taken as not filled in."""
    user, _created = _demo_user_ensure(email=spec.email, full_name=spec.full_name, role=User.Role.SEEKER)
    profile, _created = SeekerProfile.objects.get_or_create(user=user)
    if profile.iin:
        return False
    if not Consent.objects.filter(user=user, withdrawn_at__isnull=True).exists():
        consent_give(user=user, channel=Consent.Channel.WEB)
    birth_date = _birth_date(spec.age, index)
    seeker_profile_update(
        profile=profile,
        full_name=spec.full_name,
        iin=_free_iin(birth_date, spec.sex, 4242 + index * 37),
        phone=f"+7701555{index:04d}",
        region=Region.objects.get(code=spec.region),
        locality=spec.locality,
        headline=spec.headline,
        about=f"{spec.headline}. Готов(а) приступить сразу. Жұмысқа бірден кірісуге дайынмын.",
        skills=list(Skill.objects.filter(code__in=spec.skills)),
        desired_occupations=list(Occupation.objects.filter(code__in=spec.occupations, level=Occupation.Level.UNIT)),
        desired_salary=spec.salary,
        employment_types=list(EmploymentType.objects.filter(code__in=["full_time", "part_time"])),
        schedules=list(WorkSchedule.objects.filter(code__in=["full_day", "flexible"])),
        willing_to_relocate=index % 3 == 0,
        remote_ok=index % 2 == 0,
        search_status=SeekerProfile.SearchStatus.ACTIVE,
        visibility=SeekerProfile.Visibility.VISIBLE,
    )
    level, institution, specialty, year, studying = spec.education
    if not profile.educations.exists():
        seeker_education_add(
            profile=profile,
            level=EducationLevel.objects.get(code=level),
            institution=institution,
            specialty=specialty,
            graduation_year=year,
            is_current=studying,
        )
    if spec.experience and not profile.experiences.exists():
        employer_name, position, isco, years_from, years_to = spec.experience
        today = timezone.localdate()
        seeker_experience_add(
            profile=profile,
            employer_name=employer_name,
            position=position,
            occupation=Occupation.objects.filter(code=isco, level=Occupation.Level.UNIT).first(),
            start_date=today.replace(day=1, month=9, year=today.year - years_from),
            end_date=None if years_to is None else today.replace(day=1, month=6, year=today.year - years_to),
            description=f"{position}: {employer_name}.",
        )
    if not profile.languages.exists():
        for language, level_code in spec.languages:
            seeker_language_add(profile=profile, language=language, level=level_code)
    return True


def demo_accounts_seed() -> list[str]:
    """The demo organizations (verified), the demo staff member's centre in Astana and the demo
    job seekers with complete, visible CVs. Run after ``demo_users_ensure``; returns the lines
    ``seeddemo`` prints."""
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    with transaction.atomic():
        organizations = [_organization_ensure(spec, admin=admin) for spec in DEMO_ORGANIZATIONS]
        assigned = _staff_centre_ensure(staff=User.objects.get(email=DEMO_STAFF_EMAIL), admin=admin)
        filled = sum(_cv_ensure(spec, index) for index, spec in enumerate(DEMO_SEEKERS))
    created = sum(1 for _organization, was_created in organizations if was_created)
    return [
        f"demo organizations: {created} created, {len(organizations) - created} already there (all verified)",
        *(f"  employer      {spec.owner_email} / {DEMO_PASSWORD}" for spec in DEMO_ORGANIZATIONS[1:]),
        f"demo job seekers' CVs: {filled} filled in, {len(DEMO_SEEKERS) - filled} already there",
        f"  seeker        seeker2@demo.kz ... seeker{len(DEMO_SEEKERS)}@demo.kz / {DEMO_PASSWORD}",
        "demo staff: assigned to the Astana employment centre" if assigned else "demo staff: already in a centre",
    ]
