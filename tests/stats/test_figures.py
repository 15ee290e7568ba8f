"""The figures of the public statistics equal the same figures counted directly in the database.

``tests.stats.world`` builds a small exchange with something in every statistic; the refresh
computes the snapshots with set-based SQL; ``tests.stats.direct`` counts everything again row by
row in Python. Every chart and every headline figure must agree, and a few are also checked
against numbers worked out by hand (medians, the month boundary at local midnight, the youth share).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stats import tables
from stats.definitions import CHARTS, CHARTS_BY_SLUG, HEADLINE, HEADLINE_KEY
from stats.models import StatSnapshot
from stats.selectors import snapshots_get
from stats.services import stats_compute, stats_refresh
from tests import factories
from tests.stats import direct
from tests.stats.world import build_fair, build_world
from vacancies.models import ApplicationEvent


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(cast):
    built = build_world(cast)
    stats_refresh()
    return built


def table_of(slug: str) -> tables.ChartTable:
    return tables.chart_table(CHARTS_BY_SLUG[slug], snapshots_get(keys=[slug]).get(slug))


@pytest.mark.parametrize("slug", [chart.slug for chart in CHARTS])
def test_every_chart_equals_the_figures_counted_in_the_database(world, slug):
    assert direct.shown(table_of(slug)) == direct.expected_charts()[slug]


def test_every_headline_figure_equals_the_database(world):
    figures = snapshots_get(keys=[HEADLINE_KEY]).get(HEADLINE_KEY)["figures"]

    assert {column.key: figures[column.key] for column in HEADLINE} == direct.expected_headline()


def test_medians_are_of_the_offered_salaries_worked_out_by_hand(world):
    by_region = direct.shown(table_of("salary-by-region"))
    by_group = direct.shown(table_of("salary-by-occupation"))

    # Astana: 375,000 (300-450k), 500,000 (from), 300,000 (280-320k, project), 400,000 (fair vacancy).
    assert by_region["KZ-71"] == {"median_salary": 387500, "with_salary": 4}
    # Almaty: 200,000 (up to), 250,000; the vacancy without a salary is not counted.
    assert by_region["KZ-75"] == {"median_salary": 225000, "with_salary": 2}
    # A region without vacancies has no median, not a zero.
    assert by_region["KZ-10"] == {"median_salary": None, "with_salary": 0}
    # Craft workers (7): 375,000 and 300,000; the closed vacancy at 900,000 is not open.
    assert by_group["7"]["median_salary"] == 337500


def test_open_positions_are_positions_minus_those_filled(world):
    by_type = direct.shown(table_of("vacancies-by-employment-type"))

    # Full-time, published: welders 3, sales 5 - 2, cleaners 4, the fair's 2.
    assert by_type["full_time"] == {"vacancies": 4, "positions": 12}
    assert by_type["platform"] == {"vacancies": 0, "positions": 0}


def test_a_hire_at_local_midnight_counts_in_the_month_it_starts(world):
    months = direct.shown(table_of("activity-monthly"))
    this_month = world.month_start.strftime("%Y-%m")
    last_month = (world.month_start - timezone.timedelta(days=1)).strftime("%Y-%m")

    # This month: the sales hire at 00:00 local, the project hire, the fair hire, the referral hire
    # (two days ago, if still this month).
    assert months[this_month]["hires"] == direct.expected_charts()["activity-monthly"][this_month]["hires"]
    assert months[this_month]["hires"] >= 2
    # The cleaner hired one second before midnight is last month's.
    assert months[last_month]["hires"] >= 1
    assert list(months) == direct.months_shown()
    assert len(months) == 24


def test_youth_share_of_hires_is_of_young_people_among_all_hires(world):
    figures = snapshots_get(keys=[HEADLINE_KEY]).get(HEADLINE_KEY)["figures"]

    # Hires: welders (young), sales (older), cleaners (young), developers 2024 (young), project
    # (young), cleaners by referral (older), the fair (young): 5 young of 7.
    assert (figures["hires"], figures["youth_hires"], figures["youth_share"]) == (7, 5, 71.4)


def test_referrals_count_this_years_only_against_this_years_limit(world):
    rows = direct.shown(table_of("referrals-by-region"))

    assert rows["KZ-75"] == {"limit": 50, "issued": 2, "hired": 1}
    assert rows["KZ-71"] == {"limit": 100, "issued": 0, "hired": 0}  # last year's referral is not counted


def test_projects_count_the_year_of_the_refresh(world):
    rows = direct.shown(table_of("projects-by-region"))

    assert rows["KZ-71"] == {
        "planned_jobs": 150, "projects": 1, "vacancies": 1, "positions": 6, "applications": 2, "hires": 1,
    }  # fmt: skip
    assert rows["KZ-75"]["planned_jobs"] == 0  # next year's bridge
    assert table_of("projects-by-region").year == world.year


def test_fairs_month_by_month_come_from_the_fairs_results(world):
    rows = direct.shown(table_of("fairs-monthly"))

    assert rows[str(world.fair.pk)] == {
        "employers": 1, "positions_offered": 2, "registered": 2, "applications": 1, "hired": 1,
        "youth_hired": 1, "youth_share": 100.0,
    }  # fmt: skip


def test_every_region_and_group_has_a_row_even_without_figures(world):
    assert len(table_of("vacancies-by-region").rows) == 20
    assert [row.key for row in table_of("vacancies-by-occupation").rows] == [str(d) for d in range(10)]
    assert len(table_of("vacancies-by-employment-type").rows) == 7


def test_refreshing_twice_stores_the_same_figures(world):
    first = dict(StatSnapshot.objects.values_list("key", "payload"))

    stats_refresh()

    assert dict(StatSnapshot.objects.values_list("key", "payload")) == first
    assert StatSnapshot.objects.count() == len(CHARTS) + 1


def test_a_refresh_replaces_the_figures_and_their_time(world):
    before = StatSnapshot.objects.get(key=HEADLINE_KEY).refreshed_at
    factories.VacancyFactory(title="One more welder")
    later = timezone.now()

    assert stats_refresh(now=later) == later

    figures = StatSnapshot.objects.get(key=HEADLINE_KEY)
    assert figures.refreshed_at == later > before
    assert figures.payload["figures"]["vacancies_open"] == direct.expected_headline()["vacancies_open"]
    assert set(StatSnapshot.objects.values_list("refreshed_at", flat=True)) == {later}


def test_an_empty_exchange_has_zeros_and_no_medians(catalog):
    stats_refresh()

    figures = StatSnapshot.objects.get(key=HEADLINE_KEY).payload["figures"]
    assert figures["vacancies_open"] == 0
    assert figures["median_salary"] is None
    assert figures["youth_share"] is None
    assert direct.shown(table_of("salary-by-region"))["KZ-71"] == {"median_salary": None, "with_salary": 0}


def test_computing_runs_the_same_queries_whatever_the_amount_of_data(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            stats_compute(now=timezone.now())
        return len(captured.captured_queries)

    before = queries()
    for _ in range(5):
        made = factories.ApplicationFactory(vacancy=factories.VacancyFactory(), status="hired")
        ApplicationEvent.objects.create(application=made, to_status="hired")
    build_fair(
        org_a=world.org_a, org_b=world.org_b, vacancy=factories.VacancyFactory(organization=world.org_a),
        young=world.young, older=world.older, now=timezone.now() - timezone.timedelta(days=40),
    )  # fmt: skip

    assert queries() == before <= 30
