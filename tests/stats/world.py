"""A small exchange with something in every statistic, built row by row for the statistics tests.

Vacancies of two employers in three regions (published with every shape of salary, one closed,
one draft, one of a national project), young and older seekers with applications moved to
interview and hired in different months (one hire at local midnight of the first day of the
month, one a second before it, one more than two years ago), referrals of this year and of last
year against the regions' limits, national projects of this year and of next year, and a job fair.

Names of employers, people and vacancies are distinctive, so a test can prove they never reach a
public statistics page.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import EmploymentCentre
from catalog.models import EmploymentType, Occupation, Region
from fairs.models import Fair, FairApplication, FairVacancy, Participation, Registration
from tests import factories
from vacancies.models import (
    Application,
    ApplicationEvent,
    NationalProgramme,
    NationalProject,
    Referral,
    ReferralQuota,
    Vacancy,
)

SECRET_EMPLOYER = "Qazsecret Welding LLP"
SECRET_PERSON = "Zhanar Confidentialova"
SECRET_TITLE = "Confidential Welder Alpha"
REGION_Z = "KZ-11"  # Akmola

HIRED = Application.Status.HIRED
INTERVIEW = Application.Status.INTERVIEW


def _occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def _type(code: str) -> EmploymentType:
    return EmploymentType.objects.get(code=code)


def vacancy(organization, region, occupation, employment_type, salary_min, salary_max, **fields) -> Vacancy:
    return factories.VacancyFactory(
        organization=organization,
        region=region,
        occupation=_occupation(occupation),
        employment_type=_type(employment_type),
        salary_min=salary_min,
        salary_max=salary_max,
        **fields,
    )


def seeker(name: str, *, young: bool, serial: int, region=None):
    years = 25 if young else 45
    birth = datetime.date(timezone.localdate().year - years, 3, 10)
    user = factories.SeekerFactory(full_name=name, email=f"{name.lower().replace(' ', '.')}@example.kz")
    factories.SeekerProfileFactory(user=user, region=region, iin=factories.valid_iin(serial, birth))
    return user


def application(vacancy, person, *, status, young, created, events=(), source=Application.Source.DIRECT):
    """An application with its events (``(to_status, when)``) at the given times."""
    made = factories.ApplicationFactory(
        vacancy=vacancy,
        seeker=person,
        status=status,
        source=source,
        seeker_was_youth=young,
        seeker_region=vacancy.region,
        cv_snapshot={"full_name": person.full_name},
    )
    Application.objects.filter(pk=made.pk).update(created_at=created)
    event = ApplicationEvent.objects.create(application=made, from_status="", to_status="submitted")
    ApplicationEvent.objects.filter(pk=event.pk).update(created_at=created)
    previous = "submitted"
    for to_status, when in events:
        event = ApplicationEvent.objects.create(application=made, from_status=previous, to_status=to_status)
        ApplicationEvent.objects.filter(pk=event.pk).update(created_at=when)
        previous = to_status
    made.refresh_from_db()
    return made


def referral(made, *, region, outcome, created):
    centre = EmploymentCentre.objects.filter(region=region).first() or factories.EmploymentCentreFactory(region=region)
    row = Referral.objects.create(
        application=made,
        centre=centre,
        region=region,
        reply_deadline=timezone.localdate() + datetime.timedelta(days=10),
        outcome=outcome,
    )
    Referral.objects.filter(pk=row.pk).update(created_at=created)
    return row


def build_world(cast) -> SimpleNamespace:
    now = timezone.now()
    local = timezone.localtime(now)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    year = local.year
    x, y, z = cast.region_x, cast.region_y, Region.objects.get(code=REGION_Z)
    org_a = cast.employer_a.membership.organization
    org_b = cast.employer_b.membership.organization
    type(org_a).objects.filter(pk=org_a.pk).update(legal_name=SECRET_EMPLOYER)

    programme = NationalProgramme.objects.create(code="roads", name_en="Roads")
    project_x = NationalProject.objects.create(
        programme=programme,
        name="Ring road",
        region=x,
        planned_permanent_jobs=120,
        planned_temporary_jobs=30,
        start_year=year - 1,
        end_year=year + 1,
    )
    NationalProject.objects.create(
        programme=programme, name="Next year's bridge", region=y, planned_permanent_jobs=999,
        start_year=year + 1, end_year=year + 2,
    )  # fmt: skip

    welders = vacancy(org_a, x, "7212", "full_time", 300000, 450000, positions=3, title=SECRET_TITLE)
    developers = vacancy(org_a, x, "2512", "part_time", 500000, None, positions=2, positions_filled=1)
    sales = vacancy(org_b, y, "5223", "full_time", None, 200000, positions=5, positions_filled=2)
    vacancy(org_b, y, "7212", "shift", None, None, positions=1)
    cleaners = vacancy(org_b, y, "9112", "full_time", 250000, 250000, positions=4)
    vacancy(org_a, z, "2512", "internship", 150001, 150002, positions=1)
    vacancy(org_a, x, "7212", "full_time", 900000, 900000, status=Vacancy.Status.CLOSED)
    vacancy(org_b, y, "5223", "full_time", 100000, 100000, status=Vacancy.Status.DRAFT, published_at=None)
    project_vacancy = vacancy(org_a, x, "7212", "temporary", 280000, 320000, positions=6, national_project=project_x)

    young = seeker(SECRET_PERSON, young=True, serial=4101, region=x)
    older = seeker("Bolat Oldermann", young=False, serial=4201, region=y)
    young_2 = seeker("Dana Youngova", young=True, serial=4301, region=y)

    day = datetime.timedelta(days=1)
    application(
        welders, young, status=HIRED, young=True, created=month_start - 70 * day,
        events=[(INTERVIEW, month_start - 40 * day), (HIRED, month_start - 10 * day)],
    )  # fmt: skip
    application(
        welders, older, status=INTERVIEW, young=False, created=now - datetime.timedelta(hours=1),
        events=[(INTERVIEW, now - datetime.timedelta(minutes=30))],
    )  # fmt: skip
    # Hired at local midnight of the first day of this month: this month's hire.
    application(sales, older, status=HIRED, young=False, created=month_start - 5 * day, events=[(HIRED, month_start)])
    # Hired a second before: last month's.
    application(
        cleaners, young_2, status=HIRED, young=True, created=month_start - 20 * day,
        events=[(HIRED, month_start - datetime.timedelta(seconds=1))],
    )  # fmt: skip
    # More than two years ago: in the totals, not in the months shown.
    application(
        developers, young_2, status=HIRED, young=True, created=now - 900 * day, events=[(HIRED, now - 880 * day)]
    )
    application(
        developers, young, status=Application.Status.REJECTED, young=True, created=now - 2 * day,
        events=[(INTERVIEW, now - day), (Application.Status.REJECTED, now)],
    )  # fmt: skip
    application(project_vacancy, young_2, status=HIRED, young=True, created=now - day, events=[(HIRED, now)])
    application(project_vacancy, older, status=Application.Status.SUBMITTED, young=False, created=now - day)

    referred = application(
        sales, young_2, status=Application.Status.SUBMITTED, young=True, created=now - 3 * day,
        source=Application.Source.REFERRAL,
    )  # fmt: skip
    referral(referred, region=y, outcome=Referral.Outcome.PENDING, created=now - 3 * day)
    referred_hired = application(
        cleaners, older, status=HIRED, young=False, created=now - 4 * day, events=[(HIRED, now - 2 * day)],
        source=Application.Source.REFERRAL,
    )  # fmt: skip
    referral(referred_hired, region=y, outcome=Referral.Outcome.HIRED, created=now - 4 * day)
    last_year = timezone.make_aware(datetime.datetime(year - 1, 6, 1, 12, 0))
    old_referral = application(
        welders, young_2, status=Application.Status.REJECTED, young=True, created=last_year,
        source=Application.Source.REFERRAL,
    )  # fmt: skip
    referral(old_referral, region=x, outcome=Referral.Outcome.NOT_HIRED, created=last_year)
    ReferralQuota.objects.create(region=x, year=year, limit=100, used=1)
    ReferralQuota.objects.create(region=y, year=year, limit=50, used=2)
    ReferralQuota.objects.create(region=x, year=year - 1, limit=999, used=1)

    at_the_fair = vacancy(org_a, x, "2512", "full_time", 400000, 400000, positions=2)
    fair = build_fair(org_a=org_a, org_b=org_b, vacancy=at_the_fair, young=young, older=older, now=now)
    return SimpleNamespace(
        now=now, year=year, month_start=month_start, fair=fair, org_a=org_a, org_b=org_b, young=young, older=older
    )


def build_fair(*, org_a, org_b, vacancy, young, older, now) -> Fair:
    """A live fair: one approved employer offering 2 positions (1 filled), one declined; two
    registered seekers, one application (hired, young)."""
    starts_at = now - datetime.timedelta(days=1)
    fair = Fair.objects.create(
        title="November online job fair",
        kind=Fair.Kind.NATIONAL,
        status=Fair.Status.LIVE,
        registration_opens_at=starts_at - datetime.timedelta(days=7),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(days=6),
        results_at=starts_at + datetime.timedelta(days=13),
        month=timezone.localtime(starts_at).date().replace(day=1),
    )
    approved = Participation.objects.create(fair=fair, organization=org_a, status=Participation.Status.APPROVED)
    Participation.objects.create(fair=fair, organization=org_b, status=Participation.Status.DECLINED)
    offered = FairVacancy.objects.create(fair=fair, participation=approved, vacancy=vacancy, positions_offered=2)
    FairVacancy.objects.filter(pk=offered.pk).update(positions_filled=1)
    registration = Registration.objects.create(fair=fair, seeker=young, is_youth=True, age_at_start=25)
    Registration.objects.create(fair=fair, seeker=older, is_youth=False, age_at_start=45)
    hired = application(vacancy, young, status=HIRED, young=True, created=now, events=[(HIRED, now)],
                        source=Application.Source.FAIR)  # fmt: skip
    FairApplication.objects.create(application=hired, fair=fair, fair_vacancy=offered, registration=registration)
    return fair
