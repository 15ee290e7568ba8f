"""The employers' side of a fair: taking part, the managers' decision, fair vacancies, interview
slots, screening, booking candidates and hiring within the positions offered; the pages, the
panels on the fair page, and who may open which page.

The helpers at the top build a fair at a given point of its life and the rows around it; the API
and concurrency tests import them.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organization
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, Registration, SlotBooking
from fairs.services.participation import (
    fair_application_book,
    fair_application_hire,
    fair_vacancy_add,
    fair_vacancy_remove,
    fair_vacancy_update,
    participation_apply,
    participation_decide,
    participation_withdraw,
    slot_create,
    slot_delete,
)
from notifications.models import Kind, Notification
from tests import factories
from vacancies.models import Application, Vacancy

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

# When each status is current, as the fair's start relative to now (registration a week before the
# start, six days of fair, results a week after the end).
_START_FROM_NOW = {
    Fair.Status.SCHEDULED: 10 * DAY,
    Fair.Status.REGISTRATION: 2 * DAY,
    Fair.Status.LIVE: -DAY,
    Fair.Status.CLOSED: -8 * DAY,
    Fair.Status.RESULTS: -20 * DAY,
}


def make_fair(*, status=Fair.Status.LIVE, kind=Fair.Kind.NATIONAL, region=None, organization=None) -> Fair:
    """A fair whose dates agree with ``status`` at the present moment."""
    starts_at = timezone.now() + _START_FROM_NOW[status]
    return Fair.objects.create(
        title="National online job fair",
        kind=kind,
        status=status,
        region=region,
        organization=organization,
        registration_opens_at=starts_at - 7 * DAY,
        starts_at=starts_at,
        ends_at=starts_at + 6 * DAY,
        results_at=starts_at + 13 * DAY,
    )


def organization_of(employer) -> Organization:
    return employer.membership.organization


def take_part(fair: Fair, employer, *, status=Participation.Status.APPROVED) -> Participation:
    return Participation.objects.create(
        fair=fair, organization=organization_of(employer), status=status, applied_by=employer
    )


def offer(participation: Participation, *, positions=5, offered=3, questions=(), title=None) -> FairVacancy:
    """A published vacancy of the participation's organization, offered at its fair."""
    extra = {"title": title} if title else {}
    vacancy = factories.VacancyFactory(organization=participation.organization, positions=positions, **extra)
    return FairVacancy.objects.create(
        fair=participation.fair,
        participation=participation,
        vacancy=vacancy,
        positions_offered=offered,
        screening_questions=list(questions),
    )


def apply_at_fair(fair_vacancy: FairVacancy, seeker=None, *, answers=(), status=Application.Status.SUBMITTED):
    """A seeker registered for the fair with a fair application (and its vacancies application)."""
    seeker = seeker or factories.SeekerProfileFactory().user
    registration, _ = Registration.objects.get_or_create(fair=fair_vacancy.fair, seeker=seeker)
    application = factories.ApplicationFactory(
        vacancy=fair_vacancy.vacancy,
        seeker=seeker,
        source=Application.Source.FAIR,
        status=status,
        cv_snapshot={"full_name": seeker.full_name, "headline": "Welder, 5 years"},
    )
    return FairApplication.objects.create(
        application=application,
        fair=fair_vacancy.fair,
        fair_vacancy=fair_vacancy,
        registration=registration,
        answers=[{"question": q, "answer": a} for q, a in zip(fair_vacancy.screening_questions, answers, strict=False)],
    )


def make_slot(participation: Participation, *, starts_in=2 * HOUR, capacity=1, fair_vacancy=None) -> InterviewSlot:
    starts_at = timezone.now() + starts_in
    return InterviewSlot.objects.create(
        fair=participation.fair,
        participation=participation,
        fair_vacancy=fair_vacancy,
        starts_at=starts_at,
        ends_at=starts_at + 30 * datetime.timedelta(minutes=1),
        meeting_link="https://meet.example.kz/room-1",
        capacity=capacity,
    )


def fair_notifications(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=Kind.FAIR).order_by("id"))


@pytest.fixture
def fair(cast) -> Fair:
    """A national fair with registration open: employers may join."""
    return make_fair(status=Fair.Status.REGISTRATION)


# --- Taking part --------------------------------------------------------------------------------


def test_a_member_of_a_verified_organization_applies_and_the_administrators_hear_of_it(cast, fair):
    participation = participation_apply(
        fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a, note="350 welders"
    )

    assert participation.status == Participation.Status.PENDING
    assert participation.note == "350 welders"
    assert participation.applied_by == cast.employer_a
    [notification] = fair_notifications(cast.admin)
    assert notification.data["event"] == "participation_requested"
    assert notification.url == reverse("fairs:participants", args=[fair.pk])
    assert fair_notifications(cast.staff_x) == []


def test_the_staff_of_the_region_hear_of_an_employer_applying_to_a_regional_fair(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, kind=Fair.Kind.REGIONAL, region=cast.region_x)

    participation_apply(fair=fair, organization=organization_of(cast.employer_b), by=cast.employer_b)

    assert len(fair_notifications(cast.staff_x)) == 1
    assert fair_notifications(cast.staff_y) == []


def test_an_unverified_organization_cannot_take_part(cast, fair):
    organization = organization_of(cast.employer_a)
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.PENDING)
    organization.refresh_from_db()

    with pytest.raises(BusinessError) as refused:
        participation_apply(fair=fair, organization=organization, by=cast.employer_a)

    assert (refused.value.code, refused.value.status_code) == ("organization_not_verified", 403)
    assert not Participation.objects.exists()


def test_a_single_employer_fair_admits_its_own_organization_only(cast):
    fair = make_fair(
        status=Fair.Status.REGISTRATION, kind=Fair.Kind.EMPLOYER, organization=organization_of(cast.employer_a)
    )

    with pytest.raises(BusinessError) as refused:
        participation_apply(fair=fair, organization=organization_of(cast.employer_b), by=cast.employer_b)
    own = participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a)

    assert (refused.value.code, refused.value.status_code) == ("single_employer_fair", 403)
    assert own.status == Participation.Status.PENDING


