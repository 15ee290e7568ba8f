"""The applications API: applying, the seeker's list, one application, moving candidates, hiring, withdrawing."""

from __future__ import annotations

import json

import pytest

from accounts.models import SeekerProfile
from tests import factories
from vacancies.models import Application, ApplicationEvent, CvView, Vacancy
from vacancies.services.applications import application_submit, application_transition

S = Application.Status


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return factories.VacancyFactory(organization=cast.employer_a.membership.organization, region=cast.region_x)


@pytest.fixture
def application(cast, vacancy) -> Application:
    return application_submit(vacancy=vacancy, seeker=cast.seeker_a, cover_letter="I weld well.")


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def url(template: str, *args) -> str:
    return "/api/v1/" + template.format(*args)


def error_code(response) -> str:
    return response.json()["error"]["code"]


# --- Applying ---------------------------------------------------------------------------------


def test_seeker_applies_and_gets_the_application_with_its_snapshot(cast, vacancy, api_client):
    response = as_user(api_client, cast.seeker_a).post(
        url("vacancies/{}/applications/", vacancy.pk), {"cover_letter": "Hello"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert body["source"] == "direct"
    assert body["cover_letter"] == "Hello"
    assert body["cv_snapshot"]["full_name"] == cast.seeker_a.full_name
    assert body["vacancy"]["id"] == vacancy.pk
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in body["events"]] == [("", "submitted", "seeker")]
    assert body["referral"] is None


def test_applying_without_a_cover_letter_is_fine(cast, vacancy, api_client):
    response = as_user(api_client, cast.seeker_a).post(url("vacancies/{}/applications/", vacancy.pk), {}, format="json")

    assert response.status_code == 201


def test_applying_twice_answers_409(cast, vacancy, application, api_client):
    response = as_user(api_client, cast.seeker_a).post(url("vacancies/{}/applications/", vacancy.pk), {}, format="json")

    assert response.status_code == 409
    assert error_code(response) == "already_applied"
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    "payload",
    [{"cover_letter": "x" * 5001}, {"cover_letter": None}, {"cover_letter": ["a", "b"]}],
    ids=["too-long", "null", "list"],
)
def test_bad_input_answers_400_with_field_messages_and_writes_nothing(cast, vacancy, api_client, payload):
    response = as_user(api_client, cast.seeker_a).post(
        url("vacancies/{}/applications/", vacancy.pk), payload, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["cover_letter"]
    assert not Application.objects.exists()


def test_applying_without_consent_answers_400_consent_required(cast, vacancy, api_client):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(has_consent=False)

    response = as_user(api_client, cast.seeker_a).post(url("vacancies/{}/applications/", vacancy.pk), {}, format="json")

    assert response.status_code == 400
    assert error_code(response) == "consent_required"
    assert not Application.objects.exists()


@pytest.mark.parametrize("who", ["employer_a", "staff_x", "admin"])
def test_only_job_seekers_apply(cast, vacancy, api_client, who):
    response = as_user(api_client, getattr(cast, who)).post(
        url("vacancies/{}/applications/", vacancy.pk), {}, format="json"
    )

    assert response.status_code == 403
    assert not Application.objects.exists()


def test_anonymous_visitors_cannot_apply(vacancy, api_client):
    response = api_client.post(url("vacancies/{}/applications/", vacancy.pk), {}, format="json")

    assert response.status_code in (401, 403)
    assert error_code(response) == "not_authenticated"


def test_a_draft_vacancy_answers_404_to_applicants(cast, api_client):
    draft = factories.VacancyFactory(status="draft")

    response = as_user(api_client, cast.seeker_a).post(url("vacancies/{}/applications/", draft.pk), {}, format="json")

    assert response.status_code == 404


def test_a_paused_vacancy_answers_409(cast, api_client):
    paused = factories.VacancyFactory(status="paused")

    response = as_user(api_client, cast.seeker_a).post(url("vacancies/{}/applications/", paused.pk), {}, format="json")

    assert response.status_code == 409
    assert error_code(response) == "vacancy_not_open"


# --- The seeker's applications ----------------------------------------------------------------


def test_seeker_lists_only_their_own_applications_with_history(cast, application, api_client):
    application_submit(vacancy=factories.VacancyFactory(), seeker=cast.seeker_b)
    application_transition(application=application, to_status=S.SHORTLISTED, by=cast.employer_a)

    response = as_user(api_client, cast.seeker_a).get(url("me/applications/"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [application.pk]
    assert results[0]["status"] == "shortlisted"
    assert [e["to_status"] for e in results[0]["events"]] == ["submitted", "shortlisted"]
    assert results[0]["events"][1]["actor"] == "employer"


def test_my_applications_answers_in_a_fixed_number_of_queries(cast, api_client, django_assert_max_num_queries):
    organization = cast.employer_a.membership.organization
    for _ in range(6):
        application = application_submit(
            vacancy=factories.VacancyFactory(organization=organization), seeker=cast.seeker_a
        )
        application_transition(application=application, to_status=S.SHORTLISTED, by=cast.employer_a)
    as_user(api_client, cast.seeker_a)

    with django_assert_max_num_queries(5):
        response = api_client.get(url("me/applications/"))

    assert len(response.json()["results"]) == 6


@pytest.mark.parametrize("who", ["employer_a", "staff_x"])
def test_other_roles_have_no_list_of_their_applications(cast, api_client, who):
    response = as_user(api_client, getattr(cast, who)).get(url("me/applications/"))

    assert response.status_code == 403


# --- One application --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["seeker_a", "staff_x", "admin"])
def test_the_applicant_regional_staff_and_administrators_read_the_application(cast, application, api_client, who):
    response = as_user(api_client, getattr(cast, who)).get(url("applications/{}/", application.pk))

    assert response.status_code == 200
    assert response.json()["cv_snapshot"]["full_name"] == cast.seeker_a.full_name
    assert not CvView.objects.exists()
    assert response.json()["status"] == "submitted"


def test_the_employer_reading_the_application_opens_the_cv(cast, application, api_client):
    response = as_user(api_client, cast.employer_a).get(url("applications/{}/", application.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "viewed"
    assert response.json()["events"][-1]["to_status"] == "viewed"
    assert CvView.objects.filter(application=application, viewer=cast.employer_a).count() == 1


@pytest.mark.parametrize("who", ["seeker_b", "employer_b", "staff_y"])
def test_outsiders_get_404_for_an_application(cast, application, api_client, who):
    response = as_user(api_client, getattr(cast, who)).get(url("applications/{}/", application.pk))

    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_anonymous_visitors_get_no_application(application, api_client):
    assert api_client.get(url("applications/{}/", application.pk)).status_code in (401, 403)


def test_an_unknown_application_answers_404(cast, api_client):
    assert as_user(api_client, cast.seeker_a).get(url("applications/999999/")).status_code == 404


# --- Moving candidates ------------------------------------------------------------------------


def test_employer_moves_a_candidate(cast, application, api_client):
    response = as_user(api_client, cast.employer_a).post(
        url("applications/{}/transition/", application.pk), {"to_status": "interview"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "interview"
    assert Application.objects.get(pk=application.pk).status == S.INTERVIEW


def test_employer_rejects_with_a_reason_the_seeker_then_reads(cast, application, api_client):
    as_user(api_client, cast.employer_a).post(
        url("applications/{}/transition/", application.pk),
        {"to_status": "rejected", "reason": "The position needs a driving licence."},
        format="json",
    )

    body = as_user(api_client, cast.seeker_a).get(url("applications/{}/", application.pk)).json()

    assert body["status"] == "rejected"
    assert body["status_reason"] == "The position needs a driving licence."
    assert body["events"][-1]["note"] == "The position needs a driving licence."


def test_rejecting_without_a_reason_answers_400_on_the_reason_field(cast, application, api_client):
    response = as_user(api_client, cast.employer_a).post(
        url("applications/{}/transition/", application.pk), {"to_status": "rejected"}, format="json"
    )

    assert response.status_code == 400
    assert error_code(response) == "reason_required"
    assert response.json()["error"]["fields"]["reason"]
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "to_status"),
        ({"to_status": "promoted"}, "to_status"),
        ({"to_status": "viewed", "reason": "x" * 501}, "reason"),
    ],
)
def test_bad_transition_input_answers_400_and_changes_nothing(cast, application, api_client, payload, field):
    response = as_user(api_client, cast.employer_a).post(
        url("applications/{}/transition/", application.pk), payload, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_an_illegal_move_answers_409_invalid_transition(cast, application, api_client):
    application_transition(application=application, to_status=S.OFFER, by=cast.employer_a)

    response = as_user(api_client, cast.employer_a).post(
        url("applications/{}/transition/", application.pk), {"to_status": "shortlisted"}, format="json"
    )

    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"


def test_seeker_cannot_shortlist_themself(cast, application, api_client):
    response = as_user(api_client, cast.seeker_a).post(
        url("applications/{}/transition/", application.pk), {"to_status": "shortlisted"}, format="json"
    )

    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


@pytest.mark.parametrize(("who", "status"), [("employer_b", 404), ("seeker_b", 404), ("staff_x", 403)])
def test_others_cannot_move_a_candidate(cast, application, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).post(
        url("applications/{}/transition/", application.pk), {"to_status": "shortlisted"}, format="json"
    )

    assert response.status_code == status
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


# --- Hiring -----------------------------------------------------------------------------------


def test_employer_hires_and_a_position_is_filled(cast, application, api_client):
    response = as_user(api_client, cast.employer_a).post(url("applications/{}/hire/", application.pk))

    assert response.status_code == 200
    assert response.json()["status"] == "hired"
    assert Vacancy.objects.get(pk=application.vacancy_id).positions_filled == 1


def test_hiring_when_every_position_is_taken_answers_409(cast, api_client):
    vacancy = factories.VacancyFactory(organization=cast.employer_a.membership.organization, positions=1)
    first = application_submit(vacancy=vacancy, seeker=cast.seeker_a)
    second = application_submit(vacancy=vacancy, seeker=cast.seeker_b)
    as_user(api_client, cast.employer_a).post(url("applications/{}/hire/", first.pk))

    response = api_client.post(url("applications/{}/hire/", second.pk))

    assert response.status_code == 409
    assert error_code(response) == "no_positions_left"
    assert Vacancy.objects.get(pk=vacancy.pk).status == Vacancy.Status.FILLED
    assert Application.objects.get(pk=second.pk).status == S.SUBMITTED


@pytest.mark.parametrize(("who", "status"), [("employer_b", 404), ("seeker_a", 403), ("admin", 403)])
def test_only_the_employer_hires(cast, application, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).post(url("applications/{}/hire/", application.pk))

    assert response.status_code == status
    assert Vacancy.objects.get(pk=application.vacancy_id).positions_filled == 0


# --- Withdrawing ------------------------------------------------------------------------------


def test_seeker_withdraws(cast, application, api_client):
    response = as_user(api_client, cast.seeker_a).post(
        url("applications/{}/withdraw/", application.pk), {"reason": "Found a job"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["status_reason"] == "Found a job"


def test_withdrawing_twice_answers_409(cast, application, api_client):
    as_user(api_client, cast.seeker_a).post(url("applications/{}/withdraw/", application.pk))

    response = api_client.post(url("applications/{}/withdraw/", application.pk))

    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"


@pytest.mark.parametrize(("who", "status"), [("employer_a", 403), ("seeker_b", 404), ("employer_b", 404)])
def test_only_the_applicant_withdraws(cast, application, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).post(url("applications/{}/withdraw/", application.pk))

    assert response.status_code == status
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


# --- Candidates of a vacancy ------------------------------------------------------------------


def test_employer_lists_candidates_filtered_by_state(cast, vacancy, application, api_client):
    second = application_submit(vacancy=vacancy, seeker=cast.seeker_b)
    application_transition(application=second, to_status=S.SHORTLISTED, by=cast.employer_a)
    as_user(api_client, cast.employer_a)

    everyone = api_client.get(url("vacancies/{}/applications/", vacancy.pk)).json()
    shortlisted = api_client.get(url("vacancies/{}/applications/", vacancy.pk), {"status": "shortlisted"}).json()

    assert [r["id"] for r in everyone["results"]] == [application.pk, second.pk]
    assert [r["id"] for r in shortlisted["results"]] == [second.pk]
    assert shortlisted["results"][0]["candidate"]["full_name"] == cast.seeker_b.full_name
    assert "cv_snapshot" not in shortlisted["results"][0]
    assert not CvView.objects.exists()


def test_an_unknown_state_filter_answers_400(cast, vacancy, api_client):
    response = as_user(api_client, cast.employer_a).get(url("vacancies/{}/applications/", vacancy.pk), {"status": "x"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


@pytest.mark.parametrize(("who", "status"), [("employer_b", 404), ("seeker_a", 403), ("staff_x", 403)])
def test_others_cannot_list_an_employers_candidates(cast, vacancy, application, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).get(url("vacancies/{}/applications/", vacancy.pk))

    assert response.status_code == status


def test_candidate_list_answers_in_a_fixed_number_of_queries(cast, vacancy, api_client, django_assert_max_num_queries):
    for _ in range(8):
        factories.ApplicationFactory(vacancy=vacancy, cv_snapshot={"full_name": "Someone", "region": {"code": "KZ-71"}})
    as_user(api_client, cast.employer_a)

    with django_assert_max_num_queries(5):
        response = api_client.get(url("vacancies/{}/applications/", vacancy.pk))

    assert response.json()["count"] == 8
    assert response.json()["results"][0]["candidate"]["region"] == "KZ-71"


# --- Documentation ----------------------------------------------------------------------------


def test_every_applications_endpoint_is_in_the_openapi_schema(client, db):
    schema = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)

    for path in (
        "/api/v1/vacancies/{vacancy_id}/applications/",
        "/api/v1/me/applications/",
        "/api/v1/applications/{application_id}/",
        "/api/v1/applications/{application_id}/transition/",
        "/api/v1/applications/{application_id}/hire/",
        "/api/v1/applications/{application_id}/withdraw/",
    ):
        assert path in schema["paths"], path
    apply = schema["paths"]["/api/v1/vacancies/{vacancy_id}/applications/"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(apply["responses"])
