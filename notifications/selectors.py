"""Reads: the inbox, the unread count, preferences, and the one access selector."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import SeekerProfile, User
from notifications.kinds import MATCHING_KINDS, default_frequency, kinds_for
from notifications.models import Kind, Notification, NotificationPreference

# The header shows "99+" beyond this, so the count never scans more rows than that.
UNREAD_COUNT_CAP = 100


def _visible(queryset: QuerySet) -> QuerySet:
    """Rows the recipient may see: matching kinds only while the seeker's consent is on.

    Withdrawing consent hides the matches at once (and giving it again shows them); the
    EXISTS is only evaluated for rows of a matching kind.
    """
    consenting = SeekerProfile.objects.filter(user_id=OuterRef("recipient_id"), has_consent=True)
    return queryset.filter(~Q(kind__in=MATCHING_KINDS) | Exists(consenting))


def notifications_for_inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (``-id``: keyset pages use ``id__lt``)."""
    queryset = _visible(Notification.objects.filter(recipient=user))
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-id")


def notifications_unread_count(*, user: User, cap: int = UNREAD_COUNT_CAP) -> int:
    """Unread notifications of ``user``, counted up to ``cap`` (one query on a partial index)."""
    if not user.is_authenticated:
        return 0
    return notifications_for_inbox(user=user, unread_only=True)[:cap].count()


def notification_get_for_recipient(*, user: User, notification_id: int) -> Notification:
    """The user's own notification, or 404 (also for someone else's: its existence is not told)."""
    notification = notifications_for_inbox(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    return notification


# --- Preferences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    frequency: str
    default_frequency: str


def notification_preferences_for(*, user: User) -> list[PreferenceRow]:
    """Every kind the user's role can receive, with the chosen (or default) e-mail frequency."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return [
        PreferenceRow(
            kind=kind,
            label=str(Kind(kind).label),
            frequency=chosen.get(kind, default_frequency(kind)),
            default_frequency=default_frequency(kind),
        )
        for kind in kinds_for(user)
    ]


def effective_frequencies(*, user_ids: Iterable[int]) -> Callable[[int, str], str]:
    """A lookup ``(user_id, kind) -> frequency`` for many users, from one query."""
    chosen = {
        (user_id, kind): frequency
        for user_id, kind, frequency in NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "kind", "frequency"
        )
    }

    def lookup(user_id: int, kind: str) -> str:
        return chosen.get((user_id, kind), default_frequency(kind))

    return lookup


def kind_label(kind: str) -> str:
    """The kind's name in the active language."""
    return str(Kind(kind).label) if kind in Kind.values else kind