def test_applying_twice_answers_409(cast, fair):
    organization = organization_of(cast.employer_a)
    participation_apply(fair=fair, organization=organization, by=cast.employer_a)

    with pytest.raises(ConflictError) as refused:
        participation_apply(fair=fair, organization=organization, by=cast.employer_a)

    assert (refused.value.code, refused.value.status_code) == ("already_participating", 409)
    assert Participation.objects.count() == 1


@pytest.mark.parametrize("status", [Fair.Status.CLOSED, Fair.Status.RESULTS])
def test_employers_cannot_apply_once_the_fair_has_closed(cast, status):
    fair = make_fair(status=status)

    with pytest.raises(ConflictError) as refused:
        participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a)

    assert refused.value.code == "fair_closed"


def test_employers_cannot_apply_after_the_end_even_before_the_periodic_task_closes_the_fair(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    Fair.objects.filter(pk=fair.pk).update(ends_at=timezone.now() - HOUR)
    fair.refresh_from_db()

    with pytest.raises(ConflictError) as refused:
        participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a)

    assert refused.value.code == "fair_closed"


def test_employers_can_still_join_a_live_fair(cast):
    fair = make_fair(status=Fair.Status.LIVE)

    participation = participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a)

    assert participation.status == Participation.Status.PENDING


@pytest.mark.parametrize("actor", ["seeker_a", "employer_b", "staff_x", "admin"])
def test_nobody_outside_the_organization_applies_for_it(cast, fair, actor):
    with pytest.raises(PermissionDenied):
        participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=getattr(cast, actor))


def test_a_withdrawn_organization_may_apply_again(cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.WITHDRAWN)

    again = participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a)

    assert again.pk == participation.pk
    assert again.status == Participation.Status.PENDING


def test_a_declined_organization_cannot_apply_again(cast, fair):
    take_part(fair, cast.employer_a, status=Participation.Status.DECLINED)

    with pytest.raises(ConflictError) as refused:
        participation_apply(fair=fair, organization=organization_of(cast.employer_a), by=cast.employer_a)

    assert refused.value.code == "participation_declined"


# --- Deciding -----------------------------------------------------------------------------------


def test_an_administrator_approves_and_the_members_are_notified(cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)

    decided = participation_decide(participation=participation, by=cast.admin, approve=True)

    assert decided.status == Participation.Status.APPROVED
    assert decided.decided_by == cast.admin
    assert decided.decided_at is not None
    [notification] = fair_notifications(cast.employer_a)
    assert notification.data["event"] == "participation_approved"
    assert notification.url == reverse("fairs:participation", args=[participation.pk])


def test_declining_needs_a_reason_which_the_employer_reads(cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)

    with pytest.raises(BusinessError) as refused:
        participation_decide(participation=participation, by=cast.admin, approve=False, reason="  ")
    decided = participation_decide(
        participation=participation, by=cast.admin, approve=False, reason="No vacancies for young people"
    )

    assert refused.value.code == "reason_required"
    assert refused.value.fields == {"reason": [refused.value.message]}
    assert decided.status == Participation.Status.DECLINED
    assert decided.decline_reason == "No vacancies for young people"
    [notification] = fair_notifications(cast.employer_a)
    assert notification.data["event"] == "participation_declined"
    assert notification.data["reason"] == "No vacancies for young people"


def test_the_staff_of_the_region_decide_on_its_regional_fair_and_nobody_else_but_administrators(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, kind=Fair.Kind.REGIONAL, region=cast.region_x)
    participation = take_part(fair, cast.employer_b, status=Participation.Status.PENDING)

    for outsider in (cast.staff_y, cast.employer_b, cast.employer_a, cast.seeker_a):
        with pytest.raises(PermissionDenied):
            participation_decide(participation=participation, by=outsider, approve=True)
    decided = participation_decide(participation=participation, by=cast.staff_x, approve=True)

    assert decided.status == Participation.Status.APPROVED


def test_centre_staff_do_not_decide_on_a_national_fair(cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)

    with pytest.raises(PermissionDenied):
        participation_decide(participation=participation, by=cast.staff_x, approve=True)


def test_an_application_is_answered_once(cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    participation_decide(participation=participation, by=cast.admin, approve=True)

    with pytest.raises(ConflictError) as refused:
        participation_decide(participation=participation, by=cast.admin, approve=False, reason="Changed my mind")

    assert refused.value.code == "participation_decided"
    participation.refresh_from_db()
    assert participation.status == Participation.Status.APPROVED


def test_an_employer_withdraws_before_the_fair_starts_but_not_once_it_is_live(cast, fair):
    participation = take_part(fair, cast.employer_a)
    live = take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)

    withdrawn = participation_withdraw(participation=participation, by=cast.employer_a)
    with pytest.raises(ConflictError) as refused:
        participation_withdraw(participation=live, by=cast.employer_a)
    with pytest.raises(PermissionDenied):
        participation_withdraw(participation=live, by=cast.employer_b)

    assert withdrawn.status == Participation.Status.WITHDRAWN
    assert refused.value.code == "fair_already_live"


# --- Fair vacancies -----------------------------------------------------------------------------


@pytest.fixture
def approved(cast, fair) -> Participation:
    return take_part(fair, cast.employer_a)


def test_an_approved_employer_offers_its_published_vacancy_with_screening_questions(cast, approved):
    vacancy = factories.VacancyFactory(organization=approved.organization, positions=400)

    fair_vacancy = fair_vacancy_add(
        participation=approved,
        vacancy=vacancy,
        positions_offered=350,
        screening_questions=["  Do you have a welder's certificate?  ", "", "Can you start in January?"],
        by=cast.employer_a,
    )

    assert fair_vacancy.fair == approved.fair
    assert fair_vacancy.positions_offered == 350
    assert fair_vacancy.positions_filled == 0
    assert fair_vacancy.screening_questions == ["Do you have a welder's certificate?", "Can you start in January?"]


def test_an_offered_vacancy_stays_open_until_the_fairs_results_and_is_never_shortened(cast, approved):
    fair = approved.fair
    ending = factories.VacancyFactory(organization=approved.organization, expires_at=fair.starts_at)
    lasting = factories.VacancyFactory(
        organization=approved.organization, expires_at=fair.results_at + datetime.timedelta(days=5)
    )
    Vacancy.objects.filter(pk=ending.pk).update(expiry_reminder_sent_at=timezone.now())

    for vacancy in (ending, lasting):
        fair_vacancy_add(participation=approved, vacancy=vacancy, positions_offered=1, by=cast.employer_a)

    ending.refresh_from_db()
    assert ending.expires_at == fair.results_at
    assert ending.expiry_reminder_sent_at is None, "reminded again before the new date"
    assert Vacancy.objects.get(pk=lasting.pk).expires_at == fair.results_at + datetime.timedelta(days=5)


