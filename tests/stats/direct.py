"""Every statistic worked out again, directly from the database rows, in plain Python.

Nothing here shares code with ``stats.aggregates``: rows are read with simple ORM queries and
counted, summed, bucketed by local month and their medians taken in Python, so a test comparing
the two checks the SQL (grouping sets, percentile_cont, time zones) against an independent count.
Results are ``{chart slug: {row key: {column: value}}}``, row keys as the tables have them
(region or type code, ISCO-08 major group digit, "YYYY-MM", fair id).
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from django.utils import timezone

from accounts.models import Organization, SeekerProfile
from catalog.models import EmploymentType, Occupation, Region
from fairs.models import Fair, FairApplication, FairVacancy, Participation, Registration
from vacancies.models import Application, ApplicationEvent, NationalProject, Referral, ReferralQuota, Vacancy

PUBLISHED = Vacancy.Status.PUBLISHED
HIRED = Application.Status.HIRED


def offered_salary(vacancy: Vacancy) -> float | None:
    if vacancy.salary_min is not None and vacancy.salary_max is not None:
        return (vacancy.salary_min + vacancy.salary_max) / 2
    if vacancy.salary_min is not None:
        return vacancy.salary_min
    return vacancy.salary_max


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def month_of(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def months_shown(count: int = 24) -> list[str]:
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def _vacancy_charts() -> dict:
    published = list(Vacancy.objects.filter(status=PUBLISHED).select_related("region", "occupation", "employment_type"))
    counts = {
        "region": defaultdict(lambda: [0, 0]),
        "group": defaultdict(lambda: [0, 0]),
        "type": defaultdict(lambda: [0, 0]),
    }
    salaries = {"region": defaultdict(list), "group": defaultdict(list)}
    for v in published:
        keys = {"region": v.region.code, "group": v.occupation.code[0], "type": v.employment_type.code}
        for name, key in keys.items():
            counts[name][key][0] += 1
            counts[name][key][1] += v.positions - v.positions_filled
        salary = offered_salary(v)
        if salary is not None:
            salaries["region"][keys["region"]].append(salary)
            salaries["group"][keys["group"]].append(salary)

    def count_rows(name, codes):
        return {code: {"vacancies": counts[name][code][0], "positions": counts[name][code][1]} for code in codes}

    def salary_rows(name, codes):
        return {
            code: {
                "median_salary": round(statistics.median(salaries[name][code])) if salaries[name][code] else None,
                "with_salary": len(salaries[name][code]),
            }
            for code in codes
        }

    regions = list(Region.objects.values_list("code", flat=True))
    groups = list(Occupation.objects.filter(level=1).values_list("code", flat=True))
    types = list(EmploymentType.objects.values_list("code", flat=True))
    return {
        "vacancies-by-region": count_rows("region", regions),
        "vacancies-by-occupation": count_rows("group", groups),
        "vacancies-by-employment-type": count_rows("type", types),
        "salary-by-region": salary_rows("region", regions),
        "salary-by-occupation": salary_rows("group", groups),
    }


def _activity_charts() -> dict:
    months = months_shown()
    applications = defaultdict(int)
    for created in Application.objects.values_list("created_at", flat=True):
        applications[month_of(created)] += 1
    interviews, hires, youth = defaultdict(int), defaultdict(int), defaultdict(int)
    for event in ApplicationEvent.objects.select_related("application"):
        key = month_of(event.created_at)
        if event.to_status == Application.Status.INTERVIEW:
            interviews[key] += 1
        elif event.to_status == HIRED:
            hires[key] += 1
            youth[key] += event.application.seeker_was_youth
    by_region = defaultdict(lambda: [0, 0])
    for a in Application.objects.filter(status=HIRED).select_related("vacancy__region"):
        by_region[a.vacancy.region.code][0] += 1
        by_region[a.vacancy.region.code][1] += a.seeker_was_youth
    return {
        "activity-monthly": {
            m: {"applications": applications[m], "interviews": interviews[m], "hires": hires[m]} for m in months
        },
        "youth-share-monthly": {
            m: {"hires": hires[m], "youth_hires": youth[m], "youth_share": share(youth[m], hires[m])} for m in months
        },
        "youth-share-by-region": {
            code: {
                "hires": by_region[code][0],
                "youth_hires": by_region[code][1],
                "youth_share": share(by_region[code][1], by_region[code][0]),
            }
            for code in Region.objects.values_list("code", flat=True)
        },
    }


def _referral_chart(year: int) -> dict:
    rows = {code: {"limit": 0, "issued": 0, "hired": 0} for code in Region.objects.values_list("code", flat=True)}
    for quota in ReferralQuota.objects.filter(year=year).select_related("region"):
        rows[quota.region.code]["limit"] = quota.limit
    for referral in Referral.objects.select_related("region"):
        if timezone.localtime(referral.created_at).year == year:
            rows[referral.region.code]["issued"] += 1
            rows[referral.region.code]["hired"] += referral.outcome == Referral.Outcome.HIRED
    return {"referrals-by-region": rows}


def _project_chart(year: int) -> dict:
    keys = ("planned_jobs", "projects", "vacancies", "positions", "applications", "hires")
    rows = {code: dict.fromkeys(keys, 0) for code in Region.objects.values_list("code", flat=True)}
    active = {p.pk: p for p in NationalProject.objects.select_related("region") if p.start_year <= year <= p.end_year}
    for project in active.values():
        rows[project.region.code]["planned_jobs"] += project.planned_permanent_jobs + project.planned_temporary_jobs
        rows[project.region.code]["projects"] += 1
    for v in Vacancy.objects.filter(national_project_id__in=active).exclude(status__in=["draft", "rejected"]):
        if v.published_at is None or timezone.localtime(v.published_at).year != year:
            continue
        row = rows[active[v.national_project_id].region.code]
        row["vacancies"] += 1
        row["positions"] += v.positions
        for a in v.applications.all():
            row["applications"] += 1
            row["hires"] += a.status == HIRED
    return {"projects-by-region": rows}


def _fair_chart() -> dict:
    rows = {}
    for fair in Fair.objects.filter(status__in=[Fair.Status.LIVE, Fair.Status.CLOSED, Fair.Status.RESULTS]):
        approved_vacancies = FairVacancy.objects.filter(fair=fair, participation__status=Participation.Status.APPROVED)
        hired = FairApplication.objects.filter(
            fair=fair, fair_vacancy__participation__status=Participation.Status.APPROVED, application__status=HIRED
        )
        people = hired.count()
        young = hired.filter(application__seeker_was_youth=True).count()
        rows[str(fair.pk)] = {
            "employers": Participation.objects.filter(fair=fair, status=Participation.Status.APPROVED).count(),
            "positions_offered": sum(approved_vacancies.values_list("positions_offered", flat=True)),
            "registered": Registration.objects.filter(fair=fair).count(),
            "applications": FairApplication.objects.filter(fair=fair).count(),
            "hired": sum(approved_vacancies.values_list("positions_filled", flat=True)),
            "youth_hired": young,
            "youth_share": share(young, people),
        }
    return {"fairs-monthly": rows}


def expected_charts() -> dict:
    year = timezone.localdate().year
    return {
        **_vacancy_charts(),
        **_activity_charts(),
        **_referral_chart(year),
        **_project_chart(year),
        **_fair_chart(),
    }


def expected_headline() -> dict:
    charts = expected_charts()
    published = list(Vacancy.objects.filter(status=PUBLISHED))
    salaries = [s for s in (offered_salary(v) for v in published) if s is not None]
    hired = Application.objects.filter(status=HIRED)
    hires, youth_hires = hired.count(), hired.filter(seeker_was_youth=True).count()
    return {
        "vacancies_open": len(published),
        "positions_open": sum(v.positions - v.positions_filled for v in published),
        "seekers": SeekerProfile.objects.filter(user__is_active=True).count(),
        "employers": Organization.objects.filter(status=Organization.Status.VERIFIED).count(),
        "applications": Application.objects.count(),
        "interviews": len(
            set(ApplicationEvent.objects.filter(to_status="interview").values_list("application_id", flat=True))
        ),
        "hires": hires,
        "youth_hires": youth_hires,
        "youth_share": share(youth_hires, hires),
        "median_salary": round(statistics.median(salaries)) if salaries else None,
        "referrals_issued": sum(row["issued"] for row in charts["referrals-by-region"].values()),
        "referral_limit": sum(row["limit"] for row in charts["referrals-by-region"].values()),
        "planned_jobs": sum(row["planned_jobs"] for row in charts["projects-by-region"].values()),
    }


def shown(table) -> dict:
    """A ``stats.tables.ChartTable`` in the shape of ``expected_charts``."""
    return {row.key: {cell.key: cell.value for cell in row.cells} for row in table.rows}
