"""Writes on e-mail preferences, from the preferences page, the API and unsubscribe links."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchange.errors import BusinessError
from notifications.kinds import kinds_for, slower
from notifications.models import Frequency, Kind, Notification, NotificationPreference
from notifications.services.delivery import SKIP_PREFERENCE
from notifications.services.outbox import delivery_enqueue
from notifications.tokens import Unsubscribe

Status = Notification.EmailStatus


def _save(*, user_id: int, frequencies: Mapping[str, str]) -> None:
    """Upsert the preferences and move the rows waiting for a digest to where they now belong:
    sent now (instant), skipped (never) or into the other digest. A row's own ``frequency``
    request still applies when it is slower (see ``notifications.kinds.slower``)."""
    now = timezone.now()
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user_id=user_id, kind=kind, frequency=freq) for kind, freq in frequencies.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["frequency", "updated_at"],
    )
    moves: dict[str, list[int]] = {}
    waiting = Notification.objects.filter(recipient_id=user_id, email_status=Status.DIGEST, kind__in=list(frequencies))
    for pk, kind, data, current in waiting.values_list("id", "kind", "data", "email_frequency"):
        frequency = slower(frequencies[kind], (data or {}).get("frequency"))
        if frequency != current:
            moves.setdefault(frequency, []).append(pk)
    for frequency, ids in moves.items():
        rows = Notification.objects.filter(pk__in=ids, email_status=Status.DIGEST)
        if frequency == Frequency.INSTANT:
            rows.update(email_status=Status.PENDING, email_frequency="", updated_at=now)
            transaction.on_commit(partial(delivery_enqueue, ids))
        elif frequency == Frequency.NEVER:
            rows.update(email_status=Status.SKIPPED, email_frequency="", email_note=SKIP_PREFERENCE, updated_at=now)
        else:
            rows.update(email_frequency=frequency, updated_at=now)


@transaction.atomic
def notification_preferences_update(*, user: User, frequencies: Mapping[str, str]) -> dict[str, str]:
    """Set the user's e-mail frequency for the given kinds (kinds not given keep theirs).

    Only the kinds the user's role receives can be set, to one of the ``Frequency`` values;
    anything else is ``BusinessError("invalid")`` with the offending kinds as fields and nothing
    is written. Returns the frequencies written.
    """
    allowed = set(kinds_for(user))
    errors: dict[str, list[str]] = {}
    for kind, frequency in frequencies.items():
        if kind not in allowed:
            errors[kind] = [str(_("There is no notification of this kind for your account."))]
        elif frequency not in Frequency.values:
            errors[kind] = [str(_("Choose instantly, daily digest, weekly digest or never."))]
    if errors:
        raise BusinessError("invalid", _("Some fields are not valid."), fields=errors)
    _save(user_id=user.pk, frequencies=dict(frequencies))
    return dict(frequencies)


@transaction.atomic
def notification_unsubscribe(*, request: Unsubscribe) -> User | None:
    """Turn e-mail off for the kinds of a verified unsubscribe token; no login needed.

    Returns the user, or None when the account no longer exists. Idempotent.
    """
    user = User.objects.filter(pk=request.user_id).first()
    if user is None:
        return None
    _save(user_id=user.pk, frequencies={kind: Frequency.NEVER for kind in request.kinds if kind in Kind.values})
    return user
