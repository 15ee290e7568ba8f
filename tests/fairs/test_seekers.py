"""Job seekers at a fair: registering, applying with screening answers, booking and cancelling
interviews; the pages (register, fair vacancy, slots, my fairs) and the fair page's tags.

The builders at the top (``make_fair``, ``take_part``, ``offer``, ``make_slot``, ``make_seeker``,
``register``, ``applied``) are shared with the other seekers test modules.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import SeekerProfile, User
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, FairApplication, FairVacancy, InterviewSlot, Participation, Registration, SlotBooking
from fairs.selectors.seekers import fair_vacancy_apply_panel
from fairs.services.seekers import booking_cancel, fair_apply, fair_register, registration_cancel, slot_book
from tests import factories
from tests.vacancies.test_cv_snapshot import PLAIN_APPLICATION_QUERIES, full_cv
from vacancies.models import Application

# --- Builders -----------------------------------------------------------------------------------

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

# (registration opens, starts, ends, results) relative to now, per state, so every fair built
# here is in the state its dates say.
_TIMELINE = {
    Fair.Status.SCHEDULED: (2 * DAY, 9 * DAY, 15 * DAY, 22 * DAY),
    Fair.Status.REGISTRATION: (-2 * DAY, 5 * DAY, 11 * DAY, 18 * DAY),
    Fair.Status.LIVE: (-8 * DAY, -1 * DAY, 5 * DAY, 12 * DAY),
    Fair.Status.CLOSED: (-15 * DAY, -8 * DAY, -2 * DAY, 5 * DAY),
    Fair.Status.RESULTS: (-30 * DAY, -23 * DAY, -17 * DAY, -10 * DAY),
}


def make_fair(*, status=Fair.Status.LIVE, starts_at=None, regions=(), **fields) -> Fair:
    """A fair in ``status`` with dates to match (or starting at ``starts_at``)."""
    now = timezone.now()
    opens, starts, ends, results = (now + delta for delta in _TIMELINE[status])
    if starts_at is not None:
        opens, starts, ends, results = starts_at - 7 * DAY, starts_at, starts_at + 6 * DAY, starts_at + 13 * DAY
    fair = Fair.objects.create(
        title=fields.pop("title", "Online job fair"),
        kind=fields.pop("kind", Fair.Kind.REGIONAL),
        status=status,
        registration_opens_at=opens,
        starts_at=starts,
        ends_at=ends,
        results_at=results,
        **fields,
    )
    if regions:
        fair.audience_regions.set(regions)
    return fair


def take_part(fair: Fair, user: User, status=Participation.Status.APPROVED) -> Participation:
    """``user``'s organization takes part in ``fair``."""
    return Participation.objects.create(fair=fair, organization=user.membership.organization, status=status)


def offer(participation: Participation, *, positions=10, questions=(), filled=0) -> FairVacancy:
    vacancy = factories.VacancyFactory(organization=participation.organization, positions=positions + 5)
    return FairVacancy.objects.create(
        fair=participation.fair,
        participation=participation,
        vacancy=vacancy,
        positions_offered=positions,
        positions_filled=filled,
        screening_questions=list(questions),
    )


def make_slot(participation: Participation, *, starts_in=2 * HOUR, minutes=30, capacity=1, fair_vacancy=None):
    starts_at = timezone.now() + starts_in
    return InterviewSlot.objects.create(
        fair=participation.fair,
        participation=participation,
        fair_vacancy=fair_vacancy,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        meeting_link=f"https://meet.example.kz/{participation.pk}-{starts_at:%H%M%S%f}",
        capacity=capacity,
    )


def make_seeker(*, birth_date=None, region=None, consent=True, iin=True, **profile_fields) -> User:
    """A seeker with a CV (and consent); the IIN encodes ``birth_date`` (default: 25 years ago)."""
    user = factories.SeekerFactory()
    # Not the factories' default birth date, so the IINs made here never collide with theirs.
    birth_date = birth_date or datetime.date(timezone.localdate().year - 24, 2, 3)
    fields = {"user": user, **profile_fields}
    if region is not None:
        fields["region"] = region
    if iin:
        fields["iin"] = factories.valid_iin(user.pk * 13, birth_date)
    else:
        fields.update(iin=None, birth_date=birth_date)
    profile = factories.SeekerProfileFactory(**fields)
    if consent:
        factories.ConsentFactory(user=user)
        SeekerProfile.objects.filter(pk=profile.pk).update(has_consent=True)
    return user