def test_a_participation_waiting_for_approval_cannot_offer_vacancies(cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    vacancy = factories.VacancyFactory(organization=participation.organization)

    with pytest.raises(ConflictError) as refused:
        fair_vacancy_add(participation=participation, vacancy=vacancy, positions_offered=1, by=cast.employer_a)

    assert refused.value.code == "participation_not_approved"


@pytest.mark.parametrize("whose", ["other", "draft", "closed"])
def test_only_the_organizations_own_published_vacancies_are_offered(cast, approved, whose):
    if whose == "other":
        vacancy = factories.VacancyFactory(organization=organization_of(cast.employer_b))
    else:
        vacancy = factories.VacancyFactory(organization=approved.organization, status=whose)

    with pytest.raises(BusinessError) as refused:
        fair_vacancy_add(participation=approved, vacancy=vacancy, positions_offered=1, by=cast.employer_a)

    assert refused.value.code == "vacancy_not_eligible"
    assert "vacancy" in refused.value.fields


@pytest.mark.parametrize("positions_offered", [0, -1, 4])
def test_positions_offered_are_between_one_and_the_vacancys_open_positions(cast, approved, positions_offered):
    vacancy = factories.VacancyFactory(organization=approved.organization, positions=5)
    Vacancy.objects.filter(pk=vacancy.pk).update(positions_filled=2)

    with pytest.raises(BusinessError) as refused:
        fair_vacancy_add(
            participation=approved, vacancy=vacancy, positions_offered=positions_offered, by=cast.employer_a
        )
    three = fair_vacancy_add(participation=approved, vacancy=vacancy, positions_offered=3, by=cast.employer_a)

    assert refused.value.code == "invalid"
    assert list(refused.value.fields) == ["positions_offered"]
    assert three.positions_offered == 3


@pytest.mark.parametrize(
    "questions",
    [["Q1?", "Q2?", "Q3?", "Q4?", "Q5?", "Q6?"], ["x" * 301], "Are you a welder?", [42]],
    ids=["six questions", "a question too long", "not a list", "not text"],
)
def test_screening_questions_are_at_most_five_of_at_most_300_characters(cast, approved, questions):
    vacancy = factories.VacancyFactory(organization=approved.organization)

    with pytest.raises(BusinessError) as refused:
        fair_vacancy_add(
            participation=approved,
            vacancy=vacancy,
            positions_offered=1,
            screening_questions=questions,
            by=cast.employer_a,
        )

    assert list(refused.value.fields) == ["screening_questions"]
    assert not FairVacancy.objects.exists()


def test_five_questions_of_300_characters_are_accepted(cast, approved):
    vacancy = factories.VacancyFactory(organization=approved.organization)
    questions = [f"{i}" + "x" * 299 for i in range(5)]

    fair_vacancy = fair_vacancy_add(
        participation=approved, vacancy=vacancy, positions_offered=1, screening_questions=questions, by=cast.employer_a
    )

    assert fair_vacancy.screening_questions == questions


def test_a_vacancy_is_offered_once_per_fair(cast, approved):
    fair_vacancy = offer(approved)

    with pytest.raises(ConflictError) as refused:
        fair_vacancy_add(participation=approved, vacancy=fair_vacancy.vacancy, positions_offered=1, by=cast.employer_a)

    assert (refused.value.code, refused.value.status_code) == ("fair_vacancy_exists", 409)


def test_no_vacancy_is_offered_after_the_fair_closed(cast):
    participation = take_part(make_fair(status=Fair.Status.CLOSED), cast.employer_a)
    vacancy = factories.VacancyFactory(organization=participation.organization)

    with pytest.raises(ConflictError) as refused:
        fair_vacancy_add(participation=participation, vacancy=vacancy, positions_offered=1, by=cast.employer_a)

    assert refused.value.code == "fair_closed"


def test_another_organization_cannot_offer_at_a_participation(cast, approved):
    vacancy = factories.VacancyFactory(organization=organization_of(cast.employer_b))

    with pytest.raises(PermissionDenied):
        fair_vacancy_add(participation=approved, vacancy=vacancy, positions_offered=1, by=cast.employer_b)


def test_the_positions_offered_change_but_never_below_the_fairs_hires(cast, approved):
    fair_vacancy = offer(approved, positions=10, offered=3)
    FairVacancy.objects.filter(pk=fair_vacancy.pk).update(positions_filled=2)
    Vacancy.objects.filter(pk=fair_vacancy.vacancy_id).update(positions_filled=2)

    with pytest.raises(BusinessError) as below:
        fair_vacancy_update(fair_vacancy=fair_vacancy, by=cast.employer_a, positions_offered=1)
    with pytest.raises(BusinessError) as above:
        fair_vacancy_update(fair_vacancy=fair_vacancy, by=cast.employer_a, positions_offered=11)
    updated = fair_vacancy_update(
        fair_vacancy=fair_vacancy, by=cast.employer_a, positions_offered=10, screening_questions=["Why us?"]
    )

    assert list(below.value.fields) == ["positions_offered"]
    assert list(above.value.fields) == ["positions_offered"]
    assert (updated.positions_offered, updated.screening_questions) == (10, ["Why us?"])


def test_a_fair_vacancy_with_applications_stays_and_one_without_goes_with_its_slots(cast):
    participation = take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)
    applied = offer(participation)
    apply_at_fair(applied)
    empty = offer(participation)
    make_slot(participation, fair_vacancy=empty)

    with pytest.raises(ConflictError) as refused:
        fair_vacancy_remove(fair_vacancy=applied, by=cast.employer_a)
    fair_vacancy_remove(fair_vacancy=empty, by=cast.employer_a)

    assert refused.value.code == "fair_vacancy_has_applications"
    assert list(FairVacancy.objects.values_list("pk", flat=True)) == [applied.pk]
    assert not InterviewSlot.objects.exists()


# --- Interview slots ----------------------------------------------------------------------------


@pytest.fixture
def live_participation(cast) -> Participation:
    return take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)


