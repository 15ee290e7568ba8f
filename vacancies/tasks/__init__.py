"""Celery tasks of the vacancies app, one module per area; imported here so autodiscovery finds them."""

from vacancies.tasks import applications, imports, lifecycle, matching, referrals  # noqa: F401
