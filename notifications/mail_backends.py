"""An e-mail backend that stores messages in the database (``DeliveredEmail``) instead of sending.

It writes through the database connection of the code that sends, so inside the delivery's
transaction a message is "delivered" exactly when that transaction commits: a transactional
mail sink. The tests use it to prove that a worker killed mid-batch delivers every notification
exactly once; a development site may use it to read its mail in the admin.

``NOTIFICATIONS_TEST_SEND_DELAY`` (seconds, a setting; default 0) makes every message take that
long, so a test can kill a worker in the middle of a batch.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from notifications.models import DeliveredEmail


class DatabaseEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        delay = float(getattr(settings, "NOTIFICATIONS_TEST_SEND_DELAY", 0) or 0)
        for message in email_messages:
            if delay:
                time.sleep(delay)
            html = next(
                (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
            )
            DeliveredEmail.objects.create(
                message_id=message.extra_headers.get("Message-ID", ""),
                to=", ".join(message.recipients()),
                subject=message.subject[:300],
                body=message.body,
                html_body=html,
                headers={key: str(value) for key, value in message.extra_headers.items()},
            )
        return len(email_messages)
