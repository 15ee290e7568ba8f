"""The employers' side of a fair through the API: taking part, decisions, fair vacancies, slots,
screening, booking and hiring, with the documented error body, and who may call what."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from fairs.models import Fair, FairVacancy, InterviewSlot, Participation, SlotBooking
from tests import factories
from tests.fairs.test_participation import (
    ACTORS,
    DAY,
    _state,
    apply_at_fair,
    make_fair,
    make_slot,
    offer,
    organization_of,
    participation_routes,
    take_part,
    url_for,
)
from vacancies.models import Application


def as_user(api_client, user):
    api_client.force_authenticate(user=user)
    return api_client


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def live_participation(cast) -> Participation:
    return take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)


# --- Participations -----------------------------------------------------------------------------


def test_an_employer_applies_to_take_part(api_client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    client = as_user(api_client, cast.employer_a)

    created = client.post(reverse("fairs-api-participations", args=[fair.pk]), {"note": "Welders"}, format="json")
    again = client.post(reverse("fairs-api-participations", args=[fair.pk]), {}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "pending"
    assert body["note"] == "Welders"
    assert body["organization"] == {
        "id": organization_of(cast.employer_a).pk,
        "legal_name": "employer-a LLP",
        "region": "KZ-71",
    }
    assert (body["vacancies_count"], body["positions_offered"], body["applications_count"]) == (0, 0, 0)
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "already_participating",
        "message": "Your organization has already applied to this fair.",
        "fields": {},
    }


def test_an_unverified_organization_is_refused_with_403(api_client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    Organization.objects.filter(pk=organization_of(cast.employer_a).pk).update(status=Organization.Status.PENDING)

    answer = as_user(api_client, cast.employer_a).post(reverse("fairs-api-participations", args=[fair.pk]))

    assert answer.status_code == 403
    assert error_code(answer) == "organization_not_verified"


def test_managers_list_every_employer_and_an_employer_sees_its_own(api_client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    take_part(fair, cast.employer_b)
    url = reverse("fairs-api-participations", args=[fair.pk])

    everyone = as_user(api_client, cast.admin).get(url).json()["results"]
    waiting = as_user(api_client, cast.admin).get(url, {"status": "pending"}).json()["results"]
    own = as_user(api_client, cast.employer_b).get(url).json()["results"]
    unknown_status = as_user(api_client, cast.admin).get(url, {"status": "maybe"})

    assert [row["organization"]["legal_name"] for row in everyone] == ["employer-a LLP", "employer-b LLP"]
    assert [row["organization"]["legal_name"] for row in waiting] == ["employer-a LLP"]
    assert [row["organization"]["legal_name"] for row in own] == ["employer-b LLP"]
    assert unknown_status.status_code == 400


def test_the_participations_list_runs_a_fixed_number_of_queries(api_client, cast, django_assert_max_num_queries):
    fair = make_fair(status=Fair.Status.LIVE)
    for _ in range(12):
        participation = take_part(fair, factories.MembershipFactory().user)
        apply_at_fair(offer(participation))
        make_slot(participation)
    client = as_user(api_client, cast.admin)

    with django_assert_max_num_queries(4):
        rows = client.get(reverse("fairs-api-participations", args=[fair.pk])).json()["results"]

    assert len(rows) == 12
    assert {(row["vacancies_count"], row["slots_count"], row["applications_count"]) for row in rows} == {(1, 1, 1)}


def test_a_manager_decides_through_the_api(api_client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    participation = take_part(fair, cast.employer_a, status=Participation.Status.PENDING)
    url = reverse("fairs-api-participation-decision", args=[participation.pk])
    client = as_user(api_client, cast.admin)

    no_reason = client.post(url, {"approve": False}, format="json")
    declined = client.post(url, {"approve": False, "reason": "Outside the audience"}, format="json")
    again = client.post(url, {"approve": True}, format="json")

    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["code"] == "reason_required"
    assert no_reason.json()["error"]["fields"] == {
        "reason": ["Say why the employer is declined: they will see the reason."]
    }
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "Outside the audience")
    assert again.status_code == 409
    assert error_code(again) == "participation_decided"


def test_the_employer_and_the_managers_read_a_participation(api_client, cast):
    participation = take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)
    fair_vacancy = offer(participation, offered=3)
    FairVacancy.objects.filter(pk=fair_vacancy.pk).update(positions_filled=1)
    url = reverse("fairs-api-participation", args=[participation.pk])

    body = as_user(api_client, cast.employer_a).get(url).json()

    assert (body["vacancies_count"], body["positions_offered"], body["positions_filled"]) == (1, 3, 1)
    assert as_user(api_client, cast.admin).get(url).status_code == 200


def test_an_employer_withdraws_through_the_api(api_client, cast):
    participation = take_part(make_fair(status=Fair.Status.REGISTRATION), cast.employer_a)
    live = take_part(make_fair(status=Fair.Status.LIVE), cast.employer_a)
    client = as_user(api_client, cast.employer_a)

    withdrawn = client.post(reverse("fairs-api-participation-withdraw", args=[participation.pk]))
    refused = client.post(reverse("fairs-api-participation-withdraw", args=[live.pk]))

    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    assert (refused.status_code, error_code(refused)) == (409, "fair_already_live")


# --- Fair vacancies -----------------------------------------------------------------------------


def test_an_approved_employer_offers_a_vacancy_through_the_api(api_client, cast, live_participation):
    vacancy = factories.VacancyFactory(organization=live_participation.organization, positions=400)
    url = reverse("fairs-api-participation-vacancies", args=[live_participation.pk])
    client = as_user(api_client, cast.employer_a)

    created = client.post(
        url,
        {"vacancy": vacancy.pk, "positions_offered": 350, "screening_questions": ["Certificate?", "Shifts?"]},
        format="json",
    )
    twice = client.post(url, {"vacancy": vacancy.pk, "positions_offered": 1}, format="json")
    listed = client.get(url).json()["results"]

    assert created.status_code == 201
    body = created.json()
    assert body["vacancy"]["id"] == vacancy.pk
    assert (body["positions_offered"], body["positions_filled"], body["positions_left"]) == (350, 0, 350)
    assert body["screening_questions"] == ["Certificate?", "Shifts?"]
    assert (twice.status_code, error_code(twice)) == (409, "fair_vacancy_exists")
    assert [row["id"] for row in listed] == [body["id"]]


@pytest.mark.parametrize("whose", ["other organization", "no such vacancy"])
def test_a_vacancy_that_is_not_the_organizations_is_refused_like_an_unpublished_one(
    api_client, cast, live_participation, whose
):
    vacancy_id = (
        factories.VacancyFactory(organization=organization_of(cast.employer_b)).pk
        if whose != "no such vacancy"
        else 999999
    )
    draft = factories.VacancyFactory(organization=live_participation.organization, status="draft")
    url = reverse("fairs-api-participation-vacancies", args=[live_participation.pk])
    client = as_user(api_client, cast.employer_a)

    foreign = client.post(url, {"vacancy": vacancy_id, "positions_offered": 1}, format="json")
    unpublished = client.post(url, {"vacancy": draft.pk, "positions_offered": 1}, format="json")

    assert foreign.status_code == unpublished.status_code == 400
    assert foreign.json() == unpublished.json()
    assert error_code(foreign) == "vacancy_not_eligible"


def test_the_positions_and_questions_rules_answer_400_naming_the_field(api_client, cast, live_participation):
    vacancy = factories.VacancyFactory(organization=live_participation.organization, positions=3)
    url = reverse("fairs-api-participation-vacancies", args=[live_participation.pk])
    client = as_user(api_client, cast.employer_a)

    too_many = client.post(url, {"vacancy": vacancy.pk, "positions_offered": 4}, format="json")
    questions = client.post(
        url, {"vacancy": vacancy.pk, "positions_offered": 1, "screening_questions": ["?"] * 6}, format="json"
    )

    assert too_many.status_code == 400
    assert too_many.json()["error"]["fields"] == {
        "positions_offered": ["The vacancy has 3 positions not yet filled: offer at most that many at the fair."]
    }
    assert list(questions.json()["error"]["fields"]) == ["screening_questions"]


def test_a_pending_participation_cannot_offer_vacancies_through_the_api(api_client, cast):
    participation = take_part(make_fair(status=Fair.Status.REGISTRATION), cast.employer_a, status="pending")
    vacancy = factories.VacancyFactory(organization=participation.organization)

    answer = as_user(api_client, cast.employer_a).post(
        reverse("fairs-api-participation-vacancies", args=[participation.pk]),
        {"vacancy": vacancy.pk, "positions_offered": 1},
        format="json",
    )

    assert (answer.status_code, error_code(answer)) == (409, "participation_not_approved")


def test_the_employer_changes_and_removes_a_fair_vacancy_which_stays_public_to_read(
    api_client, cast, live_participation
):
    fair_vacancy = offer(live_participation, positions=10, offered=3)
    url = reverse("fairs-api-fair-vacancy", args=[fair_vacancy.pk])
    client = as_user(api_client, cast.employer_a)

    changed = client.patch(url, {"positions_offered": 8, "screening_questions": ["Why us?"]}, format="json")
    public = api_client.__class__().get(url)
    removed = client.delete(url)

    assert changed.status_code == 200
    assert (changed.json()["positions_offered"], changed.json()["screening_questions"]) == (8, ["Why us?"])
    assert public.status_code == 200
    assert removed.status_code == 204
    assert not FairVacancy.objects.exists()


def test_a_fair_vacancy_with_applications_is_not_removed(api_client, cast, live_participation):
    fair_vacancy = offer(live_participation)
    apply_at_fair(fair_vacancy)

    answer = as_user(api_client, cast.employer_a).delete(reverse("fairs-api-fair-vacancy", args=[fair_vacancy.pk]))

    assert (answer.status_code, error_code(answer)) == (409, "fair_vacancy_has_applications")


# --- Slots --------------------------------------------------------------------------------------


def test_the_employer_publishes_lists_and_deletes_slots(api_client, cast, live_participation):
    fair_vacancy = offer(live_participation)
    url = reverse("fairs-api-participation-slots", args=[live_participation.pk])
    client = as_user(api_client, cast.employer_a)
    starts_at = (timezone.now() + DAY).replace(microsecond=0)

    created = client.post(
        url,
        {
            "starts_at": starts_at.isoformat(),
            "duration_minutes": 60,
            "meeting_link": "https://meet.example.kz/group",
            "capacity": 20,
            "fair_vacancy": fair_vacancy.pk,
        },
        format="json",
    )
    bad_link = client.post(
        url,
        {"starts_at": starts_at.isoformat(), "duration_minutes": 60, "meeting_link": "meet.example", "capacity": 1},
        format="json",
    )
    listed = client.get(url).json()["results"]
    deleted = client.delete(reverse("fairs-api-slot", args=[created.json()["id"]]))

    assert created.status_code == 201
    body = created.json()
    assert (body["duration_minutes"], body["capacity"], body["booked"], body["places_left"]) == (60, 20, 0, 20)
    assert body["fair_vacancy"] == fair_vacancy.pk
    assert body["bookings"] == []
    assert bad_link.status_code == 400
    assert list(bad_link.json()["error"]["fields"]) == ["meeting_link"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert deleted.status_code == 204
    assert not InterviewSlot.objects.exists()


def test_a_slot_for_another_employers_fair_vacancy_is_404(api_client, cast, live_participation):
    other = offer(take_part(live_participation.fair, cast.employer_b))

    answer = as_user(api_client, cast.employer_a).post(
        reverse("fairs-api-participation-slots", args=[live_participation.pk]),
        {
            "starts_at": (timezone.now() + DAY).isoformat(),
            "duration_minutes": 30,
            "meeting_link": "https://meet.example.kz/x",
            "fair_vacancy": other.pk,
        },
        format="json",
    )

    assert answer.status_code == 404
    assert not InterviewSlot.objects.exists()


def test_the_employer_books_a_candidate_and_a_booked_slot_is_not_deleted(api_client, cast, live_participation):
    fair_application = apply_at_fair(offer(live_participation), cast.seeker_a)
    slot = make_slot(live_participation, capacity=2)
    client = as_user(api_client, cast.employer_a)
    url = reverse("fairs-api-slot-bookings", args=[slot.pk])

    booked = client.post(url, {"fair_application": fair_application.pk}, format="json")
    again = client.post(url, {"fair_application": fair_application.pk}, format="json")
    delete = client.delete(reverse("fairs-api-slot", args=[slot.pk]))
    slots = client.get(reverse("fairs-api-participation-slots", args=[live_participation.pk])).json()["results"]

    assert booked.status_code == 201
    assert (booked.json()["fair_application"], booked.json()["status"]) == (fair_application.pk, "booked")
    assert booked.json()["seeker_name"] == cast.seeker_a.get_full_name()
    assert (again.status_code, error_code(again)) == (409, "already_booked")
    assert (delete.status_code, error_code(delete)) == (409, "slot_has_bookings")
    assert [booking["fair_application"] for booking in slots[0]["bookings"]] == [fair_application.pk]


def test_a_candidate_of_another_employer_cannot_be_booked(api_client, cast, live_participation):
    stranger = apply_at_fair(offer(take_part(live_participation.fair, cast.employer_b)), cast.seeker_a)
    slot = make_slot(live_participation)

    answer = as_user(api_client, cast.employer_a).post(
        reverse("fairs-api-slot-bookings", args=[slot.pk]), {"fair_application": stranger.pk}, format="json"
    )

    assert answer.status_code == 404
    assert not SlotBooking.objects.exists()


# --- Screening and hiring -----------------------------------------------------------------------


def test_the_employer_screens_fair_applications_with_their_answers(api_client, cast, live_participation):
    welders = offer(live_participation, questions=["Certificate?"])
    drivers = offer(live_participation)
    fair_application = apply_at_fair(welders, cast.seeker_a, answers=["Yes"])
    apply_at_fair(drivers, status=Application.Status.REJECTED)
    url = reverse("fairs-api-participation-applications", args=[live_participation.pk])
    client = as_user(api_client, cast.employer_a)

    everyone = client.get(url).json()["results"]
    welders_only = client.get(url, {"fair_vacancy": welders.pk}).json()["results"]
    rejected = client.get(url, {"status": "rejected"}).json()["results"]

    assert len(everyone) == 2
    [row] = welders_only
    assert row["id"] == fair_application.pk
    assert row["answers"] == [{"question": "Certificate?", "answer": "Yes"}]
    assert row["candidate"]["full_name"] == cast.seeker_a.full_name
    assert row["status"] == "submitted"
    assert row["cv_url"] == reverse("application-detail", args=[fair_application.application_id])
    assert [r["fair_vacancy"] for r in rejected] == [drivers.pk]


def test_the_screening_list_runs_a_fixed_number_of_queries(
    api_client, cast, live_participation, django_assert_max_num_queries
):
    fair_vacancy = offer(live_participation, questions=["Why?"])
    slot = make_slot(live_participation, capacity=20)
    for _ in range(20):
        fair_application = apply_at_fair(fair_vacancy, answers=["Because"])
        SlotBooking.objects.create(
            slot=slot,
            seeker=fair_application.application.seeker,
            fair_application=fair_application,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
    client = as_user(api_client, cast.employer_a)

    with django_assert_max_num_queries(5):
        rows = client.get(reverse("fairs-api-participation-applications", args=[live_participation.pk])).json()

    assert rows["count"] == 20
    assert all(len(row["bookings"]) == 1 for row in rows["results"])


def test_the_employer_hires_until_the_positions_offered_are_filled(api_client, cast, live_participation):
    fair_vacancy = offer(live_participation, positions=5, offered=1)
    first, second = apply_at_fair(fair_vacancy), apply_at_fair(fair_vacancy)
    client = as_user(api_client, cast.employer_a)

    hired = client.post(reverse("fairs-api-fair-application-hire", args=[first.pk]))
    refused = client.post(reverse("fairs-api-fair-application-hire", args=[second.pk]))

    assert (hired.status_code, hired.json()["status"]) == (200, "hired")
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "fair_positions_filled",
        "message": "Every position offered at the fair for this vacancy has been filled.",
        "fields": {},
    }


def test_hiring_before_the_fair_is_live_is_409(api_client, cast):
    participation = take_part(make_fair(status=Fair.Status.REGISTRATION), cast.employer_a)
    fair_application = apply_at_fair(offer(participation))

    answer = as_user(api_client, cast.employer_a).post(
        reverse("fairs-api-fair-application-hire", args=[fair_application.pk])
    )

    assert (answer.status_code, error_code(answer)) == (409, "fair_not_live")


# --- Who may call what --------------------------------------------------------------------------


@pytest.fixture
def world(cast) -> dict:
    """A live regional fair of region X: employer A approved with a fair vacancy, a slot and seeker
    A's fair application."""
    fair = make_fair(status=Fair.Status.LIVE, kind=Fair.Kind.REGIONAL, region=cast.region_x)
    participation = take_part(fair, cast.employer_a)
    fair_vacancy = offer(participation)
    slot = make_slot(participation, starts_in=3 * datetime.timedelta(hours=1))
    fair_application = apply_at_fair(fair_vacancy, cast.seeker_a)
    return {
        "fair_id": fair.pk,
        "participation_id": participation.pk,
        "fair_vacancy_id": fair_vacancy.pk,
        "slot_id": slot.pk,
        "fair_application_id": fair_application.pk,
    }


