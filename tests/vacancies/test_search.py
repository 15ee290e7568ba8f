"""Vacancy search: the selector (query language, filters, order, facets, keyset pages,
snippets) and the search page built on it. The API over the same selector is tested in
test_search_api.py."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import EmploymentType, Occupation, Region, WorkSchedule
from tests import factories
from vacancies.models import NationalProgramme, NationalProject, Vacancy
from vacancies.selectors.search import (
    KEYSETS,
    NO_FILTERS,
    InvalidCursor,
    SearchSort,
    VacancySearchFilters,
    occupation_subtree,
    search_terms_parse,
    vacancy_search,
    vacancy_search_facets,
    vacancy_search_query,
    vacancy_search_results,
    vacancy_search_total,
)

pytestmark = pytest.mark.django_db


def titles(query="", filters=NO_FILTERS, sort=None):
    return [v.title for v in vacancy_search(query=query, filters=filters, sort=sort)]


def found(query="", filters=NO_FILTERS):
    return set(titles(query, filters))


def vacancy(**kwargs):
    return factories.VacancyFactory(**kwargs)


def occupation(code):
    return Occupation.objects.get(code=code)


def employment_type(code):
    return EmploymentType.objects.get(code=code)


def schedule(code):
    return WorkSchedule.objects.get(code=code)


# --- The query language -----------------------------------------------------------------------


def test_a_russian_plural_finds_the_singular(catalog):
    vacancy(title="Сварщик", description="Сварка металлоконструкций.")
    vacancy(title="Повар", description="Приготовление блюд.")

    assert found("сварщики") == {"Сварщик"}
    assert found("сварщиков") == {"Сварщик"}


def test_a_kazakh_word_is_found_in_its_exact_form(catalog):
    vacancy(title="Дәнекерлеуші", description="Металл конструкцияларын дәнекерлеу.")
    vacancy(title="Аспаз", description="Тағам дайындау.")

    assert found("дәнекерлеуші") == {"Дәнекерлеуші"}
    assert found("тағам") == {"Аспаз"}


def test_english_words_are_found_with_their_inflections(catalog):
    vacancy(title="Software developer", description="Build web applications in Python.")
    vacancy(title="Cook", description="Prepare meals.")

    assert found("developers") == {"Software developer"}
    assert found("application") == {"Software developer"}


def test_skills_text_is_searched(catalog):
    vacancy(title="Мастер участка", skills_text="Сварка Welding Дәнекерлеу")

    assert found("welding") == {"Мастер участка"}


def test_a_quoted_phrase_needs_the_words_together_and_in_order(catalog):
    vacancy(title="Together", description="Нужна ручная сварка труб.")
    vacancy(title="Reversed", description="Сварка ручная и полуавтомат.")
    vacancy(title="Apart", description="Ручная работа, сварка.")

    assert found('"ручная сварка"') == {"Together"}
    assert found("ручная сварка") == {"Together", "Reversed", "Apart"}


def test_a_minus_leaves_out_every_form_of_the_word(catalog):
    vacancy(title="Сварщик", description="Самостоятельная работа.")
    vacancy(title="Сварщик на стройку", description="Ищем также помощники сварщика.")
    vacancy(title="Помощник сварщика", description="Подготовка металла.")

    # Matched as a whole in the simple config, "-помощник" would let "помощники" through.
    assert found("сварщик -помощник") == {"Сварщик"}


def test_or_finds_either_word(catalog):
    vacancy(title="Сварщик")
    vacancy(title="Электрик")
    vacancy(title="Повар")

    assert found("сварщик or электрик") == {"Сварщик", "Электрик"}
    assert found("сварщик электрик") == set()


def test_query_syntax_is_parsed_like_websearch():
    groups = search_terms_parse('сварщик "ручная сварка" -помощник or -"ночные смены" электрик +++')

    assert [[(t.text, t.negated, t.phrase) for t in group] for group in groups] == [
        [("сварщик", False, False), ("ручная сварка", False, True), ("помощник", True, False)],
        [("ночные смены", True, True), ("электрик", False, False)],
    ]
    assert vacancy_search_query(text=" +++ or - ") is None


def test_punctuation_and_quotes_never_break_the_query(catalog):
    vacancy(title="C++ developer")

    for text in ['"', '"unclosed phrase', "a & b | !c", "(", "-", "or or", "'; drop table", "\\"]:
        list(vacancy_search(query=text))


# --- Only what a seeker may apply to ----------------------------------------------------------


def test_only_published_vacancies_that_have_not_expired_are_found(catalog):
    now = timezone.now()
    vacancy(title="Сварщик открытая")
    for status in ("draft", "pending", "paused", "closed", "filled", "expired", "rejected"):
        vacancy(title=f"Сварщик {status}", status=status)
    vacancy(title="Сварщик просрочена", expires_at=now - datetime.timedelta(minutes=1))

    assert found("сварщик") == {"Сварщик открытая"}
    assert found("") == {"Сварщик открытая"}


# --- Hard filters -------------------------------------------------------------------------------


def test_several_regions_match_any_of_them(catalog):
    vacancy(title="Astana", region=Region.objects.get(code="KZ-71"))
    vacancy(title="Almaty", region=Region.objects.get(code="KZ-75"))
    vacancy(title="Shymkent", region=Region.objects.get(code="KZ-79"))

    regions = tuple(Region.objects.filter(code__in=["KZ-71", "KZ-75"]))
    assert found(filters=VacancySearchFilters(regions=regions)) == {"Astana", "Almaty"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("7", {"Welder", "Electrician"}),
        ("72", {"Welder"}),
        ("721", {"Welder"}),
        ("7212", {"Welder"}),
        ("74", {"Electrician"}),
        ("2", {"Developer"}),
    ],
)
def test_occupation_matches_every_unit_group_under_a_group_of_any_level(catalog, code, expected):
    vacancy(title="Welder", occupation=occupation("7212"))
    vacancy(title="Electrician", occupation=occupation("7411"))
    vacancy(title="Developer", occupation=occupation("2512"))

    assert found(filters=VacancySearchFilters(occupations=occupation_subtree(code=code))) == expected


def test_salary_at_least_looks_at_the_top_of_the_range(catalog):
    vacancy(title="Range reaches it", salary_min=200_000, salary_max=400_000)
    vacancy(title="Range below", salary_min=100_000, salary_max=299_999)
    vacancy(title="Minimum only, above", salary_min=300_000, salary_max=None)
    vacancy(title="Minimum only, below", salary_min=250_000, salary_max=None)
    vacancy(title="Maximum only", salary_min=None, salary_max=300_000)
    vacancy(title="No salary", salary_min=None, salary_max=None)

    assert found(filters=VacancySearchFilters(salary_at_least=300_000)) == {
        "Range reaches it",
        "Minimum only, above",
        "Maximum only",
    }


def test_employment_types_and_schedules_match_any_of_the_chosen(catalog):
    vacancy(title="Full day", employment_type=employment_type("full_time"), schedule=schedule("full_day"))
    vacancy(title="Shift", employment_type=employment_type("shift"), schedule=schedule("rotation"))
    vacancy(title="Part", employment_type=employment_type("part_time"), schedule=schedule("flexible"))

    types = (employment_type("shift"), employment_type("part_time"))
    assert found(filters=VacancySearchFilters(employment_types=types)) == {"Shift", "Part"}
    schedules = (schedule("full_day"), schedule("flexible"))
    assert found(filters=VacancySearchFilters(schedules=schedules)) == {"Full day", "Part"}


def test_experience_filter_keeps_vacancies_asking_at_most_that_much(catalog):
    for years in (0, 1, 3, 5):
        vacancy(title=f"{years} years", experience_years=years)

    assert found(filters=VacancySearchFilters(experience_max=1)) == {"0 years", "1 years"}
    assert found(filters=VacancySearchFilters(experience_max=0)) == {"0 years"}


def test_posted_within_days(catalog):
    now = timezone.now()
    vacancy(title="Today", published_at=now - datetime.timedelta(hours=2))
    vacancy(title="Last week", published_at=now - datetime.timedelta(days=6))
    vacancy(title="Last month", published_at=now - datetime.timedelta(days=20))

    assert found(filters=VacancySearchFilters(posted_within_days=1)) == {"Today"}
    assert found(filters=VacancySearchFilters(posted_within_days=7)) == {"Today", "Last week"}


def test_flags_youth_quota_and_remote(catalog):
    vacancy(title="Youth", is_youth_friendly=True)
    vacancy(title="Quota", is_quota=True)
    vacancy(title="Remote flag", is_remote=True)
    vacancy(title="Remote type", employment_type=employment_type("remote"))
    vacancy(title="Plain")

    assert found(filters=VacancySearchFilters(youth_friendly=True)) == {"Youth"}
    assert found(filters=VacancySearchFilters(quota=True)) == {"Quota"}
    assert found(filters=VacancySearchFilters(remote=True)) == {"Remote flag", "Remote type"}


def test_national_project_filter(catalog):
    programme = NationalProgramme.objects.create(code="infra", name_en="Infrastructure")
    project = NationalProject.objects.create(
        programme=programme, name="Bridge", region=Region.objects.get(code="KZ-71"), start_year=2024, end_year=2026
    )
    vacancy(title="In the project", national_project=project)
    vacancy(title="Outside")

    assert found(filters=VacancySearchFilters(national_project_id=project.pk)) == {"In the project"}


def test_filters_combine_with_the_query(catalog):
    astana = Region.objects.get(code="KZ-71")
    almaty = Region.objects.get(code="KZ-75")
    vacancy(title="Сварщик Астана", region=astana, salary_max=500_000)
    vacancy(title="Сварщик Алматы", region=almaty, salary_max=500_000)
    vacancy(title="Сварщик дешёвый", region=astana, salary_min=100_000, salary_max=150_000)
    vacancy(title="Повар Астана", region=astana, salary_max=500_000)

    filters = VacancySearchFilters(regions=(astana,), salary_at_least=400_000)
    assert found("сварщики", filters) == {"Сварщик Астана"}


# --- Order ------------------------------------------------------------------------------------


def test_relevance_puts_title_matches_before_description_matches(catalog):
    now = timezone.now()
    vacancy(title="Оператор", description="Помощь сварщику на участке.", published_at=now)
    vacancy(title="Сварщик", description="Работа на участке.", published_at=now - datetime.timedelta(days=3))

    assert titles("сварщик") == ["Сварщик", "Оператор"]
    assert titles("сварщик", sort="date") == ["Оператор", "Сварщик"]


def test_date_order_is_newest_first_and_the_default_without_a_query(catalog):
    now = timezone.now()
    vacancy(title="Old", published_at=now - datetime.timedelta(days=5))
    vacancy(title="New", published_at=now - datetime.timedelta(hours=1))
    vacancy(title="Middle", published_at=now - datetime.timedelta(days=1))

    assert titles() == ["New", "Middle", "Old"]
    # Relevance has nothing to rank without a query: newest first instead.
    assert titles(sort="relevance") == ["New", "Middle", "Old"]


def test_salary_order_is_highest_top_of_range_first_and_no_salary_last(catalog):
    vacancy(title="No salary", salary_min=None, salary_max=None)
    vacancy(title="Max 500k", salary_min=100_000, salary_max=500_000)
    vacancy(title="Min 600k only", salary_min=600_000, salary_max=None)
    vacancy(title="Max 300k", salary_min=None, salary_max=300_000)

    assert titles(sort="salary") == ["Min 600k only", "Max 500k", "Max 300k", "No salary"]


# --- Facets and total -------------------------------------------------------------------------


def _facet_dataset():
    regions = list(Region.objects.filter(code__in=["KZ-71", "KZ-75", "KZ-79"]).order_by("code"))
    types = [employment_type(c) for c in ("full_time", "part_time", "shift")]
    for i in range(30):
        vacancy(
            title=f"Сварщик {i}" if i % 3 else f"Повар {i}",
            region=regions[i % 3],
            employment_type=types[(i // 3) % 3],
        )
    return regions, types


def _direct_count(query, **lookups):
    return (
        Vacancy.objects.filter(status="published", expires_at__gt=timezone.now())
        .filter(Q(title__icontains=query) if query else Q())
        .filter(**lookups)
        .count()
    )


@pytest.mark.parametrize("query", ["", "сварщик"])
def test_facet_counts_match_direct_counts_and_ignore_their_own_filter(catalog, query):
    regions, types = _facet_dataset()
    chosen_region, chosen_type = regions[0], types[1]
    filters = VacancySearchFilters(regions=(chosen_region,), employment_types=(chosen_type,))

    facets = vacancy_search_facets(search_query=vacancy_search_query(text=query), filters=filters)

    assert facets.complete
    region_counts = {region.code: count for region, count in facets.regions}
    type_counts = {kind.code: count for kind, count in facets.employment_types}
    for region in regions:
        # The region facet keeps the type filter but not the region filter...
        assert region_counts[region.code] == _direct_count(query, region=region, employment_type=chosen_type)
    for kind in types:
        # ...and the type facet the other way round.
        assert type_counts[kind.code] == _direct_count(query, region=chosen_region, employment_type=kind)
    assert sum(region_counts.values()) == _direct_count(query, employment_type=chosen_type)


def test_facets_over_too_many_matches_are_flagged_as_lower_bounds(catalog):
    _facet_dataset()

    facets = vacancy_search_facets(search_query=None, filters=NO_FILTERS, scan_limit=10)

    assert not facets.complete
    assert sum(count for _, count in facets.regions) == 11


def test_the_total_is_counted_only_up_to_the_cap(catalog):
    for i in range(5):
        vacancy(title=f"V{i}")
    queryset = vacancy_search(query="")

    assert vacancy_search_total(queryset=queryset, cap=10) == (5, False)
    assert vacancy_search_total(queryset=queryset, cap=5) == (5, False)
    assert vacancy_search_total(queryset=queryset, cap=3) == (3, True)


@pytest.mark.parametrize(
    ("scan_limit", "cap", "filters", "expected"),
    [
        (100, 3, {}, (6, False)),  # every match grouped: exact, even above the cap
        (4, 3, {}, (3, True)),  # grouping stopped, more than the cap seen
        (4, 3, {"regions": ("KZ-75",)}, (2, False)),  # grouping stopped, too few chosen: counted
    ],
)
def test_the_total_comes_from_the_facets_or_a_capped_count(catalog, monkeypatch, scan_limit, cap, filters, expected):
    monkeypatch.setattr("vacancies.selectors.search.FACET_SCAN_LIMIT", scan_limit)
    monkeypatch.setattr("vacancies.selectors.search.TOTAL_CAP", cap)
    for i in range(6):
        vacancy(title=f"V{i}", region=Region.objects.get(code="KZ-75" if i < 2 else "KZ-71"))
    if "regions" in filters:
        filters = {"regions": tuple(Region.objects.filter(code__in=filters["regions"]))}

    results = vacancy_search_results(filters=VacancySearchFilters(**filters))

    assert (results.total, results.total_capped) == expected


# --- Keyset pages -----------------------------------------------------------------------------


def _tied_dataset():
    """Many ties in every sort key: a keyset without its id tie-breaker would lose rows."""
    now = timezone.now()
    same_moment = now - datetime.timedelta(hours=3)
    for i in range(23):
        vacancy(
            title="Сварщик" if i % 2 else f"Сварщик {i}",
            description="Сварщик, сварщик." if i % 5 == 0 else "Работа.",
            published_at=same_moment if i % 3 else now - datetime.timedelta(days=i),
            salary_min=None if i % 4 == 0 else 100_000,
            salary_max=None if i % 4 in (0, 1) else 200_000 + (i % 2) * 50_000,
        )


def _walk(query, sort, page_size):
    pages, cursor = [], None
    while True:
        results = vacancy_search_results(query=query, sort=sort, cursor=cursor, page_size=page_size)
        pages.append([v.pk for v in results.vacancies])
        if results.next_cursor is None:
            return pages, results
        cursor = results.next_cursor


@pytest.mark.parametrize(("query", "sort"), [("сварщик", "relevance"), ("", "date"), ("", "salary")])
def test_keyset_pages_walk_every_result_once_in_order_and_back(catalog, query, sort):
    _tied_dataset()
    expected = [v.pk for v in vacancy_search(query=query, sort=sort)]
    assert len(expected) == 23

    pages, last = _walk(query, sort, page_size=4)

    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == 4 for page in pages[:-1])
    # And back from the last page with the previous links.
    back, cursor = [pages[-1]], last.previous_cursor
    while cursor:
        results = vacancy_search_results(query=query, sort=sort, cursor=cursor, page_size=4)
        back.insert(0, [v.pk for v in results.vacancies])
        cursor = results.previous_cursor
    assert back == pages


def test_a_cursor_of_another_sort_is_refused(catalog):
    _tied_dataset()
    date_cursor = vacancy_search_results(sort="date", page_size=2).next_cursor

    with pytest.raises(InvalidCursor):
        vacancy_search_results(sort="salary", cursor=date_cursor)
    with pytest.raises(InvalidCursor):
        KEYSETS[SearchSort.DATE].decode("not-a-cursor")


# --- Snippets ---------------------------------------------------------------------------------


def test_snippets_are_highlighted_and_html_escaped(catalog):
    vacancy(
        title="Сварщик <b>срочно</b>",
        description='Сварщик нужен. <script>alert("x")</script> Оплата: 5 < 10 & "да".',
    )

    (result,) = vacancy_search_results(query="сварщики").vacancies

    assert result.title_html == "<mark>Сварщик</mark> &lt;b&gt;срочно&lt;/b&gt;"
    assert "<mark>Сварщик</mark>" in result.snippet_html
    # PostgreSQL's parser may drop what looks like a tag; whatever is left is escaped text.
    assert "<" not in result.snippet_html.replace("<mark>", "").replace("</mark>", "")
    assert "&amp;" in result.snippet_html


def test_without_a_query_the_snippet_is_the_escaped_start_of_the_description(catalog):
    vacancy(title="A & B", description="<i>Intro</i> " + "word " * 200)

    (result,) = vacancy_search_results().vacancies

    assert result.title_html == "A &amp; B"
    assert result.snippet_html.startswith("&lt;i&gt;Intro&lt;/i&gt;")
    assert len(result.snippet_html) < 300


def test_snippets_are_made_for_the_rows_of_the_page_only(catalog):
    for i in range(12):
        vacancy(title=f"Сварщик {i}")

    with CaptureQueriesContext(connection) as queries:
        results = vacancy_search_results(query="сварщик", page_size=5)

    (headline_sql,) = [q["sql"] for q in queries.captured_queries if "ts_headline" in q["sql"]]
    page_ids = ", ".join(str(v.pk) for v in results.vacancies)
    assert f'"vacancies_vacancy"."id" IN ({page_ids})' in headline_sql
    assert len(results.vacancies) == 5


# --- The search page --------------------------------------------------------------------------


def test_the_search_page_shows_results_with_facets_and_highlights(client, catalog):
    vacancy(title="Сварщик", organization=factories.OrganizationFactory(legal_name="Steel LLP"))
    vacancy(title="Повар")

    response = client.get("/vacancies/", {"q": "сварщики"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Сварщик</mark>" in html
    assert "Steel LLP" in html
    assert "Повар" not in html
    assert 'name="region" value="KZ-71"' in html
    assert '<span class="facet-count">1</span>' in html


def test_the_search_page_walks_pages_with_the_next_link(client, catalog):
    for i in range(25):
        vacancy(title=f"Vacancy {i:02d}")

    first = client.get("/vacancies/")
    next_url = first.context["next_url"]
    second = client.get("/vacancies/" + next_url)

    assert len(first.context["results"].vacancies) == 20
    assert len(second.context["results"].vacancies) == 5
    assert second.context["next_url"] is None
    assert second.context["previous_url"]


def test_the_search_page_escapes_vacancy_text(client, catalog):
    vacancy(title="<script>alert(1)</script> Сварщик", description="<img src=x onerror=alert(1)> сварщик")

    html = client.get("/vacancies/", {"q": "сварщик"}).content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_search_page_suggests_what_to_try_when_nothing_matches(client, catalog):
    vacancy(title="Повар")

    response = client.get("/vacancies/", {"q": "космонавт", "region": "KZ-75"})

    assert response.status_code == 200
    assert b"No vacancies match your search" in response.content
    assert b"Search again without the filters" in response.content


def test_the_search_page_shows_bad_filters_as_field_errors(client, catalog):
    response = client.get("/vacancies/", {"region": "KZ-99", "salary_min": "lots"})

    assert response.status_code == 200
    assert response.context["results"] is None
    assert set(response.context["form"].errors) == {"region", "salary_min"}
    assert b"error-summary" in response.content


def test_the_search_page_answers_in_a_fixed_number_of_queries(client, catalog, django_assert_max_num_queries):
    for i in range(30):
        vacancy(title=f"Сварщик {i}")

    with django_assert_max_num_queries(12):
        response = client.get("/vacancies/", {"q": "сварщик", "region": "KZ-71", "employment_type": "full_time"})
    assert len(response.context["results"].vacancies) == 20
