"""Celery tasks of the statistics. ``refresh`` runs periodically (``PERIODIC_TASKS`` in
exchange/celery.py); ``run_refresh`` runs a refresh an administrator asked for. Both are safe to
run twice: a refresh is claimed with a conditional UPDATE, and the snapshots it writes are the
same for the same data."""

from __future__ import annotations

from celery import shared_task

from stats.models import StatRefresh
from stats.services import stats_refresh_record, stats_refresh_run


@shared_task(name="stats.refresh")
def refresh() -> int | None:
    """Recompute the public statistics; returns the refresh's id (None when one was pending)."""
    done = stats_refresh_record(trigger=StatRefresh.Trigger.SCHEDULE)
    return done.pk if done else None


@shared_task(name="stats.run_refresh")
def run_refresh(refresh_id: int) -> bool:
    """Run the refresh an administrator queued; False when it had already run."""
    return stats_refresh_run(refresh_id=refresh_id)