def call(api_client, cast, actor, method, url, body=None):
    api_client.force_authenticate(user=None if actor == "anonymous" else getattr(cast, actor))
    return getattr(api_client, method)(url, body or {}, format="json")


# GET status for: anonymous, seeker_a, employer_a (the participant), employer_b (an outsider),
# staff_x (manages the regional fair), staff_y (another region), admin. 405: the URL takes no GET.
API_READS = {
    "fairs-api-participations": [403, 403, 200, 200, 200, 403, 200],
    "fairs-api-participation": [403, 404, 200, 404, 200, 404, 200],
    "fairs-api-participation-withdraw": [403, 405, 405, 405, 405, 405, 405],
    "fairs-api-participation-decision": [403, 405, 405, 405, 405, 405, 405],
    "fairs-api-participation-vacancies": [403, 404, 200, 404, 200, 404, 200],
    "fairs-api-participation-slots": [403, 403, 200, 404, 403, 403, 403],
    "fairs-api-participation-applications": [403, 403, 200, 404, 403, 403, 403],
    "fairs-api-fair-vacancy": [200, 200, 200, 200, 200, 200, 200],
    "fairs-api-slot": [403, 405, 405, 405, 405, 405, 405],
    "fairs-api-slot-bookings": [403, 405, 405, 405, 405, 405, 405],
    "fairs-api-fair-application-hire": [403, 405, 405, 405, 405, 405, 405],
}


