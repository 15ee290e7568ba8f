"""Who may do what with a fair: the access selectors every fairs view and API goes through.

- Anyone (also anonymous visitors) sees every fair, its employers, vacancies and results.
- Administrators manage every fair; employment-centre staff manage the regional fairs of their
  region (they approve employers there too). National fairs are the administrators' alone.
- A member of an organization manages that organization's participation, fair vacancies and
  slots; a seeker their own registration, fair applications and bookings.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.models import Organization, User
from accounts.selectors.access import can_act_in_region, organization_of
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, Registration, SlotBooking


def can_manage_fair(user: User, fair: Fair) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_administrator:
        return True
    return (
        fair.kind == Fair.Kind.REGIONAL
        and user.role == User.Role.CENTRE_STAFF
        and can_act_in_region(user, fair.region_id)
    )


def can_create_fairs(user: User) -> bool:
    """Administrators create any fair; centre staff regional fairs of their region."""
    return user.is_authenticated and (user.is_administrator or user.role == User.Role.CENTRE_STAFF)


def fair_get_public(*, fair_id: int) -> Fair:
    return get_object_or_404(Fair.objects.select_related("region", "organization"), pk=fair_id)


def fair_get_for_managing(*, user: User, fair_id: int) -> Fair:
    """The fair, if ``user`` may edit it and decide on its employers; 404 / PermissionDenied otherwise."""
    fair = fair_get_public(fair_id=fair_id)
    if not can_manage_fair(user, fair):
        raise PermissionDenied
    return fair


def employer_organization(user: User) -> Organization:
    """The organization ``user`` acts for at fairs; PermissionDenied for anyone else."""
    organization = organization_of(user)
    if organization is None:
        raise PermissionDenied
    return organization


def participation_get_for_deciding(*, user: User, participation_id: int) -> Participation:
    participation = get_object_or_404(Participation.objects.select_related("fair", "organization"), pk=participation_id)
    if not can_manage_fair(user, participation.fair):
        raise PermissionDenied
    return participation


def participation_get_for_employer(*, user: User, participation_id: int) -> Participation:
    """A participation of the user's own organization; other employers' answer 404, not 403,
    so ids do not reveal who takes part in what."""
    organization = employer_organization(user)
    return get_object_or_404(
        Participation.objects.select_related("fair", "organization"), pk=participation_id, organization=organization
    )


def fair_vacancy_get_for_employer(*, user: User, fair_vacancy_id: int) -> FairVacancy:
    organization = employer_organization(user)
    return get_object_or_404(
        FairVacancy.objects.select_related("fair", "participation", "vacancy"),
        pk=fair_vacancy_id,
        participation__organization=organization,
    )


def fair_vacancy_get_public(*, fair_vacancy_id: int) -> FairVacancy:
    """A fair vacancy of an approved participation; anything else is 404 to the public."""
    return get_object_or_404(
        FairVacancy.objects.select_related("fair", "participation__organization", "vacancy__region"),
        pk=fair_vacancy_id,
        participation__status=Participation.Status.APPROVED,
    )


def slot_get_for_employer(*, user: User, slot_id: int) -> InterviewSlot:
    organization = employer_organization(user)
    return get_object_or_404(
        InterviewSlot.objects.select_related("fair", "participation"),
        pk=slot_id,
        participation__organization=organization,
    )


def slot_get_public(*, slot_id: int) -> InterviewSlot:
    return get_object_or_404(
        InterviewSlot.objects.select_related("fair", "participation__organization", "fair_vacancy__vacancy"),
        pk=slot_id,
        participation__status=Participation.Status.APPROVED,
    )


def fair_application_get_for_employer(*, user: User, fair_application_id: int) -> FairApplication:
    organization = employer_organization(user)
    return get_object_or_404(
        FairApplication.objects.select_related("fair", "fair_vacancy__vacancy", "application", "registration"),
        pk=fair_application_id,
        fair_vacancy__participation__organization=organization,
    )


def fair_application_get_for_seeker(*, user: User, fair_application_id: int) -> FairApplication:
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(
        FairApplication.objects.select_related("fair", "fair_vacancy__vacancy", "application"),
        pk=fair_application_id,
        application__seeker=user,
    )


def registration_get_for_seeker(*, user: User, fair: Fair) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(fair=fair, seeker=user).first()


def booking_get_for_seeker(*, user: User, booking_id: int) -> SlotBooking:
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(SlotBooking.objects.select_related("slot__fair"), pk=booking_id, seeker=user)


def booking_get_for_employer(*, user: User, booking_id: int) -> SlotBooking:
    organization = employer_organization(user)
    return get_object_or_404(
        SlotBooking.objects.select_related("slot__fair"), pk=booking_id, slot__participation__organization=organization
    )
