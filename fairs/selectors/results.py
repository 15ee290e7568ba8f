"""Reads for fair results: the live counters, the results by region, employer and occupation,
the month-by-month history, the fairs section of the public employer page and the home counters.

Everything here is public and made of aggregates only: no seeker is ever named, and the only
names shown are those of employers (whose pages are public anyway) and of catalog entries.

What counts (the same rule everywhere, so the tables add up to the totals):

* employers, positions offered and hires are those of **approved** participations; a
  participation that was declined or withdrawn is not shown to the public, so it is not
  counted either;
* ``hired`` is the sum of ``FairVacancy.positions_filled`` (moved under a row lock by
  ``fair_application_hire``); the breakdown by region and the youth figures count the fair
  applications in state ``hired`` (the same hires, seen from the seeker's side);
* region and youth come from what the application captured when it was sent
  (``Application.seeker_region`` / ``seeker_was_youth``), which survives the seeker's erasure;
  registrations are grouped by ``Registration.region`` captured at registration.

Every figure is computed with ``GROUP BY`` in PostgreSQL: the number of queries does not grow
with the number of seekers, applications or employers.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.models import Occupation
from fairs.models import Fair, FairApplication, FairVacancy, Participation, Registration, SlotBooking
from vacancies.models import Application

RESULTS_VERSION = 1
COUNTER_KEYS = ("employers", "positions_offered", "registered", "applications", "interviews", "hired")
TOTAL_KEYS = (*COUNTER_KEYS, "youth_hired", "youth_share")
HISTORY_KEYS = (
    "fair_id",
    "title",
    "month",
    "status",
    "employers",
    "positions_offered",
    "registered",
    "applications",
    "hired",
    "youth_hired",
    "youth_share",
)
# Fairs that appear in the history: published ones, and those running or in their hiring week
# (shown as provisional).
HISTORY_STATUSES = (Fair.Status.LIVE, Fair.Status.CLOSED, Fair.Status.RESULTS)
LANGUAGES = ("en", "ru", "kk")
UNKNOWN_REGION = ""

APPROVED = Participation.Status.APPROVED
HIRED = Application.Status.HIRED


# --- Totals: one query of scalar sub-queries, for one fair or many ---------------------------


def _scalar(queryset: QuerySet, group: str, aggregate) -> Coalesce:
    """``aggregate`` over ``queryset`` (already filtered on the outer fair), as a sub-query.

    Grouped by the fair column so the sub-query yields exactly one row (or none: 0).
    """
    subquery = queryset.order_by().values(group).annotate(value=aggregate).values("value")[:1]
    return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)


def _totals_annotations() -> dict:
    fair = OuterRef("pk")
    approved_vacancies = FairVacancy.objects.filter(fair=fair, participation__status=APPROVED)
    hired_applications = FairApplication.objects.filter(
        fair=fair, fair_vacancy__participation__status=APPROVED, application__status=HIRED
    )
    return {
        "t_employers": _scalar(Participation.objects.filter(fair=fair, status=APPROVED), "fair", Count("pk")),
        "t_positions_offered": _scalar(approved_vacancies, "fair", Sum("positions_offered")),
        "t_registered": _scalar(Registration.objects.filter(fair=fair), "fair", Count("pk")),
        "t_applications": _scalar(FairApplication.objects.filter(fair=fair), "fair", Count("pk")),
        "t_interviews": _scalar(
            SlotBooking.objects.filter(slot__fair=fair, status=SlotBooking.Status.BOOKED), "slot__fair", Count("pk")
        ),
        "t_hired": _scalar(approved_vacancies, "fair", Sum("positions_filled")),
        "t_hired_people": _scalar(hired_applications, "fair", Count("pk")),
        "t_youth_hired": _scalar(hired_applications.filter(application__seeker_was_youth=True), "fair", Count("pk")),
    }


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 places; None when there is nothing to divide (no hires)."""
    return round(part / whole, 4) if whole else None


def _totals_of(fair: Fair) -> dict:
    hired_people = fair.t_hired_people
    return {
        "employers": fair.t_employers,
        "positions_offered": fair.t_positions_offered,
        "registered": fair.t_registered,
        "applications": fair.t_applications,
        "interviews": fair.t_interviews,
        "hired": fair.t_hired,
        "youth_hired": fair.t_youth_hired,
        # Among the people hired (fair applications in state hired), the young ones.
        "youth_share": _share(fair.t_youth_hired, hired_people),
    }


