"""Events in the other apps write their notifications, in the event's own transaction."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.services.organizations import organization_reject, organization_verify
from exchange.errors import BusinessError
from notifications.models import Kind, Notification
from tests import factories
from vacancies.models import Application, ReferralQuota, Vacancy
from vacancies.services.applications import (
    application_open_cv,
    application_submit,
    application_transition,
    application_withdraw,
    invitation_send,
)
from vacancies.services.referrals import referral_create

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def vacancy(cast) -> Vacancy:
    return factories.VacancyFactory(
        organization=cast.employer_a.membership.organization, region=cast.region_x, title="Welder", positions=5
    )


@pytest.fixture
def recruiter(cast):
    return factories.MembershipFactory(
        organization=cast.employer_a.membership.organization,
        user=factories.EmployerFactory(email="recruiter-a@example.kz"),
        role=Membership.Role.RECRUITER,
    ).user


@pytest.fixture
def application(cast, vacancy) -> Application:
    return application_submit(vacancy=vacancy, seeker=cast.seeker_a)


def of_kind(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters).select_related("recipient").order_by("id")


def test_every_state_the_employer_moves_an_application_to_reaches_the_seeker(cast, application):
    application_open_cv(application=application, by=cast.employer_a)
    for status in (S.SHORTLISTED, S.INTERVIEW, S.OFFER, S.HIRED):
        application_transition(application=application, to_status=status, by=cast.employer_a)

    notified = of_kind(Kind.APPLICATION_STATUS)
    assert [n.data["status"] for n in notified] == ["viewed", "shortlisted", "interview", "offer", "hired"]
    assert {n.recipient for n in notified} == {cast.seeker_a}
    assert {n.url for n in notified} == {f"/vacancies/applications/{application.pk}/"}
    assert notified[0].data["vacancy_title"] == "Welder"
    assert notified[0].data["organization_name"] == cast.employer_a.membership.organization.legal_name


def test_a_rejection_reaches_the_seeker_with_its_reason(cast, application):
    application_transition(application=application, to_status=S.REJECTED, by=cast.employer_a, reason="No licence")

    (rejected,) = of_kind(Kind.APPLICATION_STATUS)
    assert rejected.data["status"] == "rejected" and rejected.data["reason"] == "No licence"


def test_withdrawing_is_the_seekers_own_doing_and_notifies_no_one_of_it(cast, application):
    application_withdraw(application=application, by=cast.seeker_a)

    assert not of_kind(Kind.APPLICATION_STATUS).exists()


def test_a_refused_transition_writes_no_notification(cast, application):
    with pytest.raises(BusinessError):
        application_transition(application=application, to_status=S.REJECTED, by=cast.employer_a, reason="")

    assert not of_kind(Kind.APPLICATION_STATUS).exists()


def test_a_new_application_reaches_every_active_member_of_the_employer(cast, vacancy, recruiter):
    factories.MembershipFactory(
        organization=vacancy.organization, user=factories.EmployerFactory(is_active=False), role="recruiter"
    )

    application = application_submit(vacancy=vacancy, seeker=cast.seeker_a)

    notified = of_kind(Kind.NEW_APPLICATIONS)
    assert [n.recipient for n in notified] == [cast.employer_a, recruiter]
    assert {n.subject for n in notified} == {f"application:{application.pk}"}
    assert {n.url for n in notified} == {f"/vacancies/{vacancy.pk}/candidates/"}
    assert not of_kind(Kind.APPLICATION_STATUS).exists()


def test_an_invitation_reaches_the_seeker(cast, vacancy):
    invitation = invitation_send(vacancy=vacancy, seeker=cast.seeker_a, by=cast.employer_a, message="Come and see us")

    (invited,) = of_kind(Kind.INVITATION)
    assert invited.recipient == cast.seeker_a
    assert invited.data["message"] == "Come and see us" and invited.data["invitation_id"] == invitation.pk
    assert invited.url == "/vacancies/invitations/"


def test_a_referral_reaches_the_seeker_and_the_employer_once_each(cast, vacancy, recruiter):
    ReferralQuota.objects.create(region=cast.region_x, year=timezone.localdate().year, limit=5)

    referral = referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)

    notified = of_kind(Kind.REFERRAL)
    assert [(n.recipient, n.data["audience"]) for n in notified] == [
        (cast.seeker_a, "seeker"),
        (cast.employer_a, "employer"),
        (recruiter, "employer"),
    ]
    assert notified[0].data["reply_deadline"] == referral.reply_deadline.isoformat()
    assert notified[0].data["centre_name"] == referral.centre.name
    # The referral tells the employer; a second "new application" would say the same again.
    assert not of_kind(Kind.NEW_APPLICATIONS).exists()


def test_a_refused_referral_writes_no_notification(cast, vacancy):
    with pytest.raises(BusinessError):  # no quota set for the region
        referral_create(staff=cast.staff_x, vacancy=vacancy, seeker=cast.seeker_a)

    assert not Notification.objects.exists()


def test_verifying_and_rejecting_an_organization_reaches_its_owners(cast, recruiter):
    organization = cast.employer_a.membership.organization
    organization.status = "pending"
    organization.save()

    organization_reject(organization=organization, by=cast.staff_x, reason="BIN does not match")
    organization_verify(organization=organization, by=cast.staff_x)

    notified = of_kind(Kind.ORGANIZATION_STATUS)
    assert [(n.recipient, n.data["status"], n.data["reason"]) for n in notified] == [
        (cast.employer_a, "rejected", "BIN does not match"),
        (cast.employer_a, "verified", ""),
    ]
    assert notified[0].url == "/organization/"


def test_the_notifications_are_rendered_from_their_data(cast, application):
    from notifications.rendering import render_notification

    application_transition(application=application, to_status=S.REJECTED, by=cast.employer_a, reason="No licence")

    rendered = render_notification(of_kind(Kind.APPLICATION_STATUS).get())
    assert rendered.title == "Your application for “Welder” was declined"
    assert "No licence" in rendered.text
