"""The recipient's writes on their inbox: marking notifications read."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from notifications.models import Notification


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (once: a second call keeps the first time). The caller got it
    through ``notification_get_for_recipient``."""
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now, updated_at=now):
        notification.read_at = now
    elif notification.read_at is None:
        notification.read_at = Notification.objects.values_list("read_at", flat=True).get(pk=notification.pk)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many. One UPDATE on the
    partial index of unread rows."""
    now = timezone.now()
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now, updated_at=now)