def test_every_participation_api_url_has_a_row():
    assert {name for name, _ in participation_routes("fairs.apis.participation")} == set(API_READS)


@pytest.mark.parametrize("name", sorted(API_READS))
def test_who_may_read_each_participation_api_url(api_client, cast, world, name):
    url = url_for(name, dict(participation_routes("fairs.apis.participation"))[name], world)

    got = [call(api_client, cast, actor, "get", url).status_code for actor in ACTORS]

    assert got == API_READS[name]


def test_an_outsider_reading_the_participations_of_a_fair_sees_none_of_the_others(api_client, cast, world):
    url = reverse("fairs-api-participations", args=[world["fair_id"]])

    assert call(api_client, cast, "employer_b", "get", url).json()["results"] == []


_EMPLOYER_ONLY = {"anonymous": 403, "seeker_a": 403, "employer_b": 404, "staff_x": 403, "staff_y": 403, "admin": 403}

# Each write, with a valid body, by everyone who may not make it: the status they get.
API_WRITES = {
    ("post", "fairs-api-participations"): (
        {"note": "again"},
        {"anonymous": 403, "seeker_a": 403, "staff_x": 403, "staff_y": 403, "admin": 403},
    ),
    ("post", "fairs-api-participation-withdraw"): ({}, _EMPLOYER_ONLY),
    ("post", "fairs-api-participation-decision"): (
        {"approve": False, "reason": "No"},
        {"anonymous": 403, "seeker_a": 403, "employer_a": 403, "employer_b": 403, "staff_y": 403},
    ),
    ("post", "fairs-api-participation-vacancies"): ({"vacancy": 1, "positions_offered": 1}, _EMPLOYER_ONLY),
    ("post", "fairs-api-participation-slots"): (
        {"starts_at": "2030-01-01T10:00:00Z", "duration_minutes": 30, "meeting_link": "https://m.kz/a"},
        _EMPLOYER_ONLY,
    ),
    ("patch", "fairs-api-fair-vacancy"): ({"positions_offered": 2}, _EMPLOYER_ONLY),
    ("delete", "fairs-api-fair-vacancy"): ({}, _EMPLOYER_ONLY),
    ("delete", "fairs-api-slot"): ({}, _EMPLOYER_ONLY),
    ("post", "fairs-api-slot-bookings"): ({"fair_application": "FAIR_APPLICATION"}, _EMPLOYER_ONLY),
    ("post", "fairs-api-fair-application-hire"): ({}, _EMPLOYER_ONLY),
}


@pytest.mark.parametrize(("method", "name"), sorted(API_WRITES))
def test_each_api_write_is_refused_to_those_who_may_not_make_it_and_changes_nothing(
    api_client, cast, world, method, name
):
    url = url_for(name, dict(participation_routes("fairs.apis.participation"))[name], world)
    body, expected = API_WRITES[(method, name)]
    body = {k: (world["fair_application_id"] if v == "FAIR_APPLICATION" else v) for k, v in body.items()}
    before = _state()

    got = {actor: call(api_client, cast, actor, method, url, body).status_code for actor in expected}

    assert got == expected
    assert _state() == before


def test_every_api_write_has_a_row():
    writes = {name for _, name in API_WRITES}
    readable_only = {"fairs-api-participation", "fairs-api-participation-applications"}

    assert writes | readable_only == set(API_READS)
