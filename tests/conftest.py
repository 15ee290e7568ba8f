"""Fixtures shared by the whole suite.

Tests run against real PostgreSQL (``DATABASE_URL`` or the embedded server) and, where they
need one, a real Celery worker consuming from the real broker (Redis or the filesystem
transport): nothing of our own stack is mocked.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from catalog.models import Region
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The catalogs are reference data every test may read: load them once per test database.
    with django_db_blocker.unblock():
        call_command("loadcatalog", verbosity=0)


@pytest.fixture
def catalog(db):
    """The reference catalogs; reloaded when a transactional test has flushed them."""
    if not Region.objects.exists():
        call_command("loadcatalog", verbosity=0)


@pytest.fixture(scope="session")
def celery_worker_session(django_db_blocker):
    """A real Celery worker (in a thread of this process) consuming the test queue.

    Tests that use it must commit their data (``transactional_db``) since the worker reads
    through its own database connection.
    """
    from celery.contrib.testing.worker import start_worker

    from exchange.celery import app

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def celery_worker(transactional_db, celery_worker_session):
    return celery_worker_session


@pytest.fixture
def seeker(db) -> User:
    return UserFactory(role=User.Role.SEEKER)


@pytest.fixture
def employer_user(db) -> User:
    return UserFactory(role=User.Role.EMPLOYER)


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
