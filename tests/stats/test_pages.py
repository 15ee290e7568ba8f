"""The statistics pages, CSV files, the administrators' workbook and the API show the refreshed
figures, read only the snapshots (a fixed, small number of queries), and never show a figure of
one employer or one person."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from stats import exports, tables
from stats.definitions import CHARTS, CHARTS_BY_SLUG, HEADLINE, SECTIONS
from stats.models import StatRefresh
from stats.selectors import home_counters, snapshots_get
from stats.services import stats_refresh
from tests.stats import direct
from tests.stats.world import SECRET_EMPLOYER, SECRET_PERSON, SECRET_TITLE, build_world


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


def public_urls() -> list[str]:
    urls = [
        reverse("stats:overview"),
        reverse("stats:headline-csv"),
        reverse("api-stats"),
        reverse("api-stats-headline"),
    ]
    urls += [reverse("stats:section", args=[section.slug]) for section in SECTIONS]
    urls += [reverse("stats:section", args=["projects"]) + f"?metric={m}" for m in ("vacancies", "hires")]
    for chart in CHARTS:
        urls += [reverse("stats:chart-csv", args=[chart.slug]), reverse(f"api-stats-{chart.slug}")]
    return urls


def table_cells(html: str, slug: str) -> dict:
    """{row key: {column: data-value}} of the table of chart ``slug`` on a page."""
    table = re.search(rf'<table class="[^"]*" data-chart="{slug}">(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    rows = {}
    for key, row in re.findall(r'<tr data-row="([^"]+)">(.*?)</tr>', body, re.S):
        rows[key] = dict(re.findall(r'data-key="([^"]+)" data-value="([^"]*)"', row))
    return rows


def as_text(expected: dict) -> dict:
    return {
        key: {column: "" if value is None else str(value) for column, value in row.items()}
        for key, row in expected.items()
    }


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_section_page_shows_every_chart_with_the_database_figures(world, client, language):
    expected = direct.expected_charts()
    for section in SECTIONS:
        response = client.get(reverse("stats:section", args=[section.slug]), HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{language}"' in html
        for slug in section.charts:
            assert table_cells(html, slug) == as_text(expected[slug]), slug
            assert '<svg class="stats-svg' in html
            assert reverse("stats:chart-csv", args=[slug]) in html


def test_the_overview_shows_every_headline_figure(world, client):
    html = client.get(reverse("stats:overview")).content.decode()
    expected = direct.expected_headline()

    shown = dict(re.findall(r'<li class="counter" data-key="([^"]+)" data-value="([^"]*)"', html))
    assert shown == {c.key: "" if expected[c.key] is None else str(expected[c.key]) for c in HEADLINE}
    assert "data-refreshed-at" in html
    for section in SECTIONS:
        assert reverse("stats:section", args=[section.slug]) in html


def test_the_projects_page_draws_the_map_of_all_twenty_regions_coloured_by_the_chosen_figure(world, client):
    html = client.get(reverse("stats:section", args=["projects"]) + "?metric=hires").content.decode()

    tiles = re.findall(r'<g class="stats-tile stats-bin-(\d)" data-region="([^"]+)"><title>([^<]*)</title>', html)
    assert len(tiles) == 20
    astana = next(tile for tile in tiles if tile[1] == "KZ-71")
    assert astana[0] != "0"  # one hire in Astana: coloured
    assert "Hires: 1" in astana[2]
    assert next(tile for tile in tiles if tile[1] == "KZ-10")[0] == "0"  # nothing in Abai
    assert 'aria-current="page">Hires<' in html
    assert "schematic" in html


def test_an_unknown_map_figure_falls_back_to_planned_jobs(world, client):
    html = client.get(reverse("stats:section", args=["projects"]) + "?metric=salary").content.decode()

    assert 'aria-current="page">Planned jobs<' in html


def test_an_unknown_section_or_chart_is_not_found(world, client):
    assert client.get(reverse("stats:section", args=["secrets"])).status_code == 404
    assert client.get(reverse("stats:chart-csv", args=["secrets"])).status_code == 404


def test_before_the_first_refresh_the_pages_say_so(cast, client):
    overview = client.get(reverse("stats:overview")).content.decode()
    section = client.get(reverse("stats:section", args=["vacancies"])).content.decode()
    api = client.get(reverse("api-stats-vacancies-by-region")).json()

    assert "data-never-refreshed" in overview
    assert "Not computed yet" in section
    assert api["refreshed_at"] is None and api["rows"] == []
    assert client.get(reverse("api-stats-headline")).json() == {"refreshed_at": None, "year": None, "figures": None}


def test_before_the_first_refresh_an_administrator_sees_refresh_now(cast, client):
    client.force_login(cast.admin)

    html = client.get(reverse("stats:overview")).content.decode()

    assert reverse("stats:refresh") in html
    assert reverse("stats:export") in html


def test_others_see_neither_refresh_now_nor_the_workbook(world, client, cast):
    for user in (None, cast.seeker_a, cast.employer_a, cast.staff_x):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get(reverse("stats:overview")).content.decode()
        assert reverse("stats:refresh") not in html
        assert reverse("stats:export") not in html


# --- Nothing about one employer or one person -----------------------------------------------------


def test_no_public_statistic_names_an_employer_a_person_or_a_vacancy(world, client):
    secrets = [SECRET_EMPLOYER, SECRET_PERSON, SECRET_TITLE, world.young.email, world.older.full_name]
    for url in public_urls():
        body = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)


def test_the_workbook_holds_aggregates_only(world, client, cast):
    client.force_login(cast.admin)

    book = load_workbook(io.BytesIO(client.get(reverse("stats:export")).content))
    text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)

    for secret in (SECRET_EMPLOYER, SECRET_PERSON, SECRET_TITLE):
        assert secret not in text


# --- CSV, workbook, API ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [chart.slug for chart in CHARTS])
def test_each_csv_holds_the_chart_table(world, client, slug):
    response = client.get(reverse("stats:chart-csv", args=[slug]))

    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{slug}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    chart = CHARTS_BY_SLUG[slug]
    header, body = rows[0], rows[1:]
    keys = [column.key for column in chart.columns]
    assert header[-len(keys) :] == [str(column.label) for column in chart.columns]
    expected = as_text(direct.expected_charts()[slug])
    key_index = 0  # the first column is the code, month or fair id
    assert {row[key_index]: dict(zip(keys, row[-len(keys) :], strict=True)) for row in body} == expected


def test_the_headline_csv_lists_every_figure(world, client):
    rows = list(csv.reader(io.StringIO(client.get(reverse("stats:headline-csv")).content.decode("utf-8-sig"))))

    expected = direct.expected_headline()
    assert {row[0]: row[2] for row in rows[1:]} == {
        key: "" if value is None else str(value) for key, value in expected.items()
    }


def test_the_workbook_has_the_headline_and_one_sheet_per_chart(world, client, cast):
    client.force_login(cast.admin)

    response = client.get(reverse("stats:export"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["headline", *(chart.slug for chart in CHARTS)]
    sheet = book["vacancies-by-region"]
    values = {row[0]: row[2:] for row in sheet.iter_rows(values_only=True) if row and str(row[0]).startswith("KZ-")}
    expected = direct.expected_charts()["vacancies-by-region"]
    assert values == {code: (row["vacancies"], row["positions"]) for code, row in expected.items()}


WORKBOOK_TITLE = {
    "en": "Statistics of the Electronic Labor Exchange",
    "kk": "Электрондық еңбек биржасының статистикасы",
}


def cell_values(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


@pytest.mark.parametrize("language", ["en", "kk"])
def test_the_workbook_api_gives_an_administrator_the_same_workbook_as_the_page(world, client, cast, language):
    client.force_login(cast.admin)

    page = client.get(reverse("stats:export"), HTTP_ACCEPT_LANGUAGE=language)
    cache.clear()  # built again for the API, not served from the page's cache
    api = client.get(reverse("api-stats-export"), HTTP_ACCEPT_LANGUAGE=language)

    assert api.status_code == 200
    assert api["Content-Type"] == page["Content-Type"] == exports.CONTENT_TYPE
    assert api["Content-Disposition"] == page["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="statistics-\d{4}-\d{2}-\d{2}-\d{4}\.xlsx"', api["Content-Disposition"])
    assert cell_values(api.content) == cell_values(page.content)
    assert cell_values(api.content)["headline"][0][0] == WORKBOOK_TITLE[language]


def test_the_workbook_api_answers_a_client_that_accepts_only_the_workbook(world, api_client, cast):
    api_client.force_authenticate(cast.admin)

    response = api_client.get(reverse("api-stats-export"), HTTP_ACCEPT=exports.CONTENT_TYPE)

    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["headline", *(chart.slug for chart in CHARTS)]


def test_before_the_first_refresh_the_workbook_api_gives_empty_sheets(cast, api_client):
    api_client.force_authenticate(cast.admin)

    response = api_client.get(reverse("api-stats-export"))

    assert response.status_code == 200
    assert cell_values(response.content)["headline"][1][1] == "never"


@pytest.mark.parametrize("slug", [chart.slug for chart in CHARTS])
def test_each_api_endpoint_gives_the_chart_rows(world, client, slug):
    body = client.get(reverse(f"api-stats-{slug}")).json()

    chart = CHARTS_BY_SLUG[slug]
    assert body["chart"] == slug and body["refreshed_at"]
    keys = [column.key for column in chart.columns]
    label = "fair_id" if chart.rows == "fair" else ("month" if chart.rows == "month" else "code")
    shown = {str(row[label]): {key: row[key] for key in keys} for row in body["rows"]}
    assert shown == direct.expected_charts()[slug]


def test_the_api_speaks_the_language_asked_for(world, client):
    rows = client.get(reverse("api-stats-vacancies-by-region"), HTTP_ACCEPT_LANGUAGE="kk").json()["rows"]

    assert next(row for row in rows if row["code"] == "KZ-71")["name"] == "Астана қаласы"


def test_the_api_index_lists_every_chart_with_its_links(world, client):
    body = client.get(reverse("api-stats")).json()

    assert [item["chart"] for item in body["charts"]] == [chart.slug for chart in CHARTS]
    assert body["figures"] == direct.expected_headline()
    for item in body["charts"]:
        assert client.get(item["url"]).status_code == 200
        assert client.get(item["csv_url"]).status_code == 200


def test_the_refresh_api_queues_a_refresh_for_an_administrator(world, api_client, cast):
    api_client.force_authenticate(cast.admin)

    queued = api_client.post(reverse("api-stats-refresh"))
    again = api_client.post(reverse("api-stats-refresh"))
    latest = api_client.get(reverse("api-stats-refresh"))

    assert queued.status_code == again.status_code == 202
    assert queued.json()["created"] is True and again.json()["created"] is False
    assert latest.json()["status"] == StatRefresh.Status.QUEUED


# --- Fast: only the snapshots are read ------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["overview", "section", "csv", "api"])
def test_public_pages_read_the_snapshots_in_one_query(world, client, django_assert_max_num_queries, url_name):
    url = {
        "overview": reverse("stats:overview"),
        "section": reverse("stats:section", args=["activity"]),
        "csv": reverse("stats:chart-csv", args=["vacancies-by-region"]),
        "api": reverse("api-stats-projects-by-region"),
    }[url_name]
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200


def test_an_administrator_page_adds_only_the_session_the_header_and_the_pending_refresh(
    world, client, cast, django_assert_max_num_queries
):
    client.force_login(cast.admin)

    # Session, user, the header's unread notifications, the snapshots, the pending refresh.
    with django_assert_max_num_queries(5):
        assert client.get(reverse("stats:section", args=["projects"])).status_code == 200


def test_the_charts_are_drawn_once_per_refresh_and_language(world, client):
    def charts(response) -> str:
        html = response.content.decode()
        return html[html.index('<section class="stats-chart"') : html.index('class="stats-refresh')]

    url = reverse("stats:section", args=["vacancies"])
    first = charts(client.get(url))
    second = charts(client.get(url))
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert first == second
    refreshed_at = snapshots_get(keys=["vacancies-by-region"]).refreshed_at
    key = f"stats:rendered:v{tables.RENDERED_VERSION}:section:vacancies:en:planned_jobs:{refreshed_at.timestamp()}"
    assert cache.get(key) is not None
    assert 'lang="ru"' in russian and "Астана" in russian
    stats_refresh()
    assert client.get(url).status_code == 200


# --- Home page --------------------------------------------------------------------------------------


def test_home_counters_come_from_the_last_refresh(world):
    counters = home_counters()

    expected = direct.expected_headline()
    assert [c["value"] for c in counters] == [expected["hires"], expected["youth_hires"]]


def test_home_counters_are_empty_before_the_first_refresh(catalog):
    assert home_counters() == []


def test_a_title_that_looks_like_a_formula_is_defused_in_the_csv_and_the_workbook(world, client, cast):
    from fairs.models import Fair

    Fair.objects.update(title='=HYPERLINK("http://evil.example","x")')
    stats_refresh()

    body = client.get(reverse("stats:chart-csv", args=["fairs-monthly"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(body)) for cell in row)

    client.force_login(cast.admin)
    book = load_workbook(io.BytesIO(client.get(reverse("stats:export")).content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(str(cell.value).startswith("'=HYPERLINK") for cell in cells)