def test_an_employer_publishes_a_group_interview_slot_for_one_vacancy(cast, live_participation):
    fair_vacancy = offer(live_participation)
    starts_at = timezone.now() + DAY

    slot = slot_create(
        participation=live_participation,
        starts_at=starts_at,
        duration_minutes=45,
        meeting_link="https://meet.example.kz/welders",
        capacity=12,
        fair_vacancy=fair_vacancy,
        by=cast.employer_a,
    )

    assert slot.fair == live_participation.fair
    assert slot.ends_at - slot.starts_at == datetime.timedelta(minutes=45)
    assert (slot.capacity, slot.booked, slot.fair_vacancy) == (12, 0, fair_vacancy)


def test_interviews_are_planned_in_the_hiring_week_too_but_not_after_the_results(cast):
    closed = take_part(make_fair(status=Fair.Status.CLOSED), cast.employer_a)
    published = take_part(make_fair(status=Fair.Status.RESULTS), cast.employer_a)
    arguments = {"duration_minutes": 30, "meeting_link": "https://meet.example.kz/x", "capacity": 1}

    slot = slot_create(participation=closed, starts_at=timezone.now() + DAY, by=cast.employer_a, **arguments)
    with pytest.raises(ConflictError) as refused:
        slot_create(
            participation=published,
            starts_at=published.fair.results_at - HOUR,
            by=cast.employer_a,
            **arguments,
        )

    assert slot.fair == closed.fair
    assert refused.value.code == "fair_finished"


def _slot_arguments(participation, **changes):
    arguments = {
        "starts_at": timezone.now() + DAY,
        "duration_minutes": 30,
        "meeting_link": "https://meet.example.kz/room",
        "capacity": 1,
        "fair_vacancy": None,
    }
    arguments.update(changes)
    return arguments


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda fair: {"starts_at": fair.starts_at - HOUR}, "starts_at"),
        (lambda fair: {"starts_at": fair.results_at}, "starts_at"),
        (lambda fair: {"starts_at": fair.starts_at + HOUR}, "starts_at"),  # inside, but past
        (lambda fair: {"duration_minutes": 9}, "duration_minutes"),
        (lambda fair: {"duration_minutes": 241}, "duration_minutes"),
        (lambda fair: {"meeting_link": "ftp://meet.example.kz/room"}, "meeting_link"),
        (lambda fair: {"meeting_link": "javascript:alert(1)"}, "meeting_link"),
        (lambda fair: {"meeting_link": ""}, "meeting_link"),
        (lambda fair: {"capacity": 0}, "capacity"),
        (lambda fair: {"capacity": 501}, "capacity"),
    ],
    ids=[
        "before the start",
        "at the results",
        "in the past",
        "9 minutes",
        "241 minutes",
        "ftp link",
        "script link",
        "no link",
        "no capacity",
        "capacity 501",
    ],
)
def test_a_slot_out_of_bounds_is_refused_naming_the_field(cast, live_participation, change, field):
    arguments = _slot_arguments(live_participation, **change(live_participation.fair))

    with pytest.raises(BusinessError) as refused:
        slot_create(participation=live_participation, by=cast.employer_a, **arguments)

    assert (refused.value.code, list(refused.value.fields)) == ("invalid", [field])
    assert not InterviewSlot.objects.exists()


def test_the_bounds_themselves_are_accepted(cast, live_participation):
    fair = live_participation.fair

    slots = [
        slot_create(participation=live_participation, by=cast.employer_a, **_slot_arguments(live_participation, **c))
        for c in (
            {"duration_minutes": 10, "capacity": 500, "meeting_link": "http://meet.example.kz/a"},
            {"duration_minutes": 240, "starts_at": fair.results_at - datetime.timedelta(minutes=1)},
        )
    ]

    assert len(slots) == 2


def test_a_slot_is_for_a_vacancy_of_the_same_participation(cast, live_participation):
    other = offer(take_part(live_participation.fair, cast.employer_b))

    with pytest.raises(BusinessError) as refused:
        slot_create(
            participation=live_participation,
            by=cast.employer_a,
            **_slot_arguments(live_participation, fair_vacancy=other),
        )

    assert list(refused.value.fields) == ["fair_vacancy"]


def test_a_slot_with_bookings_is_not_deleted_until_they_are_cancelled(cast, live_participation):
    fair_vacancy = offer(live_participation)
    fair_application = apply_at_fair(fair_vacancy, cast.seeker_a)
    slot = make_slot(live_participation)
    fair_application_book(fair_application=fair_application, slot=slot, by=cast.employer_a)

    with pytest.raises(ConflictError) as refused:
        slot_delete(slot=slot, by=cast.employer_a)
    SlotBooking.objects.filter(slot=slot).update(status=SlotBooking.Status.CANCELLED)
    InterviewSlot.objects.filter(pk=slot.pk).update(booked=0)
    slot_delete(slot=slot, by=cast.employer_a)

    assert (refused.value.code, refused.value.status_code) == ("slot_has_bookings", 409)
    assert not InterviewSlot.objects.exists()


def test_another_organization_cannot_delete_a_slot(cast, live_participation):
    slot = make_slot(live_participation)

    with pytest.raises(PermissionDenied):
        slot_delete(slot=slot, by=cast.employer_b)

    assert InterviewSlot.objects.filter(pk=slot.pk).exists()


# --- Booking candidates and hiring --------------------------------------------------------------


def test_the_employer_books_a_candidate_into_a_slot_and_the_application_moves_to_interview(cast, live_participation):
    fair_application = apply_at_fair(offer(live_participation), cast.seeker_a)
    slot = make_slot(live_participation, capacity=3)

    booking = fair_application_book(fair_application=fair_application, slot=slot, by=cast.employer_a)

    assert (booking.seeker, booking.fair_application, booking.booked_by) == (
        cast.seeker_a,
        fair_application,
        cast.employer_a,
    )
    slot.refresh_from_db()
    assert slot.booked == 1
    fair_application.application.refresh_from_db()
    assert fair_application.application.status == Application.Status.INTERVIEW


