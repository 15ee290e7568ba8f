"""Celery tasks of the fairs app. Both run periodically (``PERIODIC_TASKS`` in exchange/celery.py),
take no arguments and are safe to run twice or on two workers at once: the services claim their
work with a unique constraint (the monthly fair) and conditional updates and dedupe keys (the
steps and the reminders)."""

from __future__ import annotations

from celery import shared_task

from fairs.services.fairs import fair_create_monthly, fairs_advance


@shared_task(name="fairs.create_monthly")
def create_monthly() -> int | None:
    """Create next month's national fair unless it exists; returns its id, or None."""
    fair = fair_create_monthly()
    return fair.pk if fair else None


@shared_task(name="fairs.advance")
def advance() -> dict[str, int]:
    """Move every fair whose time has come to its next status and send the reminders due."""
    return fairs_advance()
