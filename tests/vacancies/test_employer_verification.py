"""What an employer's verification opens, and what losing it closes again.

An organization is verified by staff of its region; it goes back to checking when it changes
its identity (name, BIN) and can be rejected. Its published vacancies keep their state, but
while it is not verified they leave search, the open data and their public pages, and nobody
can apply; and it cannot search, open or invite job seekers' CVs.
"""

from __future__ import annotations

import base64
import datetime

import pytest
from django.utils import timezone

from accounts.models import Organization, SeekerProfile
from accounts.services.organizations import organization_reject, organization_update, organization_verify
from exchange.errors import BusinessError, ConflictError
from tests import factories
from vacancies.models import Application, CvView, Invitation, Vacancy
from vacancies.selectors.applications import application_apply_panel, seeker_profile_get_for_employer
from vacancies.selectors.matching import suitable_candidates, vacancy_get_for_matching
from vacancies.selectors.search import vacancy_search_results
from vacancies.services.applications import application_submit, invitation_send, seeker_cv_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(cast) -> Organization:
    return cast.employer_a.membership.organization


@pytest.fixture
def vacancy(cast, organization) -> Vacancy:
    return factories.VacancyFactory(organization=organization, region=cast.region_x, title="Сварщик")


def found(**arguments) -> list[int]:
    return [row.pk for row in vacancy_search_results(**arguments).vacancies]


def withdraw_by_renaming(cast, organization) -> None:
    organization_update(organization=organization, by=cast.employer_a, data={"legal_name": "Another Name LLP"})
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING


# --- Vacancies of an employer that is not verified any more -------------------------------------


def test_renamed_employer_vacancies_leave_search_open_data_and_public_pages_until_verified_again(
    cast, organization, vacancy, client, api_client
):
    assert found(query="сварщик") == [vacancy.pk]

    withdraw_by_renaming(cast, organization)

    assert found(query="сварщик") == []
    assert found() == []
    assert client.get(f"/vacancies/{vacancy.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/vacancies/{vacancy.pk}/").status_code == 404
    assert api_client.get("/api/v1/vacancies/", {"q": "сварщик"}).json()["results"] == []
    assert api_client.get("/api/v1/open-data/vacancies/").json()["results"] == []
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED, "the state is kept for when it is verified again"

    # Its own people still see it, to know what happens.
    client.force_login(cast.employer_a)
    assert client.get(f"/vacancies/{vacancy.pk}/").status_code == 200

    organization_verify(organization=organization, by=cast.staff_x)
    assert found(query="сварщик") == [vacancy.pk]


def test_nobody_applies_to_a_rejected_employer_and_nothing_is_written(cast, organization, vacancy, client):
    organization_reject(organization=organization, by=cast.staff_x, reason="Not a real company")

    with pytest.raises(ConflictError) as refused:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a)
    assert refused.value.code == "vacancy_not_open"

    client.force_login(cast.seeker_a)
    response = client.post(f"/vacancies/{vacancy.pk}/apply/", {"cover_letter": "Hello"})
    assert response.status_code == 409
    assert not Application.objects.exists()


def test_the_api_refuses_an_application_to_an_unverified_employer(cast, organization, vacancy, api_client):
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    api_client.force_authenticate(cast.seeker_a)

    response = api_client.post(f"/api/v1/vacancies/{vacancy.pk}/applications/", {"cover_letter": ""}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "vacancy_not_open"
    assert not Application.objects.exists()


def test_an_expired_vacancy_refuses_applications_before_the_expiry_task_has_run(cast, vacancy):
    Vacancy.objects.filter(pk=vacancy.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(ConflictError) as refused:
        application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    assert refused.value.code == "vacancy_not_open"
    assert not Application.objects.exists()


# --- CVs are for verified employers -------------------------------------------------------------


@pytest.mark.parametrize("status", [Organization.Status.PENDING, Organization.Status.REJECTED])
def test_an_unverified_employer_cannot_search_open_or_invite_cvs(cast, organization, vacancy, status):
    Organization.objects.filter(pk=organization.pk).update(status=status)
    organization.refresh_from_db()
    vacancy.refresh_from_db()
    SeekerProfile.objects.filter(user=cast.seeker_a).update(visibility=SeekerProfile.Visibility.VISIBLE)

    with pytest.raises(BusinessError) as refused:
        seeker_profile_get_for_employer(user=cast.employer_a, seeker_id=cast.seeker_a.pk)
    assert (refused.value.code, refused.value.status_code) == ("organization_not_verified", 403)

    profile = SeekerProfile.objects.select_related("user").get(user=cast.seeker_a)
    with pytest.raises(BusinessError, match="verified"):
        seeker_cv_open(profile=profile, by=cast.employer_a)
    with pytest.raises(BusinessError, match="verified"):
        invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a)
    assert not CvView.objects.exists()
    assert not Invitation.objects.exists()


def test_cv_pages_and_api_tell_an_unverified_employer_why(cast, organization, client, api_client):
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    client.force_login(cast.employer_a)
    api_client.force_authenticate(cast.employer_a)

    for url in ("/vacancies/cv-search/", f"/vacancies/cv-search/{cast.seeker_a.pk}/"):
        page = client.get(url)
        assert page.status_code == 403
        assert "has not been verified yet" in page.content.decode()
    for url in ("/api/v1/cv-search/", f"/api/v1/cv-search/{cast.seeker_a.pk}/"):
        response = api_client.get(url)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "organization_not_verified"
    assert not CvView.objects.exists()


def test_a_verified_employer_still_opens_cvs(cast):
    profile = seeker_profile_get_for_employer(user=cast.employer_a, seeker_id=cast.seeker_a.pk)

    assert seeker_cv_open(profile=profile, by=cast.employer_a)["full_name"]
    assert CvView.objects.count() == 1


# --- Page links -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN"])
def test_a_salary_cursor_with_a_value_no_row_has_is_refused(cast, vacancy, client, api_client, value):
    cursor = base64.urlsafe_b64encode(f'["salary",{value},5,0]'.encode()).decode().rstrip("=")

    page = client.get("/vacancies/", {"sort": "salary", "cursor": cursor})
    response = api_client.get("/api/v1/vacancies/", {"sort": "salary", "cursor": cursor})

    # The search page shows its form's errors in place, as for any bad filter.
    assert page.status_code == 200
    assert "This page link is not valid any more." in page.content.decode()
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


# --- What the pages offer follows the same rule ---------------------------------------------------


def test_the_apply_panel_offers_applying_only_while_the_vacancy_is_open(cast, organization, vacancy):
    def can_apply() -> bool:
        fresh = Vacancy.objects.select_related("organization").get(pk=vacancy.pk)
        return application_apply_panel(user=cast.seeker_a, vacancy=fresh)["can_apply"]

    assert can_apply()
    Vacancy.objects.filter(pk=vacancy.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert not can_apply()
    Vacancy.objects.filter(pk=vacancy.pk).update(expires_at=timezone.now() + datetime.timedelta(days=3))
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    assert not can_apply()


def test_suitable_candidates_wait_for_the_organizations_verification(cast, organization, vacancy):
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    fresh = vacancy_get_for_matching(user=cast.employer_a, vacancy_id=vacancy.pk)

    page = suitable_candidates(vacancy=fresh)

    assert not page.enabled
    assert page.notice == "Candidates are shown once the organization is verified."