def register(fair: Fair, seeker: User) -> Registration:
    """A registration row as the service would write it, for fairs past their registration."""
    return Registration.objects.create(fair=fair, seeker=seeker, region_id=seeker.seeker_profile.region_id)


def applied(fair_vacancy: FairVacancy, seeker: User, status=Application.Status.SUBMITTED) -> FairApplication:
    """A fair application made earlier (rows written directly, in any state)."""
    registration = Registration.objects.filter(fair=fair_vacancy.fair, seeker=seeker).first() or register(
        fair_vacancy.fair, seeker
    )
    application = Application.objects.create(
        vacancy=fair_vacancy.vacancy, seeker=seeker, status=status, source=Application.Source.FAIR, cv_snapshot={}
    )
    return FairApplication.objects.create(
        application=application, fair=fair_vacancy.fair, fair_vacancy=fair_vacancy, registration=registration
    )


@pytest.fixture
def live(cast):
    """A live fair where employer A offers a vacancy with two questions and a one-person slot."""
    fair = make_fair(status=Fair.Status.LIVE)
    participation = take_part(fair, cast.employer_a)
    fair_vacancy = offer(
        participation, positions=5, questions=["Do you have a welding certificate?", "When can you start?"]
    )
    slot = make_slot(participation)
    return fair, participation, fair_vacancy, slot


def error_of(call) -> BusinessError:
    with pytest.raises(BusinessError) as caught:
        call()
    return caught.value


# --- Registering --------------------------------------------------------------------------------


def test_a_seeker_registers_while_registration_is_open_and_the_facts_checked_are_kept(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, max_age=35)
    registration = fair_register(fair=fair, seeker=cast.seeker_a)
    assert registration.fair == fair
    assert registration.region == cast.region_x
    profile = cast.seeker_a.seeker_profile
    assert registration.age_at_start == profile.age_on(timezone.localdate(fair.starts_at))
    assert 24 <= registration.age_at_start <= 25
    assert registration.is_youth is True
    assert registration.is_graduate is False


def test_a_seeker_may_also_register_while_the_fair_is_live(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    assert fair_register(fair=fair, seeker=cast.seeker_a).pk


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Fair.Status.SCHEDULED, "Registration for this fair opens on"),
        (Fair.Status.CLOSED, "This fair is over: registration is closed."),
        (Fair.Status.RESULTS, "This fair is over: registration is closed."),
    ],
)
def test_registration_outside_its_window_is_refused_with_a_clear_message(cast, status, words):
    fair = make_fair(status=status)
    with translation.override("en"):
        error = error_of(lambda: fair_register(fair=fair, seeker=cast.seeker_a))
    assert isinstance(error, ConflictError)
    assert error.code == "registration_closed"
    assert words in error.message
    assert not Registration.objects.exists()


