"""Vacancy life-cycle fixes: a duplicate external_id is a 409 on its field (not a 500), lowering
the positions to those filled fills the vacancy, a vacancy joins only a national project its
employer may use, and outsiders do not see a vacancy's internal fields in the API."""

from __future__ import annotations

import pytest

from accounts.models import Membership, Organization, User
from catalog.models import EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError, ConflictError
from tests import factories
from vacancies.models import Application, NationalProgramme, NationalProject, Vacancy
from vacancies.selectors.search import vacancy_search_results
from vacancies.services import lifecycle as services

pytestmark = pytest.mark.django_db

Status = Vacancy.Status


def org_of(user: User) -> Organization:
    return Membership.objects.get(user=user).organization


def vacancy_of(user: User, **overrides) -> Vacancy:
    return factories.VacancyFactory(organization=org_of(user), **overrides)


def payload(**overrides) -> dict:
    data = {
        "title": "Electric welder",
        "occupation": "7212",
        "description": "Welding of steel structures.",
        "employment_type": "full_time",
        "schedule": "full_day",
        "region": "KZ-71",
        "positions": 2,
    }
    data.update(overrides)
    return data


def fields(**overrides) -> dict:
    values = {
        "title": "Welder",
        "occupation": Occupation.objects.get(code="7212"),
        "description": "Welding of steel structures.",
        "employment_type": EmploymentType.objects.get(code="full_time"),
        "schedule": WorkSchedule.objects.get(code="full_day"),
        "region": Region.objects.get(code="KZ-71"),
        "positions": 2,
    }
    values.update(overrides)
    return values


def form_data(**overrides) -> dict:
    data = {
        "title": "Electric welder",
        "occupation": Occupation.objects.get(code="7212").pk,
        "description": "Welding.",
        "experience_years": "1",
        "salary_is_gross": "1",
        "employment_type": EmploymentType.objects.get(code="full_time").pk,
        "schedule": WorkSchedule.objects.get(code="full_day").pk,
        "region": Region.objects.get(code="KZ-71").pk,
        "positions": "1",
        "required_skills": [Skill.objects.get(code="welding").pk],
    }
    data.update(overrides)
    return data


def project(*, region: Region, employer: Organization | None = None, name: str = "Road") -> NationalProject:
    programme, _created = NationalProgramme.objects.get_or_create(code="P1", defaults={"name_en": "Programme"})
    return NationalProject.objects.create(
        programme=programme, name=name, region=region, employer=employer, start_year=2024, end_year=2030
    )


# --- A duplicate external_id ----------------------------------------------------------------------


def test_creating_a_vacancy_with_a_taken_external_id_through_the_api_is_a_409_on_the_field(cast, api_client):
    vacancy_of(cast.employer_a, external_id="HR-1", title="First")
    api_client.force_authenticate(cast.employer_a)

    response = api_client.post("/api/v1/organization/vacancies/", payload(external_id="HR-1"), format="json")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "duplicate_external_id"
    assert "HR-1" in error["fields"]["external_id"][0]
    assert Vacancy.objects.count() == 1


def test_changing_the_external_id_to_a_taken_one_through_the_api_is_a_409_and_changes_nothing(cast, api_client):
    vacancy_of(cast.employer_a, external_id="HR-1", title="First")
    second = vacancy_of(cast.employer_a, external_id="HR-2", title="Second")
    api_client.force_authenticate(cast.employer_a)

    response = api_client.patch(
        f"/api/v1/vacancies/{second.pk}/", {"external_id": "HR-1", "title": "Changed"}, format="json"
    )

    assert response.status_code == 409
    assert "external_id" in response.json()["error"]["fields"]
    second.refresh_from_db()
    assert (second.external_id, second.title) == ("HR-2", "Second")


def test_another_employers_external_id_is_not_taken(cast, api_client):
    vacancy_of(cast.employer_b, external_id="HR-1", title="Theirs")
    api_client.force_authenticate(cast.employer_a)

    response = api_client.post("/api/v1/organization/vacancies/", payload(external_id="HR-1"), format="json")

    assert response.status_code == 201


def test_the_service_refuses_a_taken_external_id_with_a_conflict_on_the_field(cast):
    vacancy_of(cast.employer_a, external_id="HR-1", title="First")
    second = vacancy_of(cast.employer_a, external_id="HR-2", title="Second")

    with pytest.raises(ConflictError) as caught:
        services.vacancy_update(vacancy=second, by=cast.employer_a, external_id=" HR-1 ")

    assert caught.value.code == "duplicate_external_id" and "external_id" in caught.value.fields
    with pytest.raises(ConflictError):
        services.vacancy_create(organization=org_of(cast.employer_a), by=cast.employer_a, **fields(external_id="HR-1"))
    assert Vacancy.objects.count() == 2


