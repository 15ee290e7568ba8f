"""Employment-centre staff: administrators assign people to centres; staff act in their region."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership, Organization, SeekerProfile, StaffAssignment, User
from accounts.selectors.access import acting_region_ids
from accounts.services.organizations import organization_verify
from accounts.services.staff import staff_assign, staff_unassign
from exchange.errors import BusinessError, ConflictError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre_x(cast):
    return cast.staff_x.staff_assignment.centre


@pytest.fixture
def centre_y(cast):
    return cast.staff_y.staff_assignment.centre


@pytest.fixture
def newcomer(catalog) -> User:
    """A seeker account (as everyone signs up) about to join a centre."""
    return factories.SeekerProfileFactory(user=factories.SeekerFactory(email="newcomer@example.kz")).user


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


# --- Services ---------------------------------------------------------------------------------


def test_an_administrator_makes_a_user_staff_of_a_centre(cast, newcomer, centre_x):
    assignment = staff_assign(user=newcomer, centre=centre_x, by=cast.admin)

    newcomer.refresh_from_db()
    assert newcomer.role == User.Role.CENTRE_STAFF
    assert assignment.centre == centre_x
    assert acting_region_ids(newcomer) == {cast.region_x.pk}


def test_assigning_again_moves_the_person_to_the_other_centre(cast, centre_y):
    staff_assign(user=cast.staff_x, centre=centre_y, by=cast.admin)

    assert StaffAssignment.objects.filter(user=cast.staff_x).count() == 1
    user = User.objects.get(pk=cast.staff_x.pk)
    assert acting_region_ids(user) == {cast.region_y.pk}


def test_a_newly_assigned_member_of_staff_verifies_employers_of_their_region(cast, newcomer, centre_y):
    pending = factories.OrganizationFactory(region=cast.region_y, status=Organization.Status.PENDING)
    staff_assign(user=newcomer, centre=centre_y, by=cast.admin)

    assert organization_verify(organization=pending, by=User.objects.get(pk=newcomer.pk)).is_verified


@pytest.mark.parametrize("who", ["staff_x", "employer_a", "seeker_a"])
def test_only_administrators_assign_staff(cast, newcomer, centre_x, who):
    with pytest.raises(PermissionDenied):
        staff_assign(user=newcomer, centre=centre_x, by=getattr(cast, who))

    newcomer.refresh_from_db()
    assert newcomer.role == User.Role.SEEKER


def test_administrators_are_not_assigned_to_a_centre(cast, centre_x):
    with pytest.raises(BusinessError) as error:
        staff_assign(user=cast.admin, centre=centre_x, by=cast.admin)

    assert error.value.code == "is_administrator"


def test_a_member_of_an_employer_must_leave_it_before_joining_a_centre(cast, centre_x):
    with pytest.raises(ConflictError) as error:
        staff_assign(user=cast.employer_a, centre=centre_x, by=cast.admin)

    assert error.value.code == "already_member"
    assert User.objects.get(pk=cast.employer_a.pk).role == User.Role.EMPLOYER


def test_unassigning_ends_the_staff_role(cast):
    staff_unassign(assignment=cast.staff_x.staff_assignment, by=cast.admin)

    user = User.objects.get(pk=cast.staff_x.pk)
    assert user.role == User.Role.SEEKER
    assert not StaffAssignment.objects.filter(user=user).exists()
    assert acting_region_ids(user) == set()
    assert SeekerProfile.objects.get(user=user).visibility == SeekerProfile.Visibility.HIDDEN


def test_staff_cannot_unassign_colleagues(cast):
    with pytest.raises(PermissionDenied):
        staff_unassign(assignment=cast.staff_y.staff_assignment, by=cast.staff_x)


# --- The staff page ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/staff/people/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_seekers_and_employers_cannot_open_the_staff_page(client, cast, who):
    client.force_login(getattr(cast, who))

    assert client.get("/staff/people/").status_code == 403


def test_staff_see_the_colleagues_of_their_region_only(client, cast):
    client.force_login(cast.staff_x)

    response = client.get("/staff/people/")

    content = response.content.decode()
    assert response.status_code == 200
    assert cast.staff_x.email in content
    assert cast.staff_y.email not in content
    assert response.context["form"] is None


def test_staff_cannot_assign_from_the_page(client, cast, newcomer, centre_x):
    client.force_login(cast.staff_x)

    response = client.post("/staff/people/", {"user_email": newcomer.email, "centre": centre_x.pk})

    assert response.status_code == 403
    assert User.objects.get(pk=newcomer.pk).role == User.Role.SEEKER


def test_an_administrator_assigns_from_the_page(client, cast, newcomer, centre_y):
    client.force_login(cast.admin)
    page = client.get("/staff/people/").content.decode()
    assert cast.staff_x.email in page and cast.staff_y.email in page

    response = client.post("/staff/people/", {"user_email": "NEWCOMER@example.kz", "centre": centre_y.pk})

    assert response.status_code == 302
    assert StaffAssignment.objects.get(user=newcomer).centre == centre_y


def test_the_page_says_when_no_account_uses_the_address(client, cast, centre_x):
    client.force_login(cast.admin)

    response = client.post("/staff/people/", {"user_email": "nobody@example.kz", "centre": centre_x.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["user_email"] == [
        "No account uses this e-mail address. Ask the person to sign up first."
    ]


def test_the_page_shows_why_an_employer_member_cannot_be_assigned(client, cast, centre_x):
    client.force_login(cast.admin)

    response = client.post("/staff/people/", {"user_email": cast.employer_a.email, "centre": centre_x.pk})

    assert "Remove them from it first" in response.context["form"].errors["user_email"][0]
    assert Membership.objects.filter(user=cast.employer_a).exists()


def test_an_administrator_removes_a_member_of_staff_from_the_page(client, cast):
    client.force_login(cast.admin)

    response = client.post(f"/staff/people/{cast.staff_y.staff_assignment.pk}/unassign/")

    assert response.status_code == 302
    assert not StaffAssignment.objects.filter(user=cast.staff_y).exists()


def test_staff_cannot_remove_colleagues_from_the_page(client, cast):
    client.force_login(cast.staff_x)

    assert client.post(f"/staff/people/{cast.staff_x.staff_assignment.pk}/unassign/").status_code == 403
    assert StaffAssignment.objects.filter(user=cast.staff_x).exists()


def test_the_staff_page_runs_a_fixed_number_of_queries(client, cast, centre_x, django_assert_max_num_queries):
    for _n in range(5):
        factories.StaffAssignmentFactory(centre=centre_x)
    client.force_login(cast.admin)

    with django_assert_max_num_queries(8):
        assert client.get("/staff/people/").status_code == 200


# --- The API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/staff/centres/"),
        ("get", "/api/v1/staff/assignments/"),
        ("post", "/api/v1/staff/assignments/"),
        ("delete", "/api/v1/staff/assignments/1/"),
    ],
)
def test_the_staff_api_refuses_anonymous_callers(api_client, method, url):
    assert getattr(api_client, method)(url, {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_seekers_and_employers_cannot_use_the_staff_api(api_client, cast, who):
    as_user(api_client, getattr(cast, who))

    assert api_client.get("/api/v1/staff/centres/").status_code == 403
    assert api_client.get("/api/v1/staff/assignments/").status_code == 403


def test_administrators_list_every_centre_with_its_staff_count(api_client, cast, django_assert_max_num_queries):
    factories.EmploymentCentreFactory(region=cast.region_x, name="Second centre of KZ-71")
    as_user(api_client, cast.admin)

    with django_assert_max_num_queries(2):
        response = api_client.get("/api/v1/staff/centres/")

    centres = {c["name"]: c for c in response.json()["results"]}
    assert set(centres) == {"Centre of KZ-71", "Second centre of KZ-71", "Centre of KZ-75"}
    assert centres["Centre of KZ-71"]["staff_count"] == 1
    assert centres["Second centre of KZ-71"]["staff_count"] == 0
    assert centres["Centre of KZ-71"]["region"] == "KZ-71"


def test_staff_list_the_centres_and_colleagues_of_their_region(api_client, cast, django_assert_max_num_queries):
    as_user(api_client, cast.staff_x)

    centres = api_client.get("/api/v1/staff/centres/").json()["results"]
    with django_assert_max_num_queries(4):
        assignments = api_client.get("/api/v1/staff/assignments/").json()["results"]

    assert [c["name"] for c in centres] == ["Centre of KZ-71"]
    assert [a["user_email"] for a in assignments] == [cast.staff_x.email]


def test_the_assignment_list_runs_a_fixed_number_of_queries(api_client, cast, centre_y, django_assert_max_num_queries):
    for _n in range(6):
        factories.StaffAssignmentFactory(centre=centre_y)
    as_user(api_client, cast.admin)

    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/staff/assignments/")

    assert response.json()["count"] == 8


def test_an_administrator_assigns_through_the_api(api_client, cast, newcomer, centre_x):
    response = as_user(api_client, cast.admin).post(
        "/api/v1/staff/assignments/", {"user_email": newcomer.email, "centre_id": centre_x.pk}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["user_email"] == newcomer.email
    assert response.json()["centre_id"] == centre_x.pk
    assert User.objects.get(pk=newcomer.pk).role == User.Role.CENTRE_STAFF


def test_assigning_an_unknown_address_or_centre_answers_400(api_client, cast, centre_x):
    as_user(api_client, cast.admin)

    unknown_user = api_client.post(
        "/api/v1/staff/assignments/", {"user_email": "nobody@example.kz", "centre_id": centre_x.pk}, format="json"
    )
    unknown_centre = api_client.post(
        "/api/v1/staff/assignments/", {"user_email": cast.seeker_a.email, "centre_id": 999999}, format="json"
    )

    assert unknown_user.status_code == 400
    assert "user_email" in unknown_user.json()["error"]["fields"]
    assert unknown_centre.status_code == 400
    assert "centre_id" in unknown_centre.json()["error"]["fields"]
    assert User.objects.get(pk=cast.seeker_a.pk).role == User.Role.SEEKER


def test_assigning_an_employer_member_answers_409(api_client, cast, centre_x):
    response = as_user(api_client, cast.admin).post(
        "/api/v1/staff/assignments/", {"user_email": cast.employer_b.email, "centre_id": centre_x.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"


def test_staff_cannot_assign_or_unassign_through_the_api(api_client, cast, newcomer, centre_x):
    as_user(api_client, cast.staff_x)

    assign = api_client.post(
        "/api/v1/staff/assignments/", {"user_email": newcomer.email, "centre_id": centre_x.pk}, format="json"
    )
    unassign = api_client.delete(f"/api/v1/staff/assignments/{cast.staff_y.staff_assignment.pk}/")

    assert (assign.status_code, unassign.status_code) == (403, 403)
    assert StaffAssignment.objects.filter(user=cast.staff_y).exists()


def test_an_administrator_unassigns_through_the_api(api_client, cast):
    response = as_user(api_client, cast.admin).delete(f"/api/v1/staff/assignments/{cast.staff_y.staff_assignment.pk}/")

    assert response.status_code == 204
    assert User.objects.get(pk=cast.staff_y.pk).role == User.Role.SEEKER


def test_unassigning_an_unknown_assignment_answers_404(api_client, cast):
    assert as_user(api_client, cast.admin).delete("/api/v1/staff/assignments/999999/").status_code == 404
