"""Celery tasks: bulk imports of vacancies.

``run_import`` is enqueued (with ``transaction.on_commit``) when a file is uploaded;
``recover_imports`` runs periodically (``PERIODIC_TASKS`` in exchange/celery.py). Both are safe
to run twice: a job is claimed with a conditional UPDATE, so only one run imports it.
"""

from __future__ import annotations

from celery import shared_task

from vacancies.services.imports import import_job_run, import_jobs_recover

# A 20,000-row file takes a few minutes; the default limits (240 s soft, 300 s hard) are meant
# for short tasks. The soft limit raises inside the import, which then marks the job failed.
IMPORT_SOFT_TIME_LIMIT = 30 * 60
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 120


@shared_task(name="vacancies.run_import", soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT)
def run_import(job_id: int) -> bool:
    """Import the file of ImportJob ``job_id``; False when the job was not waiting (already run)."""
    return import_job_run(job_id=job_id)


@shared_task(name="vacancies.recover_imports")
def recover_imports() -> dict[str, int]:
    """Fail imports whose worker died, send again those whose message was lost."""
    return import_jobs_recover()