def _with_totals(queryset: QuerySet[Fair]) -> QuerySet[Fair]:
    return queryset.annotate(**_totals_annotations())


def fair_totals(*, fair: Fair) -> dict:
    """The live totals of ``fair`` (``TOTAL_KEYS``), in one query."""
    return _totals_of(_with_totals(Fair.objects.filter(pk=fair.pk).only("pk")).get())


def _counters_cache_key(fair_id: int) -> str:
    return f"fairs:counters:{fair_id}"


def fair_counters(*, fair: Fair) -> dict:
    """The live counter tiles of a fair: employers (approved participations), positions offered,
    registered seekers, applications, interviews booked and hired (``COUNTER_KEYS``).

    One query of scalar sub-queries on indexed foreign keys. Cached for a few seconds
    (``FAIR_COUNTERS_CACHE_SECONDS``, default 5) per fair: the fair page is public and every
    open page polls the counters API while the fair is live, so at the opening thousands of
    readers share one computation.
    """
    key = _counters_cache_key(fair.pk)
    counters = cache.get(key)
    if counters is None:
        totals = fair_totals(fair=fair)
        counters = {name: totals[name] for name in COUNTER_KEYS}
        cache.set(key, counters, getattr(settings, "FAIR_COUNTERS_CACHE_SECONDS", 5))
    return counters


# --- The full results --------------------------------------------------------------------------


def _by_region(fair: Fair) -> list[dict]:
    """Registered seekers, applications, hires and young hires per region of the seeker, with
    the region's names in the three languages; regions without any figure are left out."""
    names = {f"name_{lang}": f"region__name_{lang}" for lang in LANGUAGES}
    registered = (
        Registration.objects.filter(fair=fair)
        .values("region__code", "region__position", *names.values())
        .annotate(registered=Count("pk"))
        .order_by()
    )
    app_names = {key: f"application__seeker_{value}" for key, value in names.items()}
    applications = (
        FairApplication.objects.filter(fair=fair)
        .values("application__seeker_region__code", "application__seeker_region__position", *app_names.values())
        .annotate(
            applications=Count("pk"),
            hired=Count("pk", filter=Q(application__status=HIRED, fair_vacancy__participation__status=APPROVED)),
            youth_hired=Count(
                "pk",
                filter=Q(
                    application__status=HIRED,
                    application__seeker_was_youth=True,
                    fair_vacancy__participation__status=APPROVED,
                ),
            ),
        )
        .order_by()
    )

    rows: dict[str, dict] = {}

    def row_for(code, position, figures: dict, name_columns: dict) -> dict:
        code = code or UNKNOWN_REGION
        row = rows.get(code)
        if row is None:
            row = rows[code] = {
                "code": code,
                **{key: figures.get(column) or "" for key, column in name_columns.items()},
                "registered": 0,
                "applications": 0,
                "hired": 0,
                "youth_hired": 0,
                "_position": position if position is not None else 10_000,
            }
        return row

    for figures in registered:
        row = row_for(figures["region__code"], figures["region__position"], figures, names)
        row["registered"] = figures["registered"]
    for figures in applications:
        row = row_for(
            figures["application__seeker_region__code"],
            figures["application__seeker_region__position"],
            figures,
            app_names,
        )
        for name in ("applications", "hired", "youth_hired"):
            row[name] = figures[name]
    ordered = sorted(rows.values(), key=lambda row: (row["_position"], row["code"] == UNKNOWN_REGION, row["code"]))
    for row in ordered:
        del row["_position"]
    return ordered


