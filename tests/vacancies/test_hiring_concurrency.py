"""Hiring under concurrency: 200 simultaneous hires for 50 positions give exactly 50.

Real threads against PostgreSQL, each with its own database connection, so the row lock on the
vacancy is what keeps the count right. PostgreSQL allows 100 connections on a development
server and parallel test runs share them, so at most ``MAX_CONNECTIONS`` threads hold one at a
time: all 200 start together at a barrier and queue for a connection, which still puts dozens of
transactions on the same row at the same moment.
"""

from __future__ import annotations

import pytest

from exchange.errors import ConflictError
from tests import factories
from tests.concurrency import run_in_threads as run_all
from vacancies.models import Application, ApplicationEvent, Vacancy
from vacancies.services.applications import application_hire

THREADS = 200
POSITIONS = 50
MAX_CONNECTIONS = 40


def run_in_threads(count: int, work) -> list:
    return run_all(count, work, max_connections=MAX_CONNECTIONS, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_hires_for_50_positions_hire_exactly_50(cast):
    employer = cast.employer_a
    vacancy = factories.VacancyFactory(organization=employer.membership.organization, positions=POSITIONS)
    applications = [
        factories.ApplicationFactory(vacancy=vacancy, status=Application.Status.OFFER) for _ in range(THREADS)
    ]

    results = run_in_threads(THREADS, lambda i: application_hire(application=applications[i], by=employer))

    hired = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(hired) == POSITIONS
    assert len(refused) == THREADS - POSITIONS
    assert {error.code for error in refused} == {"no_positions_left"}
    vacancy.refresh_from_db()
    assert vacancy.positions_filled == POSITIONS
    assert vacancy.status == Vacancy.Status.FILLED
    assert Application.objects.filter(vacancy=vacancy, status=Application.Status.HIRED).count() == POSITIONS
    assert Application.objects.filter(vacancy=vacancy, status=Application.Status.OFFER).count() == THREADS - POSITIONS
    assert ApplicationEvent.objects.filter(application__vacancy=vacancy, to_status="hired").count() == POSITIONS
