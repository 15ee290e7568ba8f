"""Seekers at a fair under concurrency, through the API, with real threads against PostgreSQL.

- 50 seekers booking one one-person slot at once: exactly one gets it, 49 get 409 ``slot_full``.
- One seeker booking two overlapping slots at once from two threads, in one fair or in two:
  exactly one succeeds (the seeker's own row is locked first, so the overlap check of the second
  sees the first).
- 500 registered seekers applying to one fair vacancy at once: every application is written,
  none fails with a 5xx (applying takes no row lock, so they do not queue behind each other).

Each thread has its own database connection; at most ``MAX_CONNECTIONS`` hold one at a time
(PostgreSQL allows 100 on a development server and parallel test runs share them), which still
puts many transactions on the same rows at the same moment.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import SeekerProfile, User
from fairs.models import Fair, FairApplication, InterviewSlot, Registration, SlotBooking
from tests.concurrency import run_in_threads as run_all
from tests.fairs.test_seekers import applied, make_fair, make_slot, offer, take_part
from vacancies.models import Application

MAX_CONNECTIONS = 20


def run_in_threads(count: int, work) -> list:
    return run_all(count, work, max_connections=MAX_CONNECTIONS, timeout=300)


def post_as(user: User, url: str, data: dict | None = None):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(url, data or {}, format="json")


def many_seekers(count: int, region) -> list[User]:
    """``count`` seekers with a CV and consent, written in bulk (the factories would take minutes)."""
    users = User.objects.bulk_create(
        User(
            email=f"crowd-{index}@example.kz",
            full_name=f"Crowd Seeker {index}",
            role=User.Role.SEEKER,
            password="!",  # unusable: the API clients are authenticated directly
        )
        for index in range(count)
    )
    birth_date = datetime.date(timezone.localdate().year - 22, 4, 4)
    SeekerProfile.objects.bulk_create(
        SeekerProfile(user=user, birth_date=birth_date, region=region, has_consent=True, headline="Welder")
        for user in users
    )
    return users


@pytest.mark.django_db(transaction=True)
def test_50_seekers_booking_a_one_person_slot_at_once_give_exactly_one_booking(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    participation = take_part(fair, cast.employer_a)
    fair_vacancy = offer(participation, positions=50)
    slot = make_slot(participation, capacity=1)
    seekers = many_seekers(50, cast.region_x)
    for seeker in seekers:
        applied(fair_vacancy, seeker)
    url = reverse("fairs-api-slot-book", args=[slot.pk])

    responses = run_in_threads(len(seekers), lambda i: post_as(seekers[i], url))

    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [201] + [409] * 49, statuses
    refused = [r for r in responses if r.status_code == 409]
    assert {r.json()["error"]["code"] for r in refused} == {"slot_full"}
    slot.refresh_from_db()
    assert slot.booked == 1
    assert SlotBooking.objects.filter(slot=slot).count() == 1
    winner = next(r for r in responses if r.status_code == 201)
    assert SlotBooking.objects.get(slot=slot).pk == winner.json()["id"]


@pytest.mark.django_db(transaction=True)
def test_one_seeker_booking_two_overlapping_slots_at_once_gets_only_one(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    first = offer(take_part(fair, cast.employer_a))
    second = offer(take_part(fair, cast.employer_b))
    applied(first, cast.seeker_a)
    applied(second, cast.seeker_a)
    rounds = 8
    for round_ in range(rounds):
        # Two interviews with two employers, the second starting 15 minutes into the first.
        starts_in = datetime.timedelta(hours=2 + 2 * round_)
        pair = [
            make_slot(first.participation, starts_in=starts_in, capacity=5),
            make_slot(second.participation, starts_in=starts_in + datetime.timedelta(minutes=15), capacity=5),
        ]
        urls = [reverse("fairs-api-slot-book", args=[slot.pk]) for slot in pair]

        responses = run_in_threads(2, lambda i, urls=urls: post_as(cast.seeker_a, urls[i]))

        statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
        assert statuses == [201, 409], (round_, statuses)
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.json()["error"]["code"] == "slot_overlaps"
        assert sum(slot.booked for slot in InterviewSlot.objects.filter(pk__in=[s.pk for s in pair])) == 1
    assert SlotBooking.objects.filter(seeker=cast.seeker_a, status=SlotBooking.Status.BOOKED).count() == rounds


@pytest.mark.django_db(transaction=True)
def test_one_seeker_booking_overlapping_slots_of_two_fairs_at_once_gets_only_one(cast):
    # Two fairs running at the same time: the registrations differ, so only the seeker's own
    # row can serialise the two bookings.
    fairs = [make_fair(status=Fair.Status.LIVE, title=f"Fair {n}") for n in (1, 2)]
    entries = [
        offer(take_part(fair, user)) for fair, user in zip(fairs, (cast.employer_a, cast.employer_b), strict=True)
    ]
    for entry in entries:
        applied(entry, cast.seeker_a)
    for round_ in range(4):
        starts_in = datetime.timedelta(hours=2 + 2 * round_)
        pair = [
            make_slot(entries[0].participation, starts_in=starts_in, capacity=5),
            make_slot(entries[1].participation, starts_in=starts_in + datetime.timedelta(minutes=15), capacity=5),
        ]
        urls = [reverse("fairs-api-slot-book", args=[slot.pk]) for slot in pair]

        responses = run_in_threads(2, lambda i, urls=urls: post_as(cast.seeker_a, urls[i]))

        statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
        assert statuses == [201, 409], (round_, statuses)
    assert SlotBooking.objects.filter(seeker=cast.seeker_a, status=SlotBooking.Status.BOOKED).count() == 4


@pytest.mark.django_db(transaction=True)
def test_500_registered_seekers_applying_to_one_fair_vacancy_at_once_all_get_in(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    fair_vacancy = offer(take_part(fair, cast.employer_a), positions=350, questions=["Why this job?"])
    seekers = many_seekers(500, cast.region_y)
    Registration.objects.bulk_create(
        Registration(fair=fair, seeker=seeker, region=cast.region_y, age_at_start=22, is_youth=True)
        for seeker in seekers
    )
    url = reverse("fairs-api-fair-vacancy-apply", args=[fair_vacancy.pk])

    responses = run_in_threads(
        len(seekers), lambda i: post_as(seekers[i], url, {"answers": [f"Answer {i}"], "cover_letter": ""})
    )

    statuses = [getattr(r, "status_code", repr(r)) for r in responses]
    assert statuses.count(201) == 500, {s: statuses.count(s) for s in set(statuses)}
    assert FairApplication.objects.filter(fair_vacancy=fair_vacancy).count() == 500
    assert Application.objects.filter(vacancy=fair_vacancy.vacancy, source=Application.Source.FAIR).count() == 500
    assert set(FairApplication.objects.values_list("registration__seeker_id", flat=True)) == {s.pk for s in seekers}
