"""CV search for employers and invitations: found, opened (logged), invited, accepted or declined."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from accounts.models import SeekerProfile, User
from catalog.models import Occupation, Skill
from exchange.errors import BusinessError, ConflictError
from tests import factories
from vacancies.models import Application, CvView, Invitation, Vacancy
from vacancies.selectors.applications import cv_search
from vacancies.services.applications import application_submit, invitation_answer, invitation_send


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return factories.VacancyFactory(organization=cast.employer_a.membership.organization, region=cast.region_x)


@pytest.fixture
def invitation(cast, vacancy) -> Invitation:
    return invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a, message="Come and weld")


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def profile_of(user: User) -> SeekerProfile:
    return SeekerProfile.objects.get(user=user)


# --- CV search --------------------------------------------------------------------------------


def test_cv_search_finds_only_discoverable_profiles(cast):
    hidden = factories.SeekerProfileFactory(visibility=SeekerProfile.Visibility.HIDDEN, has_consent=True)
    no_consent = factories.SeekerProfileFactory(has_consent=False)
    inactive = factories.SeekerProfileFactory(has_consent=True, user=factories.SeekerFactory(is_active=False))

    found = set(cv_search(user=cast.employer_a).values_list("user_id", flat=True))

    assert found == {cast.seeker_a.pk, cast.seeker_b.pk}
    assert not found & {hidden.user_id, no_consent.user_id, inactive.user_id}


def test_cv_search_filters_by_region_occupation_prefix_and_all_skills(cast):
    profile_of(cast.seeker_a).desired_occupations.set(Occupation.objects.filter(code="7212"))
    profile_of(cast.seeker_a).skills.set(Skill.objects.filter(code__in=["welding", "turning"]))
    profile_of(cast.seeker_b).skills.set(Skill.objects.filter(code="welding"))
    SeekerProfile.objects.filter(user=cast.seeker_b).update(region=cast.region_y)

    def found(**filters):
        return list(cv_search(user=cast.employer_a, **filters).values_list("user_id", flat=True))

    assert found(region="KZ-75") == [cast.seeker_b.pk]
    assert found(occupation="72") == [cast.seeker_a.pk]
    assert found(occupation="7212") == [cast.seeker_a.pk]
    assert found(occupation="2") == []
    assert sorted(found(skills=["welding"])) == sorted([cast.seeker_a.pk, cast.seeker_b.pk])
    assert found(skills=["welding", "turning"]) == [cast.seeker_a.pk]


@pytest.mark.parametrize(("who", "error"), [("seeker_a", PermissionDenied), ("staff_x", PermissionDenied)])
def test_cv_search_is_for_employers(cast, who, error):
    with pytest.raises(error):
        cv_search(user=getattr(cast, who))


def test_cv_search_needs_an_organization(catalog):
    with pytest.raises(Http404):
        cv_search(user=factories.EmployerFactory())


def test_cv_search_api_masks_iins_and_logs_nothing(cast, api_client):
    response = as_user(api_client, cast.employer_a).get("/api/v1/cv-search/")

    assert response.status_code == 200
    results = {r["seeker_id"]: r for r in response.json()["results"]}
    iin = profile_of(cast.seeker_a).iin
    assert results[cast.seeker_a.pk]["iin_masked"] == "******" + iin[-6:]
    assert iin not in response.content.decode()
    assert results[cast.seeker_a.pk]["region"] == "KZ-71"
    assert not CvView.objects.exists()


def test_cv_search_api_pages_by_keyset(cast, api_client):
    for _ in range(3):
        factories.SeekerProfileFactory(has_consent=True)
    as_user(api_client, cast.employer_a)

    first = api_client.get("/api/v1/cv-search/", {"page_size": 3}).json()
    second = api_client.get(first["next"]).json()

    assert len(first["results"]) == 3
    assert "count" not in first
    assert len(second["results"]) == 2
    assert not {r["seeker_id"] for r in first["results"]} & {r["seeker_id"] for r in second["results"]}


@pytest.mark.parametrize(
    ("query", "field"), [({"occupation": "welder"}, "occupation"), ({"region": "KZ-00"}, "region")]
)
def test_cv_search_api_refuses_bad_filters(cast, api_client, query, field):
    response = as_user(api_client, cast.employer_a).get("/api/v1/cv-search/", query)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_cv_search_api_answers_in_a_fixed_number_of_queries(cast, api_client, django_assert_max_num_queries):
    skills = list(Skill.objects.all()[:3])
    for _ in range(10):
        profile = factories.SeekerProfileFactory(has_consent=True)
        profile.skills.set(skills)
    as_user(api_client, cast.employer_a)

    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/cv-search/", {"skills": skills[0].code})

    assert len(response.json()["results"]) == 10
    assert len(response.json()["results"][0]["skills"]) == 3


@pytest.mark.parametrize(("who", "status"), [("seeker_a", 403), ("staff_x", 403), ("admin", 404)])
def test_cv_search_api_is_for_employers(cast, api_client, who, status):
    assert as_user(api_client, getattr(cast, who)).get("/api/v1/cv-search/").status_code == status


def test_opening_a_cv_from_the_search_is_logged(cast, api_client):
    response = as_user(api_client, cast.employer_a).get(f"/api/v1/cv-search/{cast.seeker_a.pk}/")

    assert response.status_code == 200
    assert response.json()["cv"]["full_name"] == cast.seeker_a.full_name
    assert profile_of(cast.seeker_a).iin not in response.content.decode()
    view = CvView.objects.get()
    assert (view.viewer, view.seeker, view.application, view.organization) == (
        cast.employer_a,
        cast.seeker_a,
        None,
        cast.employer_a.membership.organization,
    )


def test_a_hidden_cv_cannot_be_opened(cast, api_client):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(visibility=SeekerProfile.Visibility.HIDDEN)

    response = as_user(api_client, cast.employer_a).get(f"/api/v1/cv-search/{cast.seeker_a.pk}/")

    assert response.status_code == 404
    assert not CvView.objects.exists()


# --- Sending invitations ----------------------------------------------------------------------


def test_employer_invites_a_visible_seeker(cast, vacancy, invitation):
    assert invitation.status == Invitation.Status.SENT
    assert (invitation.vacancy, invitation.seeker, invitation.invited_by) == (vacancy, cast.seeker_a, cast.employer_a)
    assert invitation.message == "Come and weld"


def test_inviting_the_same_seeker_twice_is_a_conflict(cast, vacancy, invitation):
    with pytest.raises(ConflictError) as error:
        invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a)

    assert error.value.code == "already_invited"
    assert Invitation.objects.count() == 1


def test_a_seeker_who_already_applied_is_not_invited(cast, vacancy):
    application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    with pytest.raises(ConflictError) as error:
        invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a)

    assert error.value.code == "already_applied"


def test_a_hidden_seeker_cannot_be_invited(cast, vacancy):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(visibility=SeekerProfile.Visibility.HIDDEN)

    with pytest.raises(BusinessError) as error:
        invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a)

    assert error.value.status_code == 404


def test_only_members_of_the_vacancys_organization_invite(cast, vacancy):
    with pytest.raises(PermissionDenied):
        invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_b)


def test_nobody_is_invited_to_a_closed_vacancy(cast):
    closed = factories.VacancyFactory(organization=cast.employer_a.membership.organization, status="closed")

    with pytest.raises(ConflictError) as error:
        invitation_send(vacancy=closed, seeker=cast.seeker_a, by=cast.employer_a)

    assert error.value.code == "vacancy_not_open"


def test_invitation_api_creates_the_invitation(cast, vacancy, api_client):
    response = as_user(api_client, cast.employer_a).post(
        "/api/v1/invitations/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk, "message": "Hi"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "sent"
    assert response.json()["seeker_id"] == cast.seeker_a.pk
    assert response.json()["application_id"] is None


def test_invitation_api_answers_409_for_a_second_invitation(cast, vacancy, invitation, api_client):
    response = as_user(api_client, cast.employer_a).post(
        "/api/v1/invitations/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_invited"


@pytest.mark.parametrize(
    "payload",
    [{}, {"vacancy": "first", "seeker": 1}, {"vacancy": 1, "seeker": 1, "message": "x" * 2001}],
    ids=["empty", "not-a-number", "message-too-long"],
)
def test_invitation_api_refuses_bad_input_and_writes_nothing(cast, vacancy, api_client, payload):
    response = as_user(api_client, cast.employer_a).post("/api/v1/invitations/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert not Invitation.objects.exists()


def test_inviting_to_another_organizations_vacancy_answers_404(cast, vacancy, api_client):
    response = as_user(api_client, cast.employer_b).post(
        "/api/v1/invitations/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_inviting_a_hidden_seeker_answers_404(cast, vacancy, api_client):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(visibility=SeekerProfile.Visibility.HIDDEN)

    response = as_user(api_client, cast.employer_a).post(
        "/api/v1/invitations/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["seeker_b", "staff_x"])
def test_only_employers_invite(cast, vacancy, api_client, who):
    response = as_user(api_client, getattr(cast, who)).post(
        "/api/v1/invitations/", {"vacancy": vacancy.pk, "seeker": cast.seeker_a.pk}, format="json"
    )

    assert response.status_code == 403


# --- Answering --------------------------------------------------------------------------------


def test_accepting_an_invitation_applies_with_source_invitation(cast, vacancy, invitation):
    invitation = invitation_answer(invitation=invitation, by=cast.seeker_a, accept=True)

    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.answered_at is not None
    application = Application.objects.get(vacancy=vacancy, seeker=cast.seeker_a)
    assert application.source == Application.Source.INVITATION
    assert application.cv_snapshot["full_name"] == cast.seeker_a.full_name


def test_declining_an_invitation_applies_nothing(cast, invitation):
    invitation = invitation_answer(invitation=invitation, by=cast.seeker_a, accept=False)

    assert invitation.status == Invitation.Status.DECLINED
    assert not Application.objects.exists()


def test_an_invitation_is_answered_once(cast, invitation):
    invitation_answer(invitation=invitation, by=cast.seeker_a, accept=False)

    with pytest.raises(ConflictError) as error:
        invitation_answer(invitation=invitation, by=cast.seeker_a, accept=True)

    assert error.value.code == "invitation_answered"
    assert not Application.objects.exists()


@pytest.mark.parametrize("who", ["seeker_b", "employer_a"])
def test_only_the_invited_seeker_answers(cast, invitation, who):
    with pytest.raises(PermissionDenied):
        invitation_answer(invitation=invitation, by=getattr(cast, who), accept=True)


def test_accepting_without_consent_is_refused_and_the_invitation_stays_open(cast, invitation):
    SeekerProfile.objects.filter(user=cast.seeker_a).update(has_consent=False)

    with pytest.raises(BusinessError) as error:
        invitation_answer(invitation=invitation, by=cast.seeker_a, accept=True)

    assert error.value.code == "consent_required"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert not Application.objects.exists()


def test_accept_api_returns_the_application_it_created(cast, invitation, api_client):
    response = as_user(api_client, cast.seeker_a).post(f"/api/v1/invitations/{invitation.pk}/accept/")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["application_id"] == Application.objects.get().pk


def test_decline_api(cast, invitation, api_client):
    response = as_user(api_client, cast.seeker_a).post(f"/api/v1/invitations/{invitation.pk}/decline/")

    assert response.status_code == 200
    assert response.json()["status"] == "declined"


@pytest.mark.parametrize(("who", "status"), [("seeker_b", 404), ("employer_b", 404), ("employer_a", 403)])
def test_others_cannot_answer_an_invitation(cast, invitation, api_client, who, status):
    response = as_user(api_client, getattr(cast, who)).post(f"/api/v1/invitations/{invitation.pk}/accept/")

    assert response.status_code == status
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


def test_answering_twice_through_the_api_answers_409(cast, invitation, api_client):
    as_user(api_client, cast.seeker_a).post(f"/api/v1/invitations/{invitation.pk}/decline/")

    response = api_client.post(f"/api/v1/invitations/{invitation.pk}/accept/")

    assert response.status_code == 409


# --- Both sides see invitations ---------------------------------------------------------------


def test_seekers_see_invitations_they_received_and_employers_those_they_sent(cast, vacancy, invitation, api_client):
    other = factories.VacancyFactory(organization=cast.employer_b.membership.organization)
    invitation_send(vacancy=other, seeker=cast.seeker_b, by=cast.employer_b)

    def ids(user):
        return [r["id"] for r in as_user(api_client, user).get("/api/v1/me/invitations/").json()["results"]]

    assert ids(cast.seeker_a) == [invitation.pk]
    assert ids(cast.employer_a) == [invitation.pk]
    assert invitation.pk not in ids(cast.seeker_b)
    assert invitation.pk not in ids(cast.employer_b)


def test_staff_have_no_invitations_list(cast, api_client):
    assert as_user(api_client, cast.staff_x).get("/api/v1/me/invitations/").status_code == 403


def test_invitation_list_answers_in_a_fixed_number_of_queries(cast, api_client, django_assert_max_num_queries):
    organization = cast.employer_a.membership.organization
    for _ in range(6):
        vacancy = factories.VacancyFactory(organization=organization)
        invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a)
    as_user(api_client, cast.seeker_a)

    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/me/invitations/")

    assert response.json()["count"] == 6


# --- Pages ------------------------------------------------------------------------------------


def test_cv_search_page_shows_masked_iins_and_logs_nothing(cast, client):
    client.force_login(cast.employer_a)

    response = client.get(reverse("vacancies:cv-search"), {"region": "KZ-71"})

    html = response.content.decode()
    iin = profile_of(cast.seeker_a).iin
    assert response.status_code == 200
    assert "******" + iin[-6:] in html
    assert iin not in html
    assert not CvView.objects.exists()


def test_cv_search_page_refuses_a_bad_occupation_code(cast, client):
    client.force_login(cast.employer_a)

    response = client.get(reverse("vacancies:cv-search"), {"occupation": "welder"})

    assert response.status_code == 400
    assert response.context["form"].errors["occupation"]


@pytest.mark.parametrize(("who", "status"), [("seeker_a", 403), ("staff_x", 403)])
def test_cv_search_page_is_for_employers(cast, client, who, status):
    client.force_login(getattr(cast, who))

    assert client.get(reverse("vacancies:cv-search")).status_code == status


def test_opening_a_cv_page_logs_the_view(cast, vacancy, client):
    client.force_login(cast.employer_a)

    response = client.get(reverse("vacancies:cv-detail", args=[cast.seeker_a.pk]))

    assert response.status_code == 200
    assert CvView.objects.filter(seeker=cast.seeker_a, viewer=cast.employer_a).count() == 1
    assert list(response.context["form"].fields["vacancy"].queryset) == [vacancy]


def test_employer_invites_from_the_cv_page(cast, vacancy, client):
    client.force_login(cast.employer_a)

    response = client.post(
        reverse("vacancies:cv-detail", args=[cast.seeker_a.pk]), {"vacancy": vacancy.pk, "message": "Welcome"}
    )

    assert response.status_code == 302
    assert Invitation.objects.get().message == "Welcome"


def test_inviting_to_another_organizations_vacancy_on_the_page_is_bad_input(cast, vacancy, client):
    client.force_login(cast.employer_b)

    response = client.post(reverse("vacancies:cv-detail", args=[cast.seeker_a.pk]), {"vacancy": vacancy.pk})

    assert response.status_code == 400
    assert response.context["form"].errors["vacancy"]
    assert not Invitation.objects.exists()


def test_seeker_accepts_on_the_invitations_page(cast, invitation, client):
    client.force_login(cast.seeker_a)
    page = client.get(reverse("vacancies:invitations"))

    response = client.post(reverse("vacancies:invitation-answer", args=[invitation.pk]), {"answer": "accept"})

    assert "Come and weld" in page.content.decode()
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("vacancies:application-detail", args=[application.pk])


def test_seeker_declines_on_the_invitations_page(cast, invitation, client):
    client.force_login(cast.seeker_a)

    client.post(reverse("vacancies:invitation-answer", args=[invitation.pk]), {"answer": "decline"})

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED


def test_another_seeker_cannot_answer_on_the_page(cast, invitation, client):
    client.force_login(cast.seeker_b)

    response = client.post(reverse("vacancies:invitation-answer", args=[invitation.pk]), {"answer": "accept"})

    assert response.status_code == 404