def _by_employer(fair: Fair) -> list[dict]:
    """Per approved participation: the employer's name, positions offered, applications, hires."""
    participations = (
        Participation.objects.filter(fair=fair, status=APPROVED)
        .values("organization_id", "organization__legal_name")
        .annotate(
            positions_offered=Coalesce(Sum("fair_vacancies__positions_offered"), 0),
            hired=Coalesce(Sum("fair_vacancies__positions_filled"), 0),
        )
        .order_by()
    )
    applications = dict(
        FairApplication.objects.filter(fair=fair, fair_vacancy__participation__status=APPROVED)
        .values_list("fair_vacancy__participation__organization_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = [
        {
            "organization_id": figures["organization_id"],
            "name": figures["organization__legal_name"],
            "positions_offered": figures["positions_offered"],
            "applications": applications.get(figures["organization_id"], 0),
            "hired": figures["hired"],
        }
        for figures in participations
    ]
    rows.sort(key=lambda row: (-row["hired"], -row["positions_offered"], row["name"].casefold()))
    return rows


def _by_occupation(fair: Fair) -> list[dict]:
    """Per ISCO-08 unit group of the vacancies offered (approved participations), with its major
    group: positions offered, applications, hires; titles in the three languages."""
    titles = {f"title_{lang}": f"vacancy__occupation__title_{lang}" for lang in LANGUAGES}
    vacancies = (
        FairVacancy.objects.filter(fair=fair, participation__status=APPROVED)
        .values("vacancy__occupation__code", *titles.values())
        .annotate(positions_offered=Sum("positions_offered"), hired=Sum("positions_filled"))
        .order_by()
    )
    applications = dict(
        FairApplication.objects.filter(fair=fair, fair_vacancy__participation__status=APPROVED)
        .values_list("fair_vacancy__vacancy__occupation__code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    # The ten major groups, found by the first digit of the code (whatever the vacancy's level).
    majors = {
        major["code"]: major
        for major in Occupation.objects.filter(level=Occupation.Level.MAJOR).values(
            "code", *(f"title_{lang}" for lang in LANGUAGES)
        )
    }
    rows = []
    for figures in vacancies:
        code = figures["vacancy__occupation__code"]
        major = majors.get(code[:1], {})
        rows.append(
            {
                "code": code,
                **{key: figures[column] or "" for key, column in titles.items()},
                "major_code": code[:1],
                **{f"major_title_{lang}": major.get(f"title_{lang}") or "" for lang in LANGUAGES},
                "positions_offered": figures["positions_offered"] or 0,
                "applications": applications.get(code, 0),
                "hired": figures["hired"] or 0,
            }
        )
    rows.sort(key=lambda row: row["code"])
    return rows


def fair_results_compute(*, fair: Fair) -> dict:
    """The results of ``fair`` as they stand now, as plain JSON-ready data (what
    ``fair_results_publish`` freezes into ``fair.results``)::

        {"version", "computed_at",
         "totals": {employers, positions_offered, registered, applications, interviews, hired,
                    youth_hired, youth_share},
         "youth_hired", "youth_share",
         "by_region": [{code, name_en, name_ru, name_kk, registered, applications, hired, youth_hired}],
         "by_employer": [{organization_id, name, positions_offered, applications, hired}],
         "by_occupation": [{code, title_en/_ru/_kk, major_code, major_title_en/_ru/_kk,
                            positions_offered, applications, hired}]}

    ``youth_share`` is a fraction (0.25 = 25 %) of the people hired, or None when nobody was
    hired. An unknown region has the code "". Eight queries whatever the size of the fair.
    """
    totals = fair_totals(fair=fair)
    return {
        "version": RESULTS_VERSION,
        "computed_at": timezone.now().isoformat(),
        "totals": totals,
        "youth_hired": totals["youth_hired"],
        "youth_share": totals["youth_share"],
        "by_region": _by_region(fair),
        "by_employer": _by_employer(fair),
        "by_occupation": _by_occupation(fair),
    }


def fair_results_are_published(fair: Fair) -> bool:
    return fair.status == Fair.Status.RESULTS and bool(fair.results)


def fair_results(*, fair: Fair) -> dict:
    """What the results page, CSV and API show: the frozen results once published, otherwise
    the figures as they stand (``provisional``: True)."""
    if fair_results_are_published(fair):
        return {**fair.results, "provisional": False}
    return {**fair_results_compute(fair=fair), "provisional": True}


def _localized(row: dict, prefix: str) -> str:
    language = (get_language() or "en").split("-")[0]
    return row.get(f"{prefix}_{language}") or row.get(f"{prefix}_en") or ""


def fair_results_display(results: dict) -> dict:
    """``results`` with the names of regions and occupations in the active language
    (``name``, ``title``, ``major_title``), for pages, CSV and API."""
    unknown = str(_("Region not known"))
    return {
        **results,
        "by_region": [
            {**row, "name": (_localized(row, "name") if row["code"] else "") or unknown}
            for row in results.get("by_region", [])
        ],
        "by_occupation": [
            {**row, "title": _localized(row, "title"), "major_title": _localized(row, "major_title")}
            for row in results.get("by_occupation", [])
        ],
    }


# --- History ---------------------------------------------------------------------------------


def _month_of(fair) -> datetime.date:
    return fair.month or timezone.localtime(fair.starts_at).date().replace(day=1)


def _history_row(fair: Fair, totals: dict) -> dict:
    return {
        "fair_id": fair.pk,
        "title": fair.title,
        "month": _month_of(fair),
        "status": fair.status,
        **{
            name: totals.get(name) or 0
            for name in ("employers", "positions_offered", "registered", "applications", "hired", "youth_hired")
        },
        "youth_share": totals.get("youth_share"),
    }


def fairs_history() -> list[dict]:
    """Every fair month by month, oldest first: one plain dict per fair with ``HISTORY_KEYS``
    (fair_id, title, month (the first day, a date), status, employers, positions_offered,
    registered, applications, hired, youth_hired, youth_share (a fraction or None)).

    Published fairs give their frozen totals; a fair that is live or closed (hiring week) is
    computed now and is provisional (its ``status`` is not ``results``). Two queries.
    """
    fairs = list(
        Fair.objects.filter(status__in=HISTORY_STATUSES)
        .only("pk", "title", "month", "starts_at", "status", "results")
        .order_by("starts_at", "pk")
    )
    pending = [fair.pk for fair in fairs if not fair_results_are_published(fair)]
    live = {}
    if pending:
        live = {fair.pk: _totals_of(fair) for fair in _with_totals(Fair.objects.filter(pk__in=pending).only("pk"))}
    rows = [
        _history_row(fair, fair.results.get("totals", {}) if fair.pk not in live else live[fair.pk]) for fair in fairs
    ]
    rows.sort(key=lambda row: (row["month"], row["fair_id"]))
    return rows


# --- The public employer page and the home page ------------------------------------------------


def employer_fairs(*, organization) -> QuerySet[Participation]:
    """The fairs ``organization`` takes or took part in (approved), newest first, each with the
    positions it offered and the people it hired there (one query)."""
    return (
        Participation.objects.filter(organization=organization, status=APPROVED)
        .select_related("fair")
        .annotate(
            positions_offered=Coalesce(Sum("fair_vacancies__positions_offered"), 0),
            hired=Coalesce(Sum("fair_vacancies__positions_filled"), 0),
        )
        .order_by("-fair__starts_at", "-pk")
    )


def employer_page_section(*, organization, user) -> dict:
    """The "job fair participation" section of the public employer page
    (see ``settings.EMPLOYER_PAGE_SECTIONS``): the same for every reader."""
    return {
        "template": "fairs/_employer_fairs.html",
        "context": {"participations": list(employer_fairs(organization=organization)[:20])},
    }


def next_fair() -> Fair | None:
    """The fair running now, or else the next one to start (registration open or scheduled)."""
    running = Fair.objects.filter(status=Fair.Status.LIVE).order_by("starts_at", "pk").first()
    if running is not None:
        return running
    return (
        Fair.objects.filter(status__in=(Fair.Status.REGISTRATION, Fair.Status.SCHEDULED))
        .order_by("starts_at", "pk")
        .first()
    )


def home_counters() -> list[dict]:
    """Home page counters (``settings.HOME_COUNTERS``): people hired at online job fairs so far,
    and the positions offered at the fair running now or coming next."""
    hired = (
        FairVacancy.objects.filter(participation__status=APPROVED).aggregate(hired=Sum("positions_filled"))["hired"]
        or 0
    )
    counters = [{"label": _("hired at online job fairs"), "value": hired}]
    fair = next_fair()
    if fair is not None:
        offered = (
            FairVacancy.objects.filter(fair=fair, participation__status=APPROVED).aggregate(
                offered=Sum("positions_offered")
            )["offered"]
            or 0
        )
        label = _("positions at the job fair now") if fair.is_live else _("positions at the next job fair")
        counters.append({"label": label, "value": offered})
    return counters
