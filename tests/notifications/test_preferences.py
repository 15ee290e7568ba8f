"""E-mail preferences: per kind, instantly / daily / weekly / never, on a page and in the API."""

from __future__ import annotations

import pytest

from exchange.errors import BusinessError
from notifications.models import Frequency, Kind, NotificationPreference
from notifications.selectors import notification_preferences_for
from notifications.services.preferences import notification_preferences_update

pytestmark = pytest.mark.django_db


def chosen(user) -> dict[str, str]:
    return {row.kind: row.frequency for row in notification_preferences_for(user=user)}


def test_each_role_sees_its_own_kinds_with_sensible_defaults(cast):
    seeker, employer = chosen(cast.seeker_a), chosen(cast.employer_a)

    assert seeker[Kind.APPLICATION_STATUS] == seeker[Kind.INVITATION] == seeker[Kind.REFERRAL] == Frequency.INSTANT
    assert seeker[Kind.VACANCY_MATCH] == seeker[Kind.SAVED_SEARCH] == Frequency.DAILY
    assert Kind.NEW_APPLICATIONS not in seeker
    assert employer[Kind.NEW_APPLICATIONS] == Frequency.DAILY
    assert employer[Kind.VACANCY_EXPIRING] == employer[Kind.ORGANIZATION_STATUS] == Frequency.INSTANT
    assert Kind.VACANCY_MATCH not in employer


def test_a_choice_is_stored_and_changed_in_place(cast):
    notification_preferences_update(user=cast.seeker_a, frequencies={Kind.VACANCY_MATCH: Frequency.WEEKLY})
    notification_preferences_update(user=cast.seeker_a, frequencies={Kind.VACANCY_MATCH: Frequency.NEVER})

    assert chosen(cast.seeker_a)[Kind.VACANCY_MATCH] == Frequency.NEVER
    assert NotificationPreference.objects.filter(user=cast.seeker_a).count() == 1


def test_kinds_of_another_role_and_unknown_frequencies_are_refused(cast):
    with pytest.raises(BusinessError) as error:
        notification_preferences_update(
            user=cast.seeker_a,
            frequencies={Kind.NEW_APPLICATIONS: Frequency.NEVER, Kind.VACANCY_MATCH: "hourly"},
        )

    assert error.value.code == "invalid"
    assert set(error.value.fields) == {Kind.NEW_APPLICATIONS, Kind.VACANCY_MATCH}
    assert not NotificationPreference.objects.exists()


def test_the_preferences_page_saves_the_choices(client, cast):
    client.force_login(cast.seeker_a)
    form = chosen(cast.seeker_a)
    form[Kind.VACANCY_MATCH] = Frequency.WEEKLY

    page = client.get("/notifications/preferences/")
    response = client.post("/notifications/preferences/", form)

    assert page.status_code == 200 and 'value="weekly"' in page.content.decode()
    assert response.status_code == 302
    assert chosen(cast.seeker_a)[Kind.VACANCY_MATCH] == Frequency.WEEKLY


def test_the_preferences_page_refuses_a_made_up_frequency(client, cast):
    client.force_login(cast.seeker_a)
    form = chosen(cast.seeker_a)
    form[Kind.VACANCY_MATCH] = "hourly"

    response = client.post("/notifications/preferences/", form)

    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_the_preferences_page_asks_anonymous_visitors_to_log_in(client):
    assert client.get("/notifications/preferences/").status_code == 302


def test_the_api_reads_and_changes_my_preferences(api_client, cast):
    api_client.force_authenticate(cast.employer_a)

    before = api_client.get("/api/v1/notifications/preferences/").json()["preferences"]
    response = api_client.put(
        "/api/v1/notifications/preferences/",
        {"preferences": [{"kind": "new_applications", "frequency": "instant"}]},
        format="json",
    )

    assert {row["kind"]: row["default_frequency"] for row in before}["new_applications"] == "daily"
    assert response.status_code == 200
    after = {row["kind"]: row["frequency"] for row in response.json()["preferences"]}
    assert after["new_applications"] == "instant" and after["vacancy_expiring"] == "instant"


@pytest.mark.parametrize(
    "body",
    [
        {"preferences": [{"kind": "vacancy_match", "frequency": "daily"}]},  # a seeker's kind
        {"preferences": [{"kind": "new_applications", "frequency": "hourly"}]},
        {"preferences": [{"kind": "gossip", "frequency": "daily"}]},
        {},
    ],
)
def test_the_api_refuses_invalid_preferences_with_the_error_body(api_client, cast, body):
    api_client.force_authenticate(cast.employer_a)

    response = api_client.put("/api/v1/notifications/preferences/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not NotificationPreference.objects.exists()
