"""Daily and weekly digests: once per period, from 09:00 Asia/Almaty, in the user's language."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.services.seekers import consent_withdraw
from notifications.models import Digest, Frequency, Kind, Notification
from notifications.services import NewNotification
from notifications.services.delivery import notifications_deliver
from notifications.services.digests import digest_period, digest_recipients, digest_send
from notifications.services.preferences import notification_preferences_update
from tests.notifications.helpers import create, match, prefer, status_changed

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def at(day: str, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=ALMATY)


def waiting(*items, created_at: datetime.datetime) -> list[Notification]:
    """Notifications routed to the digest, as if written at ``created_at``."""
    notifications = create(*items)
    notifications_deliver()
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(created_at=created_at)
    assert set(
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).values_list("email_status", flat=True)
    ) == {Status.DIGEST}
    return notifications


@pytest.mark.parametrize(
    ("now", "frequency", "key", "starts_at"),
    [
        (at("2026-11-25", 9, 0), Frequency.DAILY, "2026-11-25", at("2026-11-25", 9)),
        (at("2026-11-25", 8, 59), Frequency.DAILY, "2026-11-24", at("2026-11-24", 9)),
        (at("2026-11-25", 23, 30), Frequency.DAILY, "2026-11-25", at("2026-11-25", 9)),
        # 2026-11-23 is a Monday.
        (at("2026-11-25", 14, 0), Frequency.WEEKLY, "2026-W48", at("2026-11-23", 9)),
        (at("2026-11-23", 9, 0), Frequency.WEEKLY, "2026-W48", at("2026-11-23", 9)),
        (at("2026-11-23", 8, 0), Frequency.WEEKLY, "2026-W47", at("2026-11-16", 9)),
    ],
)
def test_periods_start_at_nine_in_almaty_daily_and_on_mondays(now, frequency, key, starts_at):
    period = digest_period(frequency=frequency, now=now)

    assert (period.key, period.starts_at) == (key, starts_at)


def test_a_daily_digest_sends_the_waiting_notifications_once_per_day(cast):
    User.objects.filter(pk=cast.seeker_a.pk).update(language="kk")
    rows = waiting(match(cast.seeker_a, 1), match(cast.seeker_a, 2), created_at=at("2026-11-24", 18))
    period = digest_period(frequency=Frequency.DAILY, now=at("2026-11-25", 9, 5))

    assert digest_recipients(period=period) == [cast.seeker_a.pk]
    assert digest_send(user_id=cast.seeker_a.pk, period=period) is True
    assert digest_send(user_id=cast.seeker_a.pk, period=period) is False
    assert digest_recipients(period=period) == []

    (message,) = mail.outbox
    assert message.to == [cast.seeker_a.email]
    assert message.extra_headers["Content-Language"] == "kk"
    assert "Электрондық еңбек биржасы" in message.body
    assert "/vacancies/1/" in message.body and "/vacancies/2/" in message.body
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    digest = Digest.objects.get()
    assert (digest.frequency, digest.period, digest.item_count) == (Frequency.DAILY, "2026-11-25", 2)
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("email_status", "digest")) == {
        (Status.SENT, digest.pk)
    }


def test_notifications_arriving_after_nine_wait_for_the_next_days_digest(cast):
    waiting(match(cast.seeker_a), created_at=at("2026-11-25", 10))

    today = digest_period(frequency=Frequency.DAILY, now=at("2026-11-25", 15))
    tomorrow = digest_period(frequency=Frequency.DAILY, now=at("2026-11-26", 9))

    assert digest_send(user_id=cast.seeker_a.pk, period=today) is False
    assert digest_send(user_id=cast.seeker_a.pk, period=tomorrow) is True
    assert len(mail.outbox) == 1


def test_a_weekly_digest_collects_the_week_and_the_daily_one_leaves_it_alone(cast):
    User.objects.filter(pk=cast.seeker_a.pk).update(language="en")
    prefer(cast.seeker_a, Kind.VACANCY_MATCH, Frequency.WEEKLY)
    waiting(match(cast.seeker_a, 1), created_at=at("2026-11-18", 12))
    waiting(match(cast.seeker_a, 2), created_at=at("2026-11-21", 12))
    monday = at("2026-11-23", 10)

    assert digest_recipients(period=digest_period(frequency=Frequency.DAILY, now=monday)) == []
    assert digest_recipients(period=digest_period(frequency=Frequency.WEEKLY, now=monday)) == [cast.seeker_a.pk]
    assert digest_send(user_id=cast.seeker_a.pk, period=digest_period(frequency=Frequency.DAILY, now=monday)) is False
    assert digest_send(user_id=cast.seeker_a.pk, period=digest_period(frequency=Frequency.WEEKLY, now=monday)) is True

    (message,) = mail.outbox
    assert "week" in message.subject and "2 notifications" in message.subject
    assert Digest.objects.get().period == "2026-W48"
    assert not Notification.objects.filter(email_status=Status.DIGEST).exists()


def saved_search(user, vacancy_id=42, frequency=None) -> NewNotification:
    data = {
        "vacancy_id": vacancy_id,
        "vacancy_title": "Welder",
        "organization": "Steel LLP",
        "saved_search_name": "Welding",
    }
    if frequency:
        data["frequency"] = frequency
    return NewNotification(
        recipient_id=user.pk, kind=Kind.SAVED_SEARCH, subject=f"vacancy:{vacancy_id}", data=data, url="/vacancies/42/"
    )


@pytest.mark.parametrize(
    ("preference", "requested", "status", "digest"),
    [
        (Frequency.INSTANT, Frequency.WEEKLY, Status.DIGEST, Frequency.WEEKLY),
        (Frequency.WEEKLY, Frequency.DAILY, Status.DIGEST, Frequency.WEEKLY),
        (Frequency.DAILY, Frequency.INSTANT, Status.DIGEST, Frequency.DAILY),
        (Frequency.INSTANT, None, Status.SENT, ""),
        (Frequency.NEVER, Frequency.INSTANT, Status.SKIPPED, ""),
    ],
)
def test_a_notification_goes_at_the_slower_of_the_preference_and_its_own_request(
    cast, preference, requested, status, digest
):
    prefer(cast.seeker_a, Kind.SAVED_SEARCH, preference)
    (row,) = create(saved_search(cast.seeker_a, frequency=requested))

    notifications_deliver()

    row.refresh_from_db()
    assert (row.email_status, row.email_frequency) == (status, digest)


def test_changing_a_preference_moves_what_waits_into_the_other_digest(cast):
    prefer(cast.seeker_a, Kind.SAVED_SEARCH, Frequency.WEEKLY)
    plain, weekly_search = waiting(
        saved_search(cast.seeker_a, 1),
        saved_search(cast.seeker_a, 2, frequency=Frequency.WEEKLY),
        created_at=at("2026-11-24", 12),
    )

    notification_preferences_update(user=cast.seeker_a, frequencies={Kind.SAVED_SEARCH: Frequency.DAILY})

    plain.refresh_from_db()
    weekly_search.refresh_from_db()
    assert (plain.email_frequency, weekly_search.email_frequency) == (Frequency.DAILY, Frequency.WEEKLY)
    daily = digest_period(frequency=Frequency.DAILY, now=at("2026-11-25", 9))
    assert digest_recipients(period=daily) == [cast.seeker_a.pk]
    assert digest_send(user_id=cast.seeker_a.pk, period=daily)
    assert "Welding" in mail.outbox[0].body


def test_withdrawn_consent_takes_matches_out_of_the_digest(cast):
    prefer(cast.seeker_a, Kind.APPLICATION_STATUS, Frequency.DAILY)
    (matched,) = waiting(match(cast.seeker_a), created_at=at("2026-11-24", 12))
    waiting(status_changed(cast.seeker_a), created_at=at("2026-11-24", 12))
    consent_withdraw(user=cast.seeker_a)

    assert digest_send(
        user_id=cast.seeker_a.pk, period=digest_period(frequency=Frequency.DAILY, now=at("2026-11-25", 9))
    )

    (message,) = mail.outbox
    assert "/vacancies/42/" not in message.body and "/vacancies/applications/1/" in message.body
    matched.refresh_from_db()
    assert matched.email_status == Status.SKIPPED


def test_switching_a_kind_to_instant_sends_what_waits_for_the_digest(cast, django_capture_on_commit_callbacks):
    (row,) = waiting(match(cast.seeker_a), created_at=at("2026-11-24", 12))

    with django_capture_on_commit_callbacks() as callbacks:
        notification_preferences_update(user=cast.seeker_a, frequencies={Kind.VACANCY_MATCH: Frequency.INSTANT})
    notifications_deliver()

    assert len(callbacks) == 1  # the delivery is enqueued at once
    row.refresh_from_db()
    assert row.email_status == Status.SENT and len(mail.outbox) == 1


def test_switching_a_kind_off_drops_what_waits_for_the_digest(cast):
    (row,) = waiting(match(cast.seeker_a), created_at=at("2026-11-24", 12))

    notification_preferences_update(user=cast.seeker_a, frequencies={Kind.VACANCY_MATCH: Frequency.NEVER})

    row.refresh_from_db()
    assert row.email_status == Status.SKIPPED
    assert not digest_send(user_id=cast.seeker_a.pk, period=digest_period(frequency=Frequency.DAILY))


def test_the_worker_finds_every_notifications_task_by_its_name():
    from exchange.celery import app

    app.loader.import_default_modules()  # what a starting worker does: autodiscovery

    assert {
        "notifications.deliver",
        "notifications.sweep",
        "notifications.send_daily_digests",
        "notifications.send_weekly_digests",
        "notifications.send_digest_batch",
    } <= set(app.tasks)


def test_a_digest_period_is_the_latest_started(cast):
    now = timezone.now()
    period = digest_period(frequency=Frequency.DAILY, now=now)

    assert period.starts_at <= now < period.starts_at + datetime.timedelta(days=1)
