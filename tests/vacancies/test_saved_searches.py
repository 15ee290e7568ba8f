"""Saved searches: the API, the pages, validation by the search form, limits and access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.vacancies.test_matching_helpers import make_seeker
from vacancies.models import SavedSearch
from vacancies.services.matching import MAX_SAVED_SEARCHES, saved_search_create

pytestmark = pytest.mark.django_db

LIST = "/api/v1/me/saved-searches/"


def detail(saved) -> str:
    return f"/api/v1/me/saved-searches/{saved.pk}/"


@pytest.fixture
def seeker(catalog):
    return make_seeker()


def login(api_client, user):
    api_client.force_authenticate(user)
    return api_client


# --- API ------------------------------------------------------------------------------------


def test_a_seeker_saves_a_search_and_its_filters_are_kept_in_canonical_form(api_client, seeker):
    response = login(api_client, seeker).post(
        LIST,
        {
            "name": "Welding in the capital",
            "query": "  сварщик ",
            "filters": {"region": ["KZ-75", "KZ-71"], "salary_min": "300000", "remote": False, "youth": True},
            "frequency": "daily",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["query"] == "сварщик"
    assert body["filters"] == {"region": ["KZ-71", "KZ-75"], "salary_min": 300000, "youth": True}
    assert body["frequency"] == "daily"
    assert body["last_run_at"] is None
    assert "region=KZ-71" in body["search_url"] and "q=" in body["search_url"]
    saved = SavedSearch.objects.get(pk=body["id"])
    assert saved.user == seeker and saved.filters == body["filters"]


def test_a_search_without_a_name_is_named_after_its_words(api_client, seeker):
    response = login(api_client, seeker).post(LIST, {"query": "электрик"}, format="json")

    assert response.status_code == 201
    assert response.json()["name"] == "электрик"
    assert response.json()["frequency"] == "instant"


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"region": ["KZ-00"]}, "filters.region"),
        ({"occupation": "72x"}, "filters.occupation"),
        ({"occupation": "9999"}, "filters.occupation"),
        ({"salary_min": "a lot"}, "filters.salary_min"),
        ({"salary_min": -5}, "filters.salary_min"),
        ({"experience_max": 99}, "filters.experience_max"),
        ({"youth": "maybe"}, "filters.youth"),
        ({"employment_type": ["full_time", "nonsense"]}, "filters.employment_type"),
        ({"national_project": 999999}, "filters.national_project"),
        ({"colour": "red"}, "filters.colour"),
        ({"region": [1, 2]}, "filters.region"),
        ({"occupation": ["7212"]}, "filters.occupation"),
        (["region"], "filters"),
    ],
)
def test_invalid_filters_answer_400_with_the_fields_message(api_client, seeker, filters, field):
    response = login(api_client, seeker).post(LIST, {"query": "x", "filters": filters}, format="json")

    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error["fields"]
    assert not SavedSearch.objects.exists()


def test_a_too_long_query_and_an_unknown_frequency_are_refused(api_client, seeker):
    client = login(api_client, seeker)

    too_long = client.post(LIST, {"query": "x" * 201}, format="json")
    frequency = client.post(LIST, {"query": "x", "frequency": "hourly"}, format="json")

    assert too_long.status_code == 400 and "query" in too_long.json()["error"]["fields"]
    assert frequency.status_code == 400 and "frequency" in frequency.json()["error"]["fields"]


def test_names_are_unique_per_seeker(api_client, seeker):
    client = login(api_client, seeker)
    client.post(LIST, {"name": "Mine", "query": "a"}, format="json")

    again = client.post(LIST, {"name": "Mine", "query": "b"}, format="json")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_name"
    other = make_seeker()
    assert login(api_client, other).post(LIST, {"name": "Mine", "query": "c"}, format="json").status_code == 201


def test_a_seeker_keeps_at_most_the_limit_of_saved_searches(api_client, seeker):
    for index in range(MAX_SAVED_SEARCHES):
        saved_search_create(user=seeker, name=f"s{index}", query=f"word{index}")

    response = login(api_client, seeker).post(LIST, {"query": "one more"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_many_saved_searches"


def test_the_list_shows_only_the_callers_searches(api_client, seeker):
    mine = saved_search_create(user=seeker, name="mine", query="a")
    saved_search_create(user=make_seeker(), name="theirs", query="b")

    response = login(api_client, seeker).get(LIST)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_the_list_api_costs_the_same_number_of_queries_for_more_searches(
    api_client, seeker, django_assert_max_num_queries
):
    client = login(api_client, seeker)
    saved_search_create(user=seeker, name="one", query="a")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for index in range(5):
        saved_search_create(user=seeker, name=f"more{index}", query="b", filters={"region": ["KZ-71"]})
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(LIST).json()["results"]) == 6


def test_a_seeker_changes_the_frequency_and_the_filters(api_client, seeker):
    saved = saved_search_create(user=seeker, name="s", query="сварщик", filters={"region": ["KZ-71"]})
    client = login(api_client, seeker)

    frequency = client.patch(detail(saved), {"frequency": "never"}, format="json")
    filters = client.patch(detail(saved), {"filters": {"remote": True}}, format="json")
    bad = client.patch(detail(saved), {"filters": {"region": ["nowhere"]}}, format="json")

    assert frequency.status_code == 200 and frequency.json()["frequency"] == "never"
    assert filters.status_code == 200 and filters.json()["filters"] == {"remote": True}
    assert filters.json()["query"] == "сварщик"
    assert bad.status_code == 400 and "filters.region" in bad.json()["error"]["fields"]
    saved.refresh_from_db()
    assert saved.filters == {"remote": True} and saved.frequency == "never"


def test_a_seeker_deletes_a_saved_search(api_client, seeker):
    saved = saved_search_create(user=seeker, name="s", query="a")

    response = login(api_client, seeker).delete(detail(saved))

    assert response.status_code == 204
    assert not SavedSearch.objects.exists()


def test_another_seekers_saved_search_is_not_found(api_client, seeker):
    theirs = saved_search_create(user=make_seeker(), name="theirs", query="a")
    client = login(api_client, seeker)

    assert client.get(detail(theirs)).status_code == 404
    assert client.patch(detail(theirs), {"frequency": "never"}, format="json").status_code == 404
    assert client.delete(detail(theirs)).status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk, frequency="instant").exists()


def test_saved_searches_are_for_job_seekers_only(api_client, cast):
    for user in (cast.employer_a, cast.staff_x):
        client = login(api_client, user)
        assert client.get(LIST).status_code == 403
        assert client.post(LIST, {"query": "a"}, format="json").status_code == 403


def test_anonymous_callers_are_refused(api_client, catalog):
    assert api_client.get(LIST).status_code in (401, 403)
    assert api_client.post(LIST, {"query": "a"}, format="json").status_code in (401, 403)


# --- Pages ----------------------------------------------------------------------------------


def test_save_this_search_from_the_search_page_keeps_its_parameters(client, seeker):
    client.force_login(seeker)
    back = "/vacancies/?q=welder&region=KZ-71&sort=date"

    response = client.post(
        reverse("vacancies:saved-search-create"),
        {
            "q": "сварщик",
            "region": ["KZ-71", "KZ-75"],
            "remote": "true",
            "sort": "date",
            "cursor": "abc",
            "name": "Welders",
            "frequency": "weekly",
            "next": back,
        },
    )

    assert response.status_code == 302 and response["Location"] == back
    saved = SavedSearch.objects.get(user=seeker)
    assert (saved.name, saved.query, saved.frequency) == ("Welders", "сварщик", "weekly")
    assert saved.filters == {"region": ["KZ-71", "KZ-75"], "remote": True}


def test_save_this_search_with_a_bad_filter_saves_nothing_and_says_why(client, seeker):
    client.force_login(seeker)

    response = client.post(
        reverse("vacancies:saved-search-create"),
        {"q": "x", "region": "KZ-00", "frequency": "instant", "next": "https://evil.example/"},
        follow=True,
    )

    assert not SavedSearch.objects.exists()
    assert response.redirect_chain[0][0] == reverse("vacancies:search")  # never to another site
    assert any("not valid" in str(m) or "KZ-00" in str(m) for m in response.context["messages"])


def test_the_search_page_include_offers_saving_to_seekers(rf, seeker):
    from django.template.loader import render_to_string

    request = rf.get("/vacancies/?q=сварщик&region=KZ-71&cursor=xyz")
    request.user = seeker

    html = render_to_string("vacancies/matching/_save_search.html", {"request": request, "user": seeker})

    assert 'name="region" value="KZ-71"' in html
    assert 'name="q" value="сварщик"' in html
    assert 'name="cursor"' not in html  # the page, not part of the search
    assert 'action="/vacancies/saved-searches/new/"' in html


def test_the_saved_searches_page_lists_edits_and_deletes(client, seeker):
    saved = saved_search_create(user=seeker, name="Welders", query="сварщик", filters={"region": ["KZ-71"]})
    client.force_login(seeker)

    page = client.get(reverse("vacancies:saved-searches"))
    edited = client.post(
        reverse("vacancies:saved-search-edit", args=[saved.pk]),
        {f"s{saved.pk}-name": "Welders", f"s{saved.pk}-frequency": "never"},
    )
    deleted = client.post(reverse("vacancies:saved-search-delete", args=[saved.pk]))

    assert page.status_code == 200
    assert "Welders" in page.content.decode()
    assert "region=KZ-71" in page.content.decode()
    assert edited.status_code == 302
    assert deleted.status_code == 302
    assert not SavedSearch.objects.exists()


def test_the_pages_do_not_touch_another_seekers_search(client, seeker):
    theirs = saved_search_create(user=make_seeker(), name="theirs", query="a")
    client.force_login(seeker)

    edit = client.post(reverse("vacancies:saved-search-edit", args=[theirs.pk]), {f"s{theirs.pk}-frequency": "never"})
    delete = client.post(reverse("vacancies:saved-search-delete", args=[theirs.pk]))

    assert edit.status_code == 404 and delete.status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk, frequency="instant").exists()


def test_an_employer_cannot_open_the_saved_searches_page(client, catalog):
    employer = factories.MembershipFactory().user
    client.force_login(employer)

    assert client.get(reverse("vacancies:saved-searches")).status_code == 403