def test_a_candidate_is_booked_into_the_employers_own_slots_only(cast, live_participation):
    fair_application = apply_at_fair(offer(live_participation), cast.seeker_a)
    other_slot = make_slot(take_part(live_participation.fair, cast.employer_b))

    with pytest.raises(PermissionDenied):
        fair_application_book(fair_application=fair_application, slot=other_slot, by=cast.employer_b)
    with pytest.raises(BusinessError) as refused:
        fair_application_book(fair_application=fair_application, slot=other_slot, by=cast.employer_a)

    assert list(refused.value.fields) == ["slot"]
    assert not SlotBooking.objects.exists()


def test_hiring_takes_a_position_of_the_fair_and_of_the_vacancy(cast, live_participation):
    fair_vacancy = offer(live_participation, positions=5, offered=3)
    fair_application = apply_at_fair(fair_vacancy, cast.seeker_a)

    hired = fair_application_hire(fair_application=fair_application, by=cast.employer_a)

    assert hired.application.status == Application.Status.HIRED
    fair_vacancy.refresh_from_db()
    fair_vacancy.vacancy.refresh_from_db()
    assert fair_vacancy.positions_filled == 1
    assert fair_vacancy.vacancy.positions_filled == 1


def test_hires_stop_at_the_positions_offered_at_the_fair(cast, live_participation):
    fair_vacancy = offer(live_participation, positions=5, offered=2)
    applications = [apply_at_fair(fair_vacancy) for _ in range(3)]
    for fair_application in applications[:2]:
        fair_application_hire(fair_application=fair_application, by=cast.employer_a)

    with pytest.raises(ConflictError) as refused:
        fair_application_hire(fair_application=applications[2], by=cast.employer_a)

    assert (refused.value.code, refused.value.status_code) == ("fair_positions_filled", 409)
    fair_vacancy.refresh_from_db()
    fair_vacancy.vacancy.refresh_from_db()
    assert (fair_vacancy.positions_filled, fair_vacancy.vacancy.positions_filled) == (2, 2)
    applications[2].application.refresh_from_db()
    assert applications[2].application.status == Application.Status.SUBMITTED


def test_a_fair_candidate_cannot_be_hired_past_the_fair_from_the_vacancies_pages(cast, live_participation, client):
    fair_vacancy = offer(live_participation, positions=5, offered=1)
    fair_application = apply_at_fair(fair_vacancy)
    api = APIClient()
    api.force_authenticate(cast.employer_a)

    response = api.post(reverse("application-hire", args=[fair_application.application_id]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "hire_at_fair"
    fair_vacancy.refresh_from_db()
    fair_vacancy.vacancy.refresh_from_db()
    assert (fair_vacancy.positions_filled, fair_vacancy.vacancy.positions_filled) == (0, 0)
    fair_application.application.refresh_from_db()
    assert fair_application.application.status == Application.Status.SUBMITTED


def test_a_refused_hire_leaves_the_fairs_counter_as_it_was(cast, live_participation):
    fair_vacancy = offer(live_participation)
    fair_application = apply_at_fair(fair_vacancy, status=Application.Status.REJECTED)

    with pytest.raises(ConflictError) as refused:
        fair_application_hire(fair_application=fair_application, by=cast.employer_a)

    assert refused.value.code == "invalid_transition"
    fair_vacancy.refresh_from_db()
    assert fair_vacancy.positions_filled == 0


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (Fair.Status.SCHEDULED, "fair_not_live"),
        (Fair.Status.REGISTRATION, "fair_not_live"),
        (Fair.Status.LIVE, None),
        (Fair.Status.CLOSED, None),
        (Fair.Status.RESULTS, "fair_results_published"),
    ],
)
def test_hires_run_from_the_start_of_the_fair_until_its_results(cast, status, outcome):
    fair_application = apply_at_fair(offer(take_part(make_fair(status=status), cast.employer_a)))

    if outcome is None:
        fair_application_hire(fair_application=fair_application, by=cast.employer_a)
        fair_application.application.refresh_from_db()
        assert fair_application.application.status == Application.Status.HIRED
    else:
        with pytest.raises(ConflictError) as refused:
            fair_application_hire(fair_application=fair_application, by=cast.employer_a)
        assert refused.value.code == outcome


@pytest.mark.parametrize("actor", ["employer_b", "staff_x", "admin", "seeker_a"])
def test_only_the_employer_hires(cast, live_participation, actor):
    fair_vacancy = offer(live_participation)
    fair_application = apply_at_fair(fair_vacancy, cast.seeker_a)

    with pytest.raises(PermissionDenied):
        fair_application_hire(fair_application=fair_application, by=getattr(cast, actor))

    fair_vacancy.refresh_from_db()
    assert fair_vacancy.positions_filled == 0


# --- Pages --------------------------------------------------------------------------------------


def test_the_take_part_page_sends_the_application(client, cast, fair):
    client.force_login(cast.employer_a)
    url = reverse("fairs:participate", args=[fair.pk])

    page = client.get(url)
    sent = client.post(url, {"note": "We hire welders"})

    assert page.status_code == 200
    participation = Participation.objects.get()
    assert sent.status_code == 302
    assert sent.url == reverse("fairs:participation", args=[participation.pk])
    assert participation.note == "We hire welders"
    # Coming back to the page leads to the participation.
    assert client.get(url).url == reverse("fairs:participation", args=[participation.pk])


def test_the_take_part_page_says_why_a_closed_fair_cannot_be_joined(client, cast):
    fair = make_fair(status=Fair.Status.CLOSED)
    client.force_login(cast.employer_a)

    page = client.get(reverse("fairs:participate", args=[fair.pk]))
    sent = client.post(reverse("fairs:participate", args=[fair.pk]), {"note": ""})

    assert "This fair has closed" in page.content.decode()
    assert sent.status_code == 409
    assert "This fair has closed" in sent.content.decode()


def test_a_second_application_from_the_page_shows_the_apis_message(client, cast, fair):
    take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    client.force_login(cast.employer_a)

    sent = client.post(reverse("fairs:participate", args=[fair.pk]), {"note": ""})

    assert sent.status_code == 409
    assert "Your organization has already applied to this fair." in sent.content.decode()


