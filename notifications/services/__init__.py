"""Writes of the notifications app, one module per area.

Other apps use the outbox API, importable from here::

    from notifications.services import NewNotification, notification_create, notifications_create_bulk
"""

from notifications.services.outbox import NewNotification, notification_create, notifications_create_bulk

__all__ = ["NewNotification", "notification_create", "notifications_create_bulk"]
