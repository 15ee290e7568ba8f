"""Delivering the outbox: claims, routing by preference and consent, exactly-once sending, errors."""

from __future__ import annotations

import datetime
import socket
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.services.seekers import consent_withdraw
from notifications.models import DeliveredEmail, Frequency, Kind, Notification, SentEmail
from notifications.rendering import instant_message_id
from notifications.services.delivery import (
    MAX_ATTEMPTS,
    TransientDeliveryError,
    notifications_deliver,
    notifications_sweep,
)
from tests.notifications.helpers import (
    create,
    deliveries_per_notification,
    insert_pending,
    match,
    prefer,
    status_changed,
)
from tests.notifications.smtp_server import Mailbox, SmtpServer

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus


def statuses(notifications) -> list[str]:
    return list(
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).values_list("email_status", flat=True)
    )


def test_an_instant_notification_is_e_mailed_once_even_when_delivered_twice(cast):
    (notification,) = create(status_changed(cast.seeker_a))

    first = notifications_deliver(ids=[notification.pk])
    second = notifications_deliver(ids=[notification.pk])
    notifications_sweep()

    assert (first.sent, second.claimed) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.seeker_a.email]
    notification.refresh_from_db()
    assert notification.email_status == Status.SENT and notification.email_sent_at is not None
    assert SentEmail.objects.get().notification == notification


def test_the_e_mail_is_written_in_the_recipients_language_with_a_one_click_unsubscribe(cast, settings):
    User.objects.filter(pk=cast.seeker_a.pk).update(language="ru")
    (notification,) = create(status_changed(cast.seeker_a, reason=""))

    notifications_deliver()

    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "ru"
    assert "Электронная биржа труда" in message.body
    assert "Welder" in message.subject
    assert f"{settings.SITE_URL}/vacancies/applications/1/" in message.body
    assert message.extra_headers["Message-ID"] == instant_message_id(notification.dedupe_key)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in unsubscribe
    assert unsubscribe in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and unsubscribe in html


def test_each_recipient_gets_their_own_language_in_one_batch(cast):
    User.objects.filter(pk=cast.seeker_a.pk).update(language="kk")
    User.objects.filter(pk=cast.seeker_b.pk).update(language="en")
    create(status_changed(cast.seeker_a, 1), status_changed(cast.seeker_b, 2))

    notifications_deliver()

    assert {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox} == {
        cast.seeker_a.email: "kk",
        cast.seeker_b.email: "en",
    }


def test_an_unknown_interface_language_falls_back_to_the_site_language(cast, settings):
    User.objects.filter(pk=cast.seeker_a.pk).update(language="xx")
    create(status_changed(cast.seeker_a))

    notifications_deliver()

    assert mail.outbox[0].extra_headers["Content-Language"] == settings.LANGUAGE_CODE


def test_digest_kinds_wait_for_their_digest(cast):
    matched, changed = create(match(cast.seeker_a), status_changed(cast.seeker_a))

    result = notifications_deliver()

    assert (result.sent, result.digest) == (1, 1)
    assert statuses([matched]) == [Status.DIGEST]
    assert statuses([changed]) == [Status.SENT]


def test_e_mail_set_to_never_is_skipped_but_the_inbox_keeps_the_row(cast):
    prefer(cast.seeker_a, Kind.APPLICATION_STATUS, Frequency.NEVER)
    (notification,) = create(status_changed(cast.seeker_a))

    notifications_deliver()

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_status == Status.SKIPPED and notification.read_at is None
    assert Notification.objects.filter(recipient=cast.seeker_a).count() == 1


def test_an_inactive_account_gets_no_e_mail(cast):
    User.objects.filter(pk=cast.seeker_a.pk).update(is_active=False)
    (notification,) = create(status_changed(cast.seeker_a))

    notifications_deliver()

    assert mail.outbox == [] and statuses([notification]) == [Status.SKIPPED]


def test_withdrawing_consent_stops_a_pending_match_e_mail_at_once(cast):
    prefer(cast.seeker_a, Kind.VACANCY_MATCH, Frequency.INSTANT)
    (pending,) = create(match(cast.seeker_a))

    consent_withdraw(user=cast.seeker_a)
    notifications_deliver()

    assert mail.outbox == []
    pending.refresh_from_db()
    assert pending.email_status == Status.SKIPPED
    assert "consent" in pending.email_note


def test_a_match_e_mail_goes_out_while_consent_is_given(cast):
    prefer(cast.seeker_a, Kind.VACANCY_MATCH, Frequency.INSTANT)
    create(match(cast.seeker_a, score=91, reasons=["same region"]))

    notifications_deliver()

    (message,) = mail.outbox
    assert "Welder" in message.subject and "91" in message.body and "same region" in message.body


