"""Delivering the outbox: instant e-mail, and routing rows to digests or skipping them.

**Claim.** A worker claims up to ``BATCH_SIZE`` due rows in one short transaction: ``SELECT ...
FOR UPDATE SKIP LOCKED`` picks rows no one else holds, and an UPDATE marks them ``sending`` with
``email_claimed_at`` = now. That timestamp is the claim's token: every later write by this
worker is conditional on it, so a row someone else reclaimed is left alone.

**Route.** Preferences, consent and the account are checked when the row is delivered, not when
it was written: ``never``, a matching kind without consent or an inactive account -> skipped;
``daily``/``weekly`` -> waits for that digest (``services.digests``); ``instant`` -> sent now.
The frequency is the user's for the kind, or the one the notification asks for in
``data["frequency"]`` (a saved search the seeker wants weekly) when that is slower.

**Send, exactly once.** Each instant e-mail is one transaction: lock the row (still ours?), check
consent again (under a lock of the profile, so a withdrawal that committed first always wins),
insert its ``SentEmail`` (unique per notification and per Message-ID), hand the message to the
mail backend, mark the row sent, commit. A worker killed anywhere in between rolls all of it
back; its rows stay ``sending`` until the sweep reclaims them (``claim_timeout()`` later) and
delivers them. With a transactional sink (``DatabaseEmailBackend``) that makes delivery exactly
once; with SMTP the message may have left before a crash that prevented the commit, and it is
sent again with the same Message-ID, which receiving servers may use to drop it
(docs/notifications.md says so plainly).

**Errors.** A connection-level mail error (server unreachable, hung up) stops the batch: the rows
not yet sent go back to ``pending``, uncounted, and the task raises ``TransientDeliveryError`` for
Celery to retry with back-off (the sweep would find them too), so an outage of any length loses
nothing. Any other error concerns one message (a 4xx such as greylisting, a refused address, a
template bug): that row backs off on its own (1, 2, 4... 60 minutes), the rest of the batch goes
on, and it is marked ``failed`` after ``MAX_ATTEMPTS`` claims.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import SeekerProfile
from notifications.kinds import MATCHING_KINDS, slower
from notifications.models import Frequency, Notification, SentEmail
from notifications.rendering import build_instant_email, instant_message_id
from notifications.selectors import effective_frequencies

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus

BATCH_SIZE = 200
MAX_ATTEMPTS = 8
# A sweep delivers at most this many batches, so one run stays well inside the task time limit.
SWEEP_MAX_BATCHES = 25
DEFAULT_CLAIM_TIMEOUT = 300

SKIP_INACTIVE = "account inactive or without e-mail"
SKIP_CONSENT = "no consent to personal data processing"
SKIP_PREFERENCE = "e-mail for this kind is off"


class TransientDeliveryError(Exception):
    """The mail server could not be reached or asked to try later; the task retries."""


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    digest: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: DeliveryResult) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class _Routes:
    send: list[int] = field(default_factory=list)
    digest: dict[str, list[int]] = field(default_factory=dict)  # frequency -> ids
    skipped: dict[str, list[int]] = field(default_factory=dict)  # note -> ids


def claim_timeout() -> datetime.timedelta:
    """How long a claimed row may stay ``sending`` before the sweep takes it over.

    Longer than a delivery task may run (its time limit), so a slow but living worker is not
    overtaken; being overtaken would still send nothing twice (see the module docstring).
    """
    return datetime.timedelta(seconds=getattr(settings, "NOTIFICATIONS_CLAIM_TIMEOUT", DEFAULT_CLAIM_TIMEOUT))


def is_connection_error(error: BaseException) -> bool:
    """The mail server cannot be reached (or hung up): nothing to do with the message itself."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | ConnectionError | TimeoutError):
        return True
    # socket.gaierror and friends: the server's name or route is not there right now.
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


# --- Claiming ---------------------------------------------------------------------------------


