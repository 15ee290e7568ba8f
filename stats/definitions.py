"""What the statistics section shows: every chart, its columns, and the pages that group them.

One definition drives everything about a chart (the snapshot computed by the refresh, the table
and SVG on its page, the CSV, the XLSX sheet and the API endpoint with its OpenAPI schema), so
they can never disagree. No definition holds a figure about one employer or one person: the
public pages are aggregates by region, occupation group, employment type, month or fair.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Kinds of value a column holds: a whole number, an amount in tenge, a percentage (0-100, one
# decimal) or a piece of text.
INT = "int"
MONEY = "money"
PERCENT = "percent"
TEXT = "text"

# Kinds of row a chart has, i.e. what its label columns are.
REGION = "region"
OCCUPATION = "occupation"
EMPLOYMENT_TYPE = "employment_type"
MONTH = "month"
FAIR = "fair"

# How each kind of row is labelled in tables, CSV and the API.
LABEL_COLUMN = {
    REGION: _("Region"),
    OCCUPATION: _("Occupation group (ISCO-08)"),
    EMPLOYMENT_TYPE: _("Employment type"),
    MONTH: _("Month"),
    FAIR: _("Fair"),
}

# ISCO-08 major groups, for the pages in a language the catalog has no title in (the catalog
# carries Russian and Kazakh titles for unit groups only).
ISCO_MAJOR_GROUPS = {
    "0": _("Armed forces occupations"),
    "1": _("Managers"),
    "2": _("Professionals"),
    "3": _("Technicians and associate professionals"),
    "4": _("Clerical support workers"),
    "5": _("Service and sales workers"),
    "6": _("Skilled agricultural, forestry and fishery workers"),
    "7": _("Craft and related trades workers"),
    "8": _("Plant and machine operators, and assemblers"),
    "9": _("Elementary occupations"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    kind: str = INT
    help: Promise | str = ""


@dataclass(frozen=True)
class Chart:
    """One chart: ``rows`` says what a row is, ``columns`` its figures, ``drawn`` which of them
    the picture shows (the table and the CSV show all), ``kind`` the picture (bar, line, map)."""

    slug: str
    title: Promise
    description: Promise
    rows: str
    columns: tuple[Column, ...]
    drawn: tuple[str, ...]
    kind: str = "bar"
    # The chart is of one calendar year (the current one when the refresh ran).
    yearly: bool = False

    @property
    def api_name(self) -> str:
        return "".join(part.capitalize() for part in self.slug.split("-"))

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    intro: Promise
    charts: tuple[str, ...]


OPEN_VACANCIES = Column("vacancies", _("Open vacancies"))
OPEN_POSITIONS = Column("positions", _("Open positions"))
MEDIAN_SALARY = Column("median_salary", _("Median offered salary, KZT"), MONEY)
WITH_SALARY = Column("with_salary", _("Vacancies stating a salary"))

CHARTS: tuple[Chart, ...] = (
    Chart(
        "vacancies-by-region",
        _("Open vacancies and positions by region"),
        _("Published vacancies and the positions still to fill in them, by the vacancy's region."),
        REGION,
        (OPEN_VACANCIES, OPEN_POSITIONS),
        ("vacancies", "positions"),
    ),
    Chart(
        "vacancies-by-occupation",
        _("Open vacancies and positions by occupation group"),
        _("Published vacancies and open positions by major group of the ISCO-08 classifier."),
        OCCUPATION,
        (OPEN_VACANCIES, OPEN_POSITIONS),
        ("vacancies", "positions"),
    ),
    Chart(
        "vacancies-by-employment-type",
        _("Open vacancies and positions by employment type"),
        _("Published vacancies and open positions by type of employment."),
        EMPLOYMENT_TYPE,
        (OPEN_VACANCIES, OPEN_POSITIONS),
        ("vacancies", "positions"),
    ),
    Chart(
        "salary-by-region",
        _("Median offered salary by region"),
        _(
            "Median monthly salary offered by published vacancies that state one: the middle of the range "
            "when both ends are given, otherwise the one given."
        ),
        REGION,
        (MEDIAN_SALARY, WITH_SALARY),
        ("median_salary",),
    ),
    Chart(
        "salary-by-occupation",
        _("Median offered salary by occupation group"),
        _("The same median by major group of the ISCO-08 classifier."),
        OCCUPATION,
        (MEDIAN_SALARY, WITH_SALARY),
        ("median_salary",),
    ),
    Chart(
        "activity-monthly",
        _("Applications, interviews and hires by month"),
        _(
            "Applications sent in the month, and applications moved to an interview or to hired in the "
            "month, over the last 24 months."
        ),
        MONTH,
        (
            Column("applications", _("Applications")),
            Column("interviews", _("Interviews")),
            Column("hires", _("Hires")),
        ),
        ("applications", "interviews", "hires"),
        kind="line",
    ),
    Chart(
        "youth-share-monthly",
        _("Youth share of hires by month"),
        _("Hires of people under 35 (on the day they applied) among all hires of the month, in per cent."),
        MONTH,
        (
            Column("hires", _("Hires")),
            Column("youth_hires", _("Young people hired")),
            Column("youth_share", _("Youth share, %"), PERCENT),
        ),
        ("youth_share",),
        kind="line",
    ),
    Chart(
        "youth-share-by-region",
        _("Youth share of hires by region"),
        _("All hires so far, by the vacancy's region: how many were of people under 35."),
        REGION,
        (
            Column("hires", _("Hires")),
            Column("youth_hires", _("Young people hired")),
            Column("youth_share", _("Youth share, %"), PERCENT),
        ),
        ("youth_share",),
    ),
    Chart(
        "referrals-by-region",
        _("Referrals: limit, issued and hired by region"),
        _(
            "The year's referral limit of each region, the referrals employment centres issued in the year "
            "and those that ended in a hire."
        ),
        REGION,
        (
            Column("limit", _("Referral limit")),
            Column("issued", _("Referrals issued")),
            Column("hired", _("Hired after referral")),
        ),
        ("limit", "issued", "hired"),
        yearly=True,
    ),
    Chart(
        "projects-by-region",
        _("National projects: planned jobs, vacancies and hires by region"),
        _(
            "Jobs planned by the national projects running in the year, the vacancies of those projects "
            "published in the year, and hires on them, by the project's region."
        ),
        REGION,
        (
            Column("planned_jobs", _("Planned jobs")),
            Column("projects", _("Projects")),
            Column("vacancies", _("Vacancies")),
            Column("positions", _("Positions")),
            Column("applications", _("Applications")),
            Column("hires", _("Hires")),
        ),
        ("planned_jobs", "vacancies", "hires"),
        kind="map",
        yearly=True,
    ),
    Chart(
        "fairs-monthly",
        _("Job fairs month by month"),
        _(
            "Every fair with its month: employers taking part, positions offered, job seekers registered, "
            "applications, hires and the share of young people among those hired."
        ),
        FAIR,
        (
            Column("employers", _("Employers")),
            Column("positions_offered", _("Positions offered")),
            Column("registered", _("Registered job seekers")),
            Column("applications", _("Applications")),
            Column("hired", _("Hired")),
            Column("youth_hired", _("Young people hired")),
            Column("youth_share", _("Youth share, %"), PERCENT),
        ),
        ("registered", "applications", "hired"),
    ),
)

CHARTS_BY_SLUG = {chart.slug: chart for chart in CHARTS}

# The headline figures, in the order shown.
HEADLINE: tuple[Column, ...] = (
    Column("vacancies_open", _("Open vacancies")),
    Column("positions_open", _("Open positions")),
    Column("seekers", _("Job seekers registered")),
    Column("employers", _("Verified employers")),
    Column("applications", _("Applications sent")),
    Column("interviews", _("Applications that reached an interview")),
    Column("hires", _("People hired")),
    Column("youth_hires", _("Young people hired (under 35)")),
    Column("youth_share", _("Youth share of hires, %"), PERCENT),
    Column("median_salary", _("Median offered salary, KZT"), MONEY),
    Column("referrals_issued", _("Referrals issued this year")),
    Column("referral_limit", _("Referral limit this year")),
    Column("planned_jobs", _("Jobs planned by national projects this year")),
)
HEADLINE_KEY = "headline"

SECTIONS: tuple[Section, ...] = (
    Section(
        "vacancies",
        _("Vacancies and positions"),
        _("Where the open vacancies are, in which occupations and on what terms."),
        ("vacancies-by-region", "vacancies-by-occupation", "vacancies-by-employment-type"),
    ),
    Section(
        "salaries",
        _("Offered salaries"),
        _("What employers offer, by region and occupation group."),
        ("salary-by-region", "salary-by-occupation"),
    ),
    Section(
        "activity",
        _("Applications, interviews and hires"),
        _("How job seekers respond to vacancies and how many of them are hired, month by month."),
        ("activity-monthly", "youth-share-monthly", "youth-share-by-region"),
    ),
    Section(
        "referrals",
        _("Referrals"),
        _("Referrals of job seekers by employment centres against each region's yearly limit."),
        ("referrals-by-region",),
    ),
    Section(
        "projects",
        _("Regional job creation"),
        _("Jobs created through the national projects, region by region."),
        ("projects-by-region",),
    ),
    Section(
        "fairs",
        _("Job fairs"),
        _("The monthly online job fairs and what came of them."),
        ("fairs-monthly",),
    ),
)

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
