"""Demo data of the vacancies app: published vacancies of the demo organizations, applications of
the demo job seekers in different states, and one referral by the demo centre staff. A seeder of
``settings.DEMO_SEEKERS``, run by ``seeddemo`` after the accounts seeder.

Everything goes through the services, so the vacancies are created, submitted and approved (by the
demo administrator), and every application move is recorded as an event. Idempotent: a vacancy
is known by its ``external_id`` within its organization (unique there), an application by its
seeker and vacancy. A demo vacancy that would expire within a week is prolonged, so a development
database started again weeks later still shows open vacancies; one that has already expired or
was closed by hand is left as it is.
"""

# The demo texts are Russian and Kazakh: Cyrillic letters that look Latin are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.services.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_EMPLOYER_EMAILS,
    DEMO_SEEKER_EMAIL,
    DEMO_STAFF_EMAIL,
)
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from vacancies.models import Application, ReferralQuota, Vacancy
from vacancies.services.applications import application_open_cv, application_submit, application_transition
from vacancies.services.lifecycle import vacancy_approve, vacancy_create, vacancy_prolong, vacancy_submit
from vacancies.services.referrals import referral_create, referral_quota_set

PROLONG_WHEN_DAYS_LEFT = 7
DEMO_REFERRAL_QUOTA = 500


@dataclass(frozen=True)
class DemoVacancy:
    external_id: str
    title: str
    occupation: str
    description: str
    salary: tuple[int | None, int | None]
    skills: tuple[str, ...] = ()
    youth: bool = False
    employment_type: str = "full_time"
    schedule: str = "full_day"
    experience_years: int = 0
    positions: int = 1
    education: str | None = None
    languages: tuple[str, ...] = ("ru",)
    remote: bool = False
    locality: str = ""