def _claim(*, ids: list[int] | None, limit: int, now: datetime.datetime) -> list[int]:
    """Mark up to ``limit`` due rows ``sending`` with ``email_claimed_at=now``; returns their ids.

    Due: pending and past their back-off, or ``sending`` for longer than ``claim_timeout()``
    (their worker died). Two queries, each served by its own partial index.
    """
    due = Notification.objects.filter(
        Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now), email_status=Status.PENDING
    )
    stale = Notification.objects.filter(email_status=Status.SENDING, email_claimed_at__lt=now - claim_timeout())
    if ids is not None:
        due, stale = due.filter(pk__in=ids), stale.filter(pk__in=ids)
    with transaction.atomic():
        picked = list(due.order_by("id").select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        if len(picked) < limit:
            picked += list(
                stale.order_by("email_claimed_at")
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[: limit - len(picked)]
            )
        if picked:
            Notification.objects.filter(pk__in=picked).update(
                email_status=Status.SENDING,
                email_claimed_at=now,
                email_attempts=F("email_attempts") + 1,
                updated_at=now,
            )
    return picked


def _ours(ids: Iterable[int], claimed_at: datetime.datetime):
    """The rows among ``ids`` still held by the claim made at ``claimed_at``."""
    return Notification.objects.filter(pk__in=list(ids), email_status=Status.SENDING, email_claimed_at=claimed_at)


# --- Routing ----------------------------------------------------------------------------------


def _route(rows: list[Notification]) -> _Routes:
    routes = _Routes()
    recipient_ids = {row.recipient_id for row in rows}
    frequencies = effective_frequencies(user_ids=recipient_ids)
    consenting = set(
        SeekerProfile.objects.filter(user_id__in=recipient_ids, has_consent=True).values_list("user_id", flat=True)
    )
    for row in rows:
        user = row.recipient
        frequency = slower(frequencies(user.pk, row.kind), (row.data or {}).get("frequency"))
        if not user.is_active or not user.email:
            routes.skipped.setdefault(SKIP_INACTIVE, []).append(row.pk)
        elif row.kind in MATCHING_KINDS and user.pk not in consenting:
            routes.skipped.setdefault(SKIP_CONSENT, []).append(row.pk)
        elif frequency == Frequency.NEVER:
            routes.skipped.setdefault(SKIP_PREFERENCE, []).append(row.pk)
        elif frequency in (Frequency.DAILY, Frequency.WEEKLY):
            routes.digest.setdefault(frequency, []).append(row.pk)
        else:
            routes.send.append(row.pk)
    return routes


# --- Sending ----------------------------------------------------------------------------------


def _has_consent_locked(user_id: int) -> bool:
    # FOR UPDATE on the profile: consent_withdraw locks the same row, so either the withdrawal
    # committed before (and we see it) or it waits until this e-mail's transaction is over.
    return bool(
        SeekerProfile.objects.select_for_update().filter(user_id=user_id).values_list("has_consent", flat=True).first()
    )


def _send_one(*, notification_id: int, claimed_at: datetime.datetime, connection) -> str:
    """Send one claimed notification in one transaction; returns "sent", "skipped" or "gone"."""
    now = timezone.now()
    with transaction.atomic():
        # Wait for the lock rather than skip: a concurrent claim's SELECT ... FOR UPDATE SKIP
        # LOCKED can briefly lock a row it then rejects on recheck, and skipping here left such a
        # row stuck in "sending" until the claim timeout. Claims never wait, so this cannot deadlock.
        row = _ours([notification_id], claimed_at).select_related("recipient").select_for_update(of=("self",)).first()
        if row is None:
            return "gone"  # reclaimed by a sweep, or being sent by the worker that reclaimed it
        if row.kind in MATCHING_KINDS and not _has_consent_locked(row.recipient_id):
            _ours([row.pk], claimed_at).update(
                email_status=Status.SKIPPED, email_claimed_at=None, email_note=SKIP_CONSENT, updated_at=now
            )
            return "skipped"
        message = build_instant_email(row, user=row.recipient)
        # Inserted before the send: if it exists already, the unique key stops us here.
        SentEmail.objects.create(
            notification=row,
            to=row.recipient.email,
            subject=message.subject[:300],
            message_id=instant_message_id(row.dedupe_key),
        )
        connection.send_messages([message])
        _ours([row.pk], claimed_at).update(
            email_status=Status.SENT, email_sent_at=now, email_claimed_at=None, email_note="", updated_at=now
        )
    return "sent"


def _record_failure(*, notification_id: int, claimed_at: datetime.datetime, error: BaseException) -> str:
    """After a failed send: back to pending with a back-off, or failed for good."""
    now = timezone.now()
    note = f"{type(error).__name__}: {error}"[:300]
    row = _ours([notification_id], claimed_at).values("email_attempts").first()
    if row is None:
        return "gone"
    if row["email_attempts"] >= MAX_ATTEMPTS:
        _ours([notification_id], claimed_at).update(
            email_status=Status.FAILED, email_claimed_at=None, email_note=note, updated_at=now
        )
        return "failed"
    _ours([notification_id], claimed_at).update(
        email_status=Status.PENDING,
        email_claimed_at=None,
        email_next_attempt_at=now + _backoff(row["email_attempts"]),
        email_note=note,
        updated_at=now,
    )
    return "retried"


def _release(ids: list[int], claimed_at: datetime.datetime) -> None:
    """Give back rows claimed but not tried: they were not attempted, so the claim does not count."""
    if ids:
        _ours(ids, claimed_at).update(
            email_status=Status.PENDING,
            email_claimed_at=None,
            email_attempts=F("email_attempts") - 1,
            updated_at=timezone.now(),
        )


def _count(result: DeliveryResult, outcome: str) -> None:
    if outcome != "gone":
        setattr(result, outcome, getattr(result, outcome) + 1)


def _send_all(ids: list[int], *, claimed_at: datetime.datetime, result: DeliveryResult) -> None:
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        _release(ids, claimed_at)
        raise TransientDeliveryError(f"cannot reach the mail server: {error}") from error
    try:
        for position, notification_id in enumerate(ids):
            try:
                outcome = _send_one(notification_id=notification_id, claimed_at=claimed_at, connection=connection)
            except Exception as error:
                if is_connection_error(error):
                    # The server went away: no message is to blame, so none is counted.
                    _release(ids[position:], claimed_at)
                    raise TransientDeliveryError(f"{type(error).__name__}: {error}") from error
                # This message's problem (a 4xx like greylisting, a refused address, a bug):
                # it backs off on its own and the rest of the batch goes on.
                outcome = _record_failure(notification_id=notification_id, claimed_at=claimed_at, error=error)
                _count(result, outcome)
                logger.warning("notification %s could not be e-mailed (%s)", notification_id, outcome, exc_info=True)
                continue
            _count(result, outcome)
    finally:
        connection.close()


# --- The entry points -------------------------------------------------------------------------


def notifications_deliver(*, ids: Iterable[int] | None = None, limit: int | None = None) -> DeliveryResult:
    """Deliver one batch: the given ids (those still due), or any due rows when ``ids`` is None.

    Safe to run twice or on many workers at once: rows are claimed exclusively and every write
    is conditional on the claim, so nothing is sent twice. Raises ``TransientDeliveryError``
    when the mail server is unreachable (the untried rows are pending again).
    """
    claimed_at = timezone.now()
    picked = _claim(ids=None if ids is None else list(ids), limit=limit or BATCH_SIZE, now=claimed_at)
    result = DeliveryResult(claimed=len(picked))
    if not picked:
        return result

    rows = list(_ours(picked, claimed_at).select_related("recipient").order_by("id"))
    routes = _route(rows)
    now = timezone.now()
    for frequency, digest_ids in routes.digest.items():
        result.digest += _ours(digest_ids, claimed_at).update(
            email_status=Status.DIGEST, email_frequency=frequency, email_claimed_at=None, updated_at=now
        )
    for note, skipped_ids in routes.skipped.items():
        result.skipped += _ours(skipped_ids, claimed_at).update(
            email_status=Status.SKIPPED, email_claimed_at=None, email_note=note, updated_at=now
        )
    if routes.send:
        _send_all(routes.send, claimed_at=claimed_at, result=result)
    if result.sent or result.failed:
        logger.info("notifications delivered: %s", result.as_dict())
    return result


def notifications_sweep(*, max_batches: int = SWEEP_MAX_BATCHES) -> DeliveryResult:
    """The outbox guarantee: deliver whatever is still due (never enqueued because the broker was
    down, a lost task, a worker killed mid-batch, a back-off that expired), batch after batch."""
    total = DeliveryResult()
    for _ in range(max_batches):
        result = notifications_deliver()
        total.add(result)
        if result.claimed < BATCH_SIZE:
            break
    return total
