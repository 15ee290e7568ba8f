"""The vacancy life-cycle API: creating and editing by code, the actions, the lists, and who may
call what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Organization, User
from catalog.models import Skill
from tests import factories
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

Status = Vacancy.Status


# --- Local fixtures ---------------------------------------------------------------------------


def org_of(user: User) -> Organization:
    return Membership.objects.get(user=user).organization


def payload(**overrides) -> dict:
    data = {
        "title": "Electric welder",
        "occupation": "7212",
        "description": "Welding of steel structures.",
        "employment_type": "full_time",
        "schedule": "full_day",
        "region": "KZ-71",
        "education_level": "technical_vocational",
        "required_skills": ["welding"],
        "nice_skills": ["turning"],
        "languages": ["kk", "ru"],
        "salary_min": 300000,
        "salary_max": 450000,
        "positions": 2,
    }
    data.update(overrides)
    return data


def vacancy_of(user: User, **overrides) -> Vacancy:
    return factories.VacancyFactory(organization=org_of(user), **overrides)


@pytest.fixture
def as_user(api_client):
    def login(user: User | None):
        api_client.force_authenticate(user)
        return api_client

    return login


def error_fields(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["fields"]


# --- Creating and editing -----------------------------------------------------------------------


def test_an_employer_creates_a_draft_with_catalog_codes(as_user, cast):
    response = as_user(cast.employer_a).post("/api/v1/organization/vacancies/", payload(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["organization"]["id"] == org_of(cast.employer_a).pk
    assert body["occupation"]["code"] == "7212" and body["region"]["code"] == "KZ-71"
    assert [s["code"] for s in body["required_skills"]] == ["welding"]
    assert body["url"].endswith(f"/vacancies/{body['id']}/")
    assert "Сварка" in Vacancy.objects.get(pk=body["id"]).skills_text


def test_a_seeker_cannot_create_a_vacancy(as_user, cast):
    response = as_user(cast.seeker_a).post("/api/v1/organization/vacancies/", payload(), format="json")

    assert response.status_code == 403
    assert not Vacancy.objects.exists()


def test_an_anonymous_caller_cannot_create_a_vacancy(api_client, cast):
    response = api_client.post("/api/v1/organization/vacancies/", payload(), format="json")

    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"salary_min": 500000, "salary_max": 400000}, "salary_max"),
        ({"salary_min": -100}, "salary_min"),
        ({"occupation": "72"}, "occupation"),
        ({"occupation": "9999"}, "occupation"),
        ({"region": "KZ-00"}, "region"),
        ({"employment_type": "slavery"}, "employment_type"),
        ({"schedule": "never"}, "schedule"),
        ({"education_level": "phd-of-everything"}, "education_level"),
        ({"required_skills": ["welding", "telepathy"]}, "required_skills"),
        ({"national_project": 999999}, "national_project"),
        ({"positions": 0}, "positions"),
        ({"title": ""}, "title"),
        ({"languages": ["kazakh"]}, "languages"),
    ],
)
def test_bad_input_answers_400_with_a_message_on_the_field_and_writes_nothing(as_user, cast, overrides, field):
    response = as_user(cast.employer_a).post("/api/v1/organization/vacancies/", payload(**overrides), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in error_fields(response)
    assert not Vacancy.objects.exists()


def test_a_member_changes_only_the_fields_sent(as_user, cast):
    vacancy = vacancy_of(cast.employer_a, status=Status.DRAFT)

    response = as_user(cast.employer_a).patch(
        f"/api/v1/vacancies/{vacancy.pk}/", {"salary_max": 500000, "nice_skills": ["turning"]}, format="json"
    )

    assert response.status_code == 200
    vacancy.refresh_from_db()
    assert vacancy.salary_max == 500000 and vacancy.title.startswith("Welder")
    assert "Токарные работы" in vacancy.skills_text


def test_a_bad_patch_answers_400_and_changes_nothing(as_user, cast):
    vacancy = vacancy_of(cast.employer_a, status=Status.DRAFT, salary_min=300000, salary_max=450000)

    response = as_user(cast.employer_a).patch(
        f"/api/v1/vacancies/{vacancy.pk}/", {"salary_min": 900000, "title": "Changed"}, format="json"
    )

    assert response.status_code == 400 and "salary_max" in error_fields(response)
    vacancy.refresh_from_db()
    assert vacancy.salary_min == 300000 and vacancy.title != "Changed"


@pytest.mark.parametrize("who", ["employer_b", "staff_x", "seeker_a", "admin"])
def test_nobody_outside_the_organization_edits_its_vacancy(as_user, cast, who):
    vacancy = vacancy_of(cast.employer_a, status=Status.DRAFT)

    response = as_user(getattr(cast, who)).patch(f"/api/v1/vacancies/{vacancy.pk}/", {"title": "Mine"}, format="json")

    assert response.status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.title != "Mine"


def test_an_anonymous_caller_cannot_patch(api_client, cast):
    vacancy = vacancy_of(cast.employer_a)

    assert api_client.patch(f"/api/v1/vacancies/{vacancy.pk}/", {"title": "x"}, format="json").status_code in (
        401,
        403,
    )


# --- Reading one vacancy ------------------------------------------------------------------------


def test_anyone_reads_a_published_vacancy(api_client, cast):
    vacancy = vacancy_of(cast.employer_a)

    response = api_client.get(f"/api/v1/vacancies/{vacancy.pk}/")

    assert response.status_code == 200 and response.json()["title"] == vacancy.title


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        (None, 404),
        ("seeker_a", 404),
        ("employer_b", 404),
        ("staff_y", 404),
        ("employer_a", 200),
        ("staff_x", 200),
        ("admin", 200),
    ],
)
def test_a_draft_is_read_only_by_its_organization_its_regions_staff_and_admins(as_user, cast, who, status_code):
    vacancy = vacancy_of(cast.employer_a, status=Status.DRAFT)

    response = as_user(getattr(cast, who) if who else None).get(f"/api/v1/vacancies/{vacancy.pk}/")

    assert response.status_code == status_code


def test_an_unknown_vacancy_is_404_in_the_error_format(api_client, cast):
    response = api_client.get("/api/v1/vacancies/999999/")

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- Actions ------------------------------------------------------------------------------------


def test_the_whole_life_cycle_through_the_api(as_user, cast):
    client = as_user(cast.employer_a)
    vacancy_id = client.post("/api/v1/organization/vacancies/", payload(), format="json").json()["id"]
    url = f"/api/v1/vacancies/{vacancy_id}"

    assert client.post(f"{url}/submit/").json()["status"] == "pending"
    assert as_user(cast.staff_x).post(f"{url}/approve/").json()["status"] == "published"
    client = as_user(cast.employer_a)
    assert client.post(f"{url}/pause/").json()["status"] == "paused"
    assert client.post(f"{url}/resume/").json()["status"] == "published"
    prolonged = client.post(f"{url}/prolong/", {"days": 10}, format="json")
    assert prolonged.status_code == 200 and prolonged.json()["expires_at"]
    assert client.post(f"{url}/close/").json()["status"] == "closed"


def test_an_unverified_organization_is_refused_at_submission_with_403(as_user, cast):
    Organization.objects.filter(pk=org_of(cast.employer_a).pk).update(status=Organization.Status.PENDING)
    vacancy = vacancy_of(cast.employer_a, status=Status.DRAFT)

    response = as_user(cast.employer_a).post(f"/api/v1/vacancies/{vacancy.pk}/submit/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "organization_not_verified"


def test_an_illegal_transition_answers_409(as_user, cast):
    vacancy = vacancy_of(cast.employer_a, status=Status.DRAFT)

    response = as_user(cast.employer_a).post(f"/api/v1/vacancies/{vacancy.pk}/pause/")

    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"


def test_a_duplicate_answers_409_with_a_link_to_the_open_vacancy(as_user, cast):
    existing = vacancy_of(cast.employer_a, title="Electric welder")
    client = as_user(cast.employer_a)
    copy_id = client.post("/api/v1/organization/vacancies/", payload(), format="json").json()["id"]

    response = client.post(f"/api/v1/vacancies/{copy_id}/submit/")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "duplicate_vacancy"
    assert error["fields"]["url"] == [f"/vacancies/{existing.pk}/"] and f"/vacancies/{existing.pk}/" in error["message"]


@pytest.mark.parametrize(
    ("who", "status_code"), [("staff_x", 200), ("admin", 200), ("staff_y", 404), ("employer_a", 404), ("seeker_a", 404)]
)
def test_only_staff_of_the_vacancys_region_and_admins_approve_it(as_user, cast, who, status_code):
    vacancy = vacancy_of(cast.employer_a, status=Status.PENDING)

    response = as_user(getattr(cast, who)).post(f"/api/v1/vacancies/{vacancy.pk}/approve/")

    assert response.status_code == status_code
    vacancy.refresh_from_db()
    assert vacancy.status == (Status.PUBLISHED if status_code == 200 else Status.PENDING)


def test_rejecting_without_a_reason_is_400(as_user, cast):
    vacancy = vacancy_of(cast.employer_a, status=Status.PENDING)

    response = as_user(cast.staff_x).post(f"/api/v1/vacancies/{vacancy.pk}/reject/", {}, format="json")

    assert response.status_code == 400 and "reason" in error_fields(response)


def test_a_rejection_carries_its_reason_to_the_employer(as_user, cast):
    vacancy = vacancy_of(cast.employer_a, status=Status.PENDING)
    as_user(cast.staff_x).post(f"/api/v1/vacancies/{vacancy.pk}/reject/", {"reason": "No salary"}, format="json")

    body = as_user(cast.employer_a).get(f"/api/v1/vacancies/{vacancy.pk}/").json()

    assert body["status"] == "rejected" and body["status_reason"] == "No salary"


@pytest.mark.parametrize("days", [0, 31, "soon"])
def test_prolonging_by_an_impossible_number_of_days_is_400(as_user, cast, days):
    vacancy = vacancy_of(cast.employer_a)

    response = as_user(cast.employer_a).post(f"/api/v1/vacancies/{vacancy.pk}/prolong/", {"days": days}, format="json")

    assert response.status_code == 400 and "days" in error_fields(response)


EMPLOYER_ACTIONS = ["submit", "pause", "resume", "close", "prolong"]
MODERATOR_ACTIONS = ["approve", "reject"]


@pytest.mark.parametrize("action", EMPLOYER_ACTIONS + MODERATOR_ACTIONS)
@pytest.mark.parametrize("who", ["seeker_a", "employer_b", "staff_y"])
def test_outsiders_get_404_on_every_action(as_user, cast, action, who):
    vacancy = vacancy_of(cast.employer_a)

    response = as_user(getattr(cast, who)).post(
        f"/api/v1/vacancies/{vacancy.pk}/{action}/", {"reason": "x"}, format="json"
    )

    assert response.status_code == 404
    vacancy.refresh_from_db()
    assert vacancy.status == Status.PUBLISHED


@pytest.mark.parametrize("action", EMPLOYER_ACTIONS + MODERATOR_ACTIONS)
def test_anonymous_callers_are_refused_every_action(api_client, cast, action):
    vacancy = vacancy_of(cast.employer_a)

    assert api_client.post(f"/api/v1/vacancies/{vacancy.pk}/{action}/").status_code in (401, 403)


# --- Lists --------------------------------------------------------------------------------------


def test_the_organizations_list_shows_its_own_vacancies_filtered_by_status(as_user, cast):
    draft = vacancy_of(cast.employer_a, status=Status.DRAFT)
    vacancy_of(cast.employer_a)
    vacancy_of(cast.employer_b)

    response = as_user(cast.employer_a).get("/api/v1/organization/vacancies/?status=draft")

    assert response.status_code == 200
    assert [v["id"] for v in response.json()["results"]] == [draft.pk]
    assert as_user(cast.employer_a).get("/api/v1/organization/vacancies/").json()["count"] == 2


def test_an_unknown_status_filter_is_400(as_user, cast):
    response = as_user(cast.employer_a).get("/api/v1/organization/vacancies/?status=alive")

    assert response.status_code == 400 and "status" in error_fields(response)


@pytest.mark.parametrize("who", ["seeker_a", "staff_x", "admin"])
def test_the_organizations_list_is_for_employers_only(as_user, cast, who):
    assert as_user(getattr(cast, who)).get("/api/v1/organization/vacancies/").status_code == 403


def test_the_pending_queue_shows_the_staffs_region_oldest_first(as_user, cast):
    older = vacancy_of(cast.employer_a, status=Status.PENDING, title="Older")
    newer = vacancy_of(cast.employer_a, status=Status.PENDING, title="Newer")
    Vacancy.objects.filter(pk=newer.pk).update(title="Newer!")  # moves updated_at on
    vacancy_of(cast.employer_b, status=Status.PENDING, region=cast.region_y)
    vacancy_of(cast.employer_a, status=Status.DRAFT)

    response = as_user(cast.staff_x).get("/api/v1/staff/vacancies/pending/")

    assert [v["id"] for v in response.json()["results"]] == [older.pk, newer.pk]
    assert as_user(cast.admin).get("/api/v1/staff/vacancies/pending/").json()["count"] == 3


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_the_pending_queue_is_for_staff_only(as_user, cast, who):
    assert as_user(getattr(cast, who)).get("/api/v1/staff/vacancies/pending/").status_code == 403


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_vacancies(user: User, n: int, **overrides) -> None:
    skills = list(Skill.objects.filter(code__in=["welding", "turning"]))
    for _ in range(n):
        vacancy = vacancy_of(user, **overrides)
        vacancy.required_skills.set(skills)
        vacancy.nice_skills.set(skills[:1])


def test_the_organizations_list_runs_a_fixed_number_of_queries(as_user, cast):
    client = as_user(cast.employer_a)
    _add_vacancies(cast.employer_a, 2)
    few = _queries(client, "/api/v1/organization/vacancies/")
    _add_vacancies(cast.employer_a, 10)

    assert _queries(client, "/api/v1/organization/vacancies/") == few


def test_the_pending_queue_runs_a_fixed_number_of_queries(as_user, cast):
    client = as_user(cast.staff_x)
    _add_vacancies(cast.employer_a, 1, status=Status.PENDING, title="Pending")
    few = _queries(client, "/api/v1/staff/vacancies/pending/")
    for n in range(8):
        _add_vacancies(cast.employer_a, 1, status=Status.PENDING, title=f"Pending {n}")

    assert _queries(client, "/api/v1/staff/vacancies/pending/") == few


def test_the_schema_documents_the_life_cycle_endpoints(api_client, db):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path in (
        "/api/v1/organization/vacancies/",
        "/api/v1/vacancies/{id}/",
        "/api/v1/vacancies/{id}/submit/",
        "/api/v1/staff/vacancies/pending/",
        "/api/v1/staff/reports/{id}/uphold/",
    ):
        assert path in schema["paths"], path
