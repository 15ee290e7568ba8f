"""Employers: organization setup, verification by staff, members and invitations (services and pages)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import formats, timezone, translation
from PIL import Image

from accounts.models import MemberInvitation, Membership, Organization, User
from accounts.selectors.organizations import (
    organization_can_publish,
    organization_get_for_verification,
    organization_get_for_viewing,
    organizations_for_verification,
)
from accounts.services.organizations import (
    invitation_accept,
    member_invite,
    member_remove,
    organization_create,
    organization_reject,
    organization_update,
    organization_verify,
)
from exchange.errors import BusinessError, ConflictError
from tests import factories

pytestmark = pytest.mark.django_db


# --- Local fixtures ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_file(name="logo.png", image_format="PNG", size=(16, 16)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def org_of(user: User) -> Organization:
    return Membership.objects.get(user=user).organization


def organization_data(**overrides) -> dict:
    data = {
        "bin": factories.valid_bin(500001),
        "legal_name": "Steppe Logistics LLP",
        "region": "KZ-71",
        "industry": "H",
        "size": Organization.Size.SMALL,
        "website": "https://steppe.example.kz",
        "description": "Trucks across the steppe.",
    }
    data.update(overrides)
    return data


def bad_checksum(bin_: str) -> str:
    return bin_[:11] + str((int(bin_[11]) + 1) % 10)


@pytest.fixture
def new_employer(catalog) -> User:
    """An employer account that has not set up an organization yet."""
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
    """An organization in region X waiting for verification, with its owner."""
    membership = factories.MembershipFactory(
        organization=factories.OrganizationFactory(
            region=cast.region_x, status=Organization.Status.PENDING, legal_name="Pending X LLP"
        ),
        user=factories.EmployerFactory(email="pending-x@example.kz"),
    )
    return membership.organization


@pytest.fixture
def pending_y(cast) -> Organization:
    membership = factories.MembershipFactory(
        organization=factories.OrganizationFactory(
            region=cast.region_y, status=Organization.Status.PENDING, legal_name="Pending Y LLP"
        ),
        user=factories.EmployerFactory(email="pending-y@example.kz"),
    )
    return membership.organization


def invite(cast, email="colleague@example.kz", role=Membership.Role.RECRUITER, **kwargs) -> MemberInvitation:
    return member_invite(organization=org_of(cast.employer_a), email=email, role=role, by=cast.employer_a, **kwargs)


# --- Setting up an organization ---------------------------------------------------------------


def test_employer_without_organization_creates_one_and_becomes_its_owner(new_employer):
    organization = organization_create(user=new_employer, **organization_data())

    assert organization.status == Organization.Status.PENDING
    assert organization.region.code == "KZ-71" and organization.industry.code == "H"
    assert Membership.objects.get(user=new_employer).role == Membership.Role.OWNER
    assert Membership.objects.get(user=new_employer).organization == organization


def test_an_unverified_organization_cannot_publish_vacancies(new_employer):
    organization = organization_create(user=new_employer, **organization_data())

    assert organization_can_publish(organization) is False
    organization.status = Organization.Status.VERIFIED
    assert organization_can_publish(organization) is True


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bin": "12345"}, "bin"),
        ({"bin": "123456789012"}, "bin"),  # month 34
        ({"bin": bad_checksum(factories.valid_bin(500001))}, "bin"),
        ({"region": "KZ-99"}, "region"),
        ({"industry": "Z"}, "industry"),
        ({"legal_name": "  "}, "legal_name"),
        ({"size": "huge"}, "size"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_invalid_values_are_field_errors_and_nothing_is_written(new_employer, overrides, field):
    before = Organization.objects.count()

    with pytest.raises(BusinessError) as error:
        organization_create(user=new_employer, **organization_data(**overrides))

    assert error.value.code == "invalid"
    assert field in error.value.fields and error.value.fields[field][0]
    assert Organization.objects.count() == before
    assert not Membership.objects.filter(user=new_employer).exists()


def test_every_invalid_field_is_reported_at_once(new_employer):
    with pytest.raises(BusinessError) as error:
        organization_create(user=new_employer, **organization_data(bin="1", region="XX", industry="??"))

    assert set(error.value.fields) == {"bin", "region", "industry"}


def test_a_bin_already_registered_is_a_field_error(cast, new_employer):
    taken = org_of(cast.employer_a).bin

    with pytest.raises(BusinessError) as error:
        organization_create(user=new_employer, **organization_data(bin=taken))

    assert error.value.fields["bin"] == ["An organization with this BIN is already registered on the exchange."]
    assert not Membership.objects.filter(user=new_employer).exists()


def test_an_employer_with_an_organization_cannot_create_another(cast):
    with pytest.raises(ConflictError) as error:
        organization_create(user=cast.employer_a, **organization_data())

    assert error.value.code == "already_member"


@pytest.mark.parametrize("who", ["seeker_a", "staff_x", "admin"])
def test_only_employer_accounts_create_organizations(cast, who):
    with pytest.raises(PermissionDenied):
        organization_create(user=getattr(cast, who), **organization_data())


def test_a_png_logo_is_stored_under_a_random_name_with_its_real_extension(new_employer):
    organization = organization_create(user=new_employer, **organization_data(logo=image_file("../../evil.html")))

    assert organization.logo.name.startswith("logos/")
    assert organization.logo.name.endswith(".png")
    assert "evil" not in organization.logo.name


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP"])
def test_jpeg_and_webp_logos_are_accepted(new_employer, image_format):
    organization = organization_create(
        user=new_employer, **organization_data(logo=image_file(image_format=image_format))
    )

    assert organization.logo


@pytest.mark.parametrize(
    "logo",
    [
        SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png"),
        SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
    ],
    ids=["not-an-image", "gif"],
)
def test_a_logo_that_is_not_png_jpeg_or_webp_is_refused(new_employer, logo):
    with pytest.raises(BusinessError) as error:
        organization_create(user=new_employer, **organization_data(logo=logo))

    assert error.value.fields["logo"] == ["Upload the logo as a PNG, JPEG or WebP image."]


def test_a_logo_over_2_mb_is_refused(new_employer):
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), content_type="image/png")

    with pytest.raises(BusinessError) as error:
        organization_create(user=new_employer, **organization_data(logo=big))

    assert error.value.fields["logo"] == ["The logo must not be larger than 2 MB."]


# --- Editing ----------------------------------------------------------------------------------


def test_changing_the_bin_of_a_verified_organization_sends_it_back_to_verification(cast):
    organization = org_of(cast.employer_a)

    organization = organization_update(
        organization=organization, by=cast.employer_a, data={"bin": factories.valid_bin(600001)}
    )

    assert organization.status == Organization.Status.PENDING
    assert organization.verified_at is None and organization.verified_by is None


def test_changing_the_legal_name_of_a_verified_organization_sends_it_back_to_verification(cast):
    organization = organization_update(
        organization=org_of(cast.employer_a), by=cast.employer_a, data={"legal_name": "Renamed LLP"}
    )

    assert organization.status == Organization.Status.PENDING


def test_changing_the_description_keeps_the_organization_verified(cast):
    organization = organization_update(
        organization=org_of(cast.employer_a),
        by=cast.employer_a,
        data={"description": "We build bridges.", "legal_name": org_of(cast.employer_a).legal_name},
    )

    assert organization.status == Organization.Status.VERIFIED
    assert organization.description == "We build bridges."


def test_correcting_a_rejected_organization_sends_it_to_verification_again(cast, pending_x):
    organization_reject(organization=pending_x, by=cast.staff_x, reason="The BIN belongs to another company.")
    owner = pending_x.memberships.get().user

    organization = organization_update(organization=pending_x, by=owner, data={"website": "https://x.example.kz"})

    assert organization.status == Organization.Status.PENDING
    assert organization.status_reason == ""


def test_an_invalid_update_writes_nothing(cast):
    organization = org_of(cast.employer_a)

    with pytest.raises(BusinessError):
        organization_update(organization=organization, by=cast.employer_a, data={"legal_name": "New", "region": "??"})

    organization.refresh_from_db()
    assert organization.legal_name == "employer-a LLP"
    assert organization.status == Organization.Status.VERIFIED


def test_replacing_and_removing_the_logo(cast, django_capture_on_commit_callbacks):
    organization = org_of(cast.employer_a)
    organization = organization_update(organization=organization, by=cast.employer_a, data={"logo": image_file()})
    first = organization.logo.name
    storage = organization.logo.storage

    with django_capture_on_commit_callbacks(execute=True):
        organization = organization_update(organization=organization, by=cast.employer_a, data={"logo": None})

    assert not organization.logo
    assert not storage.exists(first)


def test_recruiters_cannot_edit_the_organization(cast, recruiter_a):
    with pytest.raises(PermissionDenied):
        organization_update(organization=org_of(cast.employer_a), by=recruiter_a, data={"description": "x"})


def test_owners_cannot_edit_another_organization(cast):
    with pytest.raises(PermissionDenied):
        organization_update(organization=org_of(cast.employer_b), by=cast.employer_a, data={"description": "x"})


# --- Verification by staff --------------------------------------------------------------------


def test_staff_of_the_region_verify_an_organization(cast, pending_x):
    organization = organization_verify(organization=pending_x, by=cast.staff_x)

    assert organization.status == Organization.Status.VERIFIED
    assert organization.verified_by == cast.staff_x and organization.verified_at is not None
    assert organization_can_publish(organization)


def test_administrators_verify_in_every_region(cast, pending_y):
    assert organization_verify(organization=pending_y, by=cast.admin).is_verified


def test_staff_of_another_region_do_not_even_see_the_organization(cast, pending_x):
    with pytest.raises(Http404):
        organization_get_for_verification(user=cast.staff_y, organization_id=pending_x.pk)
    with pytest.raises(PermissionDenied):
        organization_verify(organization=pending_x, by=cast.staff_y)

    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.PENDING


@pytest.mark.parametrize("who", ["employer_a", "seeker_a"])
def test_employers_and_seekers_cannot_verify(cast, pending_x, who):
    with pytest.raises(PermissionDenied):
        organization_get_for_verification(user=getattr(cast, who), organization_id=pending_x.pk)
    with pytest.raises(PermissionDenied):
        organization_verify(organization=pending_x, by=getattr(cast, who))


def test_verifying_a_verified_organization_is_a_conflict(cast):
    with pytest.raises(ConflictError) as error:
        organization_verify(organization=org_of(cast.employer_a), by=cast.staff_x)

    assert error.value.code == "already_verified"


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_needs_a_reason(cast, pending_x, reason):
    with pytest.raises(BusinessError) as error:
        organization_reject(organization=pending_x, by=cast.staff_x, reason=reason)

    assert "reason" in error.value.fields
    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.PENDING


def test_staff_reject_with_a_reason_the_employer_sees(cast, pending_x):
    organization = organization_reject(organization=pending_x, by=cast.staff_x, reason="  BIN does not match.  ")

    assert organization.status == Organization.Status.REJECTED
    assert organization.status_reason == "BIN does not match."


def test_the_queue_lists_pending_organizations_of_the_staff_region_oldest_first(cast, pending_x, pending_y):
    older = factories.OrganizationFactory(region=cast.region_x, status=Organization.Status.PENDING)
    Organization.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))

    assert list(organizations_for_verification(user=cast.staff_x)) == [older, pending_x]
    assert list(organizations_for_verification(user=cast.staff_y)) == [pending_y]
    assert set(organizations_for_verification(user=cast.admin)) == {older, pending_x, pending_y}


# --- Invitations ------------------------------------------------------------------------------


def test_owner_invites_a_colleague_by_email_in_the_inviters_language(cast, django_capture_on_commit_callbacks):
    User.objects.filter(pk=cast.employer_a.pk).update(language="ru")
    cast.employer_a.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(cast, email="  Colleague@Example.KZ ", base_url="https://birja.example.kz/")

    assert invitation.email == "colleague@example.kz"
    assert len(invitation.token) >= 40
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["colleague@example.kz"]
    assert "employer-a LLP" in message.subject
    assert f"https://birja.example.kz/organization/invitations/{invitation.token}/" in message.body
    with translation.override("ru"):
        expected_date = formats.date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT")
    assert expected_date in message.body


def test_no_email_is_sent_when_the_invitation_is_not_committed(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite(cast)

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_a_second_open_invitation_to_the_same_address_is_a_conflict(cast):
    invite(cast)

    with pytest.raises(ConflictError) as error:
        invite(cast, email="COLLEAGUE@example.kz")

    assert error.value.code == "already_invited"
    assert MemberInvitation.objects.count() == 1


def test_an_expired_invitation_is_replaced_by_a_new_one(cast):
    old = invite(cast)
    MemberInvitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    new = invite(cast)

    assert list(MemberInvitation.objects.all()) == [new]
    assert new.token != old.token


def test_inviting_someone_who_already_belongs_to_an_organization_is_a_conflict(cast):
    with pytest.raises(ConflictError) as error:
        invite(cast, email=cast.employer_b.email)

    assert error.value.code == "already_member"
    assert not MemberInvitation.objects.exists()


def test_recruiters_cannot_invite(cast, recruiter_a):
    with pytest.raises(PermissionDenied):
        member_invite(organization=org_of(cast.employer_a), email="x@example.kz", role="recruiter", by=recruiter_a)


@pytest.mark.parametrize(
    ("email", "role", "field"), [("not-an-email", "recruiter", "email"), ("a@b.kz", "boss", "role")]
)
def test_invitation_fields_are_checked(cast, email, role, field):
    with pytest.raises(BusinessError) as error:
        invite(cast, email=email, role=role)

    assert field in error.value.fields


def test_the_invited_employer_accepts_and_becomes_a_member(cast):
    invitation = invite(cast, email="colleague@example.kz", role=Membership.Role.OWNER)
    colleague = factories.EmployerFactory(email="colleague@example.kz")

    membership = invitation_accept(invitation=invitation, user=colleague)

    assert membership.organization == org_of(cast.employer_a)
    assert membership.role == Membership.Role.OWNER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_invitation_cannot_be_accepted_with_another_email(cast, new_employer):
    invitation = invite(cast, email="colleague@example.kz")

    with pytest.raises(BusinessError) as error:
        invitation_accept(invitation=invitation, user=new_employer)

    assert error.value.code == "wrong_email"
    assert error.value.status_code == 403
    assert not Membership.objects.filter(user=new_employer).exists()


def test_an_expired_invitation_cannot_be_accepted(cast):
    invitation = invite(cast)
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    colleague = factories.EmployerFactory(email="colleague@example.kz")

    with pytest.raises(BusinessError) as error:
        invitation_accept(invitation=invitation, user=colleague)

    assert error.value.code == "invitation_expired"


def test_an_invitation_cannot_be_used_twice(cast):
    invitation = invite(cast)
    colleague = factories.EmployerFactory(email="colleague@example.kz")
    invitation_accept(invitation=invitation, user=colleague)
    member_remove(membership=colleague.membership, by=cast.employer_a)

    with pytest.raises(ConflictError) as error:
        invitation_accept(invitation=invitation, user=colleague)

    assert error.value.code == "invitation_used"


def test_a_seeker_with_the_invited_email_cannot_join(cast):
    invitation = invite(cast, email="seeker-c@example.kz")
    seeker = factories.SeekerFactory(email="seeker-c@example.kz")

    with pytest.raises(BusinessError) as error:
        invitation_accept(invitation=invitation, user=seeker)

    assert error.value.code == "not_employer"


# --- Removing members -------------------------------------------------------------------------


def test_owner_removes_a_recruiter(cast, recruiter_a):
    member_remove(membership=recruiter_a.membership, by=cast.employer_a)

    assert not Membership.objects.filter(user=recruiter_a).exists()


def test_the_last_owner_cannot_be_removed(cast, recruiter_a):
    with pytest.raises(BusinessError) as error:
        member_remove(membership=cast.employer_a.membership, by=cast.employer_a)

    assert error.value.code == "last_owner"
    assert Membership.objects.filter(user=cast.employer_a).exists()


def test_an_owner_may_leave_when_another_owner_remains(cast):
    second = factories.MembershipFactory(organization=org_of(cast.employer_a), role=Membership.Role.OWNER)

    member_remove(membership=cast.employer_a.membership, by=cast.employer_a)

    assert list(org_of(second.user).memberships.all()) == [second]


def test_recruiters_cannot_remove_members(cast, recruiter_a):
    with pytest.raises(PermissionDenied):
        member_remove(membership=cast.employer_a.membership, by=recruiter_a)


def test_owners_cannot_remove_members_of_another_organization(cast):
    with pytest.raises(PermissionDenied):
        member_remove(membership=cast.employer_b.membership, by=cast.employer_a)


# --- Pages: access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/organization/",
        "/organization/new/",
        "/organization/edit/",
        "/organization/members/",
        "/organization/invitations/some-token/",
        "/staff/organizations/",
        "/staff/organizations/1/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, cast, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_employer_without_organization_is_sent_to_the_setup_page(client, new_employer):
    client.force_login(new_employer)

    response = client.get("/organization/")

    assert response.status_code == 302 and response["Location"] == "/organization/new/"


def test_a_seeker_cannot_open_employer_pages(client, cast):
    client.force_login(cast.seeker_a)

    assert client.get("/organization/new/").status_code == 403
    assert client.get("/organization/").status_code == 403
    assert client.get("/organization/members/").status_code == 403


# --- Pages: setup, overview, edit -------------------------------------------------------------


def test_the_setup_page_registers_the_organization(client, new_employer):
    client.force_login(new_employer)
    assert client.get("/organization/new/").status_code == 200

    response = client.post("/organization/new/", {**organization_data(), "logo": image_file()})

    assert response.status_code == 302 and response["Location"] == "/organization/"
    organization = org_of(new_employer)
    assert organization.legal_name == "Steppe Logistics LLP" and organization.logo
    page = client.get("/organization/")
    assert "Steppe Logistics LLP" in page.content.decode()
    assert "Waiting for verification" in page.content.decode()


def test_the_setup_page_shows_the_bin_message_and_writes_nothing(client, new_employer):
    client.force_login(new_employer)

    response = client.post("/organization/new/", organization_data(bin="123456789012"))

    assert response.status_code == 200
    assert "Digits 3-4 of a BIN must be the registration month" in response.content.decode()
    assert not Organization.objects.filter(legal_name="Steppe Logistics LLP").exists()


def test_the_setup_page_shows_a_duplicate_bin_on_the_bin_field(client, cast, new_employer):
    client.force_login(new_employer)

    response = client.post("/organization/new/", organization_data(bin=org_of(cast.employer_b).bin))

    assert response.context["form"].errors["bin"] == [
        "An organization with this BIN is already registered on the exchange."
    ]


def test_an_employer_with_an_organization_is_sent_from_setup_to_the_overview(client, cast):
    client.force_login(cast.employer_a)

    assert client.get("/organization/new/")["Location"] == "/organization/"


def test_the_owner_edits_the_organization(client, cast):
    client.force_login(cast.employer_a)
    assert client.get("/organization/edit/").status_code == 200
    organization = org_of(cast.employer_a)
    data = organization_data(bin=organization.bin, legal_name=organization.legal_name, description="New text")

    response = client.post("/organization/edit/", data)

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.description == "New text"
    assert organization.status == Organization.Status.VERIFIED


def test_a_rejected_organization_shows_the_reason_to_its_members(client, cast, pending_x):
    organization_reject(organization=pending_x, by=cast.staff_x, reason="Wrong legal name.")
    client.force_login(pending_x.memberships.get().user)

    assert "Wrong legal name." in client.get("/organization/").content.decode()


def test_recruiters_cannot_open_the_edit_page(client, recruiter_a):
    client.force_login(recruiter_a)

    assert client.get("/organization/edit/").status_code == 403
    assert client.post("/organization/edit/", organization_data()).status_code == 403


# --- Pages: members and invitations -----------------------------------------------------------


def test_the_owner_invites_from_the_members_page(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.employer_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organization/members/", {"email": "colleague@example.kz", "role": "recruiter"})

    assert response.status_code == 302
    assert mail.outbox[0].to == ["colleague@example.kz"]
    assert "http://testserver/organization/invitations/" in mail.outbox[0].body
    page = client.get("/organization/members/").content.decode()
    assert "colleague@example.kz" in page
    assert MemberInvitation.objects.get().token not in page


def test_the_members_page_shows_a_duplicate_invitation_on_the_email_field(client, cast):
    invite(cast)
    client.force_login(cast.employer_a)

    response = client.post("/organization/members/", {"email": "colleague@example.kz", "role": "recruiter"})

    assert response.context["form"].errors["email"] == [
        "An invitation to this address is already waiting to be accepted."
    ]


def test_recruiters_see_the_members_but_cannot_invite(client, cast, recruiter_a):
    client.force_login(recruiter_a)

    page = client.get("/organization/members/")
    assert page.status_code == 200
    assert cast.employer_a.email in page.content.decode()
    assert "Send the invitation" not in page.content.decode()
    assert client.post("/organization/members/", {"email": "x@example.kz", "role": "recruiter"}).status_code == 403
    assert not MemberInvitation.objects.exists()


def test_the_owner_withdraws_an_invitation(client, cast):
    invitation = invite(cast)
    client.force_login(cast.employer_a)

    response = client.post(f"/organization/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    assert not MemberInvitation.objects.exists()


def test_another_employer_cannot_withdraw_the_invitation(client, cast):
    invitation = invite(cast)
    client.force_login(cast.employer_b)

    assert client.post(f"/organization/invitations/{invitation.pk}/revoke/").status_code == 404
    assert MemberInvitation.objects.exists()


def test_the_owner_removes_a_member_from_the_page(client, cast, recruiter_a):
    client.force_login(cast.employer_a)

    response = client.post(f"/organization/members/{recruiter_a.membership.pk}/remove/")

    assert response.status_code == 302
    assert not Membership.objects.filter(user=recruiter_a).exists()


def test_the_page_explains_that_the_last_owner_cannot_be_removed(client, cast):
    client.force_login(cast.employer_a)

    response = client.post(f"/organization/members/{cast.employer_a.membership.pk}/remove/", follow=True)

    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(user=cast.employer_a).exists()


def test_employer_b_cannot_remove_employer_a_members(client, cast, recruiter_a):
    client.force_login(cast.employer_b)

    assert client.post(f"/organization/members/{recruiter_a.membership.pk}/remove/").status_code == 404
    assert Membership.objects.filter(user=recruiter_a).exists()


def test_recruiters_cannot_remove_members_from_the_page(client, cast, recruiter_a):
    client.force_login(recruiter_a)

    assert client.post(f"/organization/members/{cast.employer_a.membership.pk}/remove/").status_code == 403


def test_the_members_page_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    organization = org_of(cast.employer_a)
    for n in range(5):
        factories.MembershipFactory(organization=organization, role=Membership.Role.RECRUITER)
        invite(cast, email=f"invitee{n}@example.kz")
    client.force_login(cast.employer_a)

    with django_assert_max_num_queries(8):
        assert client.get("/organization/members/").status_code == 200


def test_the_invitation_page_lets_the_invited_employer_join(client, cast):
    invitation = invite(cast)
    colleague = factories.EmployerFactory(email="colleague@example.kz")
    client.force_login(colleague)

    page = client.get(f"/organization/invitations/{invitation.token}/")
    assert "employer-a LLP" in page.content.decode()
    response = client.post(f"/organization/invitations/{invitation.token}/")

    assert response.status_code == 302 and response["Location"] == "/organization/"
    assert org_of(colleague) == org_of(cast.employer_a)


def test_the_invitation_page_explains_a_wrong_account_without_showing_the_organization(client, cast, new_employer):
    invitation = invite(cast)
    client.force_login(new_employer)

    response = client.get(f"/organization/invitations/{invitation.token}/")

    assert response.status_code == 403
    assert "sent to another e-mail address" in response.content.decode()
    assert "employer-a LLP" not in response.content.decode()
    assert client.post(f"/organization/invitations/{invitation.token}/").status_code == 403
    assert not Membership.objects.filter(user=new_employer).exists()


def test_the_invitation_page_explains_an_expired_link(client, cast):
    invitation = invite(cast)
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(factories.EmployerFactory(email="colleague@example.kz"))

    response = client.get(f"/organization/invitations/{invitation.token}/")

    assert response.status_code == 400
    assert "This invitation has expired" in response.content.decode()


def test_an_unknown_invitation_link_is_not_found(client, new_employer):
    client.force_login(new_employer)

    assert client.get("/organization/invitations/no-such-token/").status_code == 404


# --- Public employer page ---------------------------------------------------------------------


def test_anyone_reads_a_verified_employers_page(client, cast):
    organization = org_of(cast.employer_a)

    response = client.get(f"/employers/{organization.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert organization.legal_name in content
    assert organization.region.name in content
    assert "No open vacancies yet." in content
    assert organization.bin not in content


@pytest.mark.parametrize("who", [None, "seeker_a", "employer_b", "staff_y"])
def test_an_unverified_employers_page_is_not_found_for_outsiders(client, cast, pending_x, who):
    if who:
        client.force_login(getattr(cast, who))

    assert client.get(f"/employers/{pending_x.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["owner", "staff_x", "admin"])
def test_an_unverified_employers_page_is_shown_to_its_members_staff_of_its_region_and_admins(
    client, cast, pending_x, who
):
    user = pending_x.memberships.get().user if who == "owner" else getattr(cast, who)
    client.force_login(user)

    assert client.get(f"/employers/{pending_x.pk}/").status_code == 200
    assert organization_get_for_viewing(user=user, organization_id=pending_x.pk) == pending_x


# --- Staff pages: the verification queue ------------------------------------------------------


def test_staff_see_the_pending_organizations_of_their_region(client, cast, pending_x, pending_y):
    client.force_login(cast.staff_x)

    content = client.get("/staff/organizations/").content.decode()

    assert "Pending X LLP" in content
    assert "Pending Y LLP" not in content
    assert "employer-a LLP" not in content  # verified: not in the default (pending) list


def test_the_queue_page_filters_by_status(client, cast):
    client.force_login(cast.staff_x)

    assert "employer-a LLP" in client.get("/staff/organizations/?status=verified").content.decode()


def test_the_queue_page_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for _n in range(6):
        factories.OrganizationFactory(region=cast.region_x, status=Organization.Status.PENDING)
    client.force_login(cast.staff_x)

    with django_assert_max_num_queries(7):
        assert client.get("/staff/organizations/").status_code == 200


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_seekers_and_employers_cannot_open_the_queue(client, cast, who):
    client.force_login(getattr(cast, who))

    assert client.get("/staff/organizations/").status_code == 403


def test_staff_verify_from_the_review_page(client, cast, pending_x):
    client.force_login(cast.staff_x)
    assert client.get(f"/staff/organizations/{pending_x.pk}/").status_code == 200

    response = client.post(f"/staff/organizations/{pending_x.pk}/verify/")

    assert response.status_code == 302
    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.VERIFIED


def test_staff_of_another_region_cannot_open_or_verify_from_the_pages(client, cast, pending_x):
    client.force_login(cast.staff_y)

    assert client.get(f"/staff/organizations/{pending_x.pk}/").status_code == 404
    assert client.post(f"/staff/organizations/{pending_x.pk}/verify/").status_code == 404
    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.PENDING


def test_rejecting_from_the_page_without_a_reason_shows_the_field_message(client, cast, pending_x):
    client.force_login(cast.staff_x)

    response = client.post(f"/staff/organizations/{pending_x.pk}/reject/", {"reason": ""})

    assert response.status_code == 400
    assert response.context["reject_form"].errors["reason"]
    pending_x.refresh_from_db()
    assert pending_x.status == Organization.Status.PENDING


def test_staff_reject_from_the_page_with_a_reason(client, cast, pending_x):
    client.force_login(cast.staff_x)

    response = client.post(f"/staff/organizations/{pending_x.pk}/reject/", {"reason": "Unknown BIN."})

    assert response.status_code == 302
    pending_x.refresh_from_db()
    assert (pending_x.status, pending_x.status_reason) == (Organization.Status.REJECTED, "Unknown BIN.")


# --- Concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_owners_removing_each_other_at_once_leave_one_owner(cast):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    organization = org_of(cast.employer_a)
    second = factories.MembershipFactory(organization=organization, role=Membership.Role.OWNER)
    first = cast.employer_a.membership
    barrier = Barrier(2)

    def remove(membership, by):
        try:
            barrier.wait()
            member_remove(membership=membership, by=by)
            return "removed"
        except (BusinessError, PermissionDenied) as error:
            return type(error).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(remove, [second, first], [first.user, second.user]))

    assert sorted(results) == ["PermissionDenied", "removed"]
    assert organization.memberships.filter(role=Membership.Role.OWNER).count() == 1