def test_the_participants_page_approves_and_declines_with_a_reason(client, cast, fair):
    first = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    second = take_part(fair, cast.employer_b, status=Participation.Status.PENDING)
    client.force_login(cast.admin)
    participants_url = reverse("fairs:participants", args=[fair.pk])

    listed = client.get(participants_url)
    approved = client.post(reverse("fairs:participation-decide", args=[first.pk]), {"decision": "approve"})
    no_reason = client.post(reverse("fairs:participation-decide", args=[second.pk]), {"decision": "decline"})
    declined = client.post(
        reverse("fairs:participation-decide", args=[second.pk]),
        {"decision": "decline", "reason": "Not a youth employer", "next": participants_url},
    )

    assert listed.status_code == 200
    assert "employer-a LLP" in listed.content.decode()
    assert approved.status_code == 302
    assert no_reason.status_code == 400
    assert "Say why the employer is declined" in no_reason.content.decode()
    assert declined.url == participants_url
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.decline_reason) == ("approved", "declined", "Not a youth employer")


def test_a_decision_does_not_send_the_manager_to_another_site(client, cast, fair):
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    client.force_login(cast.admin)

    answer = client.post(
        reverse("fairs:participation-decide", args=[participation.pk]),
        {"decision": "approve", "next": "https://evil.example.com/"},
    )

    assert answer.url == reverse("fairs:participants", args=[fair.pk])


def test_the_pending_page_lists_what_waits_for_each_manager(client, cast):
    regional = make_fair(status=Fair.Status.REGISTRATION, kind=Fair.Kind.REGIONAL, region=cast.region_x)
    national = make_fair(status=Fair.Status.REGISTRATION)
    take_part(regional, cast.employer_a, status=Participation.Status.PENDING)
    take_part(national, cast.employer_b, status=Participation.Status.PENDING)

    def listed(user):
        client.force_login(user)
        return client.get(reverse("fairs:participants-pending")).content.decode()

    assert "employer-a LLP" in listed(cast.staff_x) and "employer-b LLP" not in listed(cast.staff_x)
    assert "employer-a LLP" not in listed(cast.staff_y) and "employer-b LLP" not in listed(cast.staff_y)
    assert "employer-a LLP" in listed(cast.admin) and "employer-b LLP" in listed(cast.admin)


def test_the_employer_offers_a_vacancy_and_publishes_a_slot_from_the_pages(client, cast, live_participation):
    vacancy = factories.VacancyFactory(organization=live_participation.organization, positions=10, title="Welder")
    client.force_login(cast.employer_a)
    starts = timezone.localtime(timezone.now() + DAY).replace(second=0, microsecond=0)

    form = client.get(reverse("fairs:fair-vacancy-add", args=[live_participation.pk]))
    added = client.post(
        reverse("fairs:fair-vacancy-add", args=[live_participation.pk]),
        {"vacancy": vacancy.pk, "positions_offered": "7", "screening_questions": "Certificate?\r\n\r\nNight shifts?"},
    )
    fair_vacancy = FairVacancy.objects.get()
    slot = client.post(
        reverse("fairs:slot-add", args=[live_participation.pk]),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "30",
            "meeting_link": "https://meet.example.kz/welders",
            "capacity": "5",
            "fair_vacancy": fair_vacancy.pk,
        },
    )
    page = client.get(reverse("fairs:participation", args=[live_participation.pk]))

    assert form.status_code == 200 and "Welder" in form.content.decode()
    assert added.status_code == 302
    assert (fair_vacancy.positions_offered, fair_vacancy.screening_questions) == (7, ["Certificate?", "Night shifts?"])
    assert slot.status_code == 302
    assert InterviewSlot.objects.get().starts_at == starts
    assert page.status_code == 200
    content = page.content.decode()
    assert "Welder" in content and "Night shifts?" in content and "https://meet.example.kz/welders" in content


def test_the_vacancy_form_shows_the_services_message_on_the_field(client, cast, live_participation):
    vacancy = factories.VacancyFactory(organization=live_participation.organization, positions=3)
    client.force_login(cast.employer_a)

    answer = client.post(
        reverse("fairs:fair-vacancy-add", args=[live_participation.pk]),
        {"vacancy": vacancy.pk, "positions_offered": "4", "screening_questions": ""},
    )

    assert answer.status_code == 400
    assert "The vacancy has 3 positions not yet filled" in answer.content.decode()
    assert not FairVacancy.objects.exists()


def test_the_slot_form_shows_the_services_message_on_the_field(client, cast, live_participation):
    client.force_login(cast.employer_a)
    starts = timezone.localtime(timezone.now() + DAY)

    answer = client.post(
        reverse("fairs:slot-add", args=[live_participation.pk]),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "300",
            "meeting_link": "https://meet.example.kz/x",
            "capacity": "1",
        },
    )

    assert answer.status_code == 400
    assert "An interview lasts from 10 to 240 minutes." in answer.content.decode()


def test_the_screening_page_shows_answers_the_cv_link_and_hires(client, cast, live_participation):
    fair_vacancy = offer(live_participation, questions=["Do you have a certificate?"])
    fair_application = apply_at_fair(fair_vacancy, cast.seeker_a, answers=["Yes, since 2019"])
    make_slot(live_participation)
    client.force_login(cast.employer_a)
    url = reverse("fairs:participation-applications", args=[live_participation.pk])

    page = client.get(url)
    hired = client.post(reverse("fairs:fair-application-hire", args=[fair_application.pk]), {"next": url})

    content = page.content.decode()
    assert page.status_code == 200
    assert "Do you have a certificate?" in content and "Yes, since 2019" in content
    assert reverse("vacancies:application-detail", args=[fair_application.application_id]) in content
    assert reverse("fairs:fair-application-hire", args=[fair_application.pk]) in content
    assert reverse("fairs:fair-application-book", args=[fair_application.pk]) in content
    assert hired.url == url
    fair_application.application.refresh_from_db()
    assert fair_application.application.status == Application.Status.HIRED


def test_a_refused_hire_shows_its_message_on_the_screening_page(client, cast, live_participation):
    fair_vacancy = offer(live_participation, offered=1)
    first, second = apply_at_fair(fair_vacancy), apply_at_fair(fair_vacancy)
    client.force_login(cast.employer_a)
    client.post(reverse("fairs:fair-application-hire", args=[first.pk]))

    refused = client.post(reverse("fairs:fair-application-hire", args=[second.pk]))

    assert refused.status_code == 409
    assert "Every position offered at the fair for this vacancy has been filled." in refused.content.decode()


