"""Celery tasks: the fan-out of a newly published vacancy to the seekers it matches.

``fanout_vacancy`` is enqueued on commit by ``vacancy_approve``; ``fanout_pending`` runs
periodically (``PERIODIC_TASKS`` in exchange/celery.py) and does the fan-outs whose message was
lost. Both are safe to run twice or at once: the service claims the vacancy with a conditional
UPDATE in the transaction that inserts the notifications, and every notification has a unique
dedupe key.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from vacancies.services.matching import vacancies_fanout_pending, vacancy_fanout

# A vacancy matching a large share of a million seekers inserts tens of thousands of rows; the
# default limits (240 s soft, 300 s hard) are meant for short tasks.
FANOUT_SOFT_TIME_LIMIT = 15 * 60
FANOUT_TIME_LIMIT = FANOUT_SOFT_TIME_LIMIT + 120


@shared_task(
    name="vacancies.fanout_vacancy",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=FANOUT_SOFT_TIME_LIMIT,
    time_limit=FANOUT_TIME_LIMIT,
)
def fanout_vacancy(vacancy_id: int) -> int:
    """Notify the seekers vacancy ``vacancy_id`` matches; 0 when it was done already."""
    return vacancy_fanout(vacancy_id=vacancy_id)


@shared_task(name="vacancies.fanout_pending", soft_time_limit=FANOUT_SOFT_TIME_LIMIT, time_limit=FANOUT_TIME_LIMIT)
def fanout_pending() -> int:
    """Fan out published vacancies whose own task was lost; returns how many notifications."""
    return vacancies_fanout_pending()