def test_registering_twice_is_a_conflict(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    fair_register(fair=fair, seeker=cast.seeker_a)
    error = error_of(lambda: fair_register(fair=fair, seeker=cast.seeker_a))
    assert (error.code, error.status_code) == ("already_registered", 409)
    assert Registration.objects.filter(fair=fair).count() == 1


@pytest.mark.parametrize("actor", ["employer_a", "staff_x", "admin"])
def test_only_job_seekers_register(cast, actor):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    error = error_of(lambda: fair_register(fair=fair, seeker=getattr(cast, actor)))
    assert (error.code, error.status_code) == ("seekers_only", 403)


def test_a_seeker_cancels_their_registration_before_applying(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    registration = fair_register(fair=fair, seeker=cast.seeker_a)
    registration_cancel(registration=registration, by=cast.seeker_a)
    assert not Registration.objects.filter(fair=fair).exists()


def test_a_registration_with_applications_stays(cast, live):
    fair, _participation, fair_vacancy, _slot = live
    fair_application = applied(fair_vacancy, cast.seeker_a)
    error = error_of(lambda: registration_cancel(registration=fair_application.registration, by=cast.seeker_a))
    assert (error.code, error.status_code) == ("registration_has_applications", 409)
    assert Registration.objects.filter(fair=fair).count() == 1


def test_nobody_cancels_another_seekers_registration(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    registration = fair_register(fair=fair, seeker=cast.seeker_a)
    for intruder in (cast.seeker_b, cast.employer_a, cast.admin):
        with pytest.raises(PermissionDenied):
            registration_cancel(registration=registration, by=intruder)
    assert Registration.objects.filter(pk=registration.pk).exists()


# --- Applying -----------------------------------------------------------------------------------


def test_a_registered_seeker_applies_with_answers_and_gets_a_fair_application(cast, live):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    fair_application = fair_apply(
        fair_vacancy=fair_vacancy, seeker=cast.seeker_a, cover_letter="Hello", answers=["Yes, since 2020", "Monday"]
    )
    application = fair_application.application
    assert application.vacancy == fair_vacancy.vacancy
    assert application.seeker == cast.seeker_a
    assert application.source == Application.Source.FAIR
    assert application.status == Application.Status.SUBMITTED
    assert application.cover_letter == "Hello"
    assert application.cv_snapshot["full_name"] == cast.seeker_a.get_full_name()
    assert fair_application.fair == fair
    assert fair_application.answers == [
        {"question": "Do you have a welding certificate?", "answer": "Yes, since 2020"},
        {"question": "When can you start?", "answer": "Monday"},
    ]


def test_applying_runs_a_bounded_number_of_queries(cast, live, django_assert_max_num_queries):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    full_cv(cast.seeker_a)  # however long the CV: the snapshot reads its lists in one query
    # The fair's check and its fair application, in a savepoint, around a direct application
    # (``PLAIN_APPLICATION_QUERIES``: profile, vacancy, snapshot, application, event, employer
    # notification). Was 21 when the snapshot read each list of the CV apart.
    with django_assert_max_num_queries(PLAIN_APPLICATION_QUERIES + 4):
        fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=["Yes", "Now"])


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (Fair.Status.SCHEDULED, "fair_not_started", "The fair has not started yet: applications open on "),
        (Fair.Status.REGISTRATION, "fair_not_started", "The fair has not started yet: applications open on "),
        (Fair.Status.CLOSED, "fair_over", "The fair is over: applications closed on "),
        (Fair.Status.RESULTS, "fair_over", "The fair is over: applications closed on "),
    ],
)
def test_applications_outside_the_live_window_are_refused_with_a_clear_message(cast, status, code, words):
    fair = make_fair(status=status)
    fair_vacancy = offer(take_part(fair, cast.employer_a))
    register(fair, cast.seeker_a)
    with translation.override("en"):
        error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=[]))
    assert (error.code, error.status_code) == (code, 409)
    assert error.message.startswith(words)
    assert str(timezone.localtime(fair.starts_at if code == "fair_not_started" else fair.ends_at).year) in error.message
    assert not Application.objects.exists()


def test_applications_after_the_end_are_refused_even_before_the_periodic_task_closes_the_fair(cast):
    # The status still says live (the task runs once a minute, or the worker is down): the
    # clock decides, in the service and on the page.
    fair = make_fair(status=Fair.Status.LIVE)
    Fair.objects.filter(pk=fair.pk).update(ends_at=timezone.now() - datetime.timedelta(minutes=1))
    fair_vacancy = offer(take_part(fair, cast.employer_a))
    register(fair, cast.seeker_a)

    error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=[]))

    assert (error.code, error.status_code) == ("fair_over", 409)
    assert not Application.objects.exists()
    panel = fair_vacancy_apply_panel(fair_vacancy=FairVacancy.objects.get(pk=fair_vacancy.pk), user=cast.seeker_a)
    assert not panel["can_apply"]


def test_only_registered_seekers_apply(cast, live):
    _fair, _participation, fair_vacancy, _slot = live
    error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=["a", "b"]))
    assert (error.code, error.status_code) == ("not_registered", 403)
    assert not Application.objects.exists()