def test_the_web_form_edits_a_vacancy_that_has_an_external_id_without_touching_it(cast, client):
    # The form has no external_id field, so it cannot clash; the reference stays as it is.
    vacancy = vacancy_of(cast.employer_a, external_id="HR-1", status=Status.DRAFT)
    vacancy_of(cast.employer_a, external_id="HR-2", title="Other")
    client.force_login(cast.employer_a)

    response = client.post(f"/vacancies/{vacancy.pk}/edit/", form_data(title="Renamed"))

    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.title, vacancy.external_id) == ("Renamed", "HR-1")


# --- Lowering the positions to those filled -----------------------------------------------------


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.PAUSED])
def test_lowering_the_positions_to_those_filled_fills_the_vacancy(cast, status):
    vacancy = vacancy_of(cast.employer_a, positions=3, positions_filled=1, status=status)

    updated = services.vacancy_update(vacancy=vacancy, by=cast.employer_a, positions=1)

    vacancy.refresh_from_db()
    assert updated.status == vacancy.status == Status.FILLED
    assert (vacancy.positions, vacancy.positions_filled) == (1, 1)
    assert vacancy.pk not in [v.pk for v in vacancy_search_results().vacancies]


def test_lowering_the_positions_to_those_filled_through_the_api_answers_the_filled_vacancy(cast, api_client):
    vacancy = vacancy_of(cast.employer_a, positions=3, positions_filled=2)
    api_client.force_authenticate(cast.employer_a)

    response = api_client.patch(f"/api/v1/vacancies/{vacancy.pk}/", {"positions": 2}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == Status.FILLED


def test_a_filled_vacancy_takes_no_more_applications(cast, api_client):
    vacancy = vacancy_of(cast.employer_a, positions=2, positions_filled=1)
    services.vacancy_update(vacancy=vacancy, by=cast.employer_a, positions=1)
    api_client.force_authenticate(cast.seeker_a)

    response = api_client.post(f"/api/v1/vacancies/{vacancy.pk}/applications/", {}, format="json")

    assert response.status_code in (404, 409)
    assert not Application.objects.exists()


def test_lowering_the_positions_below_those_filled_is_still_refused_on_the_field(cast):
    vacancy = vacancy_of(cast.employer_a, positions=3, positions_filled=2)

    with pytest.raises(BusinessError) as caught:
        services.vacancy_update(vacancy=vacancy, by=cast.employer_a, positions=1)

    assert "positions" in caught.value.fields
    vacancy.refresh_from_db()
    assert (vacancy.positions, vacancy.status) == (3, Status.PUBLISHED)


def test_a_draft_with_no_hires_keeps_its_status_when_edited(cast):
    vacancy = vacancy_of(cast.employer_a, positions=3, status=Status.DRAFT)

    updated = services.vacancy_update(vacancy=vacancy, by=cast.employer_a, positions=1)

    assert updated.status == Status.DRAFT


# --- National projects --------------------------------------------------------------------------


def test_an_employer_cannot_join_another_employers_project(cast):
    others = project(region=cast.region_x, employer=org_of(cast.employer_b))
    vacancy = vacancy_of(cast.employer_a)

    with pytest.raises(BusinessError) as caught:
        services.vacancy_update(vacancy=vacancy, by=cast.employer_a, national_project=others)

    assert caught.value.status_code == 400 and "national_project" in caught.value.fields
    vacancy.refresh_from_db()
    assert vacancy.national_project is None
    with pytest.raises(BusinessError):
        services.vacancy_create(
            organization=org_of(cast.employer_a), by=cast.employer_a, **fields(national_project=others)
        )
    assert Vacancy.objects.count() == 1


def test_the_implementing_employer_joins_its_project_in_any_region(cast):
    own = project(region=cast.region_y, employer=org_of(cast.employer_a))

    vacancy = services.vacancy_create(
        organization=org_of(cast.employer_a), by=cast.employer_a, **fields(national_project=own)
    )

    assert vacancy.national_project == own


def test_a_project_without_an_employer_takes_vacancies_of_its_region_only(cast):
    in_region = project(region=cast.region_x, name="Astana road")
    elsewhere = project(region=cast.region_y, name="Almaty road")

    vacancy = services.vacancy_create(
        organization=org_of(cast.employer_a), by=cast.employer_a, **fields(national_project=in_region)
    )
    assert vacancy.national_project == in_region

    with pytest.raises(BusinessError) as caught:
        services.vacancy_update(vacancy=vacancy, by=cast.employer_a, national_project=elsewhere)
    assert "national_project" in caught.value.fields

    # Moving the vacancy out of the project's region breaks the link's basis too.
    with pytest.raises(BusinessError) as caught:
        services.vacancy_update(vacancy=vacancy, by=cast.employer_a, region=cast.region_y)
    assert "national_project" in caught.value.fields
    vacancy.refresh_from_db()
    assert (vacancy.national_project, vacancy.region) == (in_region, cast.region_x)


def test_staff_acting_for_an_employer_follow_the_same_project_rule(cast):
    others = project(region=cast.region_x, employer=org_of(cast.employer_b))

    with pytest.raises(BusinessError) as caught:
        services.vacancy_create(
            organization=org_of(cast.employer_a), by=cast.staff_x, **fields(national_project=others)
        )

    assert "national_project" in caught.value.fields
    assert not Vacancy.objects.exists()


def test_an_existing_link_does_not_block_other_edits(cast):
    # A link made before the rule existed stays until the vacancy's project or region changes.
    others = project(region=cast.region_y, employer=org_of(cast.employer_b))
    vacancy = vacancy_of(cast.employer_a, national_project=others)

    updated = services.vacancy_update(vacancy=vacancy, by=cast.employer_a, title="Renamed")

    assert updated.title == "Renamed" and updated.national_project == others


def test_the_api_refuses_another_employers_project_with_a_400_on_the_field(cast, api_client):
    others = project(region=cast.region_x, employer=org_of(cast.employer_b))
    vacancy = vacancy_of(cast.employer_a)
    api_client.force_authenticate(cast.employer_a)

    created = api_client.post(
        "/api/v1/organization/vacancies/", payload(title="New", national_project=others.pk), format="json"
    )
    patched = api_client.patch(f"/api/v1/vacancies/{vacancy.pk}/", {"national_project": others.pk}, format="json")

    assert created.status_code == patched.status_code == 400
    assert "national_project" in created.json()["error"]["fields"]
    assert "national_project" in patched.json()["error"]["fields"]
    assert Vacancy.objects.count() == 1
    vacancy.refresh_from_db()
    assert vacancy.national_project is None


def test_the_web_form_shows_the_project_refusal_next_to_the_field(cast, client):
    others = project(region=cast.region_x, employer=org_of(cast.employer_b))
    client.force_login(cast.employer_a)

    response = client.post("/vacancies/new/", form_data(national_project=others.pk))

    assert response.status_code == 400
    assert "national_project" in response.context["form"].errors
    assert not Vacancy.objects.exists()


# --- Internal fields in the public API ----------------------------------------------------------


INTERNAL = {"external_id", "status_reason"}


def test_an_anonymous_reader_does_not_see_the_internal_fields(cast, api_client):
    vacancy = vacancy_of(cast.employer_a, external_id="INTERNAL-HR-REF-42")

    response = api_client.get(f"/api/v1/vacancies/{vacancy.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert not INTERNAL & set(body) and "INTERNAL-HR-REF-42" not in response.content.decode()
    assert body["title"] == vacancy.title and body["positions"] == vacancy.positions


@pytest.mark.parametrize("who", ["employer_b", "seeker_a", "staff_y"])
def test_other_users_do_not_see_the_internal_fields(cast, api_client, who):
    vacancy = vacancy_of(cast.employer_a, external_id="HR-42")
    api_client.force_authenticate(getattr(cast, who))

    body = api_client.get(f"/api/v1/vacancies/{vacancy.pk}/").json()

    assert not INTERNAL & set(body)


def test_a_seeker_who_applied_to_a_rejected_vacancy_does_not_see_the_moderators_reason(cast, api_client):
    vacancy = vacancy_of(cast.employer_a, status=Status.REJECTED, status_reason="Looks like a scam")
    factories.ApplicationFactory(vacancy=vacancy, seeker=cast.seeker_a)
    api_client.force_authenticate(cast.seeker_a)

    response = api_client.get(f"/api/v1/vacancies/{vacancy.pk}/")

    assert response.status_code == 200 and "status_reason" not in response.json()


@pytest.mark.parametrize("who", ["employer_a", "staff_x", "admin"])
def test_members_staff_of_the_region_and_admins_see_the_internal_fields(cast, api_client, who):
    vacancy = vacancy_of(cast.employer_a, external_id="HR-42")
    api_client.force_authenticate(getattr(cast, who))

    body = api_client.get(f"/api/v1/vacancies/{vacancy.pk}/").json()

    assert body["external_id"] == "HR-42" and "status_reason" in body


def test_the_schema_documents_the_public_shape_of_a_vacancy(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    response = schema["paths"]["/api/v1/vacancies/{id}/"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    public = schema["components"]["schemas"][ref]["properties"]
    detail = schema["components"]["schemas"]["VacancyDetail"]["properties"]
    assert not INTERNAL & set(public)
    assert set(detail) >= INTERNAL
    assert "external_id" in response["description"]