# Keyed by the owner's e-mail (DEMO_EMPLOYER_EMAILS): the organization and its region come from there.
DEMO_VACANCIES: dict[str, tuple[DemoVacancy, ...]] = {
    DEMO_EMPLOYER_EMAILS[0]: (
        DemoVacancy(
            "demo-01",
            "Junior Python-разработчик",
            "2512",
            "Разработка backend-сервисов на Django для городских цифровых услуг. Наставник на первые три месяца.",
            (400_000, 600_000),
            ("python", "sql", "teamwork"),
            youth=True,
            positions=3,
            education="bachelor",
            languages=("ru", "en"),
        ),
        DemoVacancy(
            "demo-02",
            "Senior Python Developer",
            "2512",
            "Lead the development of the e-government integration platform: Django, PostgreSQL, Celery.",
            (1_200_000, 1_800_000),
            ("python", "sql", "project_management"),
            experience_years=5,
            education="bachelor",
            languages=("en", "ru"),
            remote=True,
        ),
        DemoVacancy(
            "demo-03",
            "Frontend-разработчик (JavaScript)",
            "2514",
            "Интерфейсы порталов для жителей Астаны: доступность, мобильная вёрстка, тесты.",
            (600_000, 900_000),
            ("javascript", "teamwork"),
            experience_years=2,
        ),
        DemoVacancy(
            "demo-04",
            "Бағдарламалық жасақтама тестілеушісі (QA)",
            "2519",
            "Мемлекеттік қызметтердің веб-порталдарын қолмен және автоматты түрде тестілеу.",
            (350_000, 500_000),
            ("python", "teamwork", "kazakh_language"),
            youth=True,
            positions=2,
            languages=("kk", "ru"),
        ),
        DemoVacancy(
            "demo-05",
            "Системный администратор",
            "2522",
            "Поддержка серверов Linux и сети офиса, резервное копирование, мониторинг.",
            (450_000, 650_000),
            ("networking", "it_support"),
            schedule="shift_work",
            experience_years=1,
        ),
        DemoVacancy(
            "demo-06",
            "IT Support Intern",
            "3512",
            "Help colleagues with laptops, accounts and printers; learn our infrastructure. Paid internship.",
            (180_000, 220_000),
            ("it_support", "customer_service"),
            youth=True,
            employment_type="internship",
            positions=2,
            languages=("ru", "en"),
        ),
        DemoVacancy(
            "demo-07",
            "Аналитик данных",
            "2511",
            "Дашборды по обращениям граждан, SQL-отчёты, работа с продуктовой командой.",
            (550_000, 800_000),
            ("sql", "data_analysis", "excel"),
            experience_years=1,
            education="bachelor",
        ),
        DemoVacancy(
            "demo-08",
            "Оператор контакт-центра 1414",
            "4222",
            "Консультирование граждан по телефону на казахском и русском языках. Обучение за счёт компании.",
            (220_000, 280_000),
            ("customer_service", "kazakh_language", "russian_language"),
            youth=True,
            schedule="shift_work",
            positions=8,
            languages=("kk", "ru"),
        ),
        DemoVacancy(
            "demo-09",
            "Графикалық дизайнер",
            "2166",
            "Мобильді қосымшалар мен порталдарға арналған интерфейс макеттері мен иллюстрациялар.",
            (350_000, 550_000),
            ("office_software",),
            schedule="flexible",
            languages=("kk", "ru"),
            remote=True,
        ),
        DemoVacancy(
            "demo-10",
            "Бухгалтер",
            "2411",
            "Первичная документация, расчёт заработной платы, налоговая отчётность в 1С.",
            (350_000, 450_000),
            ("accounting", "tax_reporting", "1c"),
            experience_years=3,
        ),
        DemoVacancy(
            "demo-11",
            "Project Manager (GovTech)",
            "1330",
            "Run delivery of two citizen-facing services with a team of eight; agile, stakeholder reporting.",
            (900_000, 1_300_000),
            ("project_management", "negotiation", "english_language"),
            experience_years=3,
            education="bachelor",
            languages=("en", "ru", "kk"),
        ),
        DemoVacancy(
            "demo-12",
            "Офис-менеджер",
            "3343",
            "Приём посетителей, документооборот, закупки для офиса. Подходит выпускникам колледжей.",
            (200_000, 260_000),
            ("office_software", "customer_service"),
            youth=True,
        ),
        DemoVacancy(
            "demo-13",
            "Курьер (документы)",
            "9621",
            "Доставка документов по Астане на служебном автомобиле. Частичная занятость.",
            (150_000, 200_000),
            ("driving_b",),
            youth=True,
            employment_type="part_time",
            schedule="flexible",
        ),
    ),
    DEMO_EMPLOYER_EMAILS[1]: (
        DemoVacancy(
            "demo-21",
            "Официант в кафе",
            "5131",
            "Обслуживание гостей в кафе на Арбате. Бесплатное питание, чаевые, гибкий график.",
            (180_000, 250_000),
            ("customer_service", "cash_register"),
            youth=True,
            schedule="shift_work",
            positions=5,
        ),
        DemoVacancy(
            "demo-22",
            "Аспаз (повар)",
            "5120",
            "Ұлттық және еуропалық тағамдарды дайындау. Тәжірибесі бар үміткерлер қарастырылады.",
            (300_000, 420_000),
            ("cooking", "baking"),
            schedule="shift_work",
            experience_years=2,
            positions=2,
            languages=("kk",),
        ),
        DemoVacancy(
            "demo-23",
            "Hotel Receptionist",
            "4224",
            "Front desk of a city-centre hotel: check-in, bookings, guests from abroad. English required.",
            (250_000, 330_000),
            ("customer_service", "english_language"),
            youth=True,
            schedule="shift_work",
            languages=("en", "ru"),
        ),
        DemoVacancy(
            "demo-24",
            "Медицинская сестра здравпункта",
            "3221",
            "Медпункт гостиничного комплекса: первая помощь гостям и сотрудникам, медосмотры.",
            (300_000, 380_000),
            ("nursing", "first_aid"),
            experience_years=1,
        ),
        DemoVacancy(
            "demo-25",
            "Уборщица (горничная)",
            "9112",
            "Уборка номеров гостиницы. Официальное трудоустройство, социальный пакет.",
            (170_000, 200_000),
            ("cleaning",),
            schedule="shift_work",
            positions=4,
        ),
    ),
    DEMO_EMPLOYER_EMAILS[2]: (
        DemoVacancy(
            "demo-31",
            "Электр-газ дәнекерлеуші",
            "7212",
            "Тұрғын үй кешенінің металл конструкцияларын дәнекерлеу. Вахта 15/15, тамақ пен жатақхана.",
            (450_000, 600_000),
            ("welding",),
            employment_type="shift",
            schedule="rotation",
            experience_years=2,
            positions=4,
            languages=("kk", "ru"),
        ),
        DemoVacancy(
            "demo-32",
            "Электромонтажник",
            "7411",
            "Монтаж внутренних электросетей в строящихся домах. Допуск по электробезопасности приветствуется.",
            (380_000, 480_000),
            ("electrical_installation",),
            experience_years=1,
            positions=3,
        ),
        DemoVacancy(
            "demo-33",
            "Разнорабочий на стройку",
            "9313",
            "Подсобные работы на строительной площадке. Без опыта, обучение на месте, ежедневная оплата.",
            (200_000, 260_000),
            ("teamwork",),
            youth=True,
            positions=10,
        ),
        DemoVacancy(
            "demo-34",
            "Инженер-геодезист",
            "3112",
            "Разбивка осей, исполнительные съёмки, работа с AutoCAD. Служебный транспорт.",
            (500_000, 700_000),
            ("surveying", "autocad"),
            experience_years=3,
            education="technical_vocational",
        ),
        DemoVacancy(
            "demo-35",
            "Сантехник",
            "7126",
            "Монтаж систем водоснабжения и отопления в новых жилых комплексах.",
            (350_000, 450_000),
            ("plumbing", "hvac"),
            experience_years=1,
            positions=2,
        ),
    ),
    DEMO_EMPLOYER_EMAILS[3]: (
        DemoVacancy(
            "demo-41",
            "Водитель категории CE",
            "8332",
            "Междугородние перевозки по Казахстану на тягаче Volvo. Командировочные, оплата за рейс.",
            (500_000, 750_000),
            ("driving_ce", "driving_c"),
            experience_years=3,
            positions=3,
        ),
        DemoVacancy(
            "demo-42",
            "Warehouse Operative (forklift)",
            "8344",
            "Loading and unloading at the Karaganda distribution centre. Forklift training provided.",
            (250_000, 320_000),
            ("forklift", "warehouse"),
            youth=True,
            schedule="shift_work",
            positions=6,
            languages=("ru", "en"),
        ),
        DemoVacancy(
            "demo-43",
            "Кладовщик",
            "4321",
            "Приёмка и отгрузка товаров, учёт в 1С, инвентаризации.",
            (230_000, 300_000),
            ("warehouse", "1c"),
            youth=True,
            positions=2,
        ),
        DemoVacancy(
            "demo-44",
            "Логист",
            "3331",
            "Планирование маршрутов, работа с перевозчиками и клиентами, документы для таможни.",
            (400_000, 550_000),
            ("logistics", "negotiation", "excel"),
            experience_years=2,
            education="bachelor",
        ),
    ),
}

