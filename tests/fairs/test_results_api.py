"""The public results API: counters, results and history, read by every role, aggregates only."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fairs.models import Fair, FairVacancy
from fairs.selectors import results as selectors
from fairs.services.results import fair_results_publish
from tests.fairs.test_results import (
    EXPECTED_COUNTERS,
    build_fair,
    counted_in_the_database,
    make_fair,
    personal_strings,
    register,
)

ROLES = ["anonymous", "seeker_a", "employer_b", "staff_y", "admin"]
# Keys that would carry a person's data; none may appear anywhere in the answers.
PERSONAL_KEYS = {
    "email",
    "full_name",
    "iin",
    "phone",
    "birth_date",
    "seeker",
    "seeker_id",
    "user",
    "user_id",
    "cv_snapshot",
    "cover_letter",
    "answers",
    "age",
    "age_at_start",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def as_role(api_client, cast, role):
    if role != "anonymous":
        api_client.force_authenticate(getattr(cast, role))
    return api_client


def all_keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in all_keys(value)}
    if isinstance(data, list):
        return {key for item in data for key in all_keys(item)}
    return set()


def urls(fair_id: int) -> dict[str, str]:
    return {
        "counters": reverse("fairs-api-counters", args=[fair_id]),
        "results": reverse("fairs-api-results", args=[fair_id]),
        "history": reverse("fairs-api-history"),
    }


# --- Everyone may read; nobody reads a person ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["counters", "results", "history"])
def test_everyone_reads_the_results_api_without_any_personal_data(api_client, cast, role, endpoint):
    built = build_fair(cast)

    response = as_role(api_client, cast, role).get(urls(built.fair.pk)[endpoint])

    assert response.status_code == 200
    assert not all_keys(response.json()) & PERSONAL_KEYS
    body = json.dumps(response.json(), ensure_ascii=False)
    for personal in personal_strings(built):
        assert personal not in body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["counters", "results", "history"])
def test_the_results_api_is_read_only(api_client, cast, role, endpoint):
    fair = make_fair()

    response = as_role(api_client, cast, role).post(urls(fair.pk)[endpoint], {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("endpoint", ["counters", "results"])
def test_a_fair_that_does_not_exist_is_404(api_client, catalog, endpoint):
    response = api_client.get(urls(999999)[endpoint])

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- Counters ---------------------------------------------------------------------------------


def test_counters_api_gives_the_live_figures_of_the_fair(api_client, cast):
    built = build_fair(cast)

    data = api_client.get(urls(built.fair.pk)["counters"]).json()

    assert data == {"fair_id": built.fair.pk, "status": "live", "live": True, **EXPECTED_COUNTERS}
    assert {key: data[key] for key in EXPECTED_COUNTERS} == counted_in_the_database(built.fair)


def test_counters_api_says_when_the_fair_is_no_longer_live(api_client, cast):
    built = build_fair(cast, status=Fair.Status.CLOSED)

    data = api_client.get(urls(built.fair.pk)["counters"]).json()

    assert (data["status"], data["live"], data["hired"]) == ("closed", False, 4)


def test_counters_api_takes_two_queries_then_one(api_client, cast, django_assert_num_queries):
    built = build_fair(cast)
    url = urls(built.fair.pk)["counters"]
    with django_assert_num_queries(2):  # the fair, then the counters
        api_client.get(url)
    with django_assert_num_queries(1):  # the counters come from the cache for a few seconds
        assert api_client.get(url).json()["registered"] == 6


# --- Results ----------------------------------------------------------------------------------


def test_results_api_before_publication_is_provisional(api_client, cast):
    built = build_fair(cast)

    data = api_client.get(urls(built.fair.pk)["results"]).json()

    assert data["provisional"] is True
    assert data["published_at"] is None
    assert (data["fair_id"], data["title"], data["status"]) == (built.fair.pk, built.fair.title, "live")
    assert data["totals"] == {**EXPECTED_COUNTERS, "youth_hired": 3, "youth_share": 0.75}
    assert set(data) == {
        "fair_id",
        "title",
        "status",
        "provisional",
        "computed_at",
        "published_at",
        "totals",
        "by_region",
        "by_employer",
        "by_occupation",
    }
    astana = next(row for row in data["by_region"] if row["code"] == cast.region_x.code)
    assert astana == {
        "code": cast.region_x.code,
        "name": "Astana",
        "registered": 2,
        "applications": 2,
        "hired": 1,
        "youth_hired": 1,
    }
    assert data["by_employer"][0] == {
        "organization_id": built.org_a.pk,
        "name": built.org_a.legal_name,
        "positions_offered": 7,
        "applications": 3,
        "hired": 2,
    }
    assert data["by_occupation"][-1] == {
        "code": "7212",
        "title": "Welders and flame cutters",
        "major_code": "7",
        "major_title": "Craft and related trades workers",
        "positions_offered": 5,
        "applications": 2,
        "hired": 1,
    }


def test_results_api_after_publication_gives_the_frozen_figures(api_client, cast):
    built = build_fair(cast, status=Fair.Status.RESULTS)
    fair_results_publish(fair=built.fair)
    FairVacancy.objects.filter(pk=built.sales.pk).update(positions_filled=3)
    register(built.fair, name="Too Late", region_code=cast.region_x.code, youth=True)

    data = api_client.get(urls(built.fair.pk)["results"]).json()

    assert data["provisional"] is False
    assert data["published_at"]
    assert data["totals"]["hired"] == 4
    assert data["totals"]["registered"] == 6


def test_results_api_names_follow_the_request_language(api_client, cast):
    built = build_fair(cast)

    data = api_client.get(urls(built.fair.pk)["results"], HTTP_ACCEPT_LANGUAGE="ru").json()

    welders = next(row for row in data["by_occupation"] if row["code"] == "7212")
    assert welders["title"] == "Сварщики и газорезчики"


def test_results_api_takes_a_fixed_number_of_queries(api_client, cast, django_assert_max_num_queries):
    built = build_fair(cast)
    with django_assert_max_num_queries(9):
        assert api_client.get(urls(built.fair.pk)["results"]).status_code == 200


# --- History ----------------------------------------------------------------------------------


def test_history_api_lists_published_fairs_and_the_running_one(api_client, cast):
    older = build_fair(cast, status=Fair.Status.RESULTS, starts_at=timezone.now() - datetime.timedelta(days=40))
    fair_results_publish(fair=older.fair)
    running = build_fair(cast, title="Running", kind=Fair.Kind.REGIONAL)
    make_fair(status=Fair.Status.SCHEDULED, starts_at=timezone.now() + datetime.timedelta(days=20))

    data = api_client.get(urls(0)["history"]).json()

    assert [(row["fair_id"], row["provisional"]) for row in data] == [(older.fair.pk, False), (running.fair.pk, True)]
    assert set(data[0]) == {*selectors.HISTORY_KEYS, "provisional"}
    assert data[0]["month"] == older.fair.month.isoformat()
    assert (data[0]["employers"], data[0]["positions_offered"], data[0]["hired"]) == (2, 10, 4)
    assert (data[0]["youth_hired"], data[0]["youth_share"]) == (3, 0.75)


def test_history_api_takes_a_fixed_number_of_queries(api_client, cast, django_assert_max_num_queries):
    for months in (1, 2, 3):
        old = build_fair(
            cast, status=Fair.Status.RESULTS, starts_at=timezone.now() - datetime.timedelta(days=31 * months)
        )
        fair_results_publish(fair=old.fair)
    build_fair(cast, kind=Fair.Kind.REGIONAL)
    with django_assert_max_num_queries(2):
        assert len(api_client.get(urls(0)["history"]).json()) == 4
