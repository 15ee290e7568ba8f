"""The statistics computed from the live tables: set-based SQL, one grouped scan per family of
figures, run by the refresh only (never by a page view).

Every function returns plain JSON-ready data: rows keyed by catalog code or month, with the
names of catalog entries in the three interface languages (the pages pick one). Catalog rows
without any figure are kept with zeros, so a region with nothing still shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Organization, SeekerProfile
from catalog.models import EmploymentType, Occupation, Region
from vacancies.models import Application, ApplicationEvent, Referral, ReferralQuota, Vacancy

MONTHS_SHOWN = 24
LANGUAGES = ("en", "ru", "kk")


def _names(obj, prefix: str = "name") -> dict[str, str]:
    return {language: getattr(obj, f"{prefix}_{language}", "") or "" for language in LANGUAGES}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rows(entries: Iterable, figures: dict, zero: dict, *, prefix: str = "name", key: str = "pk") -> list[dict]:
    """One row per catalog entry (in catalog order) with its figures (``figures`` is keyed by the
    entry's ``key`` attribute), zeros where it has none."""
    return [
        {"code": entry.code, "name": _names(entry, prefix), **figures.get(getattr(entry, key), zero)}
        for entry in entries
    ]


def regions() -> list[Region]:
    return list(Region.objects.order_by("position", "code"))


def major_groups() -> list[Occupation]:
    return list(Occupation.objects.filter(level=Occupation.Level.MAJOR).order_by("code"))


# --- Vacancies and salaries ---------------------------------------------------------------------

# Counts by region, by ISCO-08 major group, by employment type and in all: one scan, hashed.
VACANCY_COUNTS_SQL = """
    SELECT GROUPING(v.region_id) AS no_region,
           GROUPING(substr(o.code, 1, 1)) AS no_group,
           GROUPING(v.employment_type_id) AS no_type,
           v.region_id, substr(o.code, 1, 1) AS major_group, v.employment_type_id,
           count(*) AS vacancies,
           COALESCE(sum(v.positions - v.positions_filled), 0) AS positions
    FROM vacancies_vacancy v
    JOIN catalog_occupation o ON o.id = v.occupation_id
    WHERE v.status = %s
    GROUP BY GROUPING SETS ((v.region_id), (substr(o.code, 1, 1)), (v.employment_type_id), ())
"""

# Medians by region, by major group and in all, over a narrow materialised projection of the
# vacancies stating a salary, so the sorts behind percentile_cont stay in memory. The salary a
# vacancy offers: the middle of its range, or the one end it gives (float8: sorting it is several
# times cheaper than sorting numeric).
VACANCY_MEDIANS_SQL = """
    WITH offered AS MATERIALIZED (
        SELECT v.region_id, substr(o.code, 1, 1) AS major_group,
               CASE WHEN v.salary_min IS NOT NULL AND v.salary_max IS NOT NULL
                    THEN (v.salary_min + v.salary_max)::float8 / 2
                    ELSE COALESCE(v.salary_min, v.salary_max)::float8 END AS salary
        FROM vacancies_vacancy v
        JOIN catalog_occupation o ON o.id = v.occupation_id
        WHERE v.status = %s AND (v.salary_min IS NOT NULL OR v.salary_max IS NOT NULL)
    )
    SELECT GROUPING(region_id) AS no_region, GROUPING(major_group) AS no_group, region_id, major_group,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY salary) AS median_salary,
           count(*) AS with_salary
    FROM offered
    GROUP BY GROUPING SETS ((region_id), (major_group), ())
"""


def vacancy_figures() -> dict:
    """Published vacancies and their open positions by region, by ISCO-08 major group and by
    employment type, and the median offered salary by region and major group, with the totals:
    two scans of the published vacancies (``GROUPING SETS``), the medians by
    ``percentile_cont``."""
    by_region, by_group, by_type, total = {}, {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(VACANCY_COUNTS_SQL, [Vacancy.Status.PUBLISHED])
        for no_region, no_group, no_type, region_id, group, type_id, vacancies, positions in cursor.fetchall():
            figures = {"vacancies": vacancies, "positions": int(positions)}
            if not no_region:
                by_region[region_id] = figures
            elif not no_group:
                by_group[group] = figures
            elif not no_type:
                by_type[type_id] = figures
            else:
                total = figures
        cursor.execute(VACANCY_MEDIANS_SQL, [Vacancy.Status.PUBLISHED])
        for no_region, no_group, region_id, group, median, with_salary in cursor.fetchall():
            figures = {"median_salary": None if median is None else round(median), "with_salary": with_salary}
            if not no_region:
                by_region.setdefault(region_id, {}).update(figures)
            elif not no_group:
                by_group.setdefault(group, {}).update(figures)
            else:
                total.update(figures)
    zero = {"vacancies": 0, "positions": 0, "median_salary": None, "with_salary": 0}

    def rows(entries, figures, keys, **kwargs) -> list[dict]:
        return [
            {k: v for k, v in row.items() if k in ("code", "name", *keys)}
            for row in _rows(entries, {key: {**zero, **value} for key, value in figures.items()}, zero, **kwargs)
        ]

    counts = ("vacancies", "positions")
    salaries = ("median_salary", "with_salary")
    return {
        "vacancies-by-region": rows(regions(), by_region, counts),
        "vacancies-by-occupation": rows(major_groups(), by_group, counts, prefix="title", key="code"),
        "vacancies-by-employment-type": rows(EmploymentType.objects.order_by("position", "code"), by_type, counts),
        "salary-by-region": rows(regions(), by_region, salaries),
        "salary-by-occupation": rows(major_groups(), by_group, salaries, prefix="title", key="code"),
        "total": {**zero, **total},
    }


# --- Applications, interviews and hires ---------------------------------------------------------


def first_month_shown(now: datetime.datetime) -> datetime.datetime:
    """Midnight (site time) of the first day of the first of the ``MONTHS_SHOWN`` months ending
    with the current one."""
    local = timezone.localtime(now)
    index = local.year * 12 + local.month - 1 - (MONTHS_SHOWN - 1)
    return local.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _month_key(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m")


def activity_figures(*, now: datetime.datetime) -> dict:
    """Month by month (site time zone, last ``MONTHS_SHOWN`` months): applications sent,
    applications moved to an interview, hires, and hires of young people; and the all-time totals.

    A transition counts in the month of its event (``ApplicationEvent``); the youth flag is the
    one the application kept from the day it was sent (it survives the seeker's erasure).
    """
    start = first_month_shown(now)
    applications = dict(
        Application.objects.filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    events = (
        ApplicationEvent.objects.filter(
            created_at__gte=start,
            to_status__in=[Application.Status.INTERVIEW, Application.Status.HIRED],
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            interviews=Count("id", filter=Q(to_status=Application.Status.INTERVIEW)),
            hires=Count("id", filter=Q(to_status=Application.Status.HIRED)),
            youth_hires=Count("id", filter=Q(to_status=Application.Status.HIRED, application__seeker_was_youth=True)),
        )
        .order_by()
    )
    by_month = {_month_key(row.pop("month")): row for row in events}
    applications_by_month = {_month_key(month): n for month, n in applications.items()}

    activity, youth = [], []
    month = start
    for _index in range(MONTHS_SHOWN):
        key = month.strftime("%Y-%m")
        figures = by_month.get(key, {"interviews": 0, "hires": 0, "youth_hires": 0})
        activity.append(
            {
                "month": key,
                "applications": applications_by_month.get(key, 0),
                "interviews": figures["interviews"],
                "hires": figures["hires"],
            }
        )
        youth.append(
            {
                "month": key,
                "hires": figures["hires"],
                "youth_hires": figures["youth_hires"],
                "youth_share": _percent(figures["youth_hires"], figures["hires"]),
            }
        )
        month = (month + datetime.timedelta(days=32)).replace(day=1)

    totals = Application.objects.aggregate(
        applications=Count("id"),
        hires=Count("id", filter=Q(status=Application.Status.HIRED)),
        youth_hires=Count("id", filter=Q(status=Application.Status.HIRED, seeker_was_youth=True)),
    )
    totals["interviews"] = (
        ApplicationEvent.objects.filter(to_status=Application.Status.INTERVIEW)
        .values("application_id")
        .distinct()
        .count()
    )
    hires_by_region = {
        row["vacancy__region_id"]: {
            "hires": row["hires"],
            "youth_hires": row["youth_hires"],
            "youth_share": _percent(row["youth_hires"], row["hires"]),
        }
        for row in Application.objects.filter(status=Application.Status.HIRED)
        .values("vacancy__region_id")
        .annotate(hires=Count("id"), youth_hires=Count("id", filter=Q(seeker_was_youth=True)))
        .order_by()
    }
    return {
        "activity-monthly": activity,
        "youth-share-monthly": youth,
        "youth-share-by-region": _rows(regions(), hires_by_region, {"hires": 0, "youth_hires": 0, "youth_share": None}),
        "total": totals,
    }


# --- Referrals ----------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def referral_figures(*, year: int) -> list[dict]:
    """Per region for ``year``: the referral limit, referrals issued in the year (site time) and
    those of them whose outcome is a hire."""
    start, end = year_bounds(year)
    issued = {
        row["region_id"]: row
        for row in Referral.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("region_id")
        .annotate(issued=Count("id"), hired=Count("id", filter=Q(outcome=Referral.Outcome.HIRED)))
        .order_by()
    }
    limits = dict(ReferralQuota.objects.filter(year=year).values_list("region_id", "limit"))
    rows = []
    for region in regions():
        figures = issued.get(region.pk, {})
        rows.append(
            {
                "code": region.code,
                "name": _names(region),
                "limit": limits.get(region.pk, 0),
                "issued": figures.get("issued", 0),
                "hired": figures.get("hired", 0),
            }
        )
    return rows


# --- National projects --------------------------------------------------------------------------


def project_figures(*, year: int) -> list[dict]:
    """The regional job creation figures of ``year``, exactly as the national projects' own map
    counts them (``vacancies.selectors.projects.job_creation_map``)."""
    from vacancies.selectors.projects import job_creation_map

    job_map = job_creation_map(year=year)
    return [
        {
            "code": row.region.code,
            "name": _names(row.region),
            "planned_jobs": row.planned_jobs,
            "projects": row.projects,
            "vacancies": row.vacancies,
            "positions": row.positions,
            "applications": row.applications,
            "hires": row.hires,
        }
        for row in job_map.regions
    ]


# --- Fairs --------------------------------------------------------------------------------------


def fair_figures() -> list[dict]:
    """Every fair that has started, month by month, from the fairs app's own results
    (``fairs.selectors.results.fairs_history``: frozen totals once published, live ones before);
    the youth share as a percentage."""
    from fairs.selectors.results import fairs_history

    return [
        {
            "fair_id": row["fair_id"],
            "month": row["month"].strftime("%Y-%m"),
            "title": row["title"],
            "status": row["status"],
            **{key: int(row[key] or 0) for key in FAIR_COUNTS},
            "youth_share": None if row["youth_share"] is None else round(100 * float(row["youth_share"]), 1),
        }
        for row in fairs_history()
    ]


FAIR_COUNTS = ("employers", "positions_offered", "registered", "applications", "hired", "youth_hired")


# --- Headline -----------------------------------------------------------------------------------


def people_figures() -> dict:
    return {
        "seekers": SeekerProfile.objects.filter(user__is_active=True).count(),
        "employers": Organization.objects.filter(status=Organization.Status.VERIFIED).count(),
    }
