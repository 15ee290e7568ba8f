"""Writing notifications: the outbox rows other apps create in their own transactions.

Other apps call ``notification_create`` or ``notifications_create_bulk`` inside the transaction
of the event (an application moved, a vacancy published...). The row is the source of truth:
delivery is only *scheduled* after the commit, and if the broker cannot take the task at that
moment the periodic sweep (``notifications.sweep``) delivers the row later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import SeekerProfile, User
from notifications.kinds import MATCHING_KINDS
from notifications.models import Kind, Notification

logger = logging.getLogger(__name__)

# Ids per delivery task: enough to amortise a task, few enough to finish well inside its time limit.
DELIVERY_BATCH_SIZE = 200

_SUBJECT_MAX = Notification._meta.get_field("subject").max_length
_DEDUPE_MAX = Notification._meta.get_field("dedupe_key").max_length
_URL_MAX = Notification._meta.get_field("url").max_length


@dataclass(frozen=True)
class NewNotification:
    recipient_id: int
    kind: str  # notifications.models.Kind
    subject: str  # what it is about, e.g. "vacancy:42"
    data: dict  # facts for rendering (ids, titles, score, reasons...), JSON-serialisable
    url: str = ""  # path on the site, e.g. "/vacancies/42/"
    dedupe_key: str | None = None  # default f"{recipient_id}:{kind}:{subject}"

    def key(self) -> str:
        return self.dedupe_key or f"{self.recipient_id}:{self.kind}:{self.subject}"


def _checked(item: NewNotification) -> tuple:
    """The row's column values; a malformed item is the caller's bug, so it raises ValueError."""
    if item.kind not in Kind.values:
        raise ValueError(f"unknown notification kind {item.kind!r}")
    key = item.key()
    if not item.subject or len(item.subject) > _SUBJECT_MAX:
        raise ValueError(f"notification subject must be 1-{_SUBJECT_MAX} characters: {item.subject!r}")
    if len(key) > _DEDUPE_MAX:
        raise ValueError(f"notification dedupe key longer than {_DEDUPE_MAX} characters: {key!r}")
    if len(item.url) > _URL_MAX:
        raise ValueError(f"notification url longer than {_URL_MAX} characters")
    return item.recipient_id, item.kind, item.subject, key, item.url, json.dumps(item.data, cls=DjangoJSONEncoder)


def _insert(rows: Sequence[tuple], *, now) -> list[tuple[int, int]]:
    """INSERT the rows in one statement; returns (id, recipient_id) of those actually created.

    ``ON CONFLICT (dedupe_key) DO NOTHING`` makes a repeated event a no-op (also a concurrent
    one: the unique index decides). Matching kinds are only written for seekers whose consent is
    on, checked in the same statement so no row slips in for someone who just withdrew it.
    """
    table = Notification._meta.db_table
    profiles = SeekerProfile._meta.db_table
    columns = list(zip(*rows, strict=True))
    sql = f"""
        INSERT INTO {table}
            (recipient_id, kind, subject, dedupe_key, url, data,
             email_status, email_attempts, email_frequency, email_note, created_at, updated_at)
        SELECT t.recipient_id, t.kind, t.subject, t.dedupe_key, t.url, t.data::jsonb,
               %s, 0, '', '', %s, %s
        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
             AS t(recipient_id, kind, subject, dedupe_key, url, data)
        WHERE t.kind <> ALL(%s::text[])
           OR EXISTS (SELECT 1 FROM {profiles} p WHERE p.user_id = t.recipient_id AND p.has_consent)
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id, recipient_id
    """  # noqa: S608 - table names come from the models, every value is a parameter
    params = [Notification.EmailStatus.PENDING, now, now, *(list(c) for c in columns), sorted(MATCHING_KINDS)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def delivery_enqueue(ids: list[int]) -> None:
    """Hand the new rows to the workers, in batches. Runs after the commit.

    A broker that is down must not fail the event that already committed: the error is logged
    and the rows stay pending for the sweep.
    """
    from notifications.tasks import deliver  # the task module imports the services

    it = iter(ids)
    while batch := list(islice(it, DELIVERY_BATCH_SIZE)):
        try:
            # One quick retry only: this runs in a web request, and the sweep is the safety net.
            deliver.apply_async(
                args=[batch], retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0}
            )
        except Exception:
            logger.warning(
                "could not enqueue the delivery of %d notifications; the sweep will deliver them",
                len(batch),
                exc_info=True,
            )


def notifications_create_bulk(*, items: Iterable[NewNotification], batch_size: int = 1000) -> int:
    """Write many notifications at once; returns how many rows were created.

    Runs inside the caller's transaction (the outbox row commits with the event or not at all);
    one ``INSERT ... ON CONFLICT (dedupe_key) DO NOTHING`` per ``batch_size`` items. Items whose
    dedupe key exists already, and matching kinds (vacancy_match, saved_search) for seekers
    without consent, are left out. Delivery is enqueued when the transaction commits.
    """
    now = timezone.now()
    created: list[int] = []
    it = iter(items)
    while batch := list(islice(it, batch_size)):
        created.extend(pk for pk, _ in _insert([_checked(item) for item in batch], now=now))
    if created:
        transaction.on_commit(partial(delivery_enqueue, created))
    return len(created)


def notification_create(
    *, recipient: User, kind: str, subject: str, data: dict, url: str = "", dedupe_key: str | None = None
) -> Notification | None:
    """Write one notification (see ``notifications_create_bulk``); returns it, or None when it
    already existed or the recipient may not get it (a matching kind without consent)."""
    item = NewNotification(
        recipient_id=recipient.pk, kind=kind, subject=subject, data=data, url=url, dedupe_key=dedupe_key
    )
    values = _checked(item)
    now = timezone.now()
    created = _insert([values], now=now)
    if not created:
        return None
    pk = created[0][0]
    transaction.on_commit(partial(delivery_enqueue, [pk]))
    notification = Notification(
        pk=pk,
        recipient=recipient,
        kind=kind,
        subject=subject,
        dedupe_key=values[3],
        url=url,
        data=json.loads(values[5]),
        created_at=now,
        updated_at=now,
    )
    notification._state.adding = False
    return notification