def test_a_missing_answer_is_named_and_nothing_is_written(cast, live):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    with translation.override("en"):
        error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=["Yes", "  "]))
    assert (error.code, error.status_code) == ("invalid", 400)
    assert error.fields == {"answers.1": ["Answer this question."]}
    assert not Application.objects.exists()
    assert not FairApplication.objects.exists()


def test_a_fair_vacancy_with_every_position_filled_takes_no_more_applications(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    fair_vacancy = offer(take_part(fair, cast.employer_a), positions=2, filled=2)
    register(fair, cast.seeker_a)
    error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=[]))
    assert (error.code, error.status_code) == ("fair_vacancy_full", 409)


def test_an_employer_no_longer_taking_part_takes_no_applications(cast, live):
    fair, participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    Participation.objects.filter(pk=participation.pk).update(status=Participation.Status.WITHDRAWN)
    error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=["a", "b"]))
    assert (error.code, error.status_code) == ("participation_not_approved", 409)


def test_applying_twice_is_a_conflict_and_keeps_one_application(cast, live):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=["a", "b"])
    error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=cast.seeker_a, answers=["a", "b"]))
    assert (error.code, error.status_code) == ("already_applied", 409)
    assert FairApplication.objects.count() == 1
    assert Application.objects.count() == 1


def test_a_seeker_without_consent_cannot_apply_at_the_fair(cast, live):
    fair, _participation, fair_vacancy, _slot = live
    seeker = make_seeker(consent=False)
    register(fair, seeker)
    error = error_of(lambda: fair_apply(fair_vacancy=fair_vacancy, seeker=seeker, answers=["a", "b"]))
    assert error.code == "consent_required"
    assert not FairApplication.objects.exists()


# --- Booking interviews -------------------------------------------------------------------------


def test_a_seeker_who_applied_books_a_slot_of_that_employer(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    fair_application = applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    assert booking.status == SlotBooking.Status.BOOKED
    assert booking.fair_application == fair_application
    assert (booking.starts_at, booking.ends_at) == (slot.starts_at, slot.ends_at)
    assert booking.booked_by == cast.seeker_a
    slot.refresh_from_db()
    assert slot.booked == 1
    # The seeker booking for themselves does not move their application: that is the employer's.
    fair_application.application.refresh_from_db()
    assert fair_application.application.status == Application.Status.SUBMITTED


def test_an_employer_booking_a_candidate_moves_the_application_to_interview(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    fair_application = applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.employer_a)
    assert booking.booked_by == cast.employer_a
    fair_application.application.refresh_from_db()
    assert fair_application.application.status == Application.Status.INTERVIEW


def test_an_employer_booking_a_candidate_already_at_the_offer_stage_leaves_the_state(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    fair_application = applied(fair_vacancy, cast.seeker_a, status=Application.Status.OFFER)
    slot_book(slot=slot, seeker=cast.seeker_a, by=cast.employer_a)
    fair_application.application.refresh_from_db()
    assert fair_application.application.status == Application.Status.OFFER


def test_another_employer_cannot_book_someone_into_a_slot(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    for intruder in (cast.employer_b, cast.seeker_b, cast.staff_x, cast.admin):
        with pytest.raises(PermissionDenied):
            slot_book(slot=slot, seeker=cast.seeker_a, by=intruder)
    assert not SlotBooking.objects.exists()


def test_booking_needs_a_registration(cast, live):
    _fair, _participation, _fair_vacancy, slot = live
    error = error_of(lambda: slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a))
    assert (error.code, error.status_code) == ("not_registered", 403)


def test_booking_needs_an_application_to_the_slots_employer(cast, live):
    fair, _participation, _fair_vacancy, slot = live
    other = offer(take_part(fair, cast.employer_b))
    applied(other, cast.seeker_a)
    error = error_of(lambda: slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a))
    assert (error.code, error.status_code) == ("application_required", 403)


def test_a_slot_for_one_vacancy_needs_an_application_to_that_vacancy(cast, live):
    _fair, participation, fair_vacancy, _slot = live
    second = offer(participation)
    slot = make_slot(participation, fair_vacancy=second, starts_in=5 * HOUR)
    applied(fair_vacancy, cast.seeker_a)
    error = error_of(lambda: slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a))
    assert error.code == "application_required"
    applied(second, cast.seeker_a)
    assert slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a).fair_application.fair_vacancy == second


