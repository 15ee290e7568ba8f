"""Every statistics URL, pages and API, read (and written) by each member of the cast.

The tables are the contract: the figures are public, the workbook and refreshing are for
administrators. A new statistics URL without a row fails ``test_every_stats_url_has_a_row``.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from stats import exports
from stats.models import StatRefresh
from stats.services import stats_refresh

ACTORS = ["anonymous", "seeker_a", "seeker_b", "employer_a", "employer_b", "staff_x", "staff_y", "admin"]
PUBLIC = [200] * len(ACTORS)
ADMIN_ONLY = [403] * (len(ACTORS) - 1) + [200]


def stats_routes() -> list[tuple[str, str]]:
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith("stats.") and pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    yield name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


ARGUMENTS = {"chart": "vacancies-by-region", "section": "projects"}

# GET status for: anonymous, seeker_a, seeker_b, employer_a, employer_b, staff_x, staff_y, admin.
READ = {
    "stats:overview": PUBLIC,
    "stats:section": PUBLIC,
    "stats:chart-csv": PUBLIC,
    "stats:headline-csv": PUBLIC,
    "stats:export": ADMIN_ONLY,
    "stats:refresh": [405] * len(ACTORS),  # a POST only
    "api-stats": PUBLIC,
    "api-stats-headline": PUBLIC,
    "api-stats-refresh": ADMIN_ONLY,
    "api-stats-export": ADMIN_ONLY,
    **{
        f"api-stats-{slug}": PUBLIC
        for slug in (
            "vacancies-by-region",
            "vacancies-by-occupation",
            "vacancies-by-employment-type",
            "salary-by-region",
            "salary-by-occupation",
            "activity-monthly",
            "youth-share-monthly",
            "youth-share-by-region",
            "referrals-by-region",
            "projects-by-region",
            "fairs-monthly",
        )
    },
}

# POST status (the writes): the page redirects back, the API answers 202; everyone else 403.
WRITE = {
    "stats:refresh": [403] * (len(ACTORS) - 1) + [302],
    "api-stats-refresh": [403] * (len(ACTORS) - 1) + [202],
}


def url_for(name: str, route: str) -> str:
    return reverse(name, kwargs={param: ARGUMENTS[param] for param in re.findall(r"<(?:\w+:)?(\w+)>", route)})


def login(client, cast, actor):
    client.logout()
    if actor != "anonymous":
        client.force_login(getattr(cast, actor))


def test_every_stats_url_has_a_row():
    names = {name for name, _route in stats_routes()}

    assert names == set(READ)
    assert set(WRITE) <= names


@pytest.mark.parametrize(("name", "route"), stats_routes())
def test_who_may_read_each_stats_url(cast, client, name, route):
    cache.clear()
    stats_refresh()
    url = url_for(name, route)
    statuses = []
    for actor in ACTORS:
        login(client, cast, actor)
        statuses.append(client.get(url).status_code)

    assert statuses == READ[name]


@pytest.mark.parametrize("name", sorted(WRITE))
def test_who_may_ask_for_a_refresh(cast, client, name):
    route = dict(stats_routes())[name]
    url = url_for(name, route)
    statuses = []
    for actor in ACTORS:
        login(client, cast, actor)
        statuses.append(client.post(url).status_code)
        if actor != "admin":
            assert not StatRefresh.objects.exists(), actor

    assert statuses == WRITE[name]
    assert StatRefresh.objects.get().requested_by == cast.admin


@pytest.mark.parametrize(("method", "name"), [("post", "api-stats-refresh"), ("get", "api-stats-export")])
def test_a_refused_administrators_request_answers_with_the_api_error_body(cast, api_client, method, name):
    api_client.force_authenticate(cast.staff_x)

    response = getattr(api_client, method)(reverse(name))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_workbook_api_refuses_an_anonymous_reader_with_the_api_error_body(catalog, api_client):
    response = api_client.get(reverse("api-stats-export"), HTTP_ACCEPT=exports.CONTENT_TYPE)

    assert response.status_code == 403  # the session comes first: no WWW-Authenticate, so not 401
    assert response.json()["error"]["code"] == "not_authenticated"
