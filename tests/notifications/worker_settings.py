"""Settings for the worker and event subprocesses of the delivery tests (``test_worker.py``).

The project's settings plus what the tests need and production never sets: mail goes to the
``DeliveredEmail`` table in the sending transaction (``DatabaseEmailBackend``), each message may
take a while (``NOTIFICATIONS_TEST_SEND_DELAY`` seconds) so a test can kill a worker mid-batch,
and a claim is taken over after ``NOTIFICATIONS_TEST_CLAIM_TIMEOUT`` seconds instead of minutes.
"""

import os

from exchange.settings import *  # noqa: F403

EMAIL_BACKEND = "notifications.mail_backends.DatabaseEmailBackend"
NOTIFICATIONS_TEST_SEND_DELAY = float(os.environ.get("NOTIFICATIONS_TEST_SEND_DELAY", "0"))
NOTIFICATIONS_CLAIM_TIMEOUT = int(os.environ.get("NOTIFICATIONS_TEST_CLAIM_TIMEOUT", "300"))