# (seeker e-mail, vacancy external_id, the steps after submitting: "open" is the employer
# opening the CV; a status is a transition; "withdrawn" is the seeker's own).
DEMO_APPLICATIONS = (
    (DEMO_SEEKER_EMAIL, "demo-01", ("open", Application.Status.SHORTLISTED, Application.Status.INTERVIEW)),
    (DEMO_SEEKER_EMAIL, "demo-07", ()),
    (DEMO_SEEKER_EMAIL, "demo-03", ("open",)),
    ("seeker2@demo.kz", "demo-10", ("open", Application.Status.REJECTED)),
    ("seeker2@demo.kz", "demo-12", ("open", Application.Status.OFFER)),
    ("seeker3@demo.kz", "demo-21", ("open", Application.Status.HIRED)),
    ("seeker4@demo.kz", "demo-24", ("open", Application.Status.INTERVIEW)),
    ("seeker5@demo.kz", "demo-31", ("open", Application.Status.SHORTLISTED)),
    ("seeker6@demo.kz", "demo-10", (Application.Status.WITHDRAWN,)),
    ("seeker7@demo.kz", "demo-41", ()),
    ("seeker7@demo.kz", "demo-43", ("open", Application.Status.HIRED)),
    ("seeker8@demo.kz", "demo-11", ("open",)),
)
# Staff of the Astana centre refer an Astana job seeker to an Astana vacancy.
DEMO_REFERRAL = ("seeker10@demo.kz", "demo-12")

_REJECTION_REASON = "Нужен опыт работы с налоговой отчётностью не менее трёх лет."
_WITHDRAWAL_REASON = "Нашла работу ближе к дому."


def _catalog(model, code: str | None):
    return model.objects.get(code=code) if code else None


