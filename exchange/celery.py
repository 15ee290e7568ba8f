"""The Celery application, configured from Django settings (``CELERY_*``).

Periodic tasks live in the database (django-celery-beat) so administrators can edit them in
the admin; ``PERIODIC_TASKS`` below is the one place that declares which exist, and
``python manage.py syncschedule`` writes them there.
"""

from __future__ import annotations

import logging
import os
import threading

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")

logger = logging.getLogger(__name__)

app = Celery("exchange")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> (task, seconds between runs). Apps add theirs here as they gain periodic work.
PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    # Proves the whole chain beat -> broker -> worker works; /healthz shows its age.
    "beat heartbeat": ("exchange.tasks.beat_heartbeat", 30),
    "vacancy expiry": ("vacancies.expire_due", 300),
    "vacancy expiry reminders": ("vacancies.remind_expiring", 3600),
    "recover stalled imports": ("vacancies.recover_imports", 300),
    # The outbox guarantee: whatever could not be enqueued when it happened is sent from here.
    "notification delivery sweep": ("notifications.sweep", 60),
    "daily notification digests": ("notifications.send_daily_digests", 3600),
    "weekly notification digests": ("notifications.send_weekly_digests", 3600),
    "vacancy fan-out safety net": ("vacancies.fanout_pending", 120),
    # Creates next month's national fair; safe to run often (one fair per month, by constraint).
    "monthly job fair": ("fairs.create_monthly", 3600),
    # Moves every fair whose time has come to its next status and sends the reminders due.
    "job fair status and reminders": ("fairs.advance", 60),
    # Recomputes the public statistics (snapshots read by /stats/ and /api/v1/stats/).
    "statistics refresh": ("stats.refresh", 900),
}


class HeartbeatStep(bootsteps.StartStopStep):
    """Writes the worker's heartbeat for /healthz every WORKER_HEARTBEAT_INTERVAL seconds.

    Celery's own heartbeats travel as broadcast events, which the filesystem transport of the
    embedded default cannot carry, so the worker records its own in the shared cache.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, worker):
        from exchange.health import record_worker_heartbeat, worker_heartbeat_interval

        def beat():
            while not self._stop.is_set():
                try:
                    record_worker_heartbeat(worker.hostname)
                except Exception:  # a cache outage must not kill the worker; /healthz will say so
                    logger.warning("could not record the worker heartbeat", exc_info=True)
                self._stop.wait(worker_heartbeat_interval())

        self._thread = threading.Thread(target=beat, name="exchange-heartbeat", daemon=True)
        self._thread.start()

    def stop(self, worker):
        self._stop.set()


app.steps["worker"].add(HeartbeatStep)
