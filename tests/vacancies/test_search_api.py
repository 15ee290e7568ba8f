"""The public search API (GET /api/v1/vacancies/) and the open-data API of vacancies."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from catalog.models import EducationLevel, Skill
from tests import factories
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/vacancies/"
OPEN_DATA = "/api/v1/open-data/vacancies/"


def vacancy(**kwargs):
    return factories.VacancyFactory(**kwargs)


def test_anyone_can_search_vacancies(api_client, catalog):
    vacancy(title="Сварщик", organization=factories.OrganizationFactory(legal_name="Steel LLP"))
    vacancy(title="Повар")

    response = api_client.get(SEARCH, {"q": "сварщики"})

    assert response.status_code == 200
    body = response.json()
    (item,) = body["results"]
    assert item["title"] == "Сварщик"
    assert item["title_html"] == "<mark>Сварщик</mark>"
    assert item["employer"]["name"] == "Steel LLP"
    assert item["region"] == {"code": "KZ-71", "name": "Astana"}
    assert item["occupation"]["code"] == "7212"
    assert item["salary_min"] == 300000
    assert item["currency"] == "KZT"
    assert item["url"].endswith(f"/vacancies/{item['id']}/")
    assert body["sort"] == "relevance"
    assert body["total_estimate"] == 1
    assert body["total_capped"] is False
    assert body["next"] is None
    assert body["previous"] is None
    assert body["facets"]["regions"] == [{"code": "KZ-71", "name": "Astana", "count": 1}]
    assert body["facets"]["employment_types"] == [{"code": "full_time", "name": "Full-time", "count": 1}]
    assert body["facets"]["complete"] is True


def test_a_signed_in_user_searches_the_same_way(api_client, seeker, catalog):
    vacancy(title="Сварщик")
    api_client.force_authenticate(seeker)

    assert api_client.get(SEARCH, {"q": "сварщик"}).json()["total_estimate"] == 1


def test_filters_in_the_query_string(api_client, catalog):
    almaty = factories.region("KZ-75")
    vacancy(title="Astana welder")
    vacancy(title="Almaty remote welder", region=almaty, is_remote=True, salary_max=900_000)
    vacancy(title="Shymkent welder", region=factories.region("KZ-79"), is_remote=True)

    response = api_client.get(
        SEARCH,
        {"q": "welder", "region": ["KZ-71", "KZ-75"], "remote": "true", "salary_min": "800000", "occupation": "72"},
    )

    assert [item["title"] for item in response.json()["results"]] == ["Almaty remote welder"]


def test_keyset_links_walk_all_results(api_client, catalog):
    for i in range(7):
        vacancy(title=f"Vacancy {i}", salary_max=500_000 if i % 2 else None, salary_min=None)

    seen, url, params = [], SEARCH, {"sort": "salary", "page_size": 3}
    while url:
        body = api_client.get(url, params).json()
        seen.extend(item["id"] for item in body["results"])
        url, params = body["next"], None

    assert len(seen) == len(set(seen)) == 7


def test_the_total_is_capped_when_too_many_match_to_count(api_client, catalog, monkeypatch):
    monkeypatch.setattr("vacancies.selectors.search.TOTAL_CAP", 2)
    monkeypatch.setattr("vacancies.selectors.search.FACET_SCAN_LIMIT", 2)
    for i in range(4):
        vacancy(title=f"Vacancy {i}")

    body = api_client.get(SEARCH).json()

    assert (body["total_estimate"], body["total_capped"]) == (2, True)
    assert body["facets"]["complete"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "KZ-99"}, "region"),
        ({"region": ["KZ-71", "nowhere"]}, "region"),
        ({"employment_type": "forever"}, "employment_type"),
        ({"schedule": "never"}, "schedule"),
        ({"salary_min": "lots"}, "salary_min"),
        ({"salary_min": "-1"}, "salary_min"),
        ({"experience_max": "x"}, "experience_max"),
        ({"posted_within_days": "0"}, "posted_within_days"),
        ({"occupation": "72a"}, "occupation"),
        ({"occupation": "9999"}, "occupation"),
        ({"youth": "maybe"}, "youth"),
        ({"remote": "sometimes"}, "remote"),
        ({"national_project": "abc"}, "national_project"),
        ({"national_project": "123456"}, "national_project"),
        ({"sort": "popularity"}, "sort"),
        ({"cursor": "garbage"}, "cursor"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_parameters_answer_400_with_the_field_message(api_client, catalog, params, field):
    response = api_client.get(SEARCH, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]


def test_search_answers_in_the_same_number_of_queries_whatever_the_page_size(
    api_client, catalog, django_assert_max_num_queries
):
    for i in range(40):
        vacancy(title=f"Сварщик {i}")
    params = {"q": "сварщик", "region": "KZ-71", "employment_type": "full_time", "occupation": "7212"}

    with django_assert_max_num_queries(10) as small:
        api_client.get(SEARCH, {**params, "page_size": 2})
    with django_assert_max_num_queries(10) as large:
        response = api_client.get(SEARCH, {**params, "page_size": 40})

    assert len(response.json()["results"]) == 40
    assert len(large.captured_queries) == len(small.captured_queries)


def test_search_api_only_reads(api_client, admin_user, catalog):
    api_client.force_authenticate(admin_user)

    assert api_client.put(SEARCH, {}).status_code == 405
    assert api_client.delete(SEARCH).status_code == 405


# --- Open data --------------------------------------------------------------------------------


def test_open_data_lists_published_vacancies_with_their_requirements(api_client, catalog):
    open_vacancy = vacancy(
        title="Сварщик",
        organization=factories.OrganizationFactory(legal_name="Steel LLP", bin=factories.valid_bin(42)),
        education_level=EducationLevel.objects.get(code="technical_vocational"),
        experience_years=2,
        is_quota=True,
        has_social_package=True,
        languages=["kk", "ru"],
    )
    open_vacancy.required_skills.set([Skill.objects.get(code="welding")])
    open_vacancy.nice_skills.set([Skill.objects.get(code="turning")])
    vacancy(title="Draft", status="draft")
    vacancy(title="Expired", expires_at=timezone.now() - datetime.timedelta(days=1))

    response = api_client.get(OPEN_DATA)

    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["title"] == "Сварщик"
    assert item["url"].endswith(f"/vacancies/{open_vacancy.pk}/")
    assert item["region"] == {"code": "KZ-71", "name": "Astana"}
    assert item["company"] == {"bin": factories.valid_bin(42), "name": "Steel LLP"}
    assert item["salary"] == {"min": 300000, "max": 450000, "currency": "KZT", "gross": True}
    assert item["employment_type"]["code"] == "full_time"
    assert item["schedule"]["code"] == "full_day"
    assert item["requirements"]["education"]["code"] == "technical_vocational"
    assert item["requirements"]["qualification"] == {"code": "7212", "title": "Welders and flame cutters"}
    assert item["requirements"]["experience_years"] == 2
    assert item["requirements"]["languages"] == ["kk", "ru"]
    assert item["skills"]["required"] == [{"code": "welding", "name": "Welding"}]
    assert item["skills"]["nice_to_have"] == [{"code": "turning", "name": "Lathe turning"}]
    assert item["quota_place"] is True
    assert item["social_package"] is True
    assert item["positions_open"] == 3
    assert item["published_at"] and item["expires_at"] and item["updated_at"]
    assert "contact_phone" not in item


def test_open_data_modified_since_and_keyset_pages(api_client, catalog, django_assert_max_num_queries):
    now = timezone.now()
    vacancies = [vacancy(title=f"V{i}") for i in range(7)]
    for i, v in enumerate(vacancies):
        # Three share one moment: the id breaks the tie.
        Vacancy.objects.filter(pk=v.pk).update(updated_at=now - datetime.timedelta(days=10 - min(i, 4)))

    seen, url, params = [], OPEN_DATA, {"page_size": 2}
    while url:
        with django_assert_max_num_queries(3):
            body = api_client.get(url, params).json()
        seen.extend(item["id"] for item in body["results"])
        url, params = body["next"], None

    assert seen == [v.pk for v in vacancies]
    since = (now - datetime.timedelta(days=7)).isoformat()
    body = api_client.get(OPEN_DATA, {"modified_since": since}).json()
    assert [item["id"] for item in body["results"]] == [v.pk for v in vacancies[3:]]


@pytest.mark.parametrize("params", [{"modified_since": "yesterday"}, {"cursor": "xyz"}, {"page_size": "0"}])
def test_open_data_refuses_bad_parameters(api_client, catalog, params):
    response = api_client.get(OPEN_DATA, params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == list(params)


def test_open_data_is_read_only(api_client, admin_user, catalog):
    api_client.force_authenticate(admin_user)

    assert api_client.post(OPEN_DATA, {}).status_code == 405
