"""The seekers' fair API and pages, read and written by every member of the cast.

The tables are the contract of who may do what; a new seekers URL without a row fails
``test_every_seekers_url_has_a_row``. Objects belong to a live fair where employer A (region
X) takes part with a vacancy and interview slots; seeker A is registered, applied and booked a
slot; seeker B is registered but has not applied.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from fairs.models import Fair, FairApplication, Registration, SlotBooking
from fairs.services.seekers import slot_book
from tests import factories
from tests.fairs.test_seekers import HOUR, applied, make_fair, make_slot, offer, register, take_part
from vacancies.models import Application

SEEKERS_MODULES = {"fairs.views.seekers", "fairs.apis.seekers"}
ACTORS = ["anonymous", "seeker_a", "seeker_b", "employer_a", "employer_b", "staff_x", "staff_y", "admin"]


def seekers_routes() -> list[tuple[str, str]]:
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                # A view of another area built on one of ours (the fair vacancy's URL) counts too.
                view_class = getattr(pattern.callback, "view_class", None)
                bases = {cls.__module__ for cls in getattr(view_class, "__mro__", ())}
                if pattern.name and (module in SEEKERS_MODULES or bases & SEEKERS_MODULES):
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    yield name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


@pytest.fixture
def world(cast):
    fair = make_fair(status=Fair.Status.LIVE)
    participation = take_part(fair, cast.employer_a)
    fair_vacancy = offer(participation, positions=3, questions=["Why us?"])
    slot = make_slot(participation, capacity=3)
    second_slot = make_slot(participation, starts_in=5 * HOUR)
    fair_application = applied(fair_vacancy, cast.seeker_a)
    booking = slot_book(slot=slot, seeker=cast.seeker_a, by=cast.seeker_a)
    register(fair, cast.seeker_b)
    return {
        "fair": fair,
        "participation": participation,
        "fair_vacancy": fair_vacancy,
        "slot": slot,
        "second_slot": second_slot,
        "fair_application": fair_application,
        "booking": booking,
        "ids": {
            "fair_id": fair.pk,
            "fair_vacancy_id": fair_vacancy.pk,
            "slot_id": second_slot.pk,
            "booking_id": booking.pk,
        },
    }


def url_for(name: str, route: str, ids: dict) -> str:
    return reverse(name, kwargs={param: ids[param] for param in re.findall(r"<(?:\w+:)?(\w+)>", route)})


def login(client, cast, actor):
    client.logout()
    if actor != "anonymous":
        client.force_login(getattr(cast, actor))


# GET status for: anonymous, seeker_a, seeker_b, employer_a, employer_b, staff_x, staff_y, admin.
# 302 = sent to the login page; 405 = the URL only takes writes.
READ = {
    "fairs-api-booking-cancel": [403, 405, 405, 405, 405, 405, 405, 405],
    "fairs-api-fair-vacancies": [200, 200, 200, 200, 200, 200, 200, 200],
    "fairs-api-fair-vacancy": [200, 200, 200, 200, 200, 200, 200, 200],
    "fairs-api-fair-vacancy-apply": [403, 405, 405, 405, 405, 405, 405, 405],
    "fairs-api-my": [403, 200, 200, 403, 403, 403, 403, 200],
    "fairs-api-registration": [403, 200, 200, 200, 200, 200, 200, 200],
    "fairs-api-slot-book": [403, 405, 405, 405, 405, 405, 405, 405],
    "fairs-api-slots": [403, 200, 200, 403, 403, 403, 403, 200],
    "fairs:booking-cancel": [302, 405, 405, 405, 405, 405, 405, 405],
    "fairs:fair-vacancy": [200, 200, 200, 200, 200, 200, 200, 200],
    "fairs:fair-vacancy-apply": [302, 200, 200, 200, 200, 200, 200, 200],
    "fairs:my": [302, 200, 200, 403, 403, 403, 403, 200],
    "fairs:register": [302, 200, 200, 200, 200, 200, 200, 200],
    "fairs:slot-book": [302, 405, 405, 405, 405, 405, 405, 405],
    "fairs:slots": [302, 200, 200, 403, 403, 403, 403, 200],
    "fairs:unregister": [302, 405, 405, 405, 405, 405, 405, 405],
}


def test_every_seekers_url_has_a_row(db):
    assert {name for name, _route in seekers_routes()} == set(READ)


@pytest.mark.parametrize("name", sorted(READ))
def test_who_may_read_each_seekers_url(client, cast, world, name):
    route = dict(seekers_routes())[name]
    url = url_for(name, route, world["ids"])
    got = []
    for actor in ACTORS:
        login(client, cast, actor)
        got.append(client.get(url).status_code)
    assert got == READ[name], dict(zip(ACTORS, got, strict=True))


def test_a_missing_fair_or_object_answers_404(client, cast, world):
    client.force_login(cast.seeker_a)
    for name, route in seekers_routes():
        if READ[name][1] != 200 or "<" not in route:
            continue
        url = url_for(name, route, dict.fromkeys(world["ids"], 999999))
        assert client.get(url).status_code == 404, name


# --- What each role reads -----------------------------------------------------------------------


def test_the_meeting_link_is_only_for_the_seeker_who_booked(api_client, cast, world):
    url = reverse("fairs-api-slots", args=[world["fair"].pk])
    api_client.force_authenticate(cast.seeker_a)
    slots = {slot["id"]: slot for slot in api_client.get(url).json()["results"]}
    assert slots[world["slot"].pk]["meeting_link"] == world["slot"].meeting_link
    assert slots[world["slot"].pk]["booked_by_me"] is True
    assert slots[world["slot"].pk]["my_booking"] == world["booking"].pk
    assert slots[world["second_slot"].pk]["meeting_link"] is None
    # Seeker B has not applied to employer A: no slots to book, and no one else's links.
    api_client.force_authenticate(cast.seeker_b)
    assert api_client.get(url).json()["results"] == []


def test_my_fairs_shows_each_seeker_only_their_own(api_client, cast, world):
    api_client.force_authenticate(cast.seeker_a)
    mine = api_client.get(reverse("fairs-api-my")).json()
    assert [r["fair"]["id"] for r in mine["registrations"]] == [world["fair"].pk]
    assert [a["id"] for a in mine["applications"]] == [world["fair_application"].pk]
    assert mine["applications"][0]["status"] == "submitted"
    assert [b["id"] for b in mine["bookings"]] == [world["booking"].pk]
    assert mine["bookings"][0]["meeting_link"] == world["slot"].meeting_link
    api_client.force_authenticate(cast.seeker_b)
    theirs = api_client.get(reverse("fairs-api-my")).json()
    assert theirs["applications"] == []
    assert theirs["bookings"] == []
    assert len(theirs["registrations"]) == 1


def test_the_registration_state_says_why_not(api_client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION, regions=[cast.region_y])
    api_client.force_authenticate(cast.seeker_a)
    with translation.override("en"):
        body = api_client.get(reverse("fairs-api-registration", args=[fair.pk]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["registered"] is False
    assert body["can_register"] is False
    assert body["reason_code"] == "region_not_in_audience"
    assert "Almaty" in body["reason"]
    api_client.force_authenticate(cast.employer_a)
    body = api_client.get(reverse("fairs-api-registration", args=[fair.pk]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["can_register"] is False
    assert body["reason"] == "Only job seekers register for job fairs."


# --- Writes by each role ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "status", "code"),
    [
        ("anonymous", 403, "not_authenticated"),
        ("seeker_a", 201, None),
        ("employer_a", 403, "seekers_only"),
        ("employer_b", 403, "seekers_only"),
        ("staff_x", 403, "seekers_only"),
        ("staff_y", 403, "seekers_only"),
        ("admin", 403, "seekers_only"),
    ],
)
def test_who_may_register(api_client, cast, actor, status, code):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    if actor != "anonymous":
        api_client.force_authenticate(getattr(cast, actor))
    response = api_client.post(reverse("fairs-api-registration", args=[fair.pk]))
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
    else:
        assert response.json()["fair"]["id"] == fair.pk
        assert response.json()["is_youth"] is True
    assert Registration.objects.filter(fair=fair).count() == (1 if status == 201 else 0)


def test_registering_twice_through_the_api_answers_409(api_client, cast):
    fair = make_fair(status=Fair.Status.REGISTRATION)
    api_client.force_authenticate(cast.seeker_a)
    assert api_client.post(reverse("fairs-api-registration", args=[fair.pk])).status_code == 201
    response = api_client.post(reverse("fairs-api-registration", args=[fair.pk]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_registered"


def test_cancelling_a_registration_through_the_api(api_client, cast, world):
    url = reverse("fairs-api-registration", args=[world["fair"].pk])
    api_client.force_authenticate(cast.seeker_a)
    response = api_client.delete(url)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "registration_has_applications"
    api_client.force_authenticate(cast.seeker_b)
    assert api_client.delete(url).status_code == 204
    assert api_client.delete(url).status_code == 404
    api_client.force_authenticate(cast.employer_a)
    assert api_client.delete(url).status_code == 404
    assert Registration.objects.filter(fair=world["fair"]).count() == 1


@pytest.mark.parametrize(
    ("actor", "status", "code"),
    [
        ("anonymous", 403, "not_authenticated"),
        ("seeker_b", 201, None),
        ("employer_a", 403, "seekers_only"),
        ("employer_b", 403, "seekers_only"),
        ("staff_x", 403, "seekers_only"),
        ("admin", 403, "seekers_only"),
    ],
)
def test_who_may_apply(api_client, cast, world, actor, status, code):
    if actor != "anonymous":
        api_client.force_authenticate(getattr(cast, actor))
    url = reverse("fairs-api-fair-vacancy-apply", args=[world["fair_vacancy"].pk])
    response = api_client.post(url, {"answers": ["I like welding"], "cover_letter": "Hi"}, format="json")
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
        assert FairApplication.objects.count() == 1
    else:
        body = response.json()
        assert body["answers"] == [{"question": "Why us?", "answer": "I like welding"}]
        assert body["status"] == "submitted"
        assert Application.objects.get(pk=body["application"]).seeker == cast.seeker_b


def test_apply_through_the_api_names_the_missing_answer(api_client, cast, world):
    api_client.force_authenticate(cast.seeker_b)
    url = reverse("fairs-api-fair-vacancy-apply", args=[world["fair_vacancy"].pk])
    with translation.override("en"):
        response = api_client.post(url, {"answers": []}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"answers.0": ["Answer this question."]}
    assert FairApplication.objects.count() == 1


def test_apply_to_an_unregistered_fair_and_twice_through_the_api(api_client, cast, world):
    url = reverse("fairs-api-fair-vacancy-apply", args=[world["fair_vacancy"].pk])
    api_client.force_authenticate(cast.seeker_a)
    response = api_client.post(url, {"answers": ["Again"]}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "already_applied")
    stranger = world["fair"].registrations.get(seeker=cast.seeker_b)
    stranger.delete()
    api_client.force_authenticate(cast.seeker_b)
    response = api_client.post(url, {"answers": ["Yes"]}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_registered")


@pytest.mark.parametrize(
    ("actor", "status", "code"),
    [
        ("anonymous", 403, "not_authenticated"),
        ("seeker_a", 201, None),
        ("seeker_b", 403, "application_required"),
        ("employer_a", 403, "seekers_only"),
        ("employer_b", 403, "seekers_only"),
        ("staff_y", 403, "seekers_only"),
        ("admin", 403, "seekers_only"),
    ],
)
def test_who_may_book_a_slot(api_client, cast, world, actor, status, code):
    if actor != "anonymous":
        api_client.force_authenticate(getattr(cast, actor))
    response = api_client.post(reverse("fairs-api-slot-book", args=[world["second_slot"].pk]))
    assert response.status_code == status
    if code:
        assert response.json()["error"]["code"] == code
        assert not SlotBooking.objects.filter(slot=world["second_slot"]).exists()
    else:
        assert response.json()["meeting_link"] == world["second_slot"].meeting_link
        assert SlotBooking.objects.filter(slot=world["second_slot"], seeker=cast.seeker_a).exists()


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 403),
        ("seeker_a", 200),
        ("seeker_b", 404),
        ("employer_a", 200),
        ("employer_b", 404),
        ("staff_x", 404),
        ("staff_y", 404),
        ("admin", 404),
    ],
)
def test_who_may_cancel_seeker_as_booking(api_client, cast, world, actor, status):
    if actor != "anonymous":
        api_client.force_authenticate(getattr(cast, actor))
    response = api_client.post(reverse("fairs-api-booking-cancel", args=[world["booking"].pk]))
    assert response.status_code == status
    world["booking"].refresh_from_db()
    world["slot"].refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "cancelled"
        assert world["booking"].status == SlotBooking.Status.CANCELLED
        assert world["slot"].booked == 0
    else:
        assert world["booking"].status == SlotBooking.Status.BOOKED
        assert world["slot"].booked == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fairs:register", {}),
        ("fairs:unregister", {}),
        ("fairs:fair-vacancy-apply", {"answer_0": "Yes"}),
        ("fairs:slot-book", {}),
        ("fairs:booking-cancel", {}),
    ],
)
def test_anonymous_page_writes_are_sent_to_the_login_page_and_change_nothing(client, world, name, data):
    route = dict(seekers_routes())[name]
    before = (Registration.objects.count(), FairApplication.objects.count(), SlotBooking.objects.count())
    response = client.post(url_for(name, route, world["ids"]), data)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert (Registration.objects.count(), FairApplication.objects.count(), SlotBooking.objects.count()) == before
    world["booking"].refresh_from_db()
    assert world["booking"].status == SlotBooking.Status.BOOKED


@pytest.mark.parametrize("actor", ["employer_a", "employer_b", "staff_x", "admin"])
def test_other_roles_cannot_book_or_apply_from_the_pages(client, cast, world, actor):
    client.force_login(getattr(cast, actor))
    assert client.post(reverse("fairs:slot-book", args=[world["second_slot"].pk])).status_code == 403
    response = client.post(reverse("fairs:fair-vacancy-apply", args=[world["fair_vacancy"].pk]), {"answer_0": "Yes"})
    assert response.status_code == 403
    assert "Only job seekers" in response.content.decode()
    assert client.post(reverse("fairs:register", args=[world["fair"].pk])).status_code == 403
    assert FairApplication.objects.count() == 1
    assert SlotBooking.objects.count() == 1


# --- Lists without N+1 --------------------------------------------------------------------------


def test_the_fair_vacancies_api_is_public_and_reads_in_few_queries(
    api_client, cast, world, django_assert_max_num_queries
):
    fair = world["fair"]
    for _ in range(12):
        offer(take_part(fair, factories.MembershipFactory().user), questions=["Q?"])
    url = reverse("fairs-api-fair-vacancies", args=[fair.pk])
    with django_assert_max_num_queries(4):
        body = api_client.get(url, {"page_size": 50}).json()
    assert body["count"] == 13
    first = next(item for item in body["results"] if item["id"] == world["fair_vacancy"].pk)
    assert first["positions_left"] == 3
    assert first["screening_questions"] == ["Why us?"]
    assert first["organization"]["name"] == "employer-a LLP"
    assert first["url"] == reverse("fairs:fair-vacancy", args=[world["fair_vacancy"].pk])


def test_the_slots_api_reads_in_few_queries(api_client, cast, world, django_assert_max_num_queries):
    for index in range(10):
        make_slot(world["participation"], starts_in=(20 + index) * HOUR)
    api_client.force_authenticate(cast.seeker_a)
    with django_assert_max_num_queries(7):
        body = api_client.get(reverse("fairs-api-slots", args=[world["fair"].pk]), {"page_size": 50}).json()
    assert body["count"] == 12


def test_my_fairs_api_reads_in_few_queries(api_client, cast, world, django_assert_max_num_queries):
    for index in range(5):
        other = offer(world["participation"])
        applied(other, cast.seeker_a)
        slot_book(
            slot=make_slot(world["participation"], starts_in=(30 + index) * HOUR),
            seeker=cast.seeker_a,
            by=cast.seeker_a,
        )
    api_client.force_authenticate(cast.seeker_a)
    with django_assert_max_num_queries(6):
        body = api_client.get(reverse("fairs-api-my")).json()
    assert len(body["applications"]) == 6
    assert len(body["bookings"]) == 6
