"""The signed one-click unsubscribe link: works logged out, cannot be forged, turns e-mail off."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail, signing

from notifications.models import Frequency, Kind, NotificationPreference
from notifications.services.delivery import notifications_deliver
from notifications.tokens import SALT, unsubscribe_token_make
from tests.notifications.helpers import create, status_changed

pytestmark = pytest.mark.django_db


def frequency(user, kind) -> str | None:
    return NotificationPreference.objects.filter(user=user, kind=kind).values_list("frequency", flat=True).first()


def link_from_e_mail(cast) -> str:
    create(status_changed(cast.seeker_a))
    notifications_deliver()
    (message,) = mail.outbox
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


def test_the_link_in_an_e_mail_shows_a_confirmation_without_logging_in(client, cast):
    path = link_from_e_mail(cast)

    response = client.get(path)

    assert response.status_code == 200
    assert "Application status changed" in response.content.decode()
    assert frequency(cast.seeker_a, Kind.APPLICATION_STATUS) is None  # a GET changes nothing


def test_confirming_turns_that_kind_off_without_logging_in(client, cast):
    path = link_from_e_mail(cast)

    response = client.post(path)

    assert response.status_code == 200
    assert frequency(cast.seeker_a, Kind.APPLICATION_STATUS) == Frequency.NEVER
    assert frequency(cast.seeker_a, Kind.INVITATION) is None


def test_a_mail_clients_one_click_post_works_without_a_csrf_token(cast):
    from django.test import Client

    path = link_from_e_mail(cast)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert frequency(cast.seeker_a, Kind.APPLICATION_STATUS) == Frequency.NEVER


def test_unsubscribing_twice_is_harmless(client, cast):
    path = link_from_e_mail(cast)

    client.post(path)
    assert client.post(path).status_code == 200
    assert NotificationPreference.objects.filter(user=cast.seeker_a).count() == 1


def test_after_unsubscribing_no_more_e_mail_of_that_kind_is_sent(client, cast):
    client.post(link_from_e_mail(cast))
    mail.outbox.clear()

    create(status_changed(cast.seeker_a, 2))
    notifications_deliver()

    assert mail.outbox == []


def test_an_altered_token_is_refused(client, cast):
    token = unsubscribe_token_make(user_id=cast.seeker_a.pk, kinds=[Kind.APPLICATION_STATUS])
    _, rest = token.split(":", 1)
    forged_payload = signing.b64_encode(f'{{"u":{cast.seeker_b.pk},"k":["application_status"]}}'.encode()).decode()

    for bad in (f"{forged_payload}:{rest}", token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense"):
        get = client.get(f"/notifications/unsubscribe/{bad}/")
        post = client.post(f"/notifications/unsubscribe/{bad}/")
        assert get.status_code == post.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_token_signed_for_another_purpose_is_refused(client, cast):
    other = signing.dumps({"u": cast.seeker_a.pk, "k": ["application_status"]}, salt="something.else", compress=True)
    assert client.post(f"/notifications/unsubscribe/{other}/").status_code == 400

    wrong_shape = signing.dumps({"u": "1", "k": ["gossip"]}, salt=SALT)
    assert client.post(f"/notifications/unsubscribe/{wrong_shape}/").status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_link_for_a_deleted_account_says_so(client, cast):
    token = unsubscribe_token_make(user_id=999_999, kinds=[Kind.APPLICATION_STATUS])

    response = client.post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 200
    assert response.context["known_user"] is False
