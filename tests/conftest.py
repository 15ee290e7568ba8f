"""Fixtures shared by the whole suite.

Tests run against real PostgreSQL (``DATABASE_URL`` or the embedded server) and, where they
need one, a real Celery worker consuming from the real broker (Redis or the filesystem
transport): nothing of our own stack is mocked.

The cast used by permission tests: two seekers (A, B), members of two employers (A, B), staff
of two regions (X = Astana, Y = Almaty) and an administrator.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from accounts.models import Membership, SeekerProfile, User
from catalog.models import Region
from tests import factories
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS


# Each test session gets its own Celery queue, so two test runs on one machine (or a
# `make run` beside them) sharing a broker never take each other's tasks.
def _isolate_celery_queue() -> None:
    import os

    from exchange.celery import app

    app.conf.task_default_queue = f"exchange-test-{os.getpid()}"


_isolate_celery_queue()

REGION_X = "KZ-71"  # Astana
REGION_Y = "KZ-75"  # Almaty


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


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread of this process) consuming this session's test queue.

    Started per test, after purging what earlier tests left in the queue, so it never runs a
    stale task in the middle of another test. Tests that use it commit their data
    (``transactional_db``) since the worker reads through its own database connection.
    """
    from celery.contrib.testing.worker import start_worker

    from exchange.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def seeker(catalog) -> User:
    return factories.SeekerProfileFactory().user


@pytest.fixture
def employer_user(catalog) -> User:
    return factories.MembershipFactory().user


@pytest.fixture
def admin_user(catalog) -> User:
    return factories.UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True, email="admin@example.kz")


@pytest.fixture
def cast(catalog) -> SimpleNamespace:
    """Everyone a permission test needs, with their objects."""
    region_x = Region.objects.get(code=REGION_X)
    region_y = Region.objects.get(code=REGION_Y)

    def seeker(name):
        user = factories.SeekerFactory(email=f"{name}@example.kz")
        profile = factories.SeekerProfileFactory(user=user, region=region_x)
        factories.ConsentFactory(user=user)
        SeekerProfile.objects.filter(pk=profile.pk).update(has_consent=True)
        profile.refresh_from_db()
        return user

    def employer(name, region):
        membership = factories.MembershipFactory(
            user=factories.EmployerFactory(email=f"{name}@example.kz"),
            organization=factories.OrganizationFactory(region=region, legal_name=f"{name} LLP"),
            role=Membership.Role.OWNER,
        )
        return membership.user

    def staff(name, region):
        centre = factories.EmploymentCentreFactory(region=region, name=f"Centre of {region.code}")
        return factories.StaffAssignmentFactory(
            user=factories.CentreStaffFactory(email=f"{name}@example.kz"), centre=centre
        ).user

    return SimpleNamespace(
        region_x=region_x,
        region_y=region_y,
        seeker_a=seeker("seeker-a"),
        seeker_b=seeker("seeker-b"),
        employer_a=employer("employer-a", region_x),
        employer_b=employer("employer-b", region_y),
        staff_x=staff("staff-x", region_x),
        staff_y=staff("staff-y", region_y),
        admin=factories.UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True, email="admin@example.kz"),
    )


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, shared by every folder's browser tests: Playwright's sync
    API allows only one running instance per thread."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run should have installed it")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