def test_the_screening_page_books_a_candidate_into_a_slot(client, cast, live_participation):
    fair_application = apply_at_fair(offer(live_participation), cast.seeker_a)
    slot = make_slot(live_participation)
    client.force_login(cast.employer_a)

    booked = client.post(reverse("fairs:fair-application-book", args=[fair_application.pk]), {"slot": slot.pk})
    again = client.post(reverse("fairs:fair-application-book", args=[fair_application.pk]), {"slot": slot.pk})

    assert booked.status_code == 302
    assert SlotBooking.objects.get().slot == slot
    assert again.status_code == 409
    assert "already booked" in again.content.decode()


def test_the_screening_page_filters_by_vacancy_and_state(client, cast, live_participation):
    welders = offer(live_participation, title="Welder")
    drivers = offer(live_participation, title="Driver")
    apply_at_fair(welders, factories.SeekerProfileFactory(user__full_name="Aigerim Welder").user)
    apply_at_fair(drivers, factories.SeekerProfileFactory(user__full_name="Nurlan Driver").user)
    client.force_login(cast.employer_a)
    url = reverse("fairs:participation-applications", args=[live_participation.pk])

    only_drivers = client.get(url, {"vacancy": drivers.pk}).content.decode()
    only_hired = client.get(url, {"status": "hired"}).content.decode()

    assert "Nurlan Driver" in only_drivers and "Aigerim Welder" not in only_drivers
    assert "Nurlan Driver" not in only_hired and "Aigerim Welder" not in only_hired


def test_the_screening_page_runs_a_fixed_number_of_queries(
    client, cast, live_participation, django_assert_max_num_queries
):
    fair_vacancy = offer(live_participation, questions=["Why?"], offered=3)
    for _ in range(20):
        apply_at_fair(fair_vacancy, answers=["Because"])
    make_slot(live_participation, capacity=5)
    client.force_login(cast.employer_a)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("fairs:participation-applications", args=[live_participation.pk]))

    assert page.content.decode().count("Because") == 20


def test_the_participants_page_runs_a_fixed_number_of_queries(client, cast, fair, django_assert_max_num_queries):
    for _ in range(15):
        participation = take_part(fair, factories.MembershipFactory().user, status=Participation.Status.PENDING)
        offer(participation)
    client.force_login(cast.admin)

    with django_assert_max_num_queries(7):
        page = client.get(reverse("fairs:participants", args=[fair.pk]))

    assert page.content.decode().count(reverse("fairs:participation-decide", args=[participation.pk])) == 2


def test_the_participation_page_runs_a_fixed_number_of_queries(
    client, cast, live_participation, django_assert_max_num_queries
):
    for _ in range(5):
        fair_vacancy = offer(live_participation)
        slot = make_slot(live_participation, capacity=3, fair_vacancy=fair_vacancy)
        apply_at_fair(fair_vacancy)
        SlotBooking.objects.create(
            slot=slot,
            seeker=factories.SeekerProfileFactory().user,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
    client.force_login(cast.employer_a)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("fairs:participation", args=[live_participation.pk]))

    assert page.status_code == 200


def test_the_withdraw_button_withdraws_before_the_fair(client, cast, fair):
    participation = take_part(fair, cast.employer_a)
    client.force_login(cast.employer_a)

    answer = client.post(reverse("fairs:participation-withdraw", args=[participation.pk]))

    assert answer.status_code == 302
    participation.refresh_from_db()
    assert participation.status == Participation.Status.WITHDRAWN


def test_a_slot_with_bookings_is_not_deleted_from_the_page(client, cast, live_participation):
    fair_application = apply_at_fair(offer(live_participation), cast.seeker_a)
    slot = make_slot(live_participation)
    fair_application_book(fair_application=fair_application, slot=slot, by=cast.employer_a)
    client.force_login(cast.employer_a)

    answer = client.post(reverse("fairs:slot-delete", args=[slot.pk]))

    assert answer.status_code == 409
    assert "cancel their bookings" in answer.content.decode()
    assert InterviewSlot.objects.filter(pk=slot.pk).exists()


def test_my_fairs_lists_the_participations_and_the_fairs_to_join(client, cast, fair):
    joined = take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)
    other_employers_fair = make_fair(
        status=Fair.Status.REGISTRATION, kind=Fair.Kind.EMPLOYER, organization=organization_of(cast.employer_b)
    )
    client.force_login(cast.employer_a)

    content = client.get(reverse("fairs:my-participations")).content.decode()

    assert reverse("fairs:participation", args=[joined.pk]) in content
    assert reverse("fairs:participate", args=[fair.pk]) in content
    assert reverse("fairs:participate", args=[joined.fair_id]) not in content
    assert reverse("fairs:participate", args=[other_employers_fair.pk]) not in content


# --- Panels on the fair page --------------------------------------------------------------------


def test_the_fair_page_offers_an_employer_to_take_part(client, cast, fair):
    client.force_login(cast.employer_a)

    content = client.get(fair.get_absolute_url()).content.decode()

    assert reverse("fairs:participate", args=[fair.pk]) in content


def test_the_fair_page_shows_a_participating_employer_its_state_and_links(client, cast, fair):
    participation = take_part(fair, cast.employer_a)
    client.force_login(cast.employer_a)

    content = client.get(fair.get_absolute_url()).content.decode()

    assert reverse("fairs:participation", args=[participation.pk]) in content
    assert reverse("fairs:participation-applications", args=[participation.pk]) in content
    assert reverse("fairs:participate", args=[fair.pk]) not in content


def test_the_fair_page_tells_an_unverified_employer_why_it_cannot_take_part(client, cast, fair):
    Organization.objects.filter(pk=organization_of(cast.employer_a).pk).update(status=Organization.Status.PENDING)
    client.force_login(cast.employer_a)

    content = client.get(fair.get_absolute_url()).content.decode()

    assert "has not been verified yet" in content
    assert reverse("fairs:participate", args=[fair.pk]) not in content


@pytest.mark.parametrize("actor", ["anonymous", "seeker_a", "staff_y"])
def test_the_fair_page_has_no_employer_or_manager_panel_for_others(client, cast, fair, actor):
    take_part(fair, cast.employer_b, status=Participation.Status.PENDING)
    if actor != "anonymous":
        client.force_login(getattr(cast, actor))

    content = client.get(fair.get_absolute_url()).content.decode()

    assert 'id="fair-participation"' not in content
    assert 'id="fair-participants"' not in content


