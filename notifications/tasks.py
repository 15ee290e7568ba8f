"""Celery tasks of the notifications app.

``deliver`` is enqueued after a commit by the outbox services; ``sweep``,
``send_daily_digests`` and ``send_weekly_digests`` run periodically (``PERIODIC_TASKS`` in
exchange/celery.py). Every task is safe to run twice or on many workers at once: rows are
claimed with ``FOR UPDATE SKIP LOCKED`` and conditional updates, digests by a unique key.
Messages are acknowledged late (``CELERY_TASK_ACKS_LATE``), and a lost message costs nothing
but a delay, because the rows are the source of truth and the sweep finds them.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils.dateparse import parse_datetime

from notifications.models import Frequency
from notifications.services.delivery import TransientDeliveryError, notifications_deliver, notifications_sweep
from notifications.services.digests import digests_schedule, digests_send_batch

# The mail server or the database is away for a moment: retry with exponential back-off
# (5 s, 10 s, 20 s... at most 10 minutes, with jitter). The sweep would get there too.
TRANSIENT_ERRORS = (TransientDeliveryError, OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="notifications.deliver", **RETRY)
def deliver(ids: list[int] | None = None) -> dict[str, int]:
    """Deliver the given notifications (those still due), or one batch of any due ones."""
    return notifications_deliver(ids=ids).as_dict()


@shared_task(name="notifications.sweep", **RETRY)
def sweep() -> dict[str, int]:
    """Deliver everything still due: the outbox's guarantee that no notification is lost."""
    return notifications_sweep().as_dict()


@shared_task(name="notifications.send_daily_digests", **RETRY)
def send_daily_digests() -> int:
    """Enqueue the daily digests of the day's period (09:00 Asia/Almaty); returns the task count."""
    return digests_schedule(frequency=Frequency.DAILY)


@shared_task(name="notifications.send_weekly_digests", **RETRY)
def send_weekly_digests() -> int:
    """Enqueue the weekly digests of the week's period (Monday 09:00 Asia/Almaty)."""
    return digests_schedule(frequency=Frequency.WEEKLY)


@shared_task(name="notifications.send_digest_batch", **RETRY)
def send_digest_batch(frequency: str, period: str, starts_at: str, user_ids: list[int]) -> int:
    """Send one period's digests to up to a hundred users; returns how many were sent."""
    return digests_send_batch(
        frequency=frequency, period_key=period, starts_at=parse_datetime(starts_at), user_ids=user_ids
    )
