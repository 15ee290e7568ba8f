"""Matching in the API and the pages: who sees which list, what a row shows, and its cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors.access import organization_of
from tests.vacancies.test_matching_helpers import make_seeker, make_vacancy

pytestmark = pytest.mark.django_db

MY_MATCHES = "/api/v1/me/matching-vacancies/"


def candidates_url(vacancy) -> str:
    return f"/api/v1/vacancies/{vacancy.pk}/suitable-candidates/"


@pytest.fixture
def vacancy(cast):
    """A published welder vacancy of employer A in region X (Astana)."""
    return make_vacancy(organization=organization_of(cast.employer_a), required=("welding", "driving_b"))


# --- Suitable candidates --------------------------------------------------------------------


def test_the_employer_sees_suitable_candidates_ranked_with_reasons_and_a_masked_iin(api_client, cast, vacancy):
    best = make_seeker(skills=("welding", "driving_b"), experience_years=2)
    second = make_seeker(skills=("welding",))
    api_client.force_authenticate(cast.employer_a)

    response = api_client.get(candidates_url(vacancy), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 2 and body["enabled"] is True
    assert [row["seeker_id"] for row in body["results"]] == [best.pk, second.pk]
    top = body["results"][0]
    assert top["score"] == 100
    assert top["iin"].startswith("******") and top["iin"][-6:] == best.seeker_profile.iin[-6:]
    reasons = {reason["code"]: reason for reason in body["results"][1]["reasons"]}
    assert reasons["skills_required"]["params"] == {"covered": 1, "total": 2}
    assert reasons["skills_missing"]["text"] == "Missing: Driving licence B"
    assert reasons["skills_missing"]["tone"] == "bad"


def test_the_candidate_list_pages(api_client, cast, vacancy):
    for _ in range(3):
        make_seeker()
    api_client.force_authenticate(cast.employer_a)

    first = api_client.get(candidates_url(vacancy), {"page_size": 2}).json()
    second = api_client.get(first["next"]).json()

    assert len(first["results"]) == 2 and first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]
    assert {r["seeker_id"] for r in first["results"]}.isdisjoint({r["seeker_id"] for r in second["results"]})


def test_the_candidate_api_costs_the_same_number_of_queries_for_more_candidates(api_client, cast, vacancy):
    api_client.force_authenticate(cast.employer_a)
    make_seeker(education="bachelor", experience_years=1)  # misses a skill: its name is read

    with CaptureQueriesContext(connection) as few:
        assert api_client.get(candidates_url(vacancy)).status_code == 200
    for _ in range(5):
        make_seeker(skills=("welding", "driving_b"), occupations=("7212", "7213"))
    with CaptureQueriesContext(connection) as many:
        assert len(api_client.get(candidates_url(vacancy)).json()["results"]) == 6

    assert len(many) == len(few)


def test_staff_of_the_region_and_administrators_see_the_candidates_too(api_client, cast, vacancy):
    seeker = make_seeker()
    for user in (cast.staff_x, cast.admin):
        api_client.force_authenticate(user)
        response = api_client.get(candidates_url(vacancy))
        assert response.status_code == 200
        # Staff of the seeker's region see the whole IIN, as everywhere else.
        assert response.json()["results"][0]["iin"] == seeker.seeker_profile.iin


@pytest.mark.parametrize("who", ["employer_b", "seeker_a", "staff_y"])
def test_outsiders_cannot_see_a_vacancys_suitable_candidates(api_client, cast, vacancy, who):
    make_seeker()
    api_client.force_authenticate(getattr(cast, who))

    assert api_client.get(candidates_url(vacancy)).status_code == 404


def test_anonymous_callers_cannot_see_suitable_candidates(api_client, cast, vacancy):
    assert api_client.get(candidates_url(vacancy)).status_code in (401, 403)


def test_an_unknown_vacancy_and_bad_paging_are_refused(api_client, cast, vacancy):
    api_client.force_authenticate(cast.employer_a)

    assert api_client.get("/api/v1/vacancies/999999/suitable-candidates/").status_code == 404
    response = api_client.get(candidates_url(vacancy), {"page_size": 1000})
    assert response.status_code == 400 and "page_size" in response.json()["error"]["fields"]


def test_a_draft_has_no_candidates_yet(api_client, cast):
    draft = make_vacancy(
        organization=organization_of(cast.employer_a), status="draft", published_at=None, expires_at=None
    )
    make_seeker()
    api_client.force_authenticate(cast.employer_a)

    body = api_client.get(candidates_url(draft)).json()

    assert body["results"] == [] and body["enabled"] is False and body["notice"]


# --- Vacancies for you ----------------------------------------------------------------------


def test_a_seeker_gets_vacancies_for_them_with_reasons(api_client, catalog):
    seeker = make_seeker(salary=350_000, experience_years=2)
    vacancy = make_vacancy()
    api_client.force_authenticate(seeker)

    response = api_client.get(MY_MATCHES, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == vacancy.pk and row["score"] == 100
    assert row["url"].endswith(vacancy.get_absolute_url())
    assert [reason["text"] for reason in row["reasons"]][:3] == [
        "Same occupation",
        "1 of 1 required skill",
        "Same region",
    ]


def test_vacancies_for_you_is_for_job_seekers(api_client, cast):
    for user in (cast.employer_a, cast.staff_x):
        api_client.force_authenticate(user)
        assert api_client.get(MY_MATCHES).status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get(MY_MATCHES).status_code in (401, 403)


def test_vacancies_for_you_costs_the_same_number_of_queries_for_more_vacancies(api_client, catalog):
    seeker = make_seeker()
    api_client.force_authenticate(seeker)
    # Reasons that name a skill and an education level (one query each, for any number of rows).
    make_vacancy(required=("welding", "driving_b"), education_level="bachelor")
    with CaptureQueriesContext(connection) as few:
        api_client.get(MY_MATCHES)
    for _ in range(5):
        make_vacancy(required=("welding", "driving_b"), education_level="bachelor")
    with CaptureQueriesContext(connection) as many:
        assert len(api_client.get(MY_MATCHES).json()["results"]) == 6

    assert len(many) == len(few)


# --- Pages ----------------------------------------------------------------------------------


def test_the_vacancies_for_you_page_shows_the_matches_and_their_reasons(client, catalog):
    seeker = make_seeker()
    vacancy = make_vacancy(required=("welding", "driving_b"))
    client.force_login(seeker)

    response = client.get("/vacancies/for-you/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert vacancy.title in html
    assert "Missing: Driving licence B" in html


def test_the_suitable_candidates_page_is_for_the_vacancys_organization(client, cast, vacancy):
    seeker = make_seeker()
    client.force_login(cast.employer_a)

    page = client.get(f"/vacancies/{vacancy.pk}/suitable-candidates/")

    assert page.status_code == 200
    assert seeker.get_full_name() in page.content.decode()
    assert seeker.seeker_profile.iin not in page.content.decode()
    client.force_login(cast.employer_b)
    assert client.get(f"/vacancies/{vacancy.pk}/suitable-candidates/").status_code == 404
    client.force_login(cast.seeker_a)
    assert client.get(f"/vacancies/{vacancy.pk}/suitable-candidates/").status_code == 404