def _vacancy_ensure(spec: DemoVacancy, *, organization: Organization, owner: User, admin: User) -> bool:
    """Create, submit and approve the demo vacancy unless it exists; prolong it when it is about
    to expire. Returns whether it was created."""
    vacancy = Vacancy.objects.filter(organization=organization, external_id=spec.external_id).first()
    if vacancy is not None:
        soon = timezone.now() + datetime.timedelta(days=PROLONG_WHEN_DAYS_LEFT)
        if vacancy.status == Vacancy.Status.PUBLISHED and vacancy.expires_at and vacancy.expires_at < soon:
            vacancy_prolong(vacancy=vacancy, by=owner)
        return False
    skills = list(Skill.objects.filter(code__in=spec.skills))
    salary_min, salary_max = spec.salary
    vacancy = vacancy_create(
        organization=organization,
        by=owner,
        external_id=spec.external_id,
        title=spec.title,
        occupation=Occupation.objects.get(code=spec.occupation, level=Occupation.Level.UNIT),
        description=spec.description,
        requirements="",
        education_level=_catalog(EducationLevel, spec.education),
        experience_years=spec.experience_years,
        required_skills=skills[:2],
        nice_skills=skills[2:],
        languages=list(spec.languages),
        salary_min=salary_min,
        salary_max=salary_max,
        employment_type=_catalog(EmploymentType, spec.employment_type),
        schedule=_catalog(WorkSchedule, spec.schedule),
        region=organization.region,
        locality=spec.locality or Region.objects.get(pk=organization.region_id).name_en,
        is_remote=spec.remote,
        positions=spec.positions,
        is_youth_friendly=spec.youth,
        has_social_package=spec.positions > 1,
        contact_name=owner.full_name,
        contact_email=owner.email,
    )
    vacancy_submit(vacancy=vacancy, by=owner)
    vacancy_approve(vacancy=vacancy, by=admin)
    return True


def _application_ensure(
    *, seeker: User, vacancy: Vacancy, steps: tuple[str, ...], employer: User
) -> Application | None:
    """Apply and move the application through ``steps``, once; None when it existed already or
    the vacancy is no longer open (expired, filled)."""
    if (
        Application.objects.filter(seeker=seeker, vacancy=vacancy).exists()
        or vacancy.status != Vacancy.Status.PUBLISHED
    ):
        return None
    application = application_submit(
        vacancy=vacancy, seeker=seeker, cover_letter="Здравствуйте! Мне интересна эта вакансия, резюме прилагаю."
    )
    for step in steps:
        if step == "open":
            application = application_open_cv(application=application, by=employer)
        elif step == Application.Status.WITHDRAWN:
            application = application_transition(
                application=application, to_status=step, by=seeker, reason=_WITHDRAWAL_REASON
            )
        else:
            reason = _REJECTION_REASON if step == Application.Status.REJECTED else ""
            application = application_transition(application=application, to_status=step, by=employer, reason=reason)
    return application


def _referral_ensure(*, admin: User, vacancies: dict[str, Vacancy]) -> bool:
    seeker_email, external_id = DEMO_REFERRAL
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL, staff_assignment__isnull=False).first()
    seeker = User.objects.filter(email=seeker_email).first()
    vacancy = vacancies.get(external_id)
    if staff is None or seeker is None or vacancy is None or vacancy.status != Vacancy.Status.PUBLISHED:
        return False
    if Application.objects.filter(seeker=seeker, vacancy=vacancy).exists():
        return False
    year = timezone.localdate().year
    if not ReferralQuota.objects.filter(region_id=vacancy.region_id, year=year).exists():
        referral_quota_set(region=vacancy.region, year=year, limit=DEMO_REFERRAL_QUOTA, by=admin)
    referral_create(staff=staff, vacancy=vacancy, seeker=seeker)
    return True


def demo_vacancies_seed() -> list[str]:
    """Published vacancies of the demo organizations, demo applications in different states and
    a referral. Run after ``accounts.services.demo.demo_accounts_seed``; returns the lines
    ``seeddemo`` prints."""
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    created = existing = 0
    owners: dict[int, User] = {}
    with transaction.atomic():
        for owner_email, specs in DEMO_VACANCIES.items():
            membership = Membership.objects.select_related("organization", "user").get(user__email=owner_email)
            owners[membership.organization_id] = membership.user
            for spec in specs:
                if _vacancy_ensure(spec, organization=membership.organization, owner=membership.user, admin=admin):
                    created += 1
                else:
                    existing += 1
        vacancies = {
            vacancy.external_id: vacancy
            for vacancy in Vacancy.objects.filter(
                organization_id__in=list(owners),
                external_id__in=[s.external_id for v in DEMO_VACANCIES.values() for s in v],
            )
        }
        seekers = {user.email: user for user in User.objects.filter(email__in={a[0] for a in DEMO_APPLICATIONS})}
        applied = 0
        for seeker_email, external_id, steps in DEMO_APPLICATIONS:
            vacancy, seeker = vacancies.get(external_id), seekers.get(seeker_email)
            if vacancy is None or seeker is None:
                continue
            vacancy.refresh_from_db(fields=["status", "positions_filled"])
            employer = owners[vacancy.organization_id]
            if _application_ensure(seeker=seeker, vacancy=vacancy, steps=steps, employer=employer):
                applied += 1
        referred = _referral_ensure(admin=admin, vacancies=vacancies)
    return [
        f"demo vacancies: {created} published, {existing} already there",
        f"demo applications: {applied} made" + (", 1 referral by staff@demo.kz" if referred else ""),
    ]
