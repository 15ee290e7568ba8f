"""``seeddemo``: the demo data `make run` loads on every start shows the product, and loading it
again changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Consent, EmploymentCentre, Membership, Organization, SeekerProfile, StaffAssignment, User
from accounts.services.demo import DEMO_ORGANIZATIONS, DEMO_SEEKERS
from accounts.services.users import DEMO_PASSWORD
from accounts.validators import parse_iin, validate_bin
from fairs.models import Fair, FairVacancy, InterviewSlot, Participation
from fairs.selectors.seekers import fair_eligibility, seeker_profile_for_fairs
from stats.models import StatSnapshot
from vacancies.models import Application, ApplicationEvent, Referral, Vacancy
from vacancies.selectors.search import VacancySearchFilters, vacancy_search_matches, vacancy_search_query

pytestmark = pytest.mark.django_db

COUNTED = (
    User,
    Organization,
    Membership,
    EmploymentCentre,
    StaffAssignment,
    SeekerProfile,
    Consent,
    Vacancy,
    Application,
    ApplicationEvent,
    Referral,
    Fair,
    Participation,
    FairVacancy,
    InterviewSlot,
    StatSnapshot,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded(catalog):
    call_command("seeddemo", verbosity=0)


def test_seeddemo_twice_creates_no_duplicates(catalog):
    call_command("seeddemo", verbosity=0)
    first = _counts()

    call_command("seeddemo", verbosity=0)

    assert _counts() == first
    assert set(User.objects.values_list("role", flat=True)) == {role.value for role in User.Role}
    assert first["User"] == 4 + (len(DEMO_ORGANIZATIONS) - 1) + (len(DEMO_SEEKERS) - 1)


def test_every_demo_account_logs_in_with_the_demo_password(seeded, client):
    emails = [spec.owner_email for spec in DEMO_ORGANIZATIONS] + [spec.email for spec in DEMO_SEEKERS]

    for email in emails:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
    response = client.post("/accounts/login/", {"login": "seeker7@demo.kz", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/dashboard/"


def test_demo_employer_has_a_verified_organization_in_astana_with_a_valid_bin(seeded):
    organization = (
        Membership.objects.select_related("organization__region").get(user__email="employer@demo.kz").organization
    )

    assert organization.is_verified
    assert organization.verified_by.email == "admin@demo.kz"
    assert organization.region.code == "KZ-71"
    validate_bin(organization.bin)
    assert Organization.objects.filter(status=Organization.Status.VERIFIED).count() == len(DEMO_ORGANIZATIONS)
    assert Organization.objects.values("region").distinct().count() >= 3


def test_demo_staff_works_at_a_centre_in_astana(seeded):
    assignment = StaffAssignment.objects.select_related("centre__region").get(user__email="staff@demo.kz")

    assert assignment.centre.region.code == "KZ-71"


def test_demo_seeker_has_a_complete_visible_cv_with_consent(seeded):
    profile = SeekerProfile.objects.select_related("region", "user").get(user__email="seeker@demo.kz")

    assert profile.is_discoverable
    assert profile.age_on(profile.updated_at.date()) == 24
    assert parse_iin(profile.iin).birth_date == profile.birth_date
    assert profile.region.code == "KZ-71"
    assert profile.desired_occupations.exists() and profile.skills.exists()
    assert profile.educations.exists() and profile.experiences.exists()


def test_demo_seeker_is_eligible_for_the_next_national_fair(seeded):
    fair = Fair.objects.get(kind=Fair.Kind.NATIONAL)
    seeker = User.objects.get(email="seeker@demo.kz")

    assert fair_eligibility(fair=fair, profile=seeker_profile_for_fairs(user=seeker)) is None


def test_demo_employer_takes_part_in_the_fair_with_vacancies_and_slots_inside_its_window(seeded):
    participation = Participation.objects.select_related("fair").get(
        organization__memberships__user__email="employer@demo.kz"
    )
    fair = participation.fair

    assert participation.status == Participation.Status.APPROVED
    assert FairVacancy.objects.filter(participation=participation).count() == 2
    slots = list(InterviewSlot.objects.filter(participation=participation))
    assert len(slots) >= 2
    assert all(fair.starts_at <= slot.starts_at < fair.results_at for slot in slots)


def test_vacancy_search_finds_the_published_demo_vacancies(seeded):
    everything = vacancy_search_matches(search_query=None)
    python = vacancy_search_matches(search_query=vacancy_search_query(text="python"))
    youth = vacancy_search_matches(search_query=None, filters=VacancySearchFilters(youth_friendly=True))

    assert everything.count() >= 25
    assert everything.values("region").distinct().count() >= 4
    assert python.filter(external_id="demo-01").exists()
    assert youth.count() >= 5


def test_demo_applications_are_in_several_states_with_their_events(seeded):
    statuses = set(Application.objects.values_list("status", flat=True))

    assert {"submitted", "viewed", "interview", "rejected", "withdrawn", "hired"} <= statuses
    assert all(a.events.exists() for a in Application.objects.prefetch_related("events"))
    referral = Referral.objects.select_related("application__seeker", "staff").get()
    assert referral.staff.email == "staff@demo.kz"
    assert referral.application.source == Application.Source.REFERRAL


def test_statistics_are_computed_once_at_the_first_seeding(seeded):
    refreshed_at = StatSnapshot.objects.values_list("refreshed_at", flat=True).first()

    assert refreshed_at is not None
    call_command("seeddemo", verbosity=0)
    assert set(StatSnapshot.objects.values_list("refreshed_at", flat=True)) == {refreshed_at}
