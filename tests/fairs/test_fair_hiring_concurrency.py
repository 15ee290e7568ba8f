"""Hiring at a fair under concurrency: 500 simultaneous hires against 350 positions offered give
exactly 350, the other 150 are refused with 409 ``fair_positions_filled``, and nothing answers 5xx.

Real threads against PostgreSQL, each with its own database connection, so the row lock on the
fair vacancy is what keeps the count right. A development PostgreSQL allows 100 connections and
parallel test runs share them, so at most ``MAX_CONNECTIONS`` threads hold one at a time: all 500
start together at a barrier and queue for a connection, which still puts dozens of transactions
on the same row at the same moment. The 500 applications are written with ``bulk_create``: what
is tested is the hiring, and applying at a fair has its own tests.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Membership, User
from exchange.errors import ConflictError
from fairs.models import Fair, FairApplication, FairVacancy, Registration
from fairs.services.participation import fair_application_hire
from tests import factories
from tests.concurrency import run_in_threads as run_all
from tests.fairs.test_participation import make_fair, organization_of, take_part
from vacancies.models import Application, ApplicationEvent, Vacancy

APPLICATIONS = 500
POSITIONS_OFFERED = 350
VACANCY_POSITIONS = 400
RECRUITERS = 10  # the hires are shared among several members, as at a real fair
MAX_CONNECTIONS = 30


def run_in_threads(count: int, work) -> list:
    return run_all(count, work, max_connections=MAX_CONNECTIONS, timeout=300)


def a_fair_with_500_applicants(cast) -> SimpleNamespace:
    """A live fair where employer A offers 350 positions of a 400-position vacancy and 500 seekers
    applied; and ten recruiters of employer A."""
    participation = take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)
    organization = organization_of(cast.employer_a)
    vacancy = factories.VacancyFactory(organization=organization, positions=VACANCY_POSITIONS)
    fair_vacancy = FairVacancy.objects.create(
        fair=participation.fair, participation=participation, vacancy=vacancy, positions_offered=POSITIONS_OFFERED
    )
    seekers = User.objects.bulk_create(
        factories.SeekerFactory.build(email=f"fair-seeker-{i}@example.kz") for i in range(APPLICATIONS)
    )
    registrations = Registration.objects.bulk_create(
        Registration(fair=participation.fair, seeker=seeker) for seeker in seekers
    )
    applications = Application.objects.bulk_create(
        Application(
            vacancy=vacancy,
            seeker=seeker,
            source=Application.Source.FAIR,
            cv_snapshot={"full_name": seeker.full_name},
        )
        for seeker in seekers
    )
    fair_applications = FairApplication.objects.bulk_create(
        FairApplication(
            application=application, fair=participation.fair, fair_vacancy=fair_vacancy, registration=registration
        )
        for application, registration in zip(applications, registrations, strict=True)
    )
    recruiters = [cast.employer_a] + [
        factories.MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
        for _ in range(RECRUITERS - 1)
    ]
    return SimpleNamespace(
        fair_vacancy=fair_vacancy, vacancy=vacancy, fair_applications=fair_applications, recruiters=recruiters
    )


def assert_exactly_350_hired(world) -> None:
    world.fair_vacancy.refresh_from_db()
    world.vacancy.refresh_from_db()
    assert world.fair_vacancy.positions_filled == POSITIONS_OFFERED
    assert world.vacancy.positions_filled == POSITIONS_OFFERED
    assert world.vacancy.status == Vacancy.Status.PUBLISHED  # 50 positions are still open outside the fair
    hired = Application.objects.filter(vacancy=world.vacancy, status=Application.Status.HIRED)
    assert hired.count() == POSITIONS_OFFERED
    assert (
        Application.objects.filter(vacancy=world.vacancy, status=Application.Status.SUBMITTED).count()
        == APPLICATIONS - POSITIONS_OFFERED
    )
    assert ApplicationEvent.objects.filter(application__vacancy=world.vacancy, to_status="hired").count() == (
        POSITIONS_OFFERED
    )


@pytest.mark.django_db(transaction=True)
def test_500_simultaneous_hire_requests_for_350_positions_hire_exactly_350(cast):
    world = a_fair_with_500_applicants(cast)

    def hire(i: int):
        client = APIClient()
        client.force_authenticate(user=world.recruiters[i % RECRUITERS])
        return client.post(reverse("fairs-api-fair-application-hire", args=[world.fair_applications[i].pk]))

    responses = run_in_threads(APPLICATIONS, hire)

    crashed = [r for r in responses if not hasattr(r, "status_code")]
    assert crashed == []
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == POSITIONS_OFFERED
    assert statuses.count(409) == APPLICATIONS - POSITIONS_OFFERED
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"fair_positions_filled"}
    assert all(status < 500 for status in statuses)
    assert_exactly_350_hired(world)


@pytest.mark.django_db(transaction=True)
def test_500_simultaneous_hires_through_the_service_hire_exactly_350(cast):
    world = a_fair_with_500_applicants(cast)
    fair_applications = list(
        FairApplication.objects.select_related("application", "fair_vacancy__vacancy").order_by("pk")
    )

    results = run_in_threads(
        APPLICATIONS,
        lambda i: fair_application_hire(fair_application=fair_applications[i], by=world.recruiters[i % RECRUITERS]),
    )

    hired = [r for r in results if isinstance(r, FairApplication)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(hired) == POSITIONS_OFFERED
    assert len(refused) == APPLICATIONS - POSITIONS_OFFERED
    assert {error.code for error in refused} == {"fair_positions_filled"}
    assert_exactly_350_hired(world)
