"""The public statistics in a real browser: every page in Kazakh, Russian and English, with a
screenshot each (test-artifacts/stats-*.png), the numbers a reader sees in every chart's table
and in the headline equal to the numbers counted directly in the database, every chart drawn,
the pages fitting a 390 px phone, and an administrator's "refresh now" going through the worker.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from stats.definitions import CHARTS_BY_SLUG, HEADLINE, MONEY, PERCENT, SECTIONS
from stats.models import StatRefresh
from stats.services import stats_refresh
from tests.stats import direct
from tests.stats.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["kk", "ru", "en"]
PAGES = ["", *(section.slug for section in SECTIONS)]
PHONE_WIDTH = 390

READ_TABLES = """(slug) => Array.from(document.querySelectorAll(`table[data-chart="${slug}"] tbody tr`)).map(
    (tr) => [tr.dataset.row, Array.from(tr.querySelectorAll("td")).map((td) => [td.dataset.key, td.innerText])])"""
READ_HEADLINE = """() => Array.from(document.querySelectorAll(".stats-headline .counter")).map(
    (li) => [li.dataset.key, li.querySelector(".counter-value").innerText])"""


def number(text: str, kind: str):
    """A figure as the reader sees it, in any of the three languages, back to a number: digits
    grouped with commas or (narrow) spaces, a decimal point or comma, a dash for no data."""
    text = text.strip()
    if text in ("—", ""):
        return None
    if kind == PERCENT:
        return float(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", "."))
    return int(re.sub(r"\D", "", text))


def url_of(live_server, slug: str) -> str:
    return f"{live_server.url}/stats/{slug + '/' if slug else ''}"


@pytest.fixture
def world(cast):
    cache.clear()
    built = build_world(cast)
    stats_refresh()
    return built


def open_in(page, live_server, slug: str, language: str):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    response = page.goto(url_of(live_server, slug))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chart_shows_the_database_figures_in_each_language(world, page, live_server, screenshot, language):
    expected = direct.expected_charts()
    headline = direct.expected_headline()
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    for slug in PAGES:
        open_in(page, live_server, slug, language)
        screenshot(page, f"stats-{slug or 'overview'}-{language}")
        if not slug:
            kinds = {column.key: column.kind for column in HEADLINE}
            shown = {key: number(text, kinds[key]) for key, text in page.evaluate(READ_HEADLINE)}
            assert shown == headline, language
            continue
        for chart_slug in next(s for s in SECTIONS if s.slug == slug).charts:
            chart = CHARTS_BY_SLUG[chart_slug]
            kinds = {column.key: column.kind for column in chart.columns}
            rows = page.evaluate(READ_TABLES, chart_slug)
            shown = {key: {col: number(text, kinds[col]) for col, text in cells} for key, cells in rows}
            assert shown == expected[chart_slug], (language, chart_slug)
            drawing = page.locator(f'section[data-chart="{chart_slug}"] svg.stats-svg').first
            assert drawing.is_visible(), (language, chart_slug)
            assert drawing.bounding_box()["height"] > 50
            if chart.kind == "map":
                assert page.locator(f'section[data-chart="{chart_slug}"] .stats-tile').count() == 20
    assert failed == []


def test_the_map_tiles_give_each_regions_figure(world, page, live_server, screenshot):
    open_in(page, live_server, "projects", "ru")
    page.locator('.stats-map-block a[href^="?metric=vacancies"]').click()
    page.wait_for_load_state()
    assert page.locator('.stats-map-block a[aria-current="page"]').get_attribute("href").startswith("?metric=vacancies")

    title = page.locator('.stats-tile[data-region="KZ-71"] title').text_content()
    expected = direct.expected_charts()["projects-by-region"]["KZ-71"]["vacancies"]
    assert title.endswith(f": {expected}")
    assert "Астана" in title
    screenshot(page, "stats-projects-map-ru")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statistics_fit_a_phone(world, browser, live_server, screenshot, language):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": PHONE_WIDTH, "height": 800}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        for slug in PAGES:
            open_in(page, live_server, slug, language)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, slug
            for drawing in page.locator("svg.stats-bars, svg.stats-lines").all():
                box = drawing.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, slug
            if slug in ("", "activity", "projects"):
                screenshot(page, f"stats-{slug or 'overview'}-phone-{language}")
    finally:
        context.close()


@pytest.mark.celery_worker
def test_an_administrator_refreshes_the_statistics_from_the_page(celery_worker, cast, page, live_server, screenshot):
    cache.clear()
    build_world(cast)
    client = Client()
    client.force_login(cast.admin)
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )

    page.goto(f"{live_server.url}/stats/")
    assert page.locator("[data-never-refreshed]").is_visible()
    page.get_by_role("button", name="Refresh now").click()
    page.wait_for_load_state()
    assert StatRefresh.objects.exists()
    screenshot(page, "stats-refresh-queued")

    for _ in range(60):
        if StatRefresh.objects.filter(status=StatRefresh.Status.DONE).exists():
            break
        page.wait_for_timeout(500)
    page.goto(f"{live_server.url}/stats/")
    assert page.locator("[data-refreshed-at]").is_visible()
    shown = dict(page.evaluate(READ_HEADLINE))
    assert number(shown["hires"], MONEY) == direct.expected_headline()["hires"]
    screenshot(page, "stats-refresh-done")
