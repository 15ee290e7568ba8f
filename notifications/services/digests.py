"""Daily and weekly digests: a user's waiting notifications in one e-mail, once per period.

Periods start at ``DIGEST_HOUR`` (09:00) in the site's time zone (Asia/Almaty): every day for
daily digests, every Monday for weekly ones. A digest of a period holds the rows that were
waiting (``email_status=digest``) and created before the period started; rows that arrive later
wait for the next period. The hourly task may therefore run at any minute, be late or run twice:
``Digest(user, frequency, period)`` is unique and written in the transaction that sends the
e-mail and marks the rows sent, so each period's digest goes out once.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from itertools import islice

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from accounts.models import SeekerProfile, User
from notifications.kinds import MATCHING_KINDS
from notifications.models import Digest, Frequency, Notification
from notifications.rendering import build_digest_email, digest_message_id
from notifications.services.delivery import SKIP_CONSENT, SKIP_INACTIVE

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus

DIGEST_HOUR = 9
DIGEST_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)
# Users per digest task.
USERS_PER_TASK = 100


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str  # "2026-11-23" or "2026-W48"
    starts_at: datetime.datetime


def digest_period(*, frequency: str, now: datetime.datetime | None = None) -> Period:
    """The latest period of ``frequency`` that has started at ``now``."""
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"{frequency!r} is not a digest frequency")
    local = timezone.localtime(now or timezone.now())
    day = local.date()
    if local.hour < DIGEST_HOUR:
        day -= datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        day -= datetime.timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
    else:
        key = day.isoformat()
    starts_at = datetime.datetime.combine(day, datetime.time(DIGEST_HOUR), tzinfo=local.tzinfo)
    return Period(frequency=frequency, key=key, starts_at=starts_at)


def digest_recipients(*, period: Period) -> list[int]:
    """Users with rows waiting for this frequency's digest from before ``period`` started, and no
    digest of the period yet."""
    already = Digest.objects.filter(frequency=period.frequency, period=period.key).values("user_id")
    return list(
        Notification.objects.filter(
            email_status=Status.DIGEST, email_frequency=period.frequency, created_at__lt=period.starts_at
        )
        .exclude(recipient_id__in=already)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def _enqueue_digest_batches(*, period: Period, user_ids: list[int]) -> int:
    from notifications.tasks import send_digest_batch  # the task module imports the services

    batches = 0
    it = iter(user_ids)
    while batch := list(islice(it, USERS_PER_TASK)):
        send_digest_batch.delay(period.frequency, period.key, period.starts_at.isoformat(), batch)
        batches += 1
    return batches


def digests_schedule(*, frequency: str, now: datetime.datetime | None = None) -> int:
    """Enqueue the digests of the current ``frequency`` period; returns the number of tasks.

    Run hourly by beat. Users whose digest of the period went out already are not enqueued,
    and a repeated task would find their ``Digest`` row and send nothing.
    """
    period = digest_period(frequency=frequency, now=now)
    return _enqueue_digest_batches(period=period, user_ids=digest_recipients(period=period))


def _insert_digest(*, user_id: int, period: Period, message_id: str, count: int) -> Digest | None:
    """The period's Digest row, or None when it exists (sent before, or by a concurrent task)."""
    now = timezone.now()
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Digest._meta.db_table}
                (user_id, frequency, period, message_id, item_count, created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT DO NOTHING
            RETURNING id
            """,  # noqa: S608 - the table name comes from the model
            [user_id, period.frequency, period.key, message_id, count, now, now],
        )
        row = cursor.fetchone()
    return Digest(pk=row[0], user_id=user_id, frequency=period.frequency, period=period.key) if row else None


def digest_send(*, user_id: int, period: Period, connection=None) -> bool:
    """Send ``user_id``'s digest of ``period`` if it has anything and was not sent; True if sent.

    One transaction: lock the waiting rows (SKIP LOCKED, so two tasks never share them), check
    the account and consent again, write the Digest row (unique), send, mark the rows sent.
    Preference changes have already moved the waiting rows (``services.preferences``).
    """
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return False
        items = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                recipient_id=user_id,
                email_status=Status.DIGEST,
                email_frequency=period.frequency,
                created_at__lt=period.starts_at,
            )
            .order_by("id")
        )
        skipped: dict[str, list[int]] = {}
        if items and not (user.is_active and user.email):
            skipped[SKIP_INACTIVE] = [row.pk for row in items]
            items = []
        if any(row.kind in MATCHING_KINDS for row in items):
            # Locked like the instant path does: a withdrawal that committed first always wins.
            consent = (
                SeekerProfile.objects.select_for_update()
                .filter(user_id=user_id)
                .values_list("has_consent", flat=True)
                .first()
            )
            if not consent:
                skipped[SKIP_CONSENT] = [row.pk for row in items if row.kind in MATCHING_KINDS]
                items = [row for row in items if row.kind not in MATCHING_KINDS]
        for note, ids in skipped.items():
            Notification.objects.filter(pk__in=ids).update(email_status=Status.SKIPPED, email_note=note, updated_at=now)
        if not items:
            return False

        message_id = digest_message_id(user_id=user_id, frequency=period.frequency, period=period.key)
        digest = _insert_digest(user_id=user_id, period=period, message_id=message_id, count=len(items))
        if digest is None:
            return False
        message = build_digest_email(user=user, notifications=items, frequency=period.frequency, message_id=message_id)
        (connection or get_connection()).send_messages([message])
        Notification.objects.filter(pk__in=[row.pk for row in items]).update(
            email_status=Status.SENT, email_sent_at=now, digest=digest, email_note="", updated_at=now
        )
    return True


def digests_send_batch(*, frequency: str, period_key: str, starts_at: datetime.datetime, user_ids: list[int]) -> int:
    """Send the digests of one period to ``user_ids``; returns how many were sent."""
    period = Period(frequency=frequency, key=period_key, starts_at=starts_at)
    connection = get_connection()
    connection.open()
    sent = 0
    try:
        for user_id in user_ids:
            sent += digest_send(user_id=user_id, period=period, connection=connection)
    finally:
        connection.close()
    if sent:
        logger.info("%d %s digests of %s sent", sent, frequency, period_key)
    return sent