def test_rows_claimed_by_a_living_worker_are_left_alone(cast):
    (notification,) = create(status_changed(cast.seeker_a))
    Notification.objects.filter(pk=notification.pk).update(email_status=Status.SENDING, email_claimed_at=timezone.now())

    assert notifications_sweep().claimed == 0
    assert mail.outbox == []


def test_a_row_left_sending_by_a_dead_worker_is_reclaimed_by_the_sweep(cast):
    (notification,) = create(status_changed(cast.seeker_a))
    dead_claim = timezone.now() - datetime.timedelta(minutes=30)
    Notification.objects.filter(pk=notification.pk).update(email_status=Status.SENDING, email_claimed_at=dead_claim)

    result = notifications_sweep()

    assert result.sent == 1 and len(mail.outbox) == 1
    assert statuses([notification]) == [Status.SENT]


def test_the_sweep_delivers_more_than_one_batch(cast, monkeypatch):
    from notifications.services import delivery

    monkeypatch.setattr(delivery, "BATCH_SIZE", 3)
    create(*(status_changed(cast.seeker_a, n) for n in range(7)))

    assert notifications_sweep().sent == 7


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_mail_server_puts_the_batch_back_for_a_retry(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    notifications = create(status_changed(cast.seeker_a, 1), status_changed(cast.seeker_a, 2))

    with pytest.raises(TransientDeliveryError):
        notifications_deliver()

    rows = Notification.objects.filter(pk__in=[n.pk for n in notifications])
    assert {(row.email_status, row.email_attempts, row.email_claimed_at) for row in rows} == {(Status.PENDING, 0, None)}
    assert not SentEmail.objects.exists()


@pytest.fixture
def smtp(settings):
    """Mail goes to a local SMTP server (``smtp_server.SmtpServer``) through Django's SMTP backend."""

    def start(mailbox: Mailbox) -> SmtpServer:
        server = SmtpServer(mailbox)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return server

    return start


def test_a_greylisted_recipient_backs_off_alone_while_the_batch_goes_on(cast, smtp):
    mailbox = Mailbox(greylisted={cast.seeker_a.email})
    greylisted, delivered = create(status_changed(cast.seeker_a, 1), status_changed(cast.seeker_b, 2))

    with smtp(mailbox):
        result = notifications_deliver()

    assert (result.sent, result.retried) == (1, 1)
    assert mailbox.received == [cast.seeker_b.email]
    greylisted.refresh_from_db()
    assert greylisted.email_status == Status.PENDING and greylisted.email_attempts == 1
    assert greylisted.email_next_attempt_at > timezone.now() and "451" in greylisted.email_note
    assert statuses([delivered]) == [Status.SENT]


def test_a_server_hanging_up_mid_batch_leaves_the_rest_pending_and_uncounted(cast, smtp):
    mailbox = Mailbox(hang_up_after=2)
    notifications = create(*(status_changed(cast.seeker_a, n) for n in range(5)))

    with smtp(mailbox), pytest.raises(TransientDeliveryError):
        notifications_deliver()

    rows = list(Notification.objects.filter(pk__in=[n.pk for n in notifications]).order_by("id"))
    assert [row.email_status for row in rows] == [Status.SENT] * 2 + [Status.PENDING] * 3
    assert {(row.email_attempts, row.email_next_attempt_at) for row in rows[2:]} == {(0, None)}
    assert SentEmail.objects.count() == 2

    with smtp(Mailbox()):  # the server is back: the retry (or the sweep) sends the rest, once
        assert notifications_sweep().sent == 3
    assert SentEmail.objects.count() == 5


def test_a_message_that_cannot_be_sent_is_retried_later_and_finally_failed(cast):
    # A line break in the address makes the message itself invalid: a per-row error.
    User.objects.filter(pk=cast.seeker_a.pk).update(email="broken\n@example.kz")
    (notification,) = create(status_changed(cast.seeker_a))

    notifications_deliver()

    notification.refresh_from_db()
    assert notification.email_status == Status.PENDING
    assert notification.email_next_attempt_at > timezone.now()
    assert not SentEmail.objects.exists()
    assert notifications_deliver().claimed == 0  # backing off

    Notification.objects.filter(pk=notification.pk).update(email_attempts=MAX_ATTEMPTS - 1, email_next_attempt_at=None)
    notifications_deliver()

    notification.refresh_from_db()
    assert notification.email_status == Status.FAILED
    assert notification.email_note


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_send_each_notification_exactly_once(cast, database_mail):
    notifications = insert_pending(*(status_changed(cast.seeker_a, n) for n in range(40)))
    ids = [n.pk for n in notifications]
    start = threading.Barrier(4)
    errors = []

    def worker(ids_or_none):
        try:
            start.wait(timeout=10)
            notifications_sweep() if ids_or_none is None else notifications_deliver(ids=ids_or_none)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(arg,)) for arg in (ids, ids, None, ids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    notifications_sweep()
    assert set(deliveries_per_notification(notifications).values()) == {1}
    assert DeliveredEmail.objects.count() == 40
