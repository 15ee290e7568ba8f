"""The in-app inbox: pages and API, read marks, the unread count in the header."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from accounts.models import User
from accounts.services.seekers import consent_withdraw
from notifications.context_processors import unread_notifications
from notifications.models import Frequency, Kind, Notification
from notifications.services.delivery import notifications_deliver
from tests.notifications.helpers import create, match, prefer, status_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, cast):
    client.force_login(cast.seeker_a)
    return client


@pytest.fixture
def api(api_client, cast):
    api_client.force_authenticate(cast.seeker_a)
    return api_client


# --- The page ---------------------------------------------------------------------------------


def test_the_inbox_lists_my_notifications_newest_first_in_my_language(logged_in, cast):
    create(
        status_changed(cast.seeker_a, 1, vacancy_title="Welder"), status_changed(cast.seeker_a, 2, vacancy_title="Cook")
    )
    create(status_changed(cast.seeker_b, 3, vacancy_title="Secret"))

    response = logged_in.get("/notifications/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Cook") < page.index("Welder")
    assert "Secret" not in page
    assert 'lang="ru"' in page


def test_every_notification_is_in_the_inbox_whatever_the_e_mail_setting(logged_in, cast):
    prefer(cast.seeker_a, Kind.APPLICATION_STATUS, Frequency.NEVER)
    create(status_changed(cast.seeker_a, vacancy_title="Plumber"))
    notifications_deliver()

    assert "Plumber" in logged_in.get("/notifications/").content.decode()


def test_the_inbox_pages_by_keyset(logged_in, cast):
    create(*(status_changed(cast.seeker_a, n, vacancy_title=f"Job {n:02d}") for n in range(25)))

    first = logged_in.get("/notifications/")
    older = first.context["older"]
    second = logged_in.get(f"/notifications/?before={older}")

    assert [i["notification"].data["vacancy_title"] for i in first.context["items"]][:2] == ["Job 24", "Job 23"]
    assert len(first.context["items"]) == 20
    assert [i["notification"].data["vacancy_title"] for i in second.context["items"]] == [
        f"Job {n:02d}" for n in range(4, -1, -1)
    ]
    assert second.context["older"] is None


def test_the_inbox_answers_in_a_fixed_number_of_queries(logged_in, cast, django_assert_max_num_queries):
    create(*(status_changed(cast.seeker_a, n) for n in range(20)))

    with django_assert_max_num_queries(4):
        assert logged_in.get("/notifications/").status_code == 200


def test_unread_only_shows_unread(logged_in, cast):
    read, unread = create(status_changed(cast.seeker_a, 1, vacancy_title="Old"), status_changed(cast.seeker_a, 2))
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")

    response = logged_in.get("/notifications/?unread=1")

    assert [i["notification"].pk for i in response.context["items"]] == [unread.pk]


def test_opening_a_notification_marks_it_read_and_follows_its_link(logged_in, cast):
    (notification,) = create(status_changed(cast.seeker_a, 7))

    response = logged_in.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/vacancies/applications/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_never_redirects_off_the_site(logged_in, cast):
    (notification,) = create(status_changed(cast.seeker_a))
    Notification.objects.filter(pk=notification.pk).update(url="//evil.example.com/")

    response = logged_in.get(f"/notifications/{notification.pk}/open/")

    assert response["Location"] == "/notifications/"


def test_marking_one_and_all_read(logged_in, cast):
    first, *_ = create(*(status_changed(cast.seeker_a, n) for n in range(3)))

    logged_in.post(f"/notifications/{first.pk}/read/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 2

    logged_in.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=cast.seeker_a, read_at__isnull=True).exists()


def test_an_outsider_cannot_open_or_mark_someone_elses_notification(client, cast):
    (theirs,) = create(status_changed(cast.seeker_a))
    client.force_login(cast.seeker_b)

    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/notifications/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_matches_leave_the_inbox_when_consent_is_withdrawn(logged_in, cast):
    create(match(cast.seeker_a, vacancy_title="Crane operator"), status_changed(cast.seeker_a, vacancy_title="Cook"))

    consent_withdraw(user=cast.seeker_a)
    page = logged_in.get("/notifications/").content.decode()

    assert "Crane operator" not in page and "Cook" in page


# --- The header's unread count ----------------------------------------------------------------


def test_the_unread_count_costs_one_query_and_none_for_anonymous_visitors(cast, django_assert_num_queries):
    create(*(status_changed(cast.seeker_a, n) for n in range(3)))
    request = RequestFactory().get("/")

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread_notifications(request)["notifications_unread"] == 0

    request.user = cast.seeker_a
    with django_assert_num_queries(1):
        count = unread_notifications(request)["notifications_unread"]
        assert count() == 3
        assert count() == 3


def test_the_unread_count_leaves_out_matches_without_consent(cast):
    create(match(cast.seeker_a), status_changed(cast.seeker_a))
    request = RequestFactory().get("/")
    request.user = cast.seeker_a

    consent_withdraw(user=cast.seeker_a)

    assert unread_notifications(request)["notifications_unread"]() == 1


@pytest.mark.parametrize(("unread", "shown"), [(0, None), (5, "5"), (100, "99+")])
def test_the_header_badge_shows_the_unread_count(cast, unread, shown):
    request = RequestFactory().get("/")
    request.user = cast.seeker_a
    with translation.override("en"):
        html = render_to_string(
            "notifications/_header_badge.html",
            {"notifications_unread": lambda: unread, "notifications_unread_cap": 100, "request": request},
        )

    assert 'href="/notifications/"' in html
    if shown is None:
        assert "badge" not in html
    else:
        assert f">{shown}</span>" in html


# --- The API ----------------------------------------------------------------------------------


def test_the_api_lists_my_notifications_rendered_and_paged(api, cast):
    create(*(status_changed(cast.seeker_a, n, vacancy_title=f"Job {n}") for n in range(3)))
    create(status_changed(cast.seeker_b, 9))

    response = api.get("/api/v1/notifications/?page_size=2", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    assert [item["data"]["vacancy_title"] for item in body["results"]] == ["Job 2", "Job 1"]
    first = body["results"][0]
    assert first["kind"] == "application_status"
    assert first["title"] == "You are on the shortlist for “Job 2”"
    assert first["url"] == "/vacancies/applications/2/" and first["is_read"] is False
    assert [item["data"]["vacancy_title"] for item in api.get(body["next"]).json()["results"]] == ["Job 0"]


def test_the_api_list_answers_in_a_fixed_number_of_queries(api, cast, django_assert_max_num_queries):
    create(*(status_changed(cast.seeker_a, n) for n in range(20)))

    with django_assert_max_num_queries(2):
        assert len(api.get("/api/v1/notifications/").json()["results"]) == 20


def test_the_api_marks_read_and_counts_unread(api, cast):
    first, _, _ = create(*(status_changed(cast.seeker_a, n) for n in range(3)))

    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 3}
    marked = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert marked.status_code == 200 and marked.json()["is_read"] is True
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 2}
    assert api.get("/api/v1/notifications/?unread=true").json()["results"][0]["id"] != first.pk
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/notifications/unread-count/").json() == {"count": 0}


def test_an_outsider_gets_404_for_someone_elses_notification_in_the_api(api_client, cast):
    (theirs,) = create(status_changed(cast.seeker_a))
    api_client.force_authenticate(cast.seeker_b)

    response = api_client.post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api_client.get("/api/v1/notifications/").json()["results"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("get", "/api/v1/notifications/unread-count/"),
        ("post", "/api/v1/notifications/read-all/"),
        ("post", "/api/v1/notifications/1/read/"),
        ("get", "/api/v1/notifications/preferences/"),
        ("put", "/api/v1/notifications/preferences/"),
    ],
)
def test_the_api_refuses_anonymous_callers(api_client, method, path):
    response = getattr(api_client, method)(path)

    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_employers_have_an_inbox_too(client, cast):
    User.objects.filter(pk=cast.employer_a.pk).update(language="en")
    from notifications.services import NewNotification, notifications_create_bulk

    notifications_create_bulk(
        items=[
            NewNotification(
                recipient_id=cast.employer_a.pk,
                kind=Kind.NEW_APPLICATIONS,
                subject="application:1",
                data={"vacancy_title": "Welder", "vacancy_id": 1, "application_id": 1},
            )
        ]
    )
    client.force_login(cast.employer_a)

    assert "New application for “Welder”" in client.get("/notifications/").content.decode()
