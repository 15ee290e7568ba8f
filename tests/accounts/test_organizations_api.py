"""Employer API: the caller's organization, members, invitations, public employers and verification."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import MemberInvitation, Membership, Organization, User
from tests import factories

pytestmark = pytest.mark.django_db


# --- Local fixtures ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def org_of(user: User) -> Organization:
    return Membership.objects.get(user=user).organization


def organization_data(**overrides) -> dict:
    data = {
        "bin": factories.valid_bin(700001),
        "legal_name": "Altyn Bakery LLP",
        "region": "KZ-75",
        "industry": "C",
        "size": "micro",
    }
    data.update(overrides)
    return data


@pytest.fixture
def new_employer(catalog) -> User:
    return factories.EmployerFactory(email="new-employer@example.kz")


@pytest.fixture
def recruiter_a(cast) -> User:
    return factories.MembershipFactory(
        organization=org_of(cast.employer_a),
        user=factories.EmployerFactory(email="recruiter-a@example.kz"),
        role=Membership.Role.RECRUITER,
    ).user


@pytest.fixture
def pending_x(cast) -> Organization:
    return factories.MembershipFactory(
        organization=factories.OrganizationFactory(region=cast.region_x, status=Organization.Status.PENDING),
        user=factories.EmployerFactory(email="pending-x@example.kz"),
    ).organization


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def open_invitation(cast, email="colleague@example.kz") -> MemberInvitation:
    from accounts.services.organizations import member_invite

    return member_invite(organization=org_of(cast.employer_a), email=email, role="recruiter", by=cast.employer_a)


# --- Creating and reading the own organization ------------------------------------------------


def test_an_employer_registers_an_organization(api_client, new_employer):
    response = as_user(api_client, new_employer).post("/api/v1/organization/", organization_data(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["legal_name"] == "Altyn Bakery LLP"
    assert (body["region"], body["industry"], body["status"]) == ("KZ-75", "C", "pending")
    assert body["can_publish"] is False
    assert body["your_membership"]["role"] == "owner"


def test_an_employer_registers_an_organization_with_a_logo(api_client, new_employer):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "WEBP")
    logo = SimpleUploadedFile("logo.webp", buffer.getvalue(), content_type="image/webp")

    response = as_user(api_client, new_employer).post(
        "/api/v1/organization/", {**organization_data(), "logo": logo}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["logo"].startswith("http://testserver/media/logos/")
    assert response.json()["logo"].endswith(".webp")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"bin": "123"}, "bin", "A BIN must consist of exactly 12 digits."),
        ({"bin": "123456789012"}, "bin", "Digits 3-4 of a BIN must be the registration month (01-12)."),
        ({"region": "KZ-99"}, "region", "There is no region with this code."),
        ({"industry": "Q9"}, "industry", "There is no industry with this code (OKED sections A-U)."),
    ],
)
def test_invalid_bin_and_unknown_codes_answer_400_with_a_field_message_and_write_nothing(
    api_client, new_employer, overrides, field, message
):
    count = Organization.objects.count()

    response = as_user(api_client, new_employer).post(
        "/api/v1/organization/", organization_data(**overrides), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"][field] == [message]
    assert Organization.objects.count() == count
    assert not Membership.objects.filter(user=new_employer).exists()


def test_a_duplicate_bin_answers_400_on_the_bin_field(api_client, cast, new_employer):
    response = as_user(api_client, new_employer).post(
        "/api/v1/organization/", organization_data(bin=org_of(cast.employer_a).bin), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "bin": ["An organization with this BIN is already registered on the exchange."]
    }


def test_missing_fields_answer_400(api_client, new_employer):
    response = as_user(api_client, new_employer).post("/api/v1/organization/", {}, format="json")

    assert response.status_code == 400
    assert {"bin", "legal_name", "region", "industry", "size"} <= set(response.json()["error"]["fields"])


def test_an_employer_with_an_organization_cannot_register_another(api_client, cast):
    response = as_user(api_client, cast.employer_a).post("/api/v1/organization/", organization_data(), format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"


@pytest.mark.parametrize("who", ["seeker_a", "staff_x", "admin"])
def test_only_employer_accounts_register_organizations(api_client, cast, who):
    response = as_user(api_client, getattr(cast, who)).post("/api/v1/organization/", organization_data(), format="json")

    assert response.status_code == 403


def test_members_read_their_own_organization(api_client, cast, recruiter_a):
    body = as_user(api_client, recruiter_a).get("/api/v1/organization/").json()

    assert body["id"] == org_of(cast.employer_a).pk
    assert body["bin"] == org_of(cast.employer_a).bin
    assert body["your_membership"]["role"] == "recruiter"


def test_an_employer_without_an_organization_gets_404(api_client, new_employer):
    assert as_user(api_client, new_employer).get("/api/v1/organization/").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/organization/"),
        ("post", "/api/v1/organization/"),
        ("patch", "/api/v1/organization/"),
        ("get", "/api/v1/organization/members/"),
        ("delete", "/api/v1/organization/members/1/"),
        ("get", "/api/v1/organization/invitations/"),
        ("post", "/api/v1/organization/invitations/"),
        ("delete", "/api/v1/organization/invitations/1/"),
        ("post", "/api/v1/organization/invitations/accept/"),
        ("get", "/api/v1/staff/organizations/"),
        ("get", "/api/v1/staff/organizations/1/"),
        ("post", "/api/v1/staff/organizations/1/verify/"),
        ("post", "/api/v1/staff/organizations/1/reject/"),
    ],
)
def test_private_endpoints_refuse_anonymous_callers(api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json")

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_owner_patches_the_organization(api_client, cast):
    response = as_user(api_client, cast.employer_a).patch(
        "/api/v1/organization/", {"description": "Bridges.", "website": "https://a.example.kz"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["description"] == "Bridges."
    assert response.json()["status"] == "verified"


def test_a_new_legal_name_sends_the_organization_back_to_verification(api_client, cast):
    response = as_user(api_client, cast.employer_a).patch(
        "/api/v1/organization/", {"legal_name": "Other LLP"}, format="json"
    )

    assert response.json()["status"] == "pending"
    assert response.json()["can_publish"] is False


def test_an_invalid_patch_answers_400_and_writes_nothing(api_client, cast):
    response = as_user(api_client, cast.employer_a).patch(
        "/api/v1/organization/", {"legal_name": "Other LLP", "industry": "ZZ"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["industry"]
    assert org_of(cast.employer_a).legal_name == "employer-a LLP"


def test_recruiters_cannot_patch_the_organization(api_client, recruiter_a):
    response = as_user(api_client, recruiter_a).patch("/api/v1/organization/", {"description": "x"}, format="json")

    assert response.status_code == 403


# --- Members ----------------------------------------------------------------------------------


def test_members_list_their_colleagues_in_a_fixed_number_of_queries(
    api_client, cast, recruiter_a, django_assert_max_num_queries
):
    for _n in range(5):
        factories.MembershipFactory(organization=org_of(cast.employer_a), role=Membership.Role.RECRUITER)
    as_user(api_client, recruiter_a)

    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/organization/members/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert body["results"][0]["email"] == cast.employer_a.email
    assert body["results"][0]["role"] == "owner"
    assert cast.employer_b.email not in {m["email"] for m in body["results"]}


def test_employer_b_cannot_see_or_remove_employer_a_members(api_client, cast, recruiter_a):
    as_user(api_client, cast.employer_b)

    emails = {m["email"] for m in api_client.get("/api/v1/organization/members/").json()["results"]}
    response = api_client.delete(f"/api/v1/organization/members/{recruiter_a.membership.pk}/")

    assert emails == {cast.employer_b.email}
    assert response.status_code == 404
    assert Membership.objects.filter(user=recruiter_a).exists()


def test_the_owner_removes_a_member(api_client, cast, recruiter_a):
    response = as_user(api_client, cast.employer_a).delete(f"/api/v1/organization/members/{recruiter_a.membership.pk}/")

    assert response.status_code == 204
    assert not Membership.objects.filter(user=recruiter_a).exists()


def test_removing_the_last_owner_answers_last_owner(api_client, cast):
    response = as_user(api_client, cast.employer_a).delete(
        f"/api/v1/organization/members/{cast.employer_a.membership.pk}/"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "last_owner"


def test_recruiters_cannot_remove_members(api_client, cast, recruiter_a):
    response = as_user(api_client, recruiter_a).delete(f"/api/v1/organization/members/{cast.employer_a.membership.pk}/")

    assert response.status_code == 403


# --- Invitations ------------------------------------------------------------------------------


def test_the_owner_invites_a_colleague(api_client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(api_client, cast.employer_a).post(
            "/api/v1/organization/invitations/", {"email": "colleague@example.kz"}, format="json"
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["is_expired"]) == ("colleague@example.kz", "recruiter", False)
    assert "token" not in body
    assert len(mail.outbox) == 1
    token = MemberInvitation.objects.get().token
    assert f"http://testserver/organization/invitations/{token}/" in mail.outbox[0].body


def test_inviting_the_same_address_twice_answers_409_already_invited(api_client, cast):
    open_invitation(cast)

    response = as_user(api_client, cast.employer_a).post(
        "/api/v1/organization/invitations/", {"email": "colleague@example.kz"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_invited"


def test_inviting_a_member_of_another_organization_answers_409_already_member(api_client, cast):
    response = as_user(api_client, cast.employer_a).post(
        "/api/v1/organization/invitations/", {"email": cast.employer_b.email}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"


def test_recruiters_cannot_invite_or_list_invitations(api_client, recruiter_a):
    as_user(api_client, recruiter_a)

    assert (
        api_client.post("/api/v1/organization/invitations/", {"email": "x@example.kz"}, format="json").status_code
        == 403
    )
    assert api_client.get("/api/v1/organization/invitations/").status_code == 403
    assert not MemberInvitation.objects.exists()


def test_the_owner_lists_open_invitations_in_a_fixed_number_of_queries(api_client, cast, django_assert_max_num_queries):
    for n in range(4):
        open_invitation(cast, email=f"invitee{n}@example.kz")
    as_user(api_client, cast.employer_a)

    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/organization/invitations/")

    assert response.json()["count"] == 4
    assert all("token" not in invitation for invitation in response.json()["results"])


def test_the_owner_withdraws_an_invitation_and_employer_b_cannot(api_client, cast):
    invitation = open_invitation(cast)

    assert (
        as_user(api_client, cast.employer_b).delete(f"/api/v1/organization/invitations/{invitation.pk}/").status_code
        == 404
    )
    assert (
        as_user(api_client, cast.employer_a).delete(f"/api/v1/organization/invitations/{invitation.pk}/").status_code
        == 204
    )
    assert not MemberInvitation.objects.exists()


def test_the_invited_employer_accepts_through_the_api(api_client, cast):
    invitation = open_invitation(cast)
    colleague = factories.EmployerFactory(email="colleague@example.kz")

    response = as_user(api_client, colleague).post(
        "/api/v1/organization/invitations/accept/", {"token": invitation.token}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["id"] == org_of(cast.employer_a).pk
    assert response.json()["your_membership"]["role"] == "recruiter"


def test_accepting_with_another_email_answers_403_wrong_email(api_client, cast, new_employer):
    invitation = open_invitation(cast)

    response = as_user(api_client, new_employer).post(
        "/api/v1/organization/invitations/accept/", {"token": invitation.token}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_email"
    assert not Membership.objects.filter(user=new_employer).exists()


def test_accepting_an_expired_invitation_answers_invitation_expired(api_client, cast):
    invitation = open_invitation(cast)
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = as_user(api_client, factories.EmployerFactory(email="colleague@example.kz")).post(
        "/api/v1/organization/invitations/accept/", {"token": invitation.token}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invitation_expired"


def test_accepting_a_used_invitation_answers_409_invitation_used(api_client, cast):
    invitation = open_invitation(cast)
    colleague = factories.EmployerFactory(email="colleague@example.kz")
    as_user(api_client, colleague)
    api_client.post("/api/v1/organization/invitations/accept/", {"token": invitation.token}, format="json")

    response = api_client.post("/api/v1/organization/invitations/accept/", {"token": invitation.token}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invitation_used"
    assert Membership.objects.filter(user=colleague).count() == 1


def test_an_unknown_token_answers_404(api_client, new_employer):
    response = as_user(api_client, new_employer).post(
        "/api/v1/organization/invitations/accept/", {"token": "guess"}, format="json"
    )

    assert response.status_code == 404


# --- Public employers -------------------------------------------------------------------------


def test_anyone_lists_verified_employers_without_the_bin(api_client, cast, pending_x, django_assert_max_num_queries):
    for _n in range(5):
        factories.OrganizationFactory(region=cast.region_x)

    with django_assert_max_num_queries(2):
        response = api_client.get("/api/v1/employers/")

    assert response.status_code == 200
    names = {employer["name"] for employer in response.json()["results"]}
    assert {"employer-a LLP", "employer-b LLP"} <= names
    assert pending_x.legal_name not in names
    assert all("bin" not in employer for employer in response.json()["results"])


def test_the_employer_list_filters_by_region(api_client, cast):
    response = api_client.get("/api/v1/employers/", {"region": "KZ-75"})

    assert [employer["name"] for employer in response.json()["results"]] == ["employer-b LLP"]


def test_an_unknown_region_filter_answers_400(api_client, cast):
    response = api_client.get("/api/v1/employers/", {"region": "KZ-99"})

    assert response.status_code == 400
    assert "region" in response.json()["error"]["fields"]


def test_anyone_reads_a_verified_employer(api_client, cast):
    organization = org_of(cast.employer_a)

    response = api_client.get(f"/api/v1/employers/{organization.pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == "employer-a LLP"
    assert response.json()["region"] == "KZ-71"
    assert "bin" not in response.json()


@pytest.mark.parametrize("who", [None, "seeker_a", "employer_b", "staff_y"])
def test_an_unverified_employer_is_not_found_for_outsiders(api_client, cast, pending_x, who):
    if who:
        as_user(api_client, getattr(cast, who))

    assert api_client.get(f"/api/v1/employers/{pending_x.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["staff_x", "admin"])
def test_an_unverified_employer_is_readable_by_staff_of_its_region_and_admins(api_client, cast, pending_x, who):
    assert as_user(api_client, getattr(cast, who)).get(f"/api/v1/employers/{pending_x.pk}/").status_code == 200


# --- Verification by staff --------------------------------------------------------------------


def test_staff_list_the_pending_organizations_of_their_region(
    api_client, cast, pending_x, django_assert_max_num_queries
):
    factories.OrganizationFactory(region=cast.region_y, status=Organization.Status.PENDING)
    later = factories.OrganizationFactory(region=cast.region_x, status=Organization.Status.PENDING)
    as_user(api_client, cast.staff_x)

    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/staff/organizations/", {"status": "pending"})

    assert [o["id"] for o in response.json()["results"]] == [pending_x.pk, later.pk]


def test_administrators_list_every_region(api_client, cast, pending_x):
    factories.OrganizationFactory(region=cast.region_y, status=Organization.Status.PENDING)

    response = as_user(api_client, cast.admin).get("/api/v1/staff/organizations/")

    assert response.json()["count"] == 2


def test_an_unknown_status_filter_answers_400(api_client, cast):
    response = as_user(api_client, cast.staff_x).get("/api/v1/staff/organizations/", {"status": "maybe"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_seekers_and_employers_cannot_use_the_verification_api(api_client, cast, pending_x, who):
    as_user(api_client, getattr(cast, who))

    assert api_client.get("/api/v1/staff/organizations/").status_code == 403
    assert api_client.post(f"/api/v1/staff/organizations/{pending_x.pk}/verify/").status_code == 403


def test_staff_read_an_organization_under_review_with_its_owners(api_client, cast, pending_x):
    response = as_user(api_client, cast.staff_x).get(f"/api/v1/staff/organizations/{pending_x.pk}/")

    assert response.status_code == 200
    assert response.json()["bin"] == pending_x.bin
    assert [owner["email"] for owner in response.json()["owners"]] == ["pending-x@example.kz"]


def test_staff_of_region_x_verify_an_organization_in_x(api_client, cast, pending_x):
    response = as_user(api_client, cast.staff_x).post(f"/api/v1/staff/organizations/{pending_x.pk}/verify/")

    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert response.json()["can_publish"] is True


def test_staff_of_region_y_get_404_for_an_organization_in_x(api_client, cast, pending_x):
    as_user(api_client, cast.staff_y)

    assert api_client.get(f"/api/v1/staff/organizations/{pending_x.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/staff/organizations/{pending_x.pk}/verify/").status_code == 404
    assert api_client.post(f"/api/v1/staff/organizations/{pending_x.pk}/reject/", {"reason": "x"}).status_code == 404
    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.PENDING


def test_administrators_verify_in_any_region(api_client, cast, pending_x):
    response = as_user(api_client, cast.admin).post(f"/api/v1/staff/organizations/{pending_x.pk}/verify/")

    assert response.json()["status"] == "verified"


def test_verifying_twice_answers_409(api_client, cast):
    response = as_user(api_client, cast.staff_x).post(
        f"/api/v1/staff/organizations/{org_of(cast.employer_a).pk}/verify/"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_verified"


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}])
def test_rejecting_without_a_reason_answers_400_on_the_reason_field(api_client, cast, pending_x, data):
    response = as_user(api_client, cast.staff_x).post(
        f"/api/v1/staff/organizations/{pending_x.pk}/reject/", data, format="json"
    )

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.PENDING


def test_staff_reject_with_a_reason(api_client, cast, pending_x):
    response = as_user(api_client, cast.staff_x).post(
        f"/api/v1/staff/organizations/{pending_x.pk}/reject/", {"reason": "No such company."}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == ("rejected", "No such company.")
