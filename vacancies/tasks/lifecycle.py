"""Celery tasks: a vacancy's life. Both run periodically (``PERIODIC_TASKS`` in exchange/celery.py)
and are safe to run twice or on two workers at once: the services claim their work with
conditional updates."""

from __future__ import annotations

from celery import shared_task

from vacancies.services.lifecycle import vacancies_expire_due, vacancies_remind_expiring


@shared_task(name="vacancies.expire_due")
def expire_due() -> int:
    """Mark every live vacancy past its expiry date as expired; returns how many."""
    return vacancies_expire_due()


@shared_task(name="vacancies.remind_expiring")
def remind_expiring() -> int:
    """E-mail employers about vacancies expiring within 3 days, once per vacancy; returns how many."""
    return vacancies_remind_expiring()