def test_a_rejected_application_does_not_open_interviews(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a, status=Application.Status.REJECTED)
    assert error_of(lambda: slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)).code == (
        "application_required"
    )


def test_a_full_slot_refuses_the_next_seeker(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    applied(fair_vacancy, cast.seeker_b)
    slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    error = error_of(lambda: slot_book(slot=slot, seeker=cast.seeker_b, by=cast.seeker_b))
    assert (error.code, error.status_code) == ("slot_full", 409)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_group_slot_takes_as_many_people_as_its_capacity(cast, live):
    _fair, participation, fair_vacancy, _slot = live
    group = make_slot(participation, capacity=2, starts_in=6 * HOUR)
    seekers = [cast.seeker_a, cast.seeker_b, make_seeker()]
    for seeker in seekers:
        applied(fair_vacancy, seeker)
    slot_book(slot=group, seeker=seekers[0], by=seekers[0])
    slot_book(slot=group, seeker=seekers[1], by=seekers[1])
    assert error_of(lambda: slot_book(slot=group, seeker=seekers[2], by=seekers[2])).code == "slot_full"


def test_the_same_slot_cannot_be_booked_twice_by_one_seeker(cast, live):
    _fair, participation, fair_vacancy, _slot = live
    group = make_slot(participation, capacity=3)
    applied(fair_vacancy, cast.seeker_a)
    slot_book(slot=group, seeker=cast.seeker_a, by=cast.seeker_a)
    assert error_of(lambda: slot_book(slot=group, seeker=cast.seeker_a, by=cast.seeker_a)).code == "already_booked"


def test_overlapping_slots_cannot_both_be_held_and_the_message_names_the_other_time(cast, live):
    fair, participation, fair_vacancy, slot = live
    other = offer(take_part(fair, cast.employer_b))
    overlapping = make_slot(other.participation, starts_in=2 * HOUR + datetime.timedelta(minutes=15))
    applied(fair_vacancy, cast.seeker_a)
    applied(other, cast.seeker_a)
    slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    with translation.override("en"):
        error = error_of(lambda: slot_book(slot=overlapping, seeker=cast.seeker_a, by=cast.seeker_a))
    assert (error.code, error.status_code) == ("slot_overlaps", 409)
    assert timezone.localtime(slot.starts_at).strftime("%H:%M") in error.message
    assert timezone.localtime(slot.ends_at).strftime("%H:%M") in error.message
    # Back to back is not an overlap.
    adjacent = make_slot(participation, starts_in=2 * HOUR + datetime.timedelta(minutes=30))
    assert slot_book(slot=adjacent, seeker=cast.seeker_a, by=cast.seeker_a).pk


def test_a_started_slot_cannot_be_booked(cast, live):
    _fair, participation, fair_vacancy, _slot = live
    started = make_slot(participation, starts_in=-5 * datetime.timedelta(minutes=1))
    applied(fair_vacancy, cast.seeker_a)
    assert error_of(lambda: slot_book(slot=started, seeker=cast.seeker_a, by=cast.seeker_a)).code == "slot_started"


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Fair.Status.REGISTRATION, False),
        (Fair.Status.LIVE, True),
        (Fair.Status.CLOSED, True),
        (Fair.Status.RESULTS, False),
    ],
)
def test_interviews_are_booked_while_the_fair_is_live_or_closed_before_its_results(cast, status, allowed):
    fair = make_fair(status=status)
    participation = take_part(fair, cast.employer_a)
    fair_vacancy = offer(participation)
    slot = make_slot(participation, starts_in=DAY)
    applied(fair_vacancy, cast.seeker_a)
    if allowed:
        assert slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a).pk
    else:
        assert error_of(lambda: slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)).code == "booking_closed"


