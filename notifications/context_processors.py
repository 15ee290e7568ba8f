"""The unread count for the header's notifications link.

Lazy: the query runs only when a template uses ``notifications_unread`` (Django calls the
callable and this caches the answer for the rest of the page), and never for anonymous users.
"""

from __future__ import annotations

from functools import cache

from notifications.selectors import UNREAD_COUNT_CAP, notifications_unread_count


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": 0, "notifications_unread_cap": UNREAD_COUNT_CAP}

    @cache
    def count() -> int:
        return notifications_unread_count(user=user)

    return {"notifications_unread": count, "notifications_unread_cap": UNREAD_COUNT_CAP}