def test_the_fair_page_shows_managers_the_employers_waiting_with_buttons(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, kind=Fair.Kind.REGIONAL, region=cast.region_x)
    waiting = take_part(fair, cast.employer_b, status=Participation.Status.PENDING)
    take_part(fair, cast.employer_a)

    def page(user):
        client.force_login(user)
        return client.get(fair.get_absolute_url()).content.decode()

    for manager in (cast.staff_x, cast.admin):
        content = page(manager)
        assert 'id="fair-participants"' in content
        assert reverse("fairs:participation-decide", args=[waiting.pk]) in content
        assert reverse("fairs:participants", args=[fair.pk]) in content
    assert 'id="fair-participants"' not in page(cast.staff_y)


# --- Who may open which page --------------------------------------------------------------------

ACTORS = ["anonymous", "seeker_a", "employer_a", "employer_b", "staff_x", "staff_y", "admin"]


def participation_routes(module: str) -> list[tuple[str, str]]:
    """(URL name, route) of every pattern ``module`` declares."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "__module__", "") == module:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


@pytest.fixture
def world(cast) -> dict:
    """A live regional fair of region X: employer A approved with a fair vacancy, a slot and seeker
    A's fair application."""
    fair = make_fair(status=Fair.Status.LIVE, kind=Fair.Kind.REGIONAL, region=cast.region_x)
    participation = take_part(fair, cast.employer_a)
    fair_vacancy = offer(participation)
    slot = make_slot(participation)
    fair_application = apply_at_fair(fair_vacancy, cast.seeker_a)
    return {
        "fair_id": fair.pk,
        "participation_id": participation.pk,
        "fair_vacancy_id": fair_vacancy.pk,
        "slot_id": slot.pk,
        "fair_application_id": fair_application.pk,
    }


def url_for(name: str, route: str, world: dict) -> str:
    return reverse(name, kwargs={param: world[param] for param in re.findall(r"<(?:\w+:)?(\w+)>", route)})


def login(client, cast, actor: str) -> None:
    client.logout()
    if actor != "anonymous":
        client.force_login(getattr(cast, actor))


# GET status for: anonymous, seeker_a, employer_a (the participant), employer_b (an outsider),
# staff_x (manages the regional fair), staff_y (another region), admin. 302 from anonymous = the
# login page (302 from employer A on "participate": it takes part already, to its page); 405 = the
# URL only takes POST.
PAGE_READS = {
    "fairs:participate": [302, 403, 302, 200, 403, 403, 403],
    "fairs:participants": [302, 403, 403, 403, 200, 403, 200],
    "fairs:participants-pending": [302, 403, 403, 403, 200, 200, 200],
    "fairs:my-participations": [302, 403, 200, 200, 403, 403, 403],
    "fairs:participation": [302, 404, 200, 404, 200, 404, 200],
    "fairs:participation-withdraw": [302, 405, 405, 405, 405, 405, 405],
    "fairs:participation-decide": [302, 405, 405, 405, 405, 405, 405],
    "fairs:fair-vacancy-add": [302, 403, 200, 404, 403, 403, 403],
    "fairs:slot-add": [302, 403, 200, 404, 403, 403, 403],
    "fairs:participation-applications": [302, 403, 200, 404, 403, 403, 403],
    "fairs:fair-vacancy-edit": [302, 403, 200, 404, 403, 403, 403],
    "fairs:fair-vacancy-remove": [302, 405, 405, 405, 405, 405, 405],
    "fairs:slot-delete": [302, 405, 405, 405, 405, 405, 405],
    "fairs:fair-application-hire": [302, 405, 405, 405, 405, 405, 405],
    "fairs:fair-application-book": [302, 405, 405, 405, 405, 405, 405],
}


def test_every_participation_page_has_a_row():
    assert {name for name, _ in participation_routes("fairs.views.participation")} == set(PAGE_READS)


@pytest.mark.parametrize("name", sorted(PAGE_READS))
def test_who_may_open_each_participation_page(client, cast, world, name):
    route = dict(participation_routes("fairs.views.participation"))[name]
    url = url_for(name, route, world)

    got = []
    for actor in ACTORS:
        login(client, cast, actor)
        got.append(client.get(url).status_code)

    assert got == PAGE_READS[name]


def _state() -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        tuple(Participation.objects.order_by("pk").values_list("pk", "status", "decline_reason")),
        tuple(FairVacancy.objects.order_by("pk").values_list("pk", "positions_offered", "positions_filled")),
        tuple(InterviewSlot.objects.order_by("pk").values_list("pk", "booked")),
        tuple(Application.objects.order_by("pk").values_list("pk", "status")),
        SlotBooking.objects.count(),
    )


# Each write, with a valid body, by everyone who may not make it: the status they get.
PAGE_WRITES = {
    "fairs:participation-withdraw": (
        {},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_y": 403, "staff_x": 403, "admin": 403},
    ),
    "fairs:participation-decide": (
        {"decision": "decline", "reason": "No"},
        {"anonymous": 302, "seeker_a": 403, "employer_a": 403, "employer_b": 403, "staff_y": 403},
    ),
    "fairs:fair-vacancy-add": (
        {"positions_offered": "1"},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:fair-vacancy-edit": (
        {"positions_offered": "2", "screening_questions": ""},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:fair-vacancy-remove": (
        {},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:slot-add": (
        {"starts_at": "", "duration_minutes": "30", "meeting_link": "https://meet.example.kz/a", "capacity": "1"},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:slot-delete": (
        {},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:fair-application-hire": (
        {},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:fair-application-book": (
        {"slot": "SLOT"},
        {"anonymous": 302, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    "fairs:participate": (
        {"note": "again"},
        {"anonymous": 302, "seeker_a": 403, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
}


@pytest.mark.parametrize("name", sorted(PAGE_WRITES))
def test_each_page_write_is_refused_to_those_who_may_not_make_it_and_changes_nothing(client, cast, world, name):
    route = dict(participation_routes("fairs.views.participation"))[name]
    url = url_for(name, route, world)
    body, expected = PAGE_WRITES[name]
    body = {key: (world["slot_id"] if value == "SLOT" else value) for key, value in body.items()}
    before = _state()

    got = {}
    for actor in expected:
        login(client, cast, actor)
        got[actor] = client.post(url, body).status_code

    assert got == expected
    assert _state() == before