def test_a_seeker_cancels_until_the_slot_starts_and_the_place_is_freed(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    applied(fair_vacancy, cast.seeker_b)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    cancelled = booking_cancel(booking=booking, by=cast.seeker_a)
    assert cancelled.status == SlotBooking.Status.CANCELLED
    assert cancelled.cancelled_at is not None
    slot.refresh_from_db()
    assert slot.booked == 0
    # The place is free again, and cancelling twice is refused.
    assert slot_book(slot=slot, seeker=cast.seeker_b, by=cast.seeker_b).pk
    assert error_of(lambda: booking_cancel(booking=booking, by=cast.seeker_a)).code == "booking_cancelled"


def test_the_employer_of_the_slot_may_cancel_a_booking_but_nobody_else(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    for intruder in (cast.seeker_b, cast.employer_b, cast.staff_x, cast.admin):
        with pytest.raises(PermissionDenied):
            booking_cancel(booking=booking, by=intruder)
    assert booking_cancel(booking=booking, by=cast.employer_a).status == SlotBooking.Status.CANCELLED


def test_a_booking_cannot_be_cancelled_once_the_slot_has_started(cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    earlier = timezone.now() - datetime.timedelta(minutes=1)
    InterviewSlot.objects.filter(pk=slot.pk).update(starts_at=earlier, ends_at=earlier + HOUR)
    SlotBooking.objects.filter(pk=booking.pk).update(starts_at=earlier, ends_at=earlier + HOUR)
    booking.refresh_from_db()
    error = error_of(lambda: booking_cancel(booking=booking, by=cast.seeker_a))
    assert (error.code, error.status_code) == ("slot_started", 409)
    slot.refresh_from_db()
    assert slot.booked == 1


# --- Pages --------------------------------------------------------------------------------------


def test_the_register_page_shows_the_reason_a_seeker_is_not_admitted(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, max_age=20)
    client.force_login(cast.seeker_a)
    with translation.override("en"):
        response = client.get(reverse("fairs:register", args=[fair.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This fair is for people under 20 on its first day" in response.content.decode()
    assert reverse("fairs:register", args=[fair.pk]) not in re.findall(r'action="([^"]+)"', response.content.decode())


def test_a_seeker_registers_from_the_register_page_and_sees_the_registration(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    client.force_login(cast.seeker_a)
    url = reverse("fairs:register", args=[fair.pk])
    page = client.get(url).content.decode()
    assert f'action="{url}"' in page
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert Registration.objects.filter(fair=fair, seeker=cast.seeker_a).exists()
    page = client.get(url).content.decode()
    assert "You are registered for this fair." in page
    assert reverse("fairs:unregister", args=[fair.pk]) in page


def test_registering_twice_from_the_page_answers_409_with_the_message(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    fair_register(fair=fair, seeker=cast.seeker_a)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:register", args=[fair.pk]))
    assert response.status_code == 409
    assert "You are already registered for this fair." in response.content.decode()


def test_a_refused_registration_page_answers_with_the_services_status(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, graduates_only=True)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:register", args=[fair.pk]))
    assert response.status_code == 403
    assert "This fair is for graduates" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_unregister_button_cancels_the_registration(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    fair_register(fair=fair, seeker=cast.seeker_a)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:unregister", args=[fair.pk]))
    assert response.status_code == 302
    assert not Registration.objects.exists()
    client.force_login(cast.seeker_b)
    assert client.post(reverse("fairs:unregister", args=[fair.pk])).status_code == 404


def test_the_fair_vacancy_page_shows_the_apply_form_with_each_question(client, cast, live):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    client.force_login(cast.seeker_a)
    page = client.get(reverse("fairs:fair-vacancy", args=[fair_vacancy.pk])).content.decode()
    assert f'action="{reverse("fairs:fair-vacancy-apply", args=[fair_vacancy.pk])}"' in page
    assert "Do you have a welding certificate?" in page
    assert 'name="answer_0"' in page
    assert 'name="answer_1"' in page
    assert "5" in page  # positions left


def test_visitors_see_the_fair_vacancy_with_a_login_link(client, live):
    _fair, _participation, fair_vacancy, _slot = live
    page = client.get(reverse("fairs:fair-vacancy", args=[fair_vacancy.pk])).content.decode()
    assert fair_vacancy.vacancy.title in page
    assert "Log in as a job seeker to apply" in page
    assert 'name="answer_0"' not in page


def test_an_unregistered_seeker_is_told_to_register_first(client, cast, live):
    _fair, _participation, fair_vacancy, _slot = live
    client.force_login(cast.seeker_b)
    page = client.get(reverse("fairs:fair-vacancy", args=[fair_vacancy.pk])).content.decode()
    assert "Register for the fair before applying." in page
    assert 'name="answer_0"' not in page


def test_applying_from_the_page_with_a_missing_answer_shows_it_on_that_field(client, cast, live):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    client.force_login(cast.seeker_a)
    url = reverse("fairs:fair-vacancy-apply", args=[fair_vacancy.pk])
    response = client.post(url, {"answer_0": "Yes", "answer_1": "", "cover_letter": "Hi"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_answer_1-error">Answer this question.' in page
    assert "Answer every screening question of this vacancy." in page
    assert not FairApplication.objects.exists()


def test_applying_from_the_page_sends_the_application(client, cast, live):
    fair, _participation, fair_vacancy, _slot = live
    register(fair, cast.seeker_a)
    client.force_login(cast.seeker_a)
    url = reverse("fairs:fair-vacancy-apply", args=[fair_vacancy.pk])
    response = client.post(url, {"answer_0": "Yes", "answer_1": "Tomorrow"})
    assert response.status_code == 302
    fair_application = FairApplication.objects.get()
    assert fair_application.application.seeker == cast.seeker_a
    page = client.get(reverse("fairs:fair-vacancy", args=[fair_vacancy.pk])).content.decode()
    assert "You applied to this vacancy at the fair." in page
    assert reverse("fairs:slots", args=[fair.pk]) in page


def test_applying_before_the_fair_starts_shows_the_date_applications_open(client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    fair_vacancy = offer(take_part(fair, cast.employer_a))
    register(fair, cast.seeker_a)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:fair-vacancy-apply", args=[fair_vacancy.pk]), {})
    assert response.status_code == 409
    assert "The fair has not started yet: applications open on" in response.content.decode()


def test_the_slots_page_lists_the_slots_of_employers_the_seeker_applied_to(client, cast, live):
    fair, _participation, fair_vacancy, slot = live
    elsewhere = make_slot(take_part(fair, cast.employer_b), starts_in=3 * HOUR)
    applied(fair_vacancy, cast.seeker_a)
    client.force_login(cast.seeker_a)
    page = client.get(reverse("fairs:slots", args=[fair.pk])).content.decode()
    assert reverse("fairs:slot-book", args=[slot.pk]) in page
    assert reverse("fairs:slot-book", args=[elsewhere.pk]) not in page
    assert slot.meeting_link not in page  # the link is for people booked


def test_booking_from_the_page_leads_to_my_fairs_with_the_meeting_link_and_a_cancel_button(client, cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:slot-book", args=[slot.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("fairs:my")
    booking = SlotBooking.objects.get()
    page = client.get(reverse("fairs:my")).content.decode()
    assert slot.meeting_link in page
    assert reverse("fairs:booking-cancel", args=[booking.pk]) in page
    assert fair_vacancy.vacancy.title in page
    response = client.post(reverse("fairs:booking-cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == SlotBooking.Status.CANCELLED


def test_a_refused_booking_page_answers_409_with_the_message(client, cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    applied(fair_vacancy, cast.seeker_b)
    slot_book(slot=slot, seeker=cast.seeker_b, by=cast.seeker_b)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:slot-book", args=[slot.pk]))
    assert response.status_code == 409
    assert "This interview slot is full" in response.content.decode()


def test_seeker_b_cannot_cancel_seeker_as_booking_from_the_page(client, cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    for intruder in (cast.seeker_b, cast.employer_b, cast.staff_x, cast.admin):
        client.force_login(intruder)
        assert client.post(reverse("fairs:booking-cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == SlotBooking.Status.BOOKED


def test_the_employer_cancels_a_booking_in_their_slot_from_the_page(client, cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    client.force_login(cast.employer_a)
    response = client.post(reverse("fairs:booking-cancel", args=[booking.pk]), {"next": "/somewhere/"})
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"
    booking.refresh_from_db()
    assert booking.status == SlotBooking.Status.CANCELLED


def test_cancelling_does_not_redirect_to_another_site(client, cast, live):
    _fair, _participation, fair_vacancy, slot = live
    applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    client.force_login(cast.seeker_a)
    response = client.post(reverse("fairs:booking-cancel", args=[booking.pk]), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("fairs:my")


def test_my_fairs_lists_registrations_applications_and_bookings_in_few_queries(
    client, cast, live, django_assert_max_num_queries
):
    _fair, participation, fair_vacancy, slot = live
    for index in range(6):
        other = offer(participation)
        applied(other, cast.seeker_a)
        booked = make_slot(participation, starts_in=(10 + index) * HOUR)
        slot_book(slot=booked, seeker=cast.seeker_a, by=cast.seeker_a)
    second = make_fair(status=Fair.Status.REGISTRATION, title="Next month")
    register(second, cast.seeker_a)
    client.force_login(cast.seeker_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("fairs:my")).content.decode()
    assert page.count('class="app-item"') == 6 + 6 + 2
    assert "Next month" in page
    # Seeker B sees none of it.
    client.force_login(cast.seeker_b)
    assert fair_vacancy.vacancy.title not in client.get(reverse("fairs:my")).content.decode()
    assert slot.meeting_link


# --- The fair page's tags -----------------------------------------------------------------------


def render_tags(fair, user=None) -> str:
    request = RequestFactory().get(f"/fairs/{fair.pk}/")
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    template = Template("{% load fair_seekers %}{% fair_seeker_panel fair %}|{% fair_catalogue fair %}")
    with translation.override("en"):
        return template.render(Context({"fair": fair, "request": request}))


def test_visitors_get_a_log_in_as_a_job_seeker_link(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    html = render_tags(fair)
    assert "Log in as a job seeker to register" in html
    assert f"?next={reverse('fairs:register', args=[fair.pk])}" in html


def test_an_admitted_seeker_gets_the_register_button(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    html = render_tags(fair, cast.seeker_a)
    assert f'action="{reverse("fairs:register", args=[fair.pk])}"' in html
    assert "Register for the fair" in html


def test_a_seeker_not_admitted_reads_the_reason_instead_of_a_button(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, regions=[cast.region_y])
    html = render_tags(fair, cast.seeker_a)
    assert "This fair is for job seekers of Almaty; your CV says you live in Astana." in html
    assert f'action="{reverse("fairs:register", args=[fair.pk])}"' not in html


def test_a_registered_seeker_sees_their_registration(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    register(fair, cast.seeker_a)
    html = render_tags(fair, cast.seeker_a)
    assert "You are registered for this fair." in html
    assert reverse("fairs:slots", args=[fair.pk]) in html


def test_employers_get_no_seeker_panel(cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    panel = render_tags(fair, cast.employer_a).split("|")[0]
    assert panel == ""


def test_the_catalogue_lists_approved_employers_with_positions_left_and_links(cast, django_assert_max_num_queries):
    fair = make_fair(status=Fair.Status.LIVE)
    approved = take_part(fair, cast.employer_a)
    pending = take_part(fair, cast.employer_b, status=Participation.Status.PENDING)
    offered = offer(approved, positions=350, filled=12)
    hidden = offer(pending)
    for _ in range(8):
        offer(take_part(fair, factories.MembershipFactory().user))
    register(fair, cast.seeker_a)
    applied(offered, cast.seeker_a)
    html = render_tags(fair, cast.seeker_a)
    catalogue = html.split("|", 1)[1]
    assert "employer-a LLP" in catalogue
    assert "employer-b LLP" not in catalogue
    assert reverse("fairs:fair-vacancy", args=[offered.pk]) in catalogue
    assert reverse("fairs:fair-vacancy", args=[hidden.pk]) not in catalogue
    assert "338 of 350 positions left" in catalogue
    assert "You applied" in catalogue
    from fairs.templatetags.fair_seekers import fair_catalogue

    request = RequestFactory().get("/")
    request.user = cast.seeker_a
    with django_assert_max_num_queries(3):
        fair_catalogue({"request": request}, fair)
